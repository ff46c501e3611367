namespace Cadenza.Common;

/// <summary>Tells gzip data by its content rather than its name.</summary>
public static class Gzip
{
    /// <summary>
    /// Whether a seekable stream starts with gzip's magic bytes (1F 8B); the position is left where it was. Names lie
    /// both ways: TFRecords written with GZIP compression keep a plain <c>.tfrecord</c> name, and a <c>.gz</c> shard
    /// may already have been decompressed by the tool that downloaded it.
    /// </summary>
    public static bool IsGzip(Stream stream)
    {
        if (!stream.CanSeek) return false;
        long at = stream.Position;
        Span<byte> magic = stackalloc byte[2];
        int read = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        stream.Position = at;
        return read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }
}
