using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Cadenza.Common;
using Cadenza.Notes;

namespace Cadenza.Corpus;

/// <summary>A binary cache of a corpus's notes so each MIDI file is parsed once; an entry is reused only while the file's size and modification time are unchanged.</summary>
/// <remarks>
/// Layout: magic, version, note struct size, entry count, then per entry: path, size, mtime, status, reason, note
/// count and the notes as raw <see cref="Note"/> structs (little-endian, this machine's layout), so a read is one
/// memory copy per file. Any mismatch in the header (another version or layout) discards the whole cache.
/// </remarks>
public sealed class NoteCache
{
    private const ulong Magic = 0x31454843_5A444E43;   // "CNDZCHE1"
    private const int Version = 1;
    private static readonly int NoteSize = Unsafe.SizeOf<Note>();   // the in-memory layout the raw bytes are

    private readonly Dictionary<string, Entry> _entries;

    private NoteCache(string path, Dictionary<string, Entry> entries)
    {
        FilePath = path;
        _entries = entries;
    }

    /// <summary>The cache file.</summary>
    public string FilePath { get; }

    /// <summary>A cached file: its identity (size, mtime) and what reading it gave.</summary>
    public readonly record struct Entry(long Size, long MTimeTicks, CorpusFileStatus Status, string Reason, Note[] Notes);

    /// <summary>The cache file for a corpus root and a reading mode (different modes give different notes).</summary>
    public static string PathFor(string cacheDirectory, string corpusRoot, string mode)
    {
        string key = Path.GetFullPath(corpusRoot) + "\n" + mode;
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
        return Path.Combine(cacheDirectory, $"notes-{hash}.bin");
    }

    /// <summary>Opens the cache at <paramref name="path"/>; a missing, foreign or damaged file gives an empty cache.</summary>
    public static NoteCache Load(string path)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        try
        {
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                Parse(stream, entries);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException or EndOfStreamException)
        {
            entries.Clear();   // a damaged cache is only a slower start
        }
        return new NoteCache(path, entries);
    }

    /// <summary>Returns the cached result for <paramref name="relativePath"/> if the file still has this size and mtime.</summary>
    public bool TryGet(string relativePath, long size, long mtimeTicks, out Entry entry) =>
        _entries.TryGetValue(relativePath, out entry) && entry.Size == size && entry.MTimeTicks == mtimeTicks;

    /// <summary>
    /// Writes the file atomically with these entries: replacing the contents (a whole corpus was read, so files no
    /// longer there are forgotten), or added to them when only part of it was read (one split of a dataset).
    /// </summary>
    public void Save(IEnumerable<(string Path, Entry Entry)> entries, bool replace = true)
    {
        if (replace) _entries.Clear();
        foreach (var (p, e) in entries) _entries[p] = e;
        AtomicFile.Write(FilePath, Write);
    }

    /// <summary>Number of cached files.</summary>
    public int Count => _entries.Count;

    private void Write(Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write(NoteSize);
        w.Write(_entries.Count);
        foreach (var (path, e) in _entries.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.Write(path);
            w.Write(e.Size);
            w.Write(e.MTimeTicks);
            w.Write((byte)e.Status);
            w.Write(e.Reason);
            w.Write(e.Notes.Length);
            w.Write(MemoryMarshal.AsBytes(e.Notes.AsSpan()));
        }
    }

    private static void Parse(Stream stream, Dictionary<string, Entry> entries)
    {
        // streamed: the notes are read straight into their arrays, one copy from the page cache, no file-sized buffer
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        long length = stream.Length;
        if (length < 20 || reader.ReadUInt64() != Magic || reader.ReadInt32() != Version || reader.ReadInt32() != NoteSize) return;
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            string path = reader.ReadString();
            long size = reader.ReadInt64();
            long mtime = reader.ReadInt64();
            var status = (CorpusFileStatus)reader.ReadByte();
            string reason = reader.ReadString();
            int n = reader.ReadInt32();
            if (n < 0 || (long)n * NoteSize > length - stream.Position) throw new FormatException("cache entry runs past the end");
            Note[] notes = GC.AllocateUninitializedArray<Note>(n);   // every byte is overwritten just below
            stream.ReadExactly(MemoryMarshal.AsBytes(notes.AsSpan()));
            entries[path] = new Entry(size, mtime, status, reason, notes);
        }
    }
}
