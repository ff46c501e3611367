using Cadenza.Corpus;
using Cadenza.Evaluation;
using Cadenza.Notes;

namespace Cadenza.Tests.Evaluation;

/// <summary>The count models and the reference time bins, against hand-computed values.</summary>
public class CountBaselineTests
{
    private static Note[] Pitches(params int[] pitches) => pitches.Select((p, i) => new Note(p, i * 0.5, i * 0.5 + 0.4)).ToArray();

    [Fact]
    public void Fit_AndCrossEntropy_HandComputed()
    {
        // windows of 2: [60 62]→60, [62 60]→62, [60 62]→60: the label is always half of its window
        Note[][] pieces = [Pitches(60, 62, 60, 62, 60)];
        CountBaseline b = CountBaseline.Fit("pitch", pieces, 2);
        Assert.Equal(2, b.Counts[60]);
        Assert.Equal(1, b.Counts[62]);
        Assert.Equal(3, b.Counts.Sum());
        Assert.Equal(0.9, b.Lambda);   // the share (0.5) beats the unigram (≤ 3/131) for every label: the largest λ wins
        var (unigram, copy) = b.CrossEntropy(pieces, 2);
        double u60 = 3.0 / 131, u62 = 2.0 / 131;
        Assert.Equal((-2 * Math.Log(u60) - Math.Log(u62)) / 3, unigram, 10);
        Assert.Equal((-2 * Math.Log(0.9 * 0.5 + 0.1 * u60) - Math.Log(0.9 * 0.5 + 0.1 * u62)) / 3, copy, 10);
    }

    [Fact]
    public void PaddedWindows_EveryNoteAfterTheFirstIsALabel_SharesOverTheNotesHeld()
    {
        // T = 2, padded: 62 after [60] (share 0), 60 after [60 62] (share 1/2), 64 after [62 60] (share 0)
        Note[][] pieces = [Pitches(60, 62, 60, 64)];
        CountBaseline b = CountBaseline.Fit("pitch", pieces, 2, padStart: true);
        Assert.Equal(3, b.Counts.Sum());
        Assert.Equal([1L, 1L, 1L], new[] { b.Counts[60], b.Counts[62], b.Counts[64] });
        var (_, copy) = b.CrossEntropy(pieces, 2, padStart: true);
        double u = 2.0 / 131, l = b.Lambda;
        Assert.Equal((-2 * Math.Log((1 - l) * u) - Math.Log(l * 0.5 + (1 - l) * u)) / 3, copy, 10);
        // −2·ln((1 − λ)·u) − ln(λ/2 + (1 − λ)·u), summed: 11.33 at λ = 0.1, 10.90 at 0.3, 11.11 at 0.5
        Assert.Equal(0.3, l);
        Assert.Equal(1, PitchBaselines.LabelCounts(pieces, 2, padStart: true)[62]);
        Assert.Equal(0, PitchBaselines.LabelCounts(pieces, 2)[62]);   // unpadded, note 1 is inside the first window
    }

    [Fact]
    public void Fit_LabelsNeverInTheWindow_ChoosesTheSmallestLambda()
    {
        // a rising scale: no label is ever among its window's notes, so copying only costs
        Note[][] pieces = [Pitches(Enumerable.Range(40, 30).ToArray())];
        Assert.Equal(0.1, CountBaseline.Fit("pitch", pieces, 4).Lambda);
    }

    [Fact]
    public void TimeFeatures_CountReferenceBins()
    {
        // steps 0, 0 (a chord), 0.5, 0.5, 0 and durations 0.4: the labels after a window of 2 are notes 2..4, steps 0.5, 0.5, 0
        Note[] piece = [new(60, 0, 0.4), new(64, 0, 0.4), new(67, 0.5, 0.9), new(60, 1.0, 1.4), new(62, 1.0, 1.4)];
        CountBaseline step = CountBaseline.Fit("step", [piece], 2);
        Assert.Equal(TimeBins.Count, step.Counts.Length);
        Assert.Equal(2, step.Counts[TimeBins.Of(0.5)]);
        Assert.Equal(1, step.Counts[0]);
        CountBaseline duration = CountBaseline.Fit("duration", [piece], 2);
        Assert.Equal(3, duration.Counts[TimeBins.Of(0.4)]);
    }

    [Fact]
    public void TimeBins_ReferenceEdges_AndARefinementMapsOntoThem()
    {
        Assert.Equal(0, TimeBins.Of(0));
        Assert.Equal(0, TimeBins.Of(0.0009));
        Assert.Equal(1, TimeBins.Of(0.001));
        Assert.Equal(1, TimeBins.Of(0.0099));
        Assert.Equal(2, TimeBins.Of(0.01));
        Assert.Equal(2, TimeBins.Of(0.01 * Math.Pow(400, 1 / 20.0) * 0.999));
        Assert.Equal(3, TimeBins.Of(0.01 * Math.Pow(400, 1 / 20.0) * 1.001));
        Assert.Equal(21, TimeBins.Of(3.99));
        Assert.Equal(22, TimeBins.Of(4.0));
        Assert.Equal(22, TimeBins.Of(100));
        double[] fine = TimeBins.Refine(2);
        Assert.Equal(42, fine.Length);
        int[] map = TimeBins.ToReference(fine)!;
        Assert.Equal(43, map.Length);
        Assert.Equal([0, 1, 2, 2, 3, 3], map.Take(6));
        Assert.Equal(22, map[^1]);
        Assert.Null(TimeBins.ToReference([0.001, 0.02, 1]));   // not a refinement: 0.01 is missing
    }
}
