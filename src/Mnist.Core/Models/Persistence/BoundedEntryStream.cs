using System.IO.Compression;

namespace Mnist.Models;

/// <summary>
/// Reads one zip entry without trusting its header: it throws <see cref="EntryTooLargeException"/> as soon as more than
/// <see cref="Limit"/> bytes come out (whatever size the entry declares), and at the end of the data it checks that the
/// entry held exactly its declared size and that the CRC-32 matches, throwing <see cref="InvalidDataException"/>
/// otherwise. Read-only, forward-only. Disposing it closes the entry's stream.
/// </summary>
internal sealed class BoundedEntryStream : Stream
{
    private readonly Stream _inner;
    private readonly long _declaredLength;
    private readonly uint _declaredCrc;
    private uint _crc = Crc32.Initial;
    private long _read;
    private bool _verified;

    /// <summary>Opens <paramref name="entry"/>; refuses it at once when it declares more than <paramref name="limit"/> bytes.</summary>
    /// <exception cref="EntryTooLargeException">The entry declares more than <paramref name="limit"/> bytes.</exception>
    public BoundedEntryStream(ZipArchiveEntry entry, long limit)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
        _declaredLength = entry.Length;
        _declaredCrc = entry.Crc32;
        if (_declaredLength > limit) throw new EntryTooLargeException(entry.FullName, limit, _declaredLength);
        EntryName = entry.FullName;
        _inner = entry.Open();
    }

    /// <summary>Most bytes this stream returns before refusing the entry.</summary>
    public long Limit { get; }

    /// <summary>The entry's name in the archive.</summary>
    public string EntryName { get; }

    /// <summary>Bytes returned so far.</summary>
    public long BytesRead => _read;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    /// <summary>Reads the whole entry into memory (it has already been bounded by <see cref="Limit"/>).</summary>
    public byte[] ReadAll()
    {
        using var buffer = new MemoryStream((int)Math.Min(_declaredLength, Math.Min(Limit, Array.MaxLength)));
        CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Reads whatever is left (at most up to the limit), so that the length and CRC-32 are checked.</summary>
    public void VerifyToEnd()
    {
        var scratch = new byte[16384];
        while (Read(scratch, 0, scratch.Length) > 0)
        {
        }
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0) return 0;
        // Ask for at most one byte beyond the limit: enough to notice that the entry is longer, never much more.
        long allowed = Limit - _read + 1;
        if (buffer.Length > allowed) buffer = buffer[..(int)allowed];
        int n = _inner.Read(buffer);
        if (n == 0)
        {
            Verify();
            return 0;
        }

        _read += n;
        if (_read > Limit) throw new EntryTooLargeException(EntryName, Limit, null);
        _crc = Crc32.Update(_crc, buffer[..n]);
        return n;
    }

    /// <inheritdoc />
    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    private void Verify()
    {
        if (_verified) return;
        _verified = true;
        if (_read != _declaredLength)
            throw new InvalidDataException($"entry '{EntryName}' declares {_declaredLength:N0} bytes but holds {_read:N0}: the archive is corrupt.");
        uint crc = Crc32.Finish(_crc);
        if (crc != _declaredCrc)
            throw new InvalidDataException($"entry '{EntryName}' fails its CRC-32 check (stored {_declaredCrc:x8}, computed {crc:x8}): the archive is corrupt.");
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>A zip entry declares or inflates to more bytes than the reader allows.</summary>
internal sealed class EntryTooLargeException : IOException
{
    public EntryTooLargeException(string entryName, long limit, long? declared)
        : base(declared is { } d
            ? $"entry '{entryName}' declares {d:N0} bytes, more than the limit of {limit:N0} bytes"
            : $"entry '{entryName}' inflates to more than the limit of {limit:N0} bytes (its header declares less)")
    {
        EntryName = entryName;
        Limit = limit;
    }

    public string EntryName { get; }

    public long Limit { get; }
}

/// <summary>CRC-32 (IEEE 802.3, as in zip files), table-driven.</summary>
internal static class Crc32
{
    public const uint Initial = 0xFFFFFFFFu;

    private static readonly uint[] Table = CreateTable();

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (byte b in data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    public static uint Finish(uint crc) => crc ^ 0xFFFFFFFFu;

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }

        return table;
    }
}
