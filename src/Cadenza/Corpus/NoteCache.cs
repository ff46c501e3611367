using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Cadenza.Common;
using Cadenza.Notes;

namespace Cadenza.Corpus;

/// <summary>A binary cache of a corpus's notes so each MIDI file is parsed once; an entry is reused only while the file's size and modification time are unchanged.</summary>
/// <remarks>
/// Layout: magic, version, note struct size, entry count, then per entry: the length of its header, the header
/// (path, size, mtime, status, reason, warning), the note count, the notes as raw <see cref="Note"/> structs
/// (little-endian, this machine's layout), so a read is one memory copy per file, and a CRC-32C of all of it. A
/// mismatch in the file header (another version or layout) discards the whole cache; an entry whose checksum fails
/// (a bit flipped on disk) is dropped, and a truncated file keeps the entries before the cut, so that a damaged
/// cache never serves wrong notes: the files concerned are parsed again.
/// </remarks>
public sealed class NoteCache
{
    private const ulong Magic = 0x31454843_5A444E43;   // "CNDZCHE1"
    private const int Version = 2;
    private const int MaxHeaderBytes = 1 << 20;   // a path and two one-line messages; more means the length is damaged
    private static readonly int NoteSize = Unsafe.SizeOf<Note>();   // the in-memory layout the raw bytes are

    private readonly Dictionary<string, Entry> _entries;

    private NoteCache(string path, Dictionary<string, Entry> entries, int damaged)
    {
        FilePath = path;
        _entries = entries;
        DamagedEntries = damaged;
    }

    /// <summary>The cache file.</summary>
    public string FilePath { get; }

    /// <summary>Entries dropped on loading because their checksum failed or the file was cut inside them.</summary>
    public int DamagedEntries { get; }

    /// <summary>A cached file: its identity (size, mtime) and what reading it gave.</summary>
    public readonly record struct Entry(long Size, long MTimeTicks, CorpusFileStatus Status, string Reason, Note[] Notes, string Warning = "");

    /// <summary>The cache file for a corpus root and a reading mode (different modes give different notes).</summary>
    public static string PathFor(string cacheDirectory, string corpusRoot, string mode)
    {
        string key = Path.GetFullPath(corpusRoot) + "\n" + mode;
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
        return Path.Combine(cacheDirectory, $"notes-{hash}.bin");
    }

    /// <summary>Opens the cache at <paramref name="path"/>; a missing or foreign file gives an empty cache, a damaged one the entries that pass their checksum.</summary>
    public static NoteCache Load(string path)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        int damaged = 0;
        try
        {
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                damaged = Parse(stream, entries);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            entries.Clear();   // an unreadable cache is only a slower start
        }
        return new NoteCache(path, entries, damaged);
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
        var header = new MemoryStream();
        using var h = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true);
        foreach (var (path, e) in _entries.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            header.SetLength(0);
            h.Write(path);
            h.Write(e.Size);
            h.Write(e.MTimeTicks);
            h.Write((byte)e.Status);
            h.Write(e.Reason);
            h.Write(e.Warning);
            h.Write(e.Notes.Length);
            h.Flush();
            ReadOnlySpan<byte> head = header.GetBuffer().AsSpan(0, (int)header.Length);
            ReadOnlySpan<byte> notes = MemoryMarshal.AsBytes(e.Notes.AsSpan());
            w.Write(head.Length);
            w.Write(head);
            w.Write(notes);
            w.Write(~Crc32C.Append(Crc32C.Append(uint.MaxValue, head), notes));
        }
    }

    // Returns the number of entries dropped as damaged.
    private static int Parse(Stream stream, Dictionary<string, Entry> entries)
    {
        // streamed: the notes are read straight into their arrays, one copy from the page cache, no file-sized buffer
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        long length = stream.Length;
        if (length < 20 || reader.ReadUInt64() != Magic || reader.ReadInt32() != Version || reader.ReadInt32() != NoteSize) return 0;
        int count = reader.ReadInt32(), damaged = 0;
        byte[] head = [];
        for (int i = 0; i < count; i++)
        {
            try
            {
                int headLength = reader.ReadInt32();
                if (headLength is < 0 or > MaxHeaderBytes || headLength > length - stream.Position) return damaged + count - i;   // the layout is lost from here on
                if (head.Length < headLength) head = new byte[Math.Max(headLength, 2 * head.Length)];
                stream.ReadExactly(head, 0, headLength);
                using var h = new BinaryReader(new MemoryStream(head, 0, headLength, writable: false), Encoding.UTF8);
                string path = h.ReadString();
                long size = h.ReadInt64();
                long mtime = h.ReadInt64();
                var status = (CorpusFileStatus)h.ReadByte();
                string reason = h.ReadString();
                string warning = h.ReadString();
                int n = h.ReadInt32();
                if (n < 0 || (long)n * NoteSize + sizeof(uint) > length - stream.Position) return damaged + count - i;
                Note[] notes = GC.AllocateUninitializedArray<Note>(n);   // every byte is overwritten just below
                stream.ReadExactly(MemoryMarshal.AsBytes(notes.AsSpan()));
                uint stored = reader.ReadUInt32();
                if (stored != ~Crc32C.Append(Crc32C.Append(uint.MaxValue, head.AsSpan(0, headLength)), MemoryMarshal.AsBytes(notes.AsSpan())))
                {
                    damaged++;   // a flipped bit in this entry: its file will be parsed again
                    continue;
                }
                entries[path] = new Entry(size, mtime, status, reason, notes, warning);
            }
            catch (Exception e) when (e is EndOfStreamException or FormatException or ArgumentException)
            {
                // a header that does not decode (a flipped length byte inside it): the layout after it is lost
                return damaged + count - i;
            }
        }
        return damaged;
    }
}
