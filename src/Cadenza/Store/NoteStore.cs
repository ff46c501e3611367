using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using Cadenza.Common;
using Cadenza.Notes;

namespace Cadenza.Store;

/// <summary>
/// A compact note store on disk, memory-mapped for reading, for corpora larger than memory: 8 bytes a note (pitch,
/// velocity, program with the drum flag, voice, and step and duration as half floats), pieces back to back, an index
/// of 8 bytes a piece. Written once from a stream of pieces, read by the page cache as training needs it.
/// </summary>
/// <remarks>
/// Layout: a 64-byte header (magic, version, pieces, notes, index offset, and a CRC-32C of everything after it, checked
/// when the store is opened: about 0.1 s for 100 million notes), the notes, the index (each piece's first note, then
/// the total). Half floats keep 11 significant bits: a step or duration within 0.05% of its value (an
/// exact 0, a chord, stays 0), up to 65,504 s. Resident memory is the pages in use, not the file.
/// </remarks>
public sealed unsafe class NoteStore : IDisposable
{
    /// <summary>Bytes per note on disk.</summary>
    public const int NoteBytes = 8;

    private const int HeaderBytes = 64;
    private const uint Version = 1;
    private static ReadOnlySpan<byte> Magic => "CADNOTES"u8;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long[] _first;   // [pieces + 1] each piece's first note, then the total

    private NoteStore(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, byte* basePointer, long[] first)
    {
        Path = path;
        _file = file;
        _view = view;
        _base = basePointer;
        _first = first;
    }

    /// <summary>The store file.</summary>
    public string Path { get; }

    /// <summary>Number of pieces.</summary>
    public int Pieces => _first.Length - 1;

    /// <summary>Number of notes.</summary>
    public long Notes => _first[^1];

    /// <summary>Notes of piece <paramref name="piece"/>.</summary>
    public int Length(int piece) => (int)(_first[piece + 1] - _first[piece]);

    /// <summary>Index of piece <paramref name="piece"/>'s first note in the store.</summary>
    public long First(int piece) => _first[piece];

    /// <summary>The stored record of note <paramref name="index"/> (a store-wide index).</summary>
    public StoredNote this[long index]
    {
        get
        {
            byte* p = _base + HeaderBytes + index * NoteBytes;
            return new StoredNote(p[0], p[1], p[2], p[3], (float)BinaryPrimitives.ReadHalfLittleEndian(new ReadOnlySpan<byte>(p + 4, 2)),
                                  (float)BinaryPrimitives.ReadHalfLittleEndian(new ReadOnlySpan<byte>(p + 6, 2)));
        }
    }

    /// <summary>Writes <paramref name="pieces"/> (each sorted by start), streamed, to <paramref name="path"/> atomically; returns the notes written.</summary>
    public static long Write(string path, IEnumerable<Note[]> pieces)
    {
        using var writer = new NoteStoreWriter(path);
        foreach (Note[] piece in pieces) writer.Append(piece);
        return writer.Complete();
    }

    internal static int HeaderSize => HeaderBytes;

    /// <summary>The header of a store of <paramref name="pieces"/> pieces and <paramref name="notes"/> notes whose index starts at <paramref name="indexOffset"/>.</summary>
    internal static byte[] Header(long pieces, long notes, long indexOffset, uint crc)
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), pieces);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), notes);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), indexOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), crc);
        return header;
    }

    // pitch, velocity, program | drum << 7, voice (the NoteSequence instrument number, 0..255), step, duration
    internal static void Encode(in Note n, double step, Span<byte> into)
    {
        into[0] = (byte)Math.Clamp(n.Pitch, 0, 127);
        into[1] = (byte)Math.Clamp(n.Velocity, 0, 127);
        into[2] = (byte)(Math.Clamp(n.Program, 0, 127) | (n.IsDrum ? 0x80 : 0));
        into[3] = (byte)Math.Clamp(n.Instrument, 0, 255);
        BinaryPrimitives.WriteHalfLittleEndian(into[4..], (Half)Math.Max(0, step));
        BinaryPrimitives.WriteHalfLittleEndian(into[6..], (Half)Math.Max(0, n.Duration));
    }

    /// <summary>Opens a store for reading.</summary>
    /// <exception cref="StoreException">Missing, not a note store, or damaged.</exception>
    public static NoteStore Open(string path)
    {
        if (!File.Exists(path)) throw new StoreException($"{path}: no such note store");
        long length;
        try { length = new FileInfo(path).Length; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new StoreException($"{path}: cannot read: {e.Message}"); }
        if (length < HeaderBytes + 8) throw new StoreException($"{path}: {length} bytes is too short for a note store");
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? view = null;
        bool acquired = false;
        try
        {
            file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            acquired = true;
            p += view.PointerOffset;
            var header = new ReadOnlySpan<byte>(p, HeaderBytes);
            if (!header[..8].SequenceEqual(Magic)) throw new StoreException($"{path}: not a Cadenza note store");
            uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            if (version != Version) throw new StoreException($"{path}: note store version {version}, this build reads {Version}");
            long pieces = BinaryPrimitives.ReadInt64LittleEndian(header[16..]), notes = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
            long indexOffset = BinaryPrimitives.ReadInt64LittleEndian(header[32..]);
            if (pieces < 0 || pieces > int.MaxValue - 1 || notes < 0 || indexOffset != HeaderBytes + notes * NoteBytes || indexOffset + (pieces + 1) * 8 != length)
                throw new StoreException($"{path}: damaged note store (its counts do not match its {length} bytes)");
            if (Checksum(path) != BinaryPrimitives.ReadUInt32LittleEndian(header[40..]))
                throw new StoreException($"{path}: damaged note store (its checksum does not match; build it again)");
            var first = new long[pieces + 1];
            for (long i = 0; i <= pieces; i++)
            {
                first[i] = BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(p + indexOffset + i * 8, 8));
                if (first[i] < 0 || first[i] > notes || (i > 0 && first[i] < first[i - 1])) throw new StoreException($"{path}: damaged note store index");
            }
            if (first[^1] != notes) throw new StoreException($"{path}: damaged note store index");
            return new NoteStore(path, file, view, p, first);
        }
        catch (Exception e)
        {
            if (acquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();   // else the mapping outlives the failed open
            view?.Dispose();
            file?.Dispose();
            if (e is IOException or UnauthorizedAccessException) throw new StoreException($"{path}: cannot read: {e.Message.ReplaceLineEndings(" ")}");
            throw;
        }
    }

    // read through a file stream, not the mapping: the pages then sit in the page cache, not in this process's resident set
    private static uint Checksum(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        file.Position = HeaderBytes;
        var buffer = new byte[1 << 20];
        uint crc = uint.MaxValue;
        for (int n; (n = file.Read(buffer)) > 0;) crc = Crc32C.Append(crc, buffer.AsSpan(0, n));
        return ~crc;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}

/// <summary>One note as the store holds it.</summary>
/// <param name="Pitch">MIDI pitch.</param>
/// <param name="Velocity">MIDI velocity.</param>
/// <param name="ProgramAndDrum">The GM program, with bit 7 set for the drum kit.</param>
/// <param name="Voice">The note's instrument number in its piece (a Bach Doodle voice).</param>
/// <param name="Step">Seconds since the piece's previous note (0 for its first).</param>
/// <param name="Duration">Seconds.</param>
public readonly record struct StoredNote(byte Pitch, byte Velocity, byte ProgramAndDrum, byte Voice, float Step, float Duration)
{
    /// <summary>The note with its instrument identity (times are not kept as starts, so it starts at 0).</summary>
    public Note ToNote() => new(Pitch, 0, Duration, Velocity, ProgramAndDrum & 0x7F, (ProgramAndDrum & 0x80) != 0, Voice);
}

/// <summary>A note store cannot be opened or read.</summary>
public sealed class StoreException(string message) : Exception(message);
