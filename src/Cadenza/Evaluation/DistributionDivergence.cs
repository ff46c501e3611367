namespace Cadenza.Evaluation;

/// <summary>Jensen–Shannon divergences (bits, 0 = same distribution, 1 = disjoint) between two note collections' histograms.</summary>
/// <param name="Pitch">Over the 128 MIDI pitches.</param>
/// <param name="PitchClass">Over the 12 pitch classes.</param>
/// <param name="Step">Over the step bins of <see cref="Corpus.TimeBins"/>.</param>
/// <param name="Duration">Over the duration bins of <see cref="Corpus.TimeBins"/>.</param>
public sealed record DistributionDivergence(double Pitch, double PitchClass, double Step, double Duration)
{
    /// <summary>The divergences between <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static DistributionDivergence Between(MusicStatistics a, MusicStatistics b) => new(
        Divergence.JensenShannon(a.Histograms.Pitch, b.Histograms.Pitch),
        Divergence.JensenShannon(a.PitchClass, b.PitchClass),
        Divergence.JensenShannon(a.Histograms.Step, b.Histograms.Step),
        Divergence.JensenShannon(a.Histograms.Duration, b.Histograms.Duration));
}
