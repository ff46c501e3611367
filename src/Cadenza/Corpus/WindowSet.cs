using Cadenza.Instruments;
using Cadenza.Notes;

namespace Cadenza.Corpus;

/// <summary>
/// The training windows of a set of pieces: every run of <c>sequenceLength</c> consecutive notes of one piece with the
/// note after it as the label (stride 1, never across pieces), as the tutorial's <c>create_sequences</c> makes them;
/// padded, also the windows that start before the piece (every note from the second on is a label).
/// </summary>
/// <remarks>
/// Features are computed once per piece over the whole piece (so a window's first step is relative to the note
/// before it, as in the tutorial). Windows are addressed by index; <see cref="Fill"/> gathers a batch into
/// caller-owned buffers without allocating.
/// </remarks>
public sealed class WindowSet : IWindowSource
{
    private readonly float[][] _features;   // per piece [n × Width]: the features, raw (pitch, step, duration by default)
    private readonly int[] _piece;          // window → piece
    private readonly int[] _start;          // window → first note (negative for a padded window: rows before the piece)
    private readonly WindowColumns _columns;
    private readonly bool _padStart;

    /// <summary>Builds the windows of <paramref name="pieces"/> (each sorted by start).</summary>
    /// <param name="features">The note features per window row, in order (see <see cref="NoteFeatures.Known"/>);
    /// null: pitch, step, duration.</param>
    /// <param name="instruments">The model's instrument vocabulary, when the features include instrument.</param>
    /// <param name="padStart">Also the windows that start before a piece's first note (<see cref="Model.ModelConfig.PadStart"/>).</param>
    public WindowSet(IReadOnlyList<Note[]> pieces, int sequenceLength, IReadOnlyList<string>? features = null, InstrumentVocabulary? instruments = null,
                     bool padStart = false)
    {
        if (sequenceLength < 1) throw new ArgumentOutOfRangeException(nameof(sequenceLength));
        SequenceLength = sequenceLength;
        Features = features?.ToArray() ?? NoteFeatures.Names;
        _features = pieces.Select(p => NoteFeatures.ToFeatures(p, Features, instruments)).ToArray();
        _columns = new WindowColumns(Features, instruments);
        int first = FirstLabel(sequenceLength, padStart) - sequenceLength;   // the first window's first note (negative when padded)
        long count = pieces.Sum(p => (long)Math.Max(0, p.Length - sequenceLength - first));
        if (count > int.MaxValue) throw new CorpusException($"{count} windows are more than one run can index; train on a part of the corpus");
        _piece = new int[count];
        _start = new int[count];
        _padStart = padStart;
        int w = 0;
        for (int p = 0; p < pieces.Count; p++)
        for (int s = first; s + sequenceLength < pieces[p].Length; s++)
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

    /// <summary>Windows in memory: any order is as cheap, so a shuffle is free to take them one by one.</summary>
    public int ShuffleBlock => 1;

    /// <summary>
    /// The first note of a piece that is a label: the one after a whole window, or with <paramref name="padStart"/> the
    /// piece's second. Every reader of windows (both window sources, the count models, the shortest piece) counts from it.
    /// </summary>
    public static int FirstLabel(int sequenceLength, bool padStart) => padStart ? 1 : sequenceLength;

    /// <summary>Where window <paramref name="index"/> comes from: piece and first note (negative: that many padding rows before the piece).</summary>
    public (int Piece, int Start) Locate(int index) => (_piece[index], _start[index]);

    // window w's T + 1 raw rows: a slice of its piece, or for a padded window NaN rows and then the piece's first notes,
    // in the caller's scratch [(T + 1) × Width] (on its stack: evaluation fills windows from two threads at once)
    private ReadOnlySpan<float> Rows(int w, Span<float> padded)
    {
        int width = Width, start = _start[w], rows = SequenceLength + 1;
        float[] piece = _features[_piece[w]];
        if (start >= 0) return piece.AsSpan(start * width, rows * width);
        padded[..(-start * width)].Fill(float.NaN);
        piece.AsSpan(0, (rows + start) * width).CopyTo(padded[(-start * width)..]);
        return padded;
    }

    /// <summary>
    /// Gathers windows into <paramref name="inputs"/> [B, T, Width], each feature encoded by its
    /// <paramref name="inputEncodings"/> entry, and <paramref name="labels"/> [B, labelColumns.Length]: for each label column,
    /// that feature of the next note encoded by its <paramref name="labelEncodings"/> entry. With
    /// <paramref name="transpose"/> [B], window b's pitches (inputs and label) move by that many semitones, reduced
    /// where the window would leave the MIDI range 0..127 (see <see cref="Transposable"/>). With <paramref name="stretch"/>
    /// [B], window b's steps and durations (inputs and label) are multiplied by that factor before they are encoded; with
    /// <paramref name="articulation"/> [B], its durations alone are multiplied by that one too.
    /// </summary>
    public void Fill(ReadOnlySpan<int> windows, Span<float> inputs, Span<float> labels, ReadOnlySpan<FeatureEncoding> inputEncodings,
                     ReadOnlySpan<int> labelColumns, ReadOnlySpan<FeatureEncoding> labelEncodings, ReadOnlySpan<int> transpose = default,
                     ReadOnlySpan<float> stretch = default, ReadOnlySpan<float> articulation = default)
    {
        int width = Width, t = SequenceLength, stride = labelColumns.Length;
        if (inputEncodings.Length != width) throw new ArgumentException($"{inputEncodings.Length} input encodings for {width} features", nameof(inputEncodings));
        Span<float> padded = _padStart ? stackalloc float[(t + 1) * width] : default;   // at most 1,001 × 5 floats
        for (int b = 0; b < windows.Length; b++)
        {
            EncodeWindow(Rows(windows[b], padded), width, _columns, inputs.Slice(b * t * width, t * width),
                         labels.Slice(b * stride, stride), inputEncodings, labelColumns, labelEncodings, transpose.IsEmpty ? 0 : transpose[b],
                         stretch.IsEmpty ? 1f : stretch[b], articulation.IsEmpty ? 1f : articulation[b]);
        }
    }

    /// <summary>
    /// Where the features augmentation moves sit in a note row (−1 when absent): pitch, step and duration; and the
    /// instrument column with the drum kit's class, whose notes transposition leaves alone (their pitch names a drum).
    /// </summary>
    internal readonly record struct WindowColumns(int Pitch, int Step, int Duration, int Instrument = -1, int Drums = -1)
    {
        public WindowColumns(string[] features, InstrumentVocabulary? instruments = null)
            : this(Array.IndexOf(features, "pitch"), Array.IndexOf(features, "step"), Array.IndexOf(features, "duration"),
                   Array.IndexOf(features, "instrument"), instruments?.Drums ?? -1) { }

        /// <summary>The factor column <paramref name="column"/> is multiplied by: the tempo for both times, the articulation for durations too.</summary>
        public float Scale(int column, float stretch, float articulation) =>
            column == Step ? stretch : column == Duration ? stretch * articulation : 1f;

        /// <summary>Whether the raw note row starting at <paramref name="row"/> is a drum note (its pitch does not move).</summary>
        public bool IsDrum(ReadOnlySpan<float> notes, int row) => Drums >= 0 && Instrument >= 0 && notes[row + Instrument] == Drums;
    }

    /// <summary>
    /// One window's T + 1 raw note rows (<paramref name="notes"/>, <paramref name="width"/> floats each) into its encoded
    /// inputs [T × width] and its label row, moved by up to <paramref name="wanted"/> semitones and with its times
    /// multiplied by <paramref name="stretch"/> (and its durations by <paramref name="articulation"/>): the one encoding
    /// every window source shares.
    /// </summary>
    internal static void EncodeWindow(ReadOnlySpan<float> notes, int width, WindowColumns columns, Span<float> x, Span<float> label, ReadOnlySpan<FeatureEncoding> inputEncodings,
                                      ReadOnlySpan<int> labelColumns, ReadOnlySpan<FeatureEncoding> labelEncodings, int wanted, float stretch,
                                      float articulation = 1f)
    {
        int pitch = columns.Pitch;
        int shift = pitch < 0 ? 0 : ClampShift(notes, width, columns, wanted);
        notes[..x.Length].CopyTo(x);
        for (int j = 0; j < width; j++)
        {
            FeatureEncoding e = inputEncodings[j];
            float add = j == pitch ? shift : 0f;
            float times = columns.Scale(j, stretch, articulation);
            if (e.Edges is null && e.Scale == 1f && add == 0f && times == 1f && !float.IsNaN(notes[j])) continue;   // (padding, if any, is the first rows)
            for (int i = j; i < x.Length; i += width) x[i] = e.Encode(x[i] * times + (add != 0f && columns.IsDrum(notes, i - j) ? 0f : add));
        }
        ReadOnlySpan<float> next = notes.Slice(x.Length, width);
        for (int c = 0; c < label.Length; c++)
        {
            int j = labelColumns[c];
            label[c] = labelEncodings[c].Encode(next[j] * columns.Scale(j, stretch, articulation) + (j == pitch && !columns.IsDrum(notes, x.Length) ? shift : 0f));
        }
    }

    /// <summary>
    /// The shift of at most |<paramref name="wanted"/>| semitones, in its direction, that keeps every pitch of
    /// window <paramref name="index"/> (and its label) inside 0..127; drum notes do not move and do not count.
    /// </summary>
    public int Transposable(int index, int wanted) =>
        _columns.Pitch < 0 ? 0 : ClampShift(Rows(index, _padStart ? new float[(SequenceLength + 1) * Width] : default), Width, _columns, wanted);

    internal static int ClampShift(ReadOnlySpan<float> notes, int width, WindowColumns columns, int wanted)
    {
        if (wanted == 0) return 0;
        float lo = float.MaxValue, hi = float.MinValue;
        for (int row = 0; row < notes.Length; row += width)
        {
            float p = notes[row + columns.Pitch];
            if (float.IsNaN(p) || columns.IsDrum(notes, row)) continue;   // padding and drums do not move
            lo = MathF.Min(lo, p);
            hi = MathF.Max(hi, p);
        }
        if (lo > hi) return 0;   // drums only: nothing to move
        return wanted > 0 ? Math.Min(wanted, (int)(127 - hi)) : Math.Max(wanted, -(int)lo);
    }
}
