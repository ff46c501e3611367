using Cadenza.Notes;

namespace Cadenza.Corpus;

/// <summary>
/// The training windows of a set of pieces: every run of <c>sequenceLength</c> consecutive notes of one piece with the
/// note after it as the label (stride 1, never across pieces), as the tutorial's <c>create_sequences</c> makes them.
/// </summary>
/// <remarks>
/// Features are computed once per piece over the whole piece (so a window's first step is relative to the note
/// before it, as in the tutorial). Windows are addressed by index; <see cref="Fill"/> gathers a batch into
/// caller-owned buffers without allocating.
/// </remarks>
public sealed class WindowSet
{
    private readonly float[][] _features;   // per piece [n × Width]: the features, raw (pitch, step, duration by default)
    private readonly int[] _piece;          // window → piece
    private readonly int[] _start;          // window → first note

    /// <summary>Builds the windows of <paramref name="pieces"/> (each sorted by start).</summary>
    /// <param name="features">The note features per window row, in order (see <see cref="NoteFeatures.Known"/>);
    /// null: pitch, step, duration.</param>
    public WindowSet(IReadOnlyList<Note[]> pieces, int sequenceLength, IReadOnlyList<string>? features = null)
    {
        if (sequenceLength < 1) throw new ArgumentOutOfRangeException(nameof(sequenceLength));
        SequenceLength = sequenceLength;
        Features = features?.ToArray() ?? NoteFeatures.Names;
        _features = pieces.Select(p => NoteFeatures.ToFeatures(p, Features)).ToArray();
        long count = pieces.Sum(p => (long)Math.Max(0, p.Length - sequenceLength));
        if (count > int.MaxValue) throw new CorpusException($"{count} windows are more than one run can index; train on a part of the corpus");
        _piece = new int[count];
        _start = new int[count];
        int w = 0;
        for (int p = 0; p < pieces.Count; p++)
        for (int s = 0; s + sequenceLength < pieces[p].Length; s++)
        {
            _piece[w] = p;
            _start[w] = s;
            w++;
        }
        Pieces = pieces.Count;
    }

    /// <summary>Notes per window.</summary>
    public int SequenceLength { get; }

    /// <summary>Features per note.</summary>
    public int Width => Features.Length;

    /// <summary>The features of each note row, in order.</summary>
    public string[] Features { get; }

    /// <summary>Number of windows.</summary>
    public int Count => _piece.Length;

    /// <summary>Number of pieces.</summary>
    public int Pieces { get; }

    /// <summary>Where window <paramref name="index"/> comes from: piece and first note.</summary>
    public (int Piece, int Start) Locate(int index) => (_piece[index], _start[index]);

    /// <summary>
    /// Gathers windows into <paramref name="inputs"/> [B, T, Width], each feature divided by its
    /// <paramref name="inputScales"/> entry, and <paramref name="labels"/> [B, labelColumns.Length]: for each label
    /// column, that feature of the next note divided by its <paramref name="labelScales"/> entry.
    /// </summary>
    public void Fill(ReadOnlySpan<int> windows, Span<float> inputs, Span<float> labels, ReadOnlySpan<float> inputScales,
                     ReadOnlySpan<int> labelColumns, ReadOnlySpan<float> labelScales)
    {
        int width = Width, t = SequenceLength, stride = labelColumns.Length;
        if (inputScales.Length != width) throw new ArgumentException($"{inputScales.Length} input scales for {width} features", nameof(inputScales));
        for (int b = 0; b < windows.Length; b++)
        {
            int w = windows[b];
            ReadOnlySpan<float> f = _features[_piece[w]];
            int s = _start[w];
            Span<float> x = inputs.Slice(b * t * width, t * width);
            f.Slice(s * width, t * width).CopyTo(x);
            for (int j = 0; j < width; j++)
            {
                float scale = inputScales[j];
                if (scale != 1f) for (int i = j; i < x.Length; i += width) x[i] /= scale;
            }
            ReadOnlySpan<float> next = f.Slice((s + t) * width, width);
            for (int c = 0; c < stride; c++) labels[b * stride + c] = next[labelColumns[c]] / labelScales[c];
        }
    }
}
