using System.Globalization;

namespace Mnist.Train;

/// <summary>
/// The output folder of one run. The run writes into a hidden staging folder beside <c>--output</c> and the result moves
/// into place at the end, so the folder always describes one run: a failed run leaves the previous result untouched, an
/// interrupted run never replaces a complete one (it is kept beside it), and a lock file refuses a second concurrent run
/// into the same folder. Staging folders of crashed runs are removed by the next run (only this class's own names).
/// </summary>
internal sealed class RunOutput : IDisposable
{
    private readonly FileStream _lock;
    private bool _committed;

    private RunOutput(string target, FileStream lockFile, string staging)
    {
        Target = target;
        _lock = lockFile;
        Staging = staging;
    }

    /// <summary>Where the result goes (full path of <c>--output</c>).</summary>
    public string Target { get; }

    /// <summary>The folder this run writes into until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    private string Parent => Path.GetDirectoryName(Target)!;

    private string Name => Path.GetFileName(Target);

    /// <summary>
    /// Locks <paramref name="output"/> for this run, removes staging folders that crashed runs left, and creates this
    /// run's staging folder.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> exists and is not the output of an earlier run (nothing of the user's is overwritten).</exception>
    /// <exception cref="IOException">Another run holds the lock, or the folder cannot be written.</exception>
    public static RunOutput Acquire(string output)
    {
        string target = Path.GetFullPath(output).TrimEnd(Path.DirectorySeparatorChar);
        if (System.IO.File.Exists(target)) throw new ArgumentException($"--output {target} is a file; choose a folder.");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !IsRunOutput(target))
            throw new ArgumentException($"--output {target} exists and is not the output of an earlier Mnist.Train run (no metrics.json or ensemble/); choose another folder so that nothing of yours is overwritten.");

        string parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"--output {target} has no parent folder.");
        Directory.CreateDirectory(parent);
        string lockPath = Path.Combine(parent, $".{Path.GetFileName(target)}.lock");
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            throw new IOException($"another Mnist.Train run is writing {target} (it holds {lockPath}); wait for it to finish or choose another --output.", ex);
        }

        try
        {
            foreach (var leftover in Directory.EnumerateDirectories(parent, $".{Path.GetFileName(target)}.staging-*"))
                Directory.Delete(leftover, recursive: true);
            string staging = Path.Combine(parent, $".{Path.GetFileName(target)}.staging-{Guid.NewGuid():N}");
            Directory.CreateDirectory(staging);
            return new RunOutput(target, lockFile, staging);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>A path inside the staging folder.</summary>
    public string File(string name) => Path.Combine(Staging, name);

    /// <summary>Moves the complete result into place, replacing the previous run's output.</summary>
    /// <returns>The output folder.</returns>
    public string Commit()
    {
        if (Directory.Exists(Target))
        {
            string old = Path.Combine(Parent, $".{Name}.staging-old-{Guid.NewGuid():N}");
            Directory.Move(Target, old);
            Directory.Move(Staging, Target);
            Directory.Delete(old, recursive: true);
        }
        else
        {
            Directory.Move(Staging, Target);
        }

        _committed = true;
        return Target;
    }

    /// <summary>
    /// Keeps the partial result of an interrupted run: in the output folder when it is empty or absent, else beside it
    /// (<c>&lt;output&gt;-interrupted-yyyyMMdd-HHmmss</c>), so a complete earlier run is never replaced by a partial one.
    /// </summary>
    /// <returns>Where the partial result is.</returns>
    public string CommitInterrupted()
    {
        string destination = Directory.Exists(Target) && Directory.EnumerateFileSystemEntries(Target).Any()
            ? Path.Combine(Parent, $"{Name}-interrupted-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}")
            : Target;
        if (Directory.Exists(destination)) Directory.Delete(destination, recursive: false); // only an empty target remains here
        Directory.Move(Staging, destination);
        _committed = true;
        return destination;
    }

    /// <summary>Deletes the staging folder of a run that did not commit, and releases the lock.</summary>
    public void Dispose()
    {
        try
        {
            if (!_committed && Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
        }
        finally
        {
            _lock.Dispose();
        }
    }

    private static bool IsRunOutput(string folder) =>
        System.IO.File.Exists(Path.Combine(folder, "metrics.json")) || Directory.Exists(Path.Combine(folder, "ensemble"));
}
