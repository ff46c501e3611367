namespace Cadenza.Corpus.NoteSequences;

/// <summary>Splits a UTF-8 stream into lines without decoding it to strings, reusing one buffer, so that a shard of millions of lines reads in flat memory.</summary>
internal static class JsonLineReader
{
    /// <summary>A longer line is reported and skipped (a Bach Doodle session is a few kB).</summary>
    public const int MaxLineBytes = 16 << 20;

    private const int ChunkBytes = 1 << 16;

    /// <summary>Reads the lines of <paramref name="stream"/>; a final line without a line break is given too. "\r\n" endings lose the "\r".</summary>
    public static IEnumerable<JsonLine> Read(Stream stream)
    {
        byte[] buffer = new byte[ChunkBytes * 4];
        int start = 0, end = 0;   // unread bytes are buffer[start..end]
        long number = 0;
        bool skipping = false;     // inside a line that is too long, until its end
        while (true)
        {
            int newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline >= 0)
            {
                number++;
                if (skipping) skipping = false;
                else yield return new JsonLine(number, Trim(buffer.AsMemory(start, newline - start)), null);
                start = newline + 1;
                continue;
            }
            if (skipping) start = end;   // drop what we have of the long line
            if (end - start >= MaxLineBytes && !skipping)
            {
                yield return new JsonLine(number + 1, ReadOnlyMemory<byte>.Empty, $"longer than {MaxLineBytes} bytes; skipped");
                skipping = true;
                start = end;
            }
            // move the partial line to the front, grow if it fills the buffer, then read more
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (buffer.Length - end < ChunkBytes) Array.Resize(ref buffer, buffer.Length * 2);
            int n = stream.Read(buffer, end, buffer.Length - end);
            if (n == 0)
            {
                if (end > start && !skipping) yield return new JsonLine(number + 1, Trim(buffer.AsMemory(start, end - start)), null);
                yield break;
            }
            end += n;
        }
    }

    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> line) =>
        line.Length > 0 && line.Span[^1] == (byte)'\r' ? line[..^1] : line;
}
