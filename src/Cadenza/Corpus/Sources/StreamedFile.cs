using System.IO.Compression;
using Cadenza.Common;

namespace Cadenza.Corpus.Sources;

/// <summary>The two steps every streamed dataset file (a Bach Doodle shard, a TFRecord file) takes: open, then advance a reader that may fail half way.</summary>
internal static class StreamedFile
{
    /// <summary>
    /// Opens <paramref name="path"/>, decompressing it when its content is gzip; null with <paramref name="reason"/>
    /// when it cannot be read. <paramref name="length"/> is the byte length a reader can check against, unknown (null)
    /// for gzip.
    /// </summary>
    public static Stream? Open(string path, string what, out long? length, out string? reason)
    {
        FileStream file;
        try
        {
            file = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            (length, reason) = (null, $"cannot read the {what} ({e.Message.ReplaceLineEndings(" ")})");
            return null;
        }
        reason = null;
        if (Gzip.IsGzip(file))
        {
            length = null;
            return new GZipStream(file, CompressionMode.Decompress);
        }
        length = file.Length;
        return file;
    }

    /// <summary>
    /// Moves <paramref name="items"/> on; false at the end, or when the data fails half way (corrupt gzip, a read
    /// error), with <paramref name="broken"/> naming the last good <paramref name="unit"/> and saying the rest of the
    /// <paramref name="what"/> is skipped, so that one bad file ends only itself.
    /// </summary>
    public static bool Advance<T>(IEnumerator<T> items, string unit, long last, string what, out string? broken)
    {
        broken = null;
        try
        {
            return items.MoveNext();
        }
        catch (InvalidDataException e)
        {
            broken = $"corrupt gzip data after {unit} {last} ({e.Message.ReplaceLineEndings(" ")}); the rest of the {what} is skipped";
        }
        catch (IOException e)   // a network disk, a bad sector
        {
            broken = $"read error after {unit} {last} ({e.Message.ReplaceLineEndings(" ")}); the rest of the {what} is skipped";
        }
        return false;
    }
}
