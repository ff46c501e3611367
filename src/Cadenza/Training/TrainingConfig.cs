using System.Text.Json.Serialization;
using Cadenza.Midi;
using Cadenza.Nn;

namespace Cadenza.Training;

/// <summary>Every training setting in one record, the paper's values by default; printed at start and saved with the model.</summary>
public sealed record TrainingConfig
{
    /// <summary>Maximum passes over the training windows (the paper: 50).</summary>
    public int Epochs { get; init; } = 50;

    /// <summary>Windows per gradient step; the last partial batch of an epoch is dropped (the tutorial's drop_remainder).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam's step size.</summary>
    public float LearningRate { get; init; } = 0.005f;

    /// <summary>Adam β1.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Adam β2.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Adam ε.</summary>
    public float Epsilon { get; init; } = 1e-7f;

    /// <summary>Where Adam's ε sits (Keras by default, as the paper trained).</summary>
    public AdamFormula AdamFormula { get; init; } = AdamFormula.Keras;

    /// <summary>Epochs without improvement of the monitored loss before stopping (Keras EarlyStopping patience).</summary>
    public int Patience { get; init; } = 5;

    /// <summary>The share of files held out when neither the user nor the source decides: 10%.</summary>
    public const double DefaultValidation = 0.1;

    /// <summary>
    /// Share of usable pieces held out for validation, chosen at random by file (0 disables it and early stopping
    /// watches the training loss); null: the source's own validation split when it has one (MAESTRO), else
    /// <see cref="DefaultValidation"/>.
    /// </summary>
    public double? Validation { get; init; }

    /// <summary>Which of the source's splits to read: all (the default), train, validation or test.</summary>
    public string Split { get; init; } = "all";

    /// <summary>Bach Doodle only: harmony (the default), melody or both.</summary>
    public string Part { get; init; } = "harmony";

    /// <summary>
    /// Read at most this many usable pieces, in corpus order; null reads them all. A dataset larger than memory (the
    /// full Bach Doodle dataset: 21.6 million harmonisations) trains on its first N, read as a stream and stopped there.
    /// </summary>
    public int? MaxPieces { get; init; }

    /// <summary>Seed for initialisation, the split and shuffling.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Threads for the training step; 0 = one per core (at most 2 pay on this model), 1 = bit-reproducible single-threaded.</summary>
    public int Threads { get; init; }

    /// <summary>merged (all non-drum instruments) or first (the first non-drum instrument).</summary>
    public string Instrument { get; init; } = "merged";

    /// <summary>Read the drum kit's notes too (merged reading only): with instruments, drums become a class of their own.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Drums { get; init; }

    /// <summary>How the corpus is read for this training: the instrument selection and the drums.</summary>
    [JsonIgnore]
    public MidiReadSettings MidiReading => new() { Instruments = Instrument == "first" ? InstrumentSelection.First : InstrumentSelection.Merged, Drums = Drums };

    /// <summary>
    /// Transposition augmentation: each training window (inputs and label) is moved by a random number of semitones
    /// in −N..N, drawn per window and reduced where it would leave the MIDI range; 0 (the paper) trains on the notes as they are.
    /// </summary>
    public int Transpose { get; init; }

    /// <summary>
    /// Tempo augmentation: each training window's steps and durations (inputs and label) are multiplied by one factor
    /// drawn per window, log-uniform in [1/(1+S), 1+S], so the rhythm's speed has to be read from the window rather
    /// than remembered from the corpus; 0 (the paper) trains on the times as they are.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public float Stretch { get; init; }

    /// <summary>
    /// Articulation augmentation: each training window's durations alone (inputs and label) are multiplied by one factor
    /// drawn per window, log-uniform in [1/(1+A), 1+A], so how long notes are held against their steps (staccato,
    /// legato) has to be read from the window rather than remembered from the corpus; 0 trains on the durations as they are.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public float Articulation { get; init; }

    /// <summary>The training settings a preset names: the paper's, or Cadenza's (a lower learning rate, transposition by up to 6 semitones, tempo by up to 20%, durations by up to 3×).</summary>
    /// <exception cref="ArgumentException">Another name.</exception>
    public static TrainingConfig Preset(string name) => name switch
    {
        "paper" => new TrainingConfig(),
        "cadenza" => new TrainingConfig { LearningRate = 0.002f, Transpose = 6, Stretch = 0.2f, Articulation = 2f, Patience = 3 },
        _ => throw new ArgumentException($"unknown preset '{name}' (paper or cadenza)"),
    };

    /// <summary>The Adam settings these values give.</summary>
    public AdamSettings Adam => new() { LearningRate = LearningRate, Beta1 = Beta1, Beta2 = Beta2, Epsilon = Epsilon, Formula = AdamFormula };

    /// <summary>Checks the values; throws <see cref="TrainingException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new TrainingException($"epochs must be at least 1, got {Epochs}");
        if (BatchSize < 1) throw new TrainingException($"batch size must be at least 1, got {BatchSize}");
        if (!(LearningRate > 0)) throw new TrainingException($"learning rate must be positive, got {LearningRate}");
        if (Patience < 0) throw new TrainingException($"patience must be ≥ 0, got {Patience}");
        if (Validation is { } v && (v is < 0 or >= 1 || double.IsNaN(v))) throw new TrainingException($"validation share must be in [0, 1), got {v}");
        if (Split is not ("all" or "train" or "validation" or "test")) throw new TrainingException($"split must be train, validation, test or all, got '{Split}'");
        if (Part is not ("melody" or "harmony" or "both")) throw new TrainingException($"part must be melody, harmony or both, got '{Part}'");
        if (MaxPieces is < 1) throw new TrainingException($"max pieces must be at least 1, got {MaxPieces}");
        if (Threads < 0) throw new TrainingException($"threads must be ≥ 0, got {Threads}");
        if (Transpose is < 0 or > 24) throw new TrainingException($"transpose must be in 0..24 semitones, got {Transpose}");
        if (!(Stretch is >= 0 and <= 1)) throw new TrainingException($"stretch must be in 0..1 (a share of the tempo), got {Stretch}");
        if (!(Articulation is >= 0 and <= 4)) throw new TrainingException($"articulation must be in 0..4 (a share of the durations), got {Articulation}");
        if (Instrument is not ("merged" or "first")) throw new TrainingException($"instrument must be merged or first, got '{Instrument}'");
        if (Drums && Instrument == "first") throw new TrainingException("drums are read only with the merged instruments, not with --instrument first");
    }
}
