using System.Buffers.Binary;
using Cadenza.Common;
using Cadenza.Notes;

namespace Cadenza.Store;

/// <summary>Writes a <see cref="NoteStore"/> piece by piece, into a temporary file renamed into place by <see cref="Complete"/>: a killed build leaves no store.</summary>
public sealed class NoteStoreWriter : IDisposable
{
    private readonly string _path, _temporary;
    private readonly FileStream _out;
    private readonly List<long> _first = [];
    private readonly byte[] _buffer = new byte[64 * 1024 * NoteStore.NoteBytes];
    private long _notes;
    private uint _crc = uint.MaxValue;   // running CRC-32C of everything after the header
    private bool _done;

    /// <summary>Starts a store at <paramref name="path"/> (its folder is created).</summary>
    public NoteStoreWriter(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _temporary = AtomicFile.TemporaryPath(_path);
        _out = new FileStream(_temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _out.Write(new byte[NoteStore.HeaderSize]);   // written at the end, when the counts are known
    }

    /// <summary>Pieces appended so far.</summary>
    public int Pieces => _first.Count;

    /// <summary>Notes appended so far.</summary>
    public long Notes => _notes;

    /// <summary>Appends a piece (sorted by start).</summary>
    public void Append(ReadOnlySpan<Note> piece)
    {
        _first.Add(_notes);
        int used = 0;
        for (int i = 0; i < piece.Length; i++)
        {
            if (used == _buffer.Length) { Write(used); used = 0; }
            NoteStore.Encode(piece[i], NoteFeatures.Step(piece, i), _buffer.AsSpan(used, NoteStore.NoteBytes));
            used += NoteStore.NoteBytes;
        }
        Write(used);
        _notes += piece.Length;
    }

    private void Write(int bytes)
    {
        _out.Write(_buffer, 0, bytes);
        _crc = Crc32C.Append(_crc, _buffer.AsSpan(0, bytes));
    }

    /// <summary>Writes the index and header, flushes to disk and renames the store into place; returns the notes written.</summary>
    public long Complete()
    {
        long indexOffset = _out.Position;
        var index = new byte[(_first.Count + 1) * 8];
        for (int i = 0; i < _first.Count; i++) BinaryPrimitives.WriteInt64LittleEndian(index.AsSpan(i * 8), _first[i]);
        BinaryPrimitives.WriteInt64LittleEndian(index.AsSpan(_first.Count * 8), _notes);
        _out.Write(index);
        _crc = Crc32C.Append(_crc, index);
        _out.Position = 0;
        _out.Write(NoteStore.Header(_first.Count, _notes, indexOffset, ~_crc));
        _out.Flush(flushToDisk: true);
        _out.Dispose();
        File.Move(_temporary, _path, overwrite: true);
        _done = true;
        return _notes;
    }

    /// <summary>Closes the writer; a store never completed is deleted.</summary>
    public void Dispose()
    {
        _out.Dispose();
        if (!_done) try { File.Delete(_temporary); } catch (IOException) { }
    }
}
