using Cadenza.Corpus;

namespace Cadenza.Pipeline;

/// <summary>What to evaluate: a model, held-out music, the generation to compare, and which files to write.</summary>
public sealed record EvalRequest
{
    /// <summary>Model folder or TF.js model.json.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Held-out corpus source (folder or MIDI file); null: the validation files recorded with the model.</summary>
    public string? Data { get; init; }

    /// <summary>Notes generated after each seed (the paper: 120).</summary>
    public int Notes { get; init; } = 120;

    /// <summary>Seeds drawn from the held-out music; 0 skips generation.</summary>
    public int Seeds { get; init; } = 5;

    /// <summary>Sampling temperature of every class head: pitch, and the Cadenza model's step and duration classes (0 = argmax).</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Sample each class head from its k most likely classes only (0 = off).</summary>
    public int TopK { get; init; }

    /// <summary>For a model with instruments: generate without keeping each instrument in its training range (<see cref="Generation.GenerationOptions.FreeRange"/>).</summary>
    public bool FreeRange { get; init; }

    /// <summary>Compose with the network's own odds, without the model's chord calibration (<see cref="Generation.GenerationOptions.Uncalibrated"/>).</summary>
    public bool Uncalibrated { get; init; }

    /// <summary>Seed for choosing the seed windows and for sampling: the same seed gives the same report.</summary>
    public ulong RngSeed { get; init; } = 42;

    /// <summary>Threads for the held-out loss; 0 = up to 2.</summary>
    public int Threads { get; init; }

    /// <summary>Where to write the report as JSON; null for none.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Where to write the histogram picture; null: eval.png in the model's folder.</summary>
    public string? PlotPath { get; init; }

    /// <summary>Corpus reading options (cache, threads); the instrument selection is the one the model was trained with.</summary>
    public CorpusOptions Corpus { get; init; } = CorpusOptions.Default;
}
