using System.Globalization;

namespace Mnist.Train;

/// <summary>
/// The output folder of one run. The run writes into a hidden staging folder beside <c>--output</c> and the result moves
/// into place at the end, so the folder always describes one run: a failed run leaves the previous result untouched, an
/// interrupted run never replaces a complete one (it is kept beside it), and a lock file refuses a second concurrent run
/// into the same folder. Only folders that hold nothing but what an earlier run wrote (its marker file among them) are
/// ever replaced. Leftovers of crashed runs (this class's own names only) are cleaned up or restored by the next run.
/// </summary>
internal sealed class RunOutput : IDisposable
{
    /// <summary>The file that marks a folder as written by Mnist.Train.</summary>
    public const string MarkerFileName = ".mnist-train-run";

    /// <summary>Every name a run writes at the top of its folder; a folder holding anything else is not replaced.</summary>
    private static readonly HashSet<string> RunEntries = new(StringComparer.Ordinal)
    {
        MarkerFileName, "metrics.json", "history.csv", "ensemble", TrainRun.OnnxFileName,
        "01-digit-normalized.png", "02-augmented-batch.png", "03-training-curves.png", "04-confusion-matrix.png",
        "05-wrong.png", "06-right.png", "07-most-uncertain.png", "08-most-uncertain-entropy.png",
    };

    private readonly FileStream _lock;
    private readonly TextWriter _warnings;
    private bool _done;

    private RunOutput(string target, FileStream lockFile, string staging, TextWriter warnings)
    {
        Target = target;
        _lock = lockFile;
        Staging = staging;
        _warnings = warnings;
    }

    /// <summary>Where the result goes (full path of <c>--output</c>).</summary>
    public string Target { get; }

    /// <summary>The folder this run writes into until it is committed.</summary>
    public string Staging { get; }

    private string Parent => Path.GetDirectoryName(Target)!;

    private string Name => Path.GetFileName(Target);

    /// <summary>
    /// Locks <paramref name="output"/> for this run, cleans up after crashed runs, and creates this run's staging folder.
    /// </summary>
    /// <exception cref="UsageException"><paramref name="output"/> holds something an earlier run did not write.</exception>
    /// <exception cref="IOException">Another run holds the lock, or the parent folder cannot be written.</exception>
    public static RunOutput Acquire(string output, TextWriter warnings)
    {
        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        string parent = Path.GetDirectoryName(target) ?? throw new UsageException($"--output {target} is a root folder; choose a folder below it.");
        string name = Path.GetFileName(target);
        if (File.Exists(target)) throw new UsageException($"--output {target} is a file; choose a folder.");
        try
        {
            Directory.CreateDirectory(parent);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException($"cannot create the parent folder {parent} of --output: {ex.Message}", ex);
        }

        string lockPath = Path.Combine(parent, $".{name}.lock");
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException($"cannot write {lockPath}: the folder {parent} that holds --output must be writable ({ex.Message}).", ex);
        }
        catch (IOException ex) when (IsHeldByAnotherProcess(lockPath))
        {
            throw new IOException($"another Mnist.Train run is writing {target} (it holds {lockPath}); wait for it to finish or choose another --output.", ex);
        }
        catch (IOException ex)
        {
            throw new IOException($"cannot create the lock file {lockPath}: {ex.Message}", ex);
        }

        try
        {
            RecoverAfterCrash(parent, name, target, warnings);
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            {
                if (!File.Exists(Path.Combine(target, MarkerFileName)))
                    throw new UsageException($"--output {target} exists and is not the output of an earlier Mnist.Train run (it has no {MarkerFileName}); choose another folder so that nothing of yours is overwritten.");
                var foreign = Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName).Where(n => !RunEntries.Contains(n!)).Take(5).ToArray();
                if (foreign.Length > 0)
                    throw new UsageException($"--output {target} holds an earlier run and also {string.Join(", ", foreign)}, which Mnist.Train did not write; move them or choose another --output, so that nothing of yours is lost when the new run replaces the old one.");
            }

            string staging = Path.Combine(parent, $".{name}.staging-{Guid.NewGuid():N}");
            Directory.CreateDirectory(staging);
            File.WriteAllText(Path.Combine(staging, MarkerFileName), "Written by Mnist.Train; this folder holds one run.\n");
            return new RunOutput(target, lockFile, staging, warnings);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>A path inside the staging folder.</summary>
    public string PathOf(string name) => Path.Combine(Staging, name);

    /// <summary>
    /// Moves the complete result into place, replacing the previous run's output. If the swap fails, the previous output is
    /// put back and the new result is kept beside it (<c>&lt;output&gt;-completed-…</c>); nothing is lost either way.
    /// </summary>
    /// <returns>Where the result is.</returns>
    /// <exception cref="IOException">The result could not be moved into place; the message says where it was kept.</exception>
    public string Commit()
    {
        string? old = null;
        try
        {
            if (Directory.Exists(Target))
            {
                old = Path.Combine(Parent, $".{Name}.staging-old-{Guid.NewGuid():N}");
                Directory.Move(Target, old);
            }

            Directory.Move(Staging, Target);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (old is not null && !Directory.Exists(Target) && Directory.Exists(old)) Directory.Move(old, Target);
            string kept = KeepBeside("completed");
            throw new IOException($"could not move the result into {Target} ({ex.Message}); the previous output is unchanged and this run's complete result is in {kept}.", ex);
        }

        _done = true;
        if (old is not null) TryDelete(old);
        return Target;
    }

    /// <summary>
    /// Keeps the partial result of an interrupted run: in the output folder when it is empty or absent, else beside it
    /// (<c>&lt;output&gt;-interrupted-…</c>), so a complete earlier run is never replaced by a partial one.
    /// </summary>
    /// <returns>Where the partial result is.</returns>
    public string CommitInterrupted()
    {
        if (!Directory.Exists(Target) || !Directory.EnumerateFileSystemEntries(Target).Any())
        {
            try
            {
                if (Directory.Exists(Target)) Directory.Delete(Target);
                Directory.Move(Staging, Target);
                _done = true;
                return Target;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _warnings.WriteLine($"warning: could not use {Target} ({ex.Message}); keeping the partial result beside it.");
            }
        }

        return KeepBeside("interrupted");
    }

    /// <summary>Gives up: deletes the staging folder (best effort) and releases the lock.</summary>
    public void Dispose()
    {
        if (!_done) TryDelete(Staging);
        _lock.Dispose();
    }

    private string KeepBeside(string label)
    {
        string kept = Path.Combine(Parent, $"{Name}-{label}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.Move(Staging, kept);
        _done = true;
        return kept;
    }

    private void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _warnings.WriteLine($"warning: could not remove the temporary folder {folder}: {ex.Message}");
        }
    }

    /// <summary>
    /// After a crash: a staging-old folder while the output is missing is the previous output, caught between the two
    /// renames of a commit — put it back. Other staging folders are unfinished runs — remove them.
    /// </summary>
    private static void RecoverAfterCrash(string parent, string name, string target, TextWriter warnings)
    {
        foreach (var old in Directory.EnumerateDirectories(parent, $".{name}.staging-old-*"))
        {
            if (!Directory.Exists(target))
            {
                Directory.Move(old, target);
                warnings.WriteLine($"warning: restored {target} from {old}, left by a run that crashed while replacing it.");
            }
        }

        foreach (var leftover in Directory.EnumerateDirectories(parent, $".{name}.staging-*"))
        {
            try
            {
                Directory.Delete(leftover, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                warnings.WriteLine($"warning: could not remove {leftover}, left by a crashed run: {ex.Message}");
            }
        }
    }

    /// <summary>Whether opening <paramref name="lockPath"/> failed because another process holds its lock (it exists and can be read).</summary>
    private static bool IsHeldByAnotherProcess(string lockPath)
    {
        if (!File.Exists(lockPath)) return false;
        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return true; // readable, so the failure was the exclusive lock
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
