using Cadenza.Notes;

namespace Cadenza.Corpus.NoteSequences;

/// <summary>The note lists of one session's NoteSequences under one key, kept from line to line so that streaming a shard allocates no lists.</summary>
internal sealed class SequenceLists
{
    private readonly List<List<Note>> _lists = [];
    private ReadRepairs[] _repairs = new ReadRepairs[4];

    /// <summary>Sequences read since <see cref="Clear"/>.</summary>
    public int Count { get; private set; }

    /// <summary>The notes of sequence <paramref name="index"/>.</summary>
    public List<Note> this[int index] => index < Count ? _lists[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>What reading sequence <paramref name="index"/> repaired.</summary>
    public ReadRepairs Repairs(int index) => index < Count ? _repairs[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The repairs of the sequence <see cref="Next"/> gave last, counted into as its notes are read.</summary>
    public ref ReadRepairs LastRepairs => ref _repairs[Count - 1];

    /// <summary>Forgets the sequences (the lists are kept for reuse).</summary>
    public void Clear() => Count = 0;

    /// <summary>An empty list for the next sequence.</summary>
    public List<Note> Next()
    {
        if (Count == _lists.Count) _lists.Add([]);
        if (Count == _repairs.Length) Array.Resize(ref _repairs, 2 * Count);
        _repairs[Count] = default;
        List<Note> list = _lists[Count++];
        list.Clear();
        return list;
    }
}
