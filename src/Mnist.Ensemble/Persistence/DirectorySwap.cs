namespace Mnist.Ensemble;

/// <summary>
/// Writes a folder next to its destination and then swaps it in with renames, so a failure while writing leaves an
/// existing folder untouched. Between the two renames of a replacement the previous folder is kept as
/// <c>.{name}.old-{guid}</c> and is put back if the second rename fails.
/// </summary>
internal static class DirectorySwap
{
    public static void Replace(string destination, Action<string> writeInto, Func<string, bool> mayReplace, string refusal)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        string parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{destination}' has no parent folder.", nameof(destination));
        string name = Path.GetFileName(full);
        if (File.Exists(full)) throw new IOException($"'{full}' is a file; an ensemble is saved as a folder.");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !mayReplace(full))
            throw new EnsembleFileException(full, refusal);

        Directory.CreateDirectory(parent);
        string token = Guid.NewGuid().ToString("N");
        string temp = Path.Combine(parent, $".{name}.saving-{token}");
        Directory.CreateDirectory(temp);
        try
        {
            writeInto(temp);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        if (!Directory.Exists(full))
        {
            try
            {
                Directory.Move(temp, full);
            }
            catch
            {
                TryDelete(temp);
                throw;
            }

            return;
        }

        string old = Path.Combine(parent, $".{name}.old-{token}");
        try
        {
            Directory.Move(full, old);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        try
        {
            Directory.Move(temp, full);
        }
        catch
        {
            Directory.Move(old, full);
            TryDelete(temp);
            throw;
        }

        TryDelete(old);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover hidden copy is harmless; the destination is already correct (or untouched).
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
