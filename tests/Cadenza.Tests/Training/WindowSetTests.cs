using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Instruments;
using Cadenza.Notes;

namespace Cadenza.Tests.Training;

public class WindowSetTests
{
    private static Note[] Piece(int count, int pitch0, double t0 = 0) =>
        Enumerable.Range(0, count).Select(i => new Note(pitch0 + i, t0 + 0.5 * i, t0 + 0.5 * i + 0.25)).ToArray();

    [Fact]
    public void Windows_StrideOneWithinEachPiece_NeverAcross()
    {
        var set = new WindowSet([Piece(5, 60), Piece(2, 40), Piece(4, 70)], sequenceLength: 3);
        Assert.Equal(2 + 0 + 1, set.Count);
        Assert.Equal((0, 0), set.Locate(0));
        Assert.Equal((0, 1), set.Locate(1));
        Assert.Equal((2, 0), set.Locate(2));
    }

    [Fact]
    public void Fill_HandComputedInputsAndLabels()
    {
        // notes: pitch 64 at 0 (0.25 long), 66 at 0.5, 68 at 1.0 and 70 at 1.5 → window 2 of 3 notes starting at note 1
        Note[] notes = [new(62, 0, 0.1), new(64, 0.5, 0.75), new(66, 0.75, 1.75), new(68, 1.0, 1.5), new(70, 2.0, 2.5)];
        var set = new WindowSet([notes], sequenceLength: 3);
        var x = new float[9];
        var y = new float[3];
        set.Fill([1], x, y, [new(128f), new(1f), new(1f)], [0, 1, 2], [FeatureEncoding.Identity, FeatureEncoding.Identity, FeatureEncoding.Identity]);
        Assert.Equal([64 / 128f, 0.5f, 0.25f, 66 / 128f, 0.25f, 1.0f, 68 / 128f, 0.25f, 0.5f], x);
        Assert.Equal([70f, 1.0f, 0.5f], y);
    }

    [Fact]
    public void PaddedWindows_StartBeforeThePiece_PaddingIsClassMinusOne()
    {
        // 4 notes, T = 3: labels are notes 1, 2 and 3; the first two windows start 2 and 1 rows before the piece
        Note[] notes = [new(62, 0, 0.1), new(64, 0.5, 0.75), new(66, 0.75, 1.75), new(68, 1.0, 1.5)];
        var set = new WindowSet([notes, Piece(1, 40)], sequenceLength: 3, padStart: true);
        Assert.Equal(3, set.Count);   // the one-note piece has nothing to predict
        Assert.Equal([(0, -2), (0, -1), (0, 0)], Enumerable.Range(0, 3).Select(set.Locate));
        var time = new FeatureEncoding(1f, [0.1, 0.3, 0.6]);
        var x = new float[2 * 9];
        var y = new float[2 * 3];
        // transposed by +5: the real notes and the label move, the padding stays padding
        set.Fill([0, 1], x, y, [FeatureEncoding.Identity, time, time], [0, 1, 2], [FeatureEncoding.Identity, time, time], [5, 5]);
        Assert.Equal([-1f, -1f, -1f, -1f, -1f, -1f, 67f, 0f, 1f], x[..9]);         // note 0: step 0 (bin 0), duration 0.1 (bin 1)
        Assert.Equal([69f, 2f, 1f], y[..3]);                                      // note 1: step 0.5, duration 0.25
        Assert.Equal([-1f, -1f, -1f, 67f, 0f, 1f, 69f, 2f, 1f], x[9..]);
        Assert.Equal([71f, 1f, 3f], y[3..]);                                      // note 2: step 0.25, duration 1.0
        // the shift is bounded by the real notes alone, the NaN padding does not count
        Assert.Equal(127 - 66, set.Transposable(1, 100));
        Assert.Equal(-62, set.Transposable(0, -100));
    }

    [Fact]
    public void Fill_VelocityFeatureFirstAndPitchLast_HandComputed()
    {
        // the features in the model's own order; velocity is divided by 127 as an input and as a regression label
        Note[] notes = [new(62, 0, 0.1, 10), new(64, 0.5, 0.75, 127), new(66, 0.75, 1.75, 64), new(68, 1.0, 1.5, 1)];
        var set = new WindowSet([notes], sequenceLength: 2, ["velocity", "duration", "step", "pitch"]);
        Assert.Equal(4, set.Width);
        var x = new float[8];
        var y = new float[2];
        // heads: velocity (regression, label / 127) and pitch (classes, raw)
        set.Fill([1], x, y, [new(127f), new(1f), new(1f), new(128f)], [0, 3], [new(127f), FeatureEncoding.Identity]);
        Assert.Equal([127 / 127f, 0.25f, 0.5f, 64 / 128f, 64 / 127f, 1.0f, 0.25f, 66 / 128f], x);
        Assert.Equal([1 / 127f, 68f], y);
    }

    [Fact]
    public void Split_ByFileDeterministicFromSeed()
    {
        var files = Enumerable.Range(0, 20).Select(i => new CorpusFile($"f{i}.mid", Piece(30, 40), CorpusFileStatus.Usable, "", 100)).ToList();
        var (train, val) = CorpusSplit.ByFile(files, 0.1, 7);
        Assert.Equal(18, train.Count);
        Assert.Equal(2, val.Count);
        Assert.Empty(train.Intersect(val));
        Assert.Equal(val.Select(f => f.Path), CorpusSplit.ByFile(files, 0.1, 7).Validation.Select(f => f.Path));
        Assert.NotEqual(val.Select(f => f.Path), CorpusSplit.ByFile(files, 0.1, 8).Validation.Select(f => f.Path));
        Assert.Empty(CorpusSplit.ByFile(files, 0, 7).Validation);
    }

    [Fact]
    public void Shuffle_SameSeedSamePermutation_DifferentSeedDifferent()
    {
        int[] Perm(ulong seed) { var p = Enumerable.Range(0, 100).ToArray(); new Rng(seed).Shuffle(p.AsSpan()); return p; }
        Assert.Equal(Perm(1), Perm(1));
        Assert.NotEqual(Perm(1), Perm(2));
        Assert.Equal(Enumerable.Range(0, 100), Perm(1).Order());
    }

    [Fact]
    public void Rng_StateRoundTrip_ContinuesTheSameStream()
    {
        var a = new Rng(99);
        a.NextULong();
        ulong[] state = a.GetState();
        ulong next = a.NextULong();
        var b = new Rng(1);
        b.SetState(state);
        Assert.Equal(next, b.NextULong());
    }

    [Fact]
    public void Fill_TimeBinsAndTransposition_HandComputed()
    {
        // pitch as a class index (embedded), step and duration as bins of the edges 0.001, 0.3, 1: [<0.001, <0.3, <1, ≥1]
        Note[] notes = [new(62, 0, 0.1), new(64, 0.5, 0.75), new(66, 0.5, 1.75), new(68, 1.0, 1.5), new(70, 2.0, 2.5)];
        var set = new WindowSet([notes], sequenceLength: 3);
        double[] edges = [0.001, 0.3, 1.0];
        var time = new FeatureEncoding(1f, edges);
        var x = new float[9];
        var y = new float[3];
        // window 1 (notes 64, 66, 68; label 70) moved up 5 semitones: inputs and label shift together
        set.Fill([1], x, y, [FeatureEncoding.Identity, time, time], [0, 1, 2], [FeatureEncoding.Identity, time, time], [5]);
        Assert.Equal([69f, 2f, 1f, 71f, 0f, 3f, 73f, 2f, 2f], x);
        Assert.Equal([75f, 3f, 2f], y);
        // a shift that would leave 0..127 is reduced to the largest that fits (the highest note, 70, may rise by 57)
        Assert.Equal(57, set.Transposable(1, 60));
        Assert.Equal(-64, set.Transposable(1, -70));
        set.Fill([1], x, y, [FeatureEncoding.Identity, time, time], [0, 1, 2], [FeatureEncoding.Identity, time, time], [100]);
        Assert.Equal(127f, y[0]);
        Assert.Equal(64f + 57f, x[0]);
    }

    /// <summary>
    /// Window 1 of five notes: steps 0.5, 0, 0.5 and durations 0.25, 1.25, 0.5; label step 1.0, duration 0.5; times in
    /// the bins [&lt;0.001, &lt;0.3, &lt;1, ≥1], pitch as it is.
    /// </summary>
    private static (WindowSet Set, FeatureEncoding[] Encodings) TimedWindow()
    {
        Note[] notes = [new(62, 0, 0.1), new(64, 0.5, 0.75), new(66, 0.5, 1.75), new(68, 1.0, 1.5), new(70, 2.0, 2.5)];
        var time = new FeatureEncoding(1f, [0.001, 0.3, 1.0]);
        return (new WindowSet([notes], sequenceLength: 3), [FeatureEncoding.Identity, time, time]);
    }

    [Fact]
    public void Fill_Stretch_ScalesStepsAndDurations_OfInputsAndLabel_AndKeepsChords()
    {
        var (set, encodings) = TimedWindow();
        var x = new float[9];
        var y = new float[3];
        // half the tempo's times: steps 0.25, 0, 0.25, durations 0.125, 0.625, 0.25; label 0.5, 0.25
        set.Fill([1], x, y, encodings, [0, 1, 2], encodings, [0], [0.5f]);
        Assert.Equal([64f, 1f, 1f, 66f, 0f, 2f, 68f, 1f, 1f], x);
        Assert.Equal([70f, 2f, 1f], y);
        // twice: steps 1, 0, 1, durations 0.5, 2.5, 1; label 2, 1; the chord's zero step stays in the zero bin
        set.Fill([1], x, y, encodings, [0, 1, 2], encodings, default, [2f]);
        Assert.Equal([64f, 3f, 2f, 66f, 0f, 3f, 68f, 3f, 3f], x);
        Assert.Equal([70f, 3f, 3f], y);
        // scaled inputs (the paper's encoding, seconds as they are) are multiplied too
        set.Fill([1], x, y, [new(128f), FeatureEncoding.Identity, FeatureEncoding.Identity], [1, 2], [FeatureEncoding.Identity, FeatureEncoding.Identity], default, [2f]);
        Assert.Equal([64f / 128f, 1f, 0.5f, 66f / 128f, 0f, 2.5f, 68f / 128f, 1f, 1f], x);
        Assert.Equal([2f, 1f], y.AsSpan(0, 2).ToArray());
    }

    [Fact]
    public void Fill_Articulation_ScalesDurationsAlone_OfInputsAndLabel_OnTopOfTheStretch()
    {
        var (set, encodings) = TimedWindow();
        var x = new float[9];
        var y = new float[3];
        // staccato: durations halved to 0.125, 0.625, 0.25 (label 0.25), steps as they were
        set.Fill([1], x, y, encodings, [0, 1, 2], encodings, default, default, [0.5f]);
        Assert.Equal([64f, 2f, 1f, 66f, 0f, 2f, 68f, 2f, 1f], x);
        Assert.Equal([70f, 3f, 1f], y);
        // twice the tempo's times and half the articulation: steps 1, 0, 1 (label 2), durations back where they were
        set.Fill([1], x, y, encodings, [0, 1, 2], encodings, default, [2f], [0.5f]);
        Assert.Equal([64f, 3f, 1f, 66f, 0f, 3f, 68f, 3f, 2f], x);
        Assert.Equal([70f, 3f, 2f], y);
    }

    [Fact]
    public void Fill_Transpose_LeavesDrumNotesWhereTheyAre_AndClampsOnThePitchedNotesAlone()
    {
        // piano (program 0) up to 120 and a drum kit note at 126 (its pitch names a drum); the label is a drum note
        Note[] notes = [new(60, 0, 0.5), new(120, 0.5, 1), new(126, 0.5, 0.6, isDrum: true), new(64, 1, 1.5), new(38, 1.5, 1.6, isDrum: true)];
        var vocabulary = new InstrumentVocabulary(InstrumentVocabulary.Build([notes]));
        int drums = vocabulary.Drums, piano = vocabulary.ClassOf(notes[0]);
        Assert.True(drums >= 0);
        var set = new WindowSet([notes], sequenceLength: 3, ["pitch", "instrument"], vocabulary);
        Assert.Equal(7, set.Transposable(1, 10));   // 127 − 120: the drum at 126 does not hold the shift at 1
        var x = new float[6];
        var y = new float[2];
        set.Fill([1], x, y, [FeatureEncoding.Identity, FeatureEncoding.Identity], [0, 1], [FeatureEncoding.Identity, FeatureEncoding.Identity], [10]);
        Assert.Equal([127f, piano, 126f, drums, 71f, piano], x);
        Assert.Equal([38f, drums], y);
        // downwards, the drum's 38 does not count either: the piano's lowest (64) allows the whole −12
        set.Fill([1], x, y, [FeatureEncoding.Identity, FeatureEncoding.Identity], [0, 1], [FeatureEncoding.Identity, FeatureEncoding.Identity], [-12]);
        Assert.Equal([108f, piano, 126f, drums, 52f, piano], x);
    }
}
