namespace Cadenza.Evaluation;

/// <summary>The model's losses on every window of held-out music, and how fast they were computed.</summary>
/// <param name="PitchNats">Mean pitch cross-entropy, nats per note.</param>
/// <param name="StepLoss">Mean step loss (MSE with positive pressure, as trained); NaN without a step regression head.</param>
/// <param name="DurationLoss">Mean duration loss; NaN without a duration regression head.</param>
/// <param name="Top1Accuracy">Share of windows whose most likely pitch is the next note's.</param>
/// <param name="Windows">Windows evaluated.</param>
/// <param name="Seconds">Wall-clock time of the evaluation.</param>
/// <param name="Threads">Threads used.</param>
public sealed record HeldOutLoss(double PitchNats, double StepLoss, double DurationLoss, double Top1Accuracy, int Windows, double Seconds, int Threads)
{
    /// <summary>Step cross-entropy over the reference time bins, nats per note; NaN without a step class head.</summary>
    public double StepNats { get; init; } = double.NaN;

    /// <summary>Duration cross-entropy over the reference time bins, nats per note; NaN without a duration class head.</summary>
    public double DurationNats { get; init; } = double.NaN;

    /// <summary>
    /// The step head's mean probability of a zero step (a chord note) over the held-out windows: the chord share it
    /// expects given real context, to compare with the share its own pieces reach; NaN without a step class head.
    /// </summary>
    public double ExpectedZeroStepShare { get; init; } = double.NaN;

    /// <summary>Instrument cross-entropy, nats per note; NaN for a model without instruments.</summary>
    public double InstrumentNats { get; init; } = double.NaN;

    /// <summary>Mean pitch cross-entropy in bits per note.</summary>
    public double PitchBits => PitchNats / Math.Log(2);

    /// <summary>Windows evaluated per second.</summary>
    public double WindowsPerSecond => Seconds > 0 ? Windows / Seconds : double.PositiveInfinity;
}
