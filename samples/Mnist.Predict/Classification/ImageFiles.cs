namespace Mnist.Predict.Classification;

/// <summary>Turns the command line's image arguments (files and folders) into a list of files.</summary>
public static class ImageFiles
{
    /// <summary>File extensions picked up from folders (case-insensitive).</summary>
    public static IReadOnlyList<string> KnownExtensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".tga", ".webp", ".pbm"];

    /// <summary>
    /// Expands each folder to its image files (top level only, by <see cref="KnownExtensions"/>, sorted by name); anything
    /// else is kept as given, so that a missing or non-image file is reported by the preprocessing.
    /// </summary>
    /// <param name="inputs">Files and folders.</param>
    /// <exception cref="IOException">A folder cannot be listed; the message names it.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var files = new List<string>();
        foreach (string input in inputs)
        {
            if (!Directory.Exists(input))
            {
                files.Add(input);
                continue;
            }

            try
            {
                files.AddRange(Directory.EnumerateFiles(input)
                    .Where(f => KnownExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .ToArray());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"{input}: cannot list the folder: {ex.Message}", ex);
            }
        }

        return files;
    }
}
