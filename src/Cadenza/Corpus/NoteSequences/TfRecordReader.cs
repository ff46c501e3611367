using System.Buffers.Binary;
using Cadenza.Common;

namespace Cadenza.Corpus.NoteSequences;

/// <summary>
/// Reads TFRecord framing: per record, a uint64 little-endian length, the masked CRC-32C of those 8 bytes, the data,
/// and the masked CRC-32C of the data; both CRCs are checked.
/// </summary>
/// <remarks>
/// A record whose data CRC fails is reported and skipped (its length was trusted, so the next record is still found).
/// A length whose CRC fails, an absurd length or a truncation loses the framing: it is reported and the file ends
/// there. The data buffer is reused from record to record, so reading a large file keeps memory flat.
/// </remarks>
internal static class TfRecordReader
{
    /// <summary>Bytes before the data: the length and its CRC.</summary>
    public const int HeaderBytes = sizeof(ulong) + sizeof(uint);

    /// <summary>Bytes after the data: its CRC.</summary>
    public const int FooterBytes = sizeof(uint);

    /// <summary>The largest record accepted (a NoteSequence of a long performance is a few MB); a larger length is taken for corruption before anything is allocated.</summary>
    public const long MaxRecordBytes = 256L << 20;

    /// <summary>Reads the records of <paramref name="stream"/> in order.</summary>
    /// <param name="stream">The file, already decompressed if it was gzipped.</param>
    /// <param name="length">The stream's length when known (a plain file), to reject lengths that run past the end; null otherwise.</param>
    public static IEnumerable<TfRecord> Read(Stream stream, long? length)
    {
        var header = new byte[HeaderBytes];
        var footer = new byte[FooterBytes];
        byte[] data = new byte[1 << 16];
        long offset = 0;
        for (int index = 1; ; index++)
        {
            int got = ReadFully(stream, header);
            if (got == 0) yield break;
            if (got < HeaderBytes)
            {
                yield return Fail(index, offset, $"truncated: the file ends {got} bytes into a record header");
                yield break;
            }
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(header);
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(sizeof(ulong)));
            if (Crc32C.Masked(header.AsSpan(0, sizeof(ulong))) != lengthCrc)
            {
                yield return Fail(index, offset, "length CRC mismatch (corrupt header); the rest of the file cannot be framed");
                yield break;
            }
            long left = length is { } total ? total - offset - HeaderBytes - FooterBytes : long.MaxValue;
            if (size > MaxRecordBytes || (long)size > left)
            {
                string why = size > MaxRecordBytes ? $"larger than the {MaxRecordBytes}-byte limit" : "more than the file holds";
                yield return Fail(index, offset, $"declares {size} bytes, {why}; the rest of the file is skipped");
                yield break;
            }
            int n = (int)size;
            if (data.Length < n) data = new byte[Math.Max(n, data.Length * 2)];
            int read = ReadFully(stream, data.AsSpan(0, n));
            int tail = read == n ? ReadFully(stream, footer) : 0;
            if (read < n || tail < FooterBytes)
            {
                yield return Fail(index, offset, $"truncated: the file ends inside a record of {n} bytes");
                yield break;
            }
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(footer);
            yield return Crc32C.Masked(data.AsSpan(0, n)) == dataCrc
                ? new TfRecord(index, offset, data.AsMemory(0, n), null)
                : Fail(index, offset, "data CRC mismatch (corrupt record)");
            offset += HeaderBytes + n + FooterBytes;
        }
    }

    /// <summary>Writes one record with both CRCs (used by tests and tools that make TFRecord files).</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[sizeof(ulong)..], Crc32C.Masked(header[..sizeof(ulong)]));
        stream.Write(header);
        stream.Write(data);
        Span<byte> footer = stackalloc byte[FooterBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        stream.Write(footer);
    }

    private static TfRecord Fail(int index, long offset, string why) => new(index, offset, ReadOnlyMemory<byte>.Empty, why);

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
