namespace Cadenza.Corpus.Sources;

/// <summary>One MIDI file to read: a file on disk or an entry of a zip, with its identity for the note cache and its split tag.</summary>
/// <param name="Relative">The name it is reported and cached under (relative to the corpus root, or the entry's path in the zip).</param>
/// <param name="Location">The file's path, or the zip's path when <paramref name="Entry"/> is set.</param>
/// <param name="Entry">The zip entry's full name; null for a file on disk.</param>
/// <param name="Size">Bytes (the uncompressed entry size for a zip entry); -1 when missing.</param>
/// <param name="MTimeTicks">Last write time, UTC ticks: with the size, what tells the cache that the file changed.</param>
/// <param name="Split">The dataset's split tag, if any.</param>
internal sealed record MidiItem(string Relative, string Location, string? Entry, long Size, long MTimeTicks, DataSplit? Split)
{
    /// <summary>An item for a file on disk, reading its size and mtime now.</summary>
    public static MidiItem ForFile(string path, string relative, DataSplit? split)
    {
        var info = new FileInfo(path);
        return new MidiItem(relative, path, null, info.Exists ? info.Length : -1, info.Exists ? info.LastWriteTimeUtc.Ticks : 0, split);
    }
}
