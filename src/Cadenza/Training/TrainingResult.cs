namespace Cadenza.Training;

/// <summary>How a training run ended.</summary>
/// <param name="History">Every epoch, including those of a resumed run.</param>
/// <param name="BestEpoch">Epoch whose weights were kept.</param>
/// <param name="BestLoss">Its monitored loss.</param>
/// <param name="Monitor">"val_loss" or "loss".</param>
/// <param name="StoppedEarly">True when patience ran out.</param>
/// <param name="Cancelled">True when stopped by the user (a checkpoint was written).</param>
public sealed record TrainingResult(IReadOnlyList<EpochRecord> History, int BestEpoch, double BestLoss, string Monitor, bool StoppedEarly, bool Cancelled)
{
    /// <summary>The chord calibration done after training (<see cref="Pipeline.CalibrateJob"/>), or null.</summary>
    public Generation.ChordCalibrationResult? Calibration { get; init; }
}
