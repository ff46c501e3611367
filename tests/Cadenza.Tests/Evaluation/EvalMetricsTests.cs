using Cadenza.Corpus;
using Cadenza.Evaluation;
using Cadenza.Notes;

namespace Cadenza.Tests.Evaluation;

public class EvalMetricsTests
{
    [Fact]
    public void JensenShannon_IdenticalDistributions_Zero()
    {
        Assert.Equal(0.0, Divergence.JensenShannon([3, 1, 0, 4], [3, 1, 0, 4]));
        Assert.Equal(0.0, Divergence.JensenShannon([3, 1, 0, 4], [6, 2, 0, 8]), 15);   // counts, not shares: scale does not matter
    }

    [Fact]
    public void JensenShannon_Disjoint_One()
    {
        Assert.Equal(1.0, Divergence.JensenShannon([1, 2, 0, 0], [0, 0, 5, 1]), 15);
        Assert.Equal(1.0, Divergence.JensenShannon([7, 0], [0, 1]), 15);
    }

    [Fact]
    public void JensenShannon_HandComputed()
    {
        // p = (1, 0), q = (½, ½), m = (¾, ¼): ½·log2(1/¾) + ½·(½·log2(½/¾) + ½·log2(½/¼))
        double expected = 0.5 * Math.Log2(4.0 / 3) + 0.25 * Math.Log2(2.0 / 3) + 0.25 * 1;
        Assert.Equal(expected, Divergence.JensenShannon([1, 0], [1, 1]), 12);
        Assert.Equal(0.311278124459133, expected, 12);
        Assert.Equal(expected, Divergence.JensenShannon([1, 1], [1, 0]), 12);   // symmetric
        Assert.Equal(expected, Divergence.JensenShannon(new double[] { 0.25, 0 }, new double[] { 0.5, 0.5 }), 12);   // weights, as counts
    }

    [Fact]
    public void JensenShannon_EmptyOrMismatched_NaN()
    {
        Assert.True(double.IsNaN(Divergence.JensenShannon([0, 0], [1, 0])));
        Assert.True(double.IsNaN(Divergence.JensenShannon([1, 0], [1, 0, 0])));
    }

    [Fact]
    public void Unigram_KnownHistogram_HandComputed()
    {
        var training = new long[128];
        training[60] = 6;
        training[62] = 2;   // N = 8: p(60) = 7/136, p(62) = 3/136, any other = 1/136
        var labels = new long[128];
        labels[60] = 1;
        labels[62] = 1;
        labels[64] = 1;
        double expected = (Math.Log(136.0 / 7) + Math.Log(136.0 / 3) + Math.Log(136.0)) / 3;
        Assert.Equal(expected, PitchBaselines.UnigramCrossEntropy(training, labels), 12);

        PitchBaselines b = PitchBaselines.Of(labels, training);
        Assert.Equal(Math.Log(128), b.UniformNats, 12);
        Assert.Equal(4.852030263919617, b.UniformNats, 12);
        Assert.Equal(expected, b.UnigramNats!.Value, 12);
        Assert.Equal(1.0 / 3, b.UnigramTop1!.Value, 12);   // the training's top pitch, 60, is one label in three
    }

    [Fact]
    public void Unigram_NoTrainingNotes_IsUniform_AndWithoutStatisticsIsSkipped()
    {
        var labels = new long[128];
        labels[40] = 3;
        labels[90] = 1;
        Assert.Equal(Math.Log(128), PitchBaselines.UnigramCrossEntropy(new long[128], labels), 12);
        PitchBaselines b = PitchBaselines.Of(labels, []);
        Assert.Null(b.UnigramNats);
        Assert.Null(b.UnigramTop1);
        Assert.Equal(1.0 / 128, b.UniformTop1);
    }

    [Fact]
    public void LabelCounts_AreTheNotesAfterTheFirstWindow()
    {
        Note[] a = [new(60, 0, 1), new(62, 1, 2), new(64, 2, 3), new(60, 3, 4)];
        Note[] b = [new(70, 0, 1), new(71, 1, 2)];
        long[] counts = PitchBaselines.LabelCounts([a, b], sequenceLength: 2);
        Assert.Equal(2, counts.Sum());
        Assert.Equal(1, counts[64]);
        Assert.Equal(1, counts[60]);
    }

    private static readonly Note[] Tiny =
    [
        new(60, 0.0, 0.5),
        new(64, 0.0, 0.5),    // step 0: a chord with the note before
        new(64, 0.5, 0.5),    // zero duration
        new(64, 1.0, 1.25),
        new(67, 2.0, 2.5),
    ];

    [Fact]
    public void Statistics_RealPiece_HandComputed()
    {
        MusicStatistics s = MusicStatistics.Of([Tiny], continuesSeed: false);
        Assert.Equal(5, s.Notes);
        Assert.Equal(1, s.Pieces);
        // steps 0, 0.5, 0.5, 1.0: the first note has none
        Assert.Equal(4, s.Histograms.Step.Sum());
        Assert.Equal(0.25, s.ZeroStepShare, 12);
        Assert.Equal(1, s.Histograms.Step[0]);
        Assert.Equal(2, s.Histograms.Step[TimeBins.Of(0.5)]);
        Assert.Equal(1, s.Histograms.Step[TimeBins.Of(1.0)]);
        Assert.Equal(0.2, s.ZeroDurationShare, 12);
        Assert.Equal(1, s.Histograms.Duration[0]);
        Assert.Equal(3, s.LongestRun);
        Assert.Equal(64, s.TopPitch);
        Assert.Equal(0.6, s.TopPitchShare, 12);
        Assert.Equal(4 / 2.0, s.NotesPerSecond, 12);   // 4 steps over 2 s
        long[] pc = new long[12];
        pc[0] = 1; pc[4] = 3; pc[7] = 1;
        Assert.Equal(pc, s.PitchClass);
    }

    [Fact]
    public void Statistics_GeneratedPiece_FirstStepIsItsStart()
    {
        Note[] generated = Tiny.Select(n => n with { Start = n.Start + 0.25, End = n.End + 0.25 }).ToArray();
        MusicStatistics s = MusicStatistics.Of([generated], continuesSeed: true);
        Assert.Equal(5, s.Histograms.Step.Sum());
        Assert.Equal(0.2, s.ZeroStepShare, 12);
        Assert.Equal(5 / 2.25, s.NotesPerSecond, 12);
        Assert.Equal(1, s.Histograms.Step[TimeBins.Of(0.25)]);
    }

    [Fact]
    public void Statistics_RunsDoNotCrossPieces_AndAllChordsGiveInfiniteRate()
    {
        Note[] a = [new(50, 0, 1), new(50, 1, 2)];
        Note[] b = [new(50, 0, 1), new(50, 0, 1), new(52, 0, 1)];
        MusicStatistics s = MusicStatistics.Of([a, b], continuesSeed: false);
        Assert.Equal(2, s.LongestRun);
        Assert.Equal(2.0 / 3, s.ZeroStepShare, 12);
        Assert.Equal(3 / 1.0, s.NotesPerSecond, 12);
        Assert.True(double.IsPositiveInfinity(MusicStatistics.Of([b], false).NotesPerSecond));
        Assert.True(double.IsNaN(MusicStatistics.Of([], false).ZeroStepShare));
    }

    [Fact]
    public void Divergences_SameMusic_Zero_DisjointPitches_One()
    {
        MusicStatistics s = MusicStatistics.Of([Tiny], false);
        Assert.Equal(new DistributionDivergence(0, 0, 0, 0), DistributionDivergence.Between(s, s));
        MusicStatistics up = MusicStatistics.Of([Tiny.Select(n => n with { Pitch = n.Pitch + 1 }).ToArray()], false);
        DistributionDivergence d = DistributionDivergence.Between(s, up);
        Assert.Equal(1.0, d.Pitch, 12);
        Assert.Equal(1.0, d.PitchClass, 12);
        Assert.Equal(0.0, d.Step, 12);
    }
}
