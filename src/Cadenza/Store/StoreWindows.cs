using Cadenza.Corpus;
using Cadenza.Instruments;
using Cadenza.Notes;

namespace Cadenza.Store;

/// <summary>
/// The training windows of a <see cref="NoteStore"/>, decoded from the mapped file as each batch is filled: every run
/// of T notes of one piece with the note after it, as <see cref="WindowSet"/> makes them in memory. Resident memory
/// is a prefix sum of 8 bytes a piece, whatever the number of notes.
/// </summary>
/// <remarks>
/// Windows are numbered piece by piece, so consecutive windows are consecutive notes on disk: a shuffle by blocks of
/// <see cref="ShuffleBlock"/> windows keeps reads sequential. Nothing is allocated per batch.
/// </remarks>
public sealed class StoreWindows : IWindowSource
{
    /// <summary>Windows a shuffle keeps together: 64 batches of 64, about 32 KB of notes.</summary>
    public const int Block = 4096;

    private readonly NoteStore _store;
    private readonly long[] _windowsBefore;   // [pieces + 1] windows of the pieces before each
    private readonly int[] _kinds;             // per feature: its index in NoteFeatures.Known
    private readonly InstrumentVocabulary? _instruments;
    private readonly WindowSet.WindowColumns _columns;
    private readonly float[] _rows;           // [(T + 1) × F] one window's raw rows, decoded
    private readonly int _first;              // the first window's first note: 0, or 1 − T with padding (its label is note 1)

    /// <summary>The windows of <paramref name="store"/> for a model reading <paramref name="features"/>; with <paramref name="padStart"/> also those that start before a piece.</summary>
    public StoreWindows(NoteStore store, int sequenceLength, IReadOnlyList<string> features, InstrumentVocabulary? instruments = null, bool padStart = false)
    {
        if (sequenceLength < 1) throw new ArgumentOutOfRangeException(nameof(sequenceLength));
        _store = store;
        SequenceLength = sequenceLength;
        Features = features.ToArray();
        _kinds = NoteFeatures.Kinds(Features, instruments);
        _instruments = instruments;
        _columns = new WindowSet.WindowColumns(Features, instruments);
        _first = WindowSet.FirstLabel(sequenceLength, padStart) - sequenceLength;
        _windowsBefore = new long[store.Pieces + 1];
        for (int p = 0; p < store.Pieces; p++) _windowsBefore[p + 1] = _windowsBefore[p] + Math.Max(0, store.Length(p) - sequenceLength - _first);
        if (_windowsBefore[^1] > int.MaxValue) throw new CorpusException($"{store.Path}: {_windowsBefore[^1]} windows are more than one run can index; train on a part of the store");
        _rows = new float[(sequenceLength + 1) * Features.Length];
    }

    /// <inheritdoc />
    public int SequenceLength { get; }

    /// <inheritdoc />
    public string[] Features { get; }

    /// <inheritdoc />
    public int Count => (int)_windowsBefore[^1];

    /// <inheritdoc />
    public int Pieces => _store.Pieces;

    /// <inheritdoc />
    public int ShuffleBlock => Block;

    /// <inheritdoc />
    public (int Piece, int Start) Locate(int index)
    {
        int piece = Array.BinarySearch(_windowsBefore, (long)index);
        // an exact hit may be the first window of a later piece when pieces between have none: take the last such
        if (piece >= 0) { while (piece + 1 < _windowsBefore.Length && _windowsBefore[piece + 1] == index) piece++; }
        else piece = ~piece - 1;
        return (piece, (int)(index - _windowsBefore[piece]) + _first);
    }

    /// <inheritdoc />
    public void Fill(ReadOnlySpan<int> windows, Span<float> inputs, Span<float> labels, ReadOnlySpan<FeatureEncoding> inputEncodings,
                     ReadOnlySpan<int> labelColumns, ReadOnlySpan<FeatureEncoding> labelEncodings, ReadOnlySpan<int> transpose = default,
                     ReadOnlySpan<float> stretch = default, ReadOnlySpan<float> articulation = default)
    {
        int width = Features.Length, t = SequenceLength, stride = labelColumns.Length;
        if (inputEncodings.Length != width) throw new ArgumentException($"{inputEncodings.Length} input encodings for {width} features", nameof(inputEncodings));
        for (int b = 0; b < windows.Length; b++)
        {
            var (piece, start) = Locate(windows[b]);
            long first = _store.First(piece) + start;
            for (int i = 0; i <= t; i++)
            {
                if (start + i < 0) { _rows.AsSpan(i * width, width).Fill(float.NaN); continue; }   // padding before the piece
                StoredNote stored = _store[first + i];
                Note n = stored.ToNote();   // a piece's first note was stored with step 0, as in memory
                Span<float> row = _rows.AsSpan(i * width, width);
                for (int j = 0; j < width; j++) row[j] = NoteFeatures.Value(_kinds[j], n, stored.Step, _instruments);
            }
            WindowSet.EncodeWindow(_rows, width, _columns, inputs.Slice(b * t * width, t * width), labels.Slice(b * stride, stride),
                                   inputEncodings, labelColumns, labelEncodings, transpose.IsEmpty ? 0 : transpose[b], stretch.IsEmpty ? 1f : stretch[b],
                                   articulation.IsEmpty ? 1f : articulation[b]);
        }
    }
}
