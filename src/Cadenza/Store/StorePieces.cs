using Cadenza.Notes;

namespace Cadenza.Store;

/// <summary>
/// The pieces of a <see cref="NoteStore"/> as note arrays, decoded one at a time when asked for (each piece starts at
/// 0; starts are the sums of the steps): what counts over a corpus (statistics, the instrument vocabulary, the count
/// models) read without holding it.
/// </summary>
public sealed class StorePieces(NoteStore store) : IReadOnlyList<Note[]>
{
    /// <inheritdoc />
    public int Count => store.Pieces;

    /// <inheritdoc />
    public Note[] this[int index]
    {
        get
        {
            var notes = new Note[store.Length(index)];
            long first = store.First(index);
            double start = 0;
            for (int i = 0; i < notes.Length; i++)
            {
                StoredNote s = store[first + i];
                start += s.Step;
                notes[i] = s.ToNote() with { Start = start, End = start + s.Duration };
            }
            return notes;
        }
    }

    /// <inheritdoc />
    public IEnumerator<Note[]> GetEnumerator()
    {
        for (int p = 0; p < Count; p++) yield return this[p];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
