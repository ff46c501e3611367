namespace Cadenza.Generation;

/// <summary>How notes are generated: count, temperature, top-k, seed.</summary>
public sealed record GenerationOptions
{
    /// <summary>Notes to generate (the paper: 120).</summary>
    public int Notes { get; init; } = 120;

    /// <summary>Softmax temperature of every class head (pitch; the Cadenza model's time classes and instruments too; the paper: 1.0, also 2.0); 0 = argmax.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Draw each class head's value only from its k most likely classes (0 = off).</summary>
    public int TopK { get; init; }

    /// <summary>Seed of the sampling RNG: the same seed gives the same notes.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>For a model with instruments: the classes that may be drawn (the head is masked to them); null: all.</summary>
    public bool[]? AllowedInstruments { get; init; }

    /// <summary>
    /// For a model with instruments: let an instrument play any pitch. By default each plays only inside the pitch
    /// range its training notes had (a bass stays low, as an orchestrator keeps a part in its instrument's compass).
    /// </summary>
    public bool FreeRange { get; init; }

    /// <summary>Sample with the network's own odds, leaving out the chord calibration a model may carry (<see cref="ChordCalibration"/>).</summary>
    public bool Uncalibrated { get; init; }
}
