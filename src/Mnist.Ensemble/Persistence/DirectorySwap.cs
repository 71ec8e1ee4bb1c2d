namespace Mnist.Ensemble;

/// <summary>
/// Writes a folder next to its destination and then swaps it in with renames, so a failure while writing leaves an
/// existing folder untouched. Between the two renames of a replacement the previous folder is kept as
/// <c>.{name}.old-{guid}</c> and is put back if the second rename fails. Saves of one destination are serialised by a lock
/// file (<c>.{name}.lock</c>, deleted when released), and each successful save removes the hidden folders that crashed
/// saves of the same destination left behind.
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
        using var saveLock = AcquireLock(parent, name, full);
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

            CleanLeftovers(parent, name);
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
        CleanLeftovers(parent, name);
    }

    /// <summary>
    /// The hidden folders a save of <paramref name="name"/> creates: <c>.{name}.saving-{32 hex digits}</c> and
    /// <c>.{name}.old-{32 hex digits}</c>. Only folders with exactly these names are ever deleted as leftovers.
    /// </summary>
    internal static bool IsLeftoverName(string folderName, string name)
    {
        string[] prefixes = [$".{name}.saving-", $".{name}.old-"];
        foreach (var prefix in prefixes)
        {
            if (folderName.Length == prefix.Length + 32 && folderName.StartsWith(prefix, StringComparison.Ordinal)
                && folderName.AsSpan(prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0)
                return true;
        }

        return false;
    }

    /// <summary>
    /// Deletes what earlier saves of this destination left behind when they crashed (killed between writing and
    /// swapping): its own hidden <c>.saving-</c> and <c>.old-</c> folders, nothing else. Runs after a successful save, under
    /// the save lock, so that no save in progress is touched and a failed save keeps whatever an earlier crash left.
    /// </summary>
    private static void CleanLeftovers(string parent, string name)
    {
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(parent, "." + name + ".*").ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var folder in candidates)
        {
            if (!IsLeftoverName(Path.GetFileName(folder), name)) continue;
            try
            {
                // A symbolic link is not something this library created: leave it (and its target) alone.
                if (new DirectoryInfo(folder).LinkTarget is not null) continue;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            TryDelete(folder);
        }
    }

    /// <summary>
    /// Takes the save lock of a destination: the hidden file <c>.{name}.lock</c> beside it, opened exclusively and deleted
    /// when released. A second save into the same folder while one is running (in this or another process) is refused.
    /// </summary>
    private static FileStream AcquireLock(string parent, string name, string full)
    {
        string path = Path.Combine(parent, $".{name}.lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            throw new IOException($"Another save into '{full}' is in progress ({path} is locked); try again when it has finished.", ex);
        }
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
