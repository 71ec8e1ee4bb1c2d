using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;

namespace Mnist.Tests.Models;

/// <summary>Crafts hostile whole-model files: rewrites entries inside a saved zip and forges the sizes its headers declare.</summary>
internal static class ModelFileEditing
{
    /// <summary>Replaces the model.json entry of a whole-model file with <paramref name="edit"/> of its text.</summary>
    public static void RewriteModelJson(string path, Func<string, string> edit)
    {
        string json = Encoding.UTF8.GetString(ReadEntry(path, "model.json"));
        ReplaceEntry(path, "model.json", stream =>
        {
            byte[] bytes = Encoding.UTF8.GetBytes(edit(json));
            stream.Write(bytes);
        });
    }

    /// <summary>The decompressed bytes of an entry.</summary>
    public static byte[] ReadEntry(string path, string name)
    {
        using var zip = ZipFile.OpenRead(path);
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Replaces (or appends) entry <paramref name="name"/>, whose content <paramref name="write"/> writes, keeping the
    /// other entries in order. The archive is rewritten in create mode, which streams to disk: a multi-gigabyte entry
    /// costs no memory (update mode would buffer it).
    /// </summary>
    public static void ReplaceEntry(string path, string name, Action<Stream> write, CompressionLevel level = CompressionLevel.Fastest)
    {
        var others = new List<(string Name, byte[]? Bytes)>();
        using (var zip = ZipFile.OpenRead(path))
        {
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName == name)
                {
                    if (!others.Any(o => o.Bytes is null)) others.Add((name, null));
                    continue;
                }

                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                others.Add((entry.FullName, copy.ToArray()));
            }
        }

        if (!others.Any(o => o.Bytes is null)) others.Add((name, null));
        using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite);
        using var archive = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var (entryName, bytes) in others)
        {
            using var stream = archive.CreateEntry(entryName, bytes is null ? level : CompressionLevel.Fastest).Open();
            if (bytes is null) write(stream);
            else stream.Write(bytes);
        }
    }

    /// <summary>Removes an entry.</summary>
    public static void DeleteEntry(string path, string name)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        zip.GetEntry(name)?.Delete();
    }

    /// <summary>Writes <paramref name="count"/> zero bytes in 1 MiB blocks (deflates to about a thousandth).</summary>
    public static void WriteZeros(Stream stream, long count)
    {
        var block = new byte[1 << 20];
        for (long left = count; left > 0; left -= block.Length) stream.Write(block, 0, (int)Math.Min(block.Length, left));
    }

    /// <summary>
    /// Makes the zip headers (central directory and local header) of entry <paramref name="name"/> declare
    /// <paramref name="uncompressedSize"/> bytes, without touching the data or its CRC: a lying header.
    /// </summary>
    public static void ForgeDeclaredSize(string path, string name, uint uncompressedSize)
    {
        byte[] zip = File.ReadAllBytes(path);
        int eocd = -1;
        for (int i = zip.Length - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == 0x06054b50)
            {
                eocd = i;
                break;
            }
        }

        if (eocd < 0) throw new InvalidDataException("no end of central directory");
        int entries = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(eocd + 10));
        int offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(eocd + 16));
        bool found = false;
        for (int e = 0; e < entries; e++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(offset)) != 0x02014b50) throw new InvalidDataException("bad central directory");
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(offset + 28));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(offset + 30));
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(offset + 32));
            string entryName = Encoding.UTF8.GetString(zip, offset + 46, nameLength);
            if (entryName == name)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(offset + 24), uncompressedSize);
                int local = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(offset + 42));
                if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(local + 22)) != 0)
                    BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(local + 22), uncompressedSize);
                found = true;
            }

            offset += 46 + nameLength + extraLength + commentLength;
        }

        if (!found) throw new InvalidDataException($"no entry {name}");
        File.WriteAllBytes(path, zip);
    }

    /// <summary>Offset in the zip of the first byte of entry <paramref name="name"/>'s (compressed) data.</summary>
    public static long DataOffset(string path, string name)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int eocd = bytes.Length - 22;
        while (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(eocd)) != 0x06054b50) eocd--;
        int entries = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(eocd + 10));
        int offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(eocd + 16));
        for (int e = 0; e < entries; e++)
        {
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 28));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 30));
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 32));
            if (Encoding.UTF8.GetString(bytes, offset + 46, nameLength) == name)
            {
                int local = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 42));
                int localName = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(local + 26));
                int localExtra = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(local + 28));
                return local + 30 + localName + localExtra;
            }

            offset += 46 + nameLength + extraLength + commentLength;
        }

        throw new InvalidDataException($"no entry {name}");
    }
}

/// <summary>
/// Elapsed time, peak resident memory and managed allocations of one action. On Linux the kernel's peak-RSS counter
/// (VmHWM) is reset first (<c>/proc/self/clear_refs</c>), so the peak is that of the action (tests do not run in parallel).
/// </summary>
internal sealed record ResourceUse(TimeSpan Elapsed, long PeakResidentDelta, long ManagedAllocated, bool PeakIsExact, Exception? Thrown)
{
    public static ResourceUse Measure(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        bool exact = TryResetPeak();
        long before = exact ? Status("VmRSS") : Process.GetCurrentProcess().PeakWorkingSet64;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        Exception? thrown = null;
        try
        {
            action();
        }
        catch (Exception ex)
        {
            thrown = ex;
        }

        watch.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        long peak = exact ? Status("VmHWM") : Process.GetCurrentProcess().PeakWorkingSet64;
        return new ResourceUse(watch.Elapsed, Math.Max(0, peak - before), allocated, exact, thrown);
    }

    public override string ToString() =>
        $"{Elapsed.TotalSeconds:F2} s, peak RSS +{PeakResidentDelta / 1048576.0:F1} MB{(PeakIsExact ? "" : " (process peak, not reset)")}, managed allocations {ManagedAllocated / 1048576.0:F1} MB";

    private static bool TryResetPeak()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Status(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }

        return 0;
    }
}
