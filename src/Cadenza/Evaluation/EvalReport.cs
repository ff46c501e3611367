using System.Text.Json.Nodes;
using Cadenza.Corpus;
using Cadenza.Generation;

namespace Cadenza.Evaluation;

/// <summary>A count model's held-out cross-entropy for one feature.</summary>
/// <param name="Feature">pitch, step or duration (time over the reference bins).</param>
/// <param name="UnigramNats">The add-one unigram of the training labels, nats per note.</param>
/// <param name="CopyNats">The context copy model, nats per note.</param>
/// <param name="Lambda">Its copy share, fitted on the training windows.</param>
public sealed record CountBaselineResult(string Feature, double UnigramNats, double CopyNats, double Lambda);

/// <summary>Everything <c>cadenza eval</c> measured: held-out loss beside its baselines, generated music beside held-out music.</summary>
public sealed record EvalReport
{
    /// <summary>The model evaluated (folder or model.json).</summary>
    public required string Model { get; init; }

    /// <summary>Where the held-out music came from, in words.</summary>
    public required string HeldOutSource { get; init; }

    /// <summary>Held-out files used.</summary>
    public required int HeldOutFiles { get; init; }

    /// <summary>The model's losses on every held-out window.</summary>
    public required HeldOutLoss Loss { get; init; }

    /// <summary>Uniform and unigram pitch baselines on the same labels.</summary>
    public required PitchBaselines Baselines { get; init; }

    /// <summary>The count models on the same labels (pitch, step, duration): unigram and context copy; empty for a model that records none.</summary>
    public IReadOnlyList<CountBaselineResult> CountModels { get; init; } = [];

    /// <summary>Statistics of the generated notes (all seeds together).</summary>
    public required MusicStatistics Generated { get; init; }

    /// <summary>Statistics of the held-out notes: the reference.</summary>
    public required MusicStatistics HeldOut { get; init; }

    /// <summary>Divergences of the generated histograms from the held-out ones.</summary>
    public required DistributionDivergence Jsd { get; init; }

    /// <summary>Statistics of the notes that really follow each seed in its held-out file (as many as were generated, where the file has them).</summary>
    public MusicStatistics? RealContinuations { get; init; }

    /// <summary>Divergences of the real continuations from the held-out histograms: what a perfect model would score with these seeds.</summary>
    public DistributionDivergence? RealContinuationJsd { get; init; }

    /// <summary>For a model with instruments: each instrument's share and pitch range, generated against held-out; null otherwise.</summary>
    public InstrumentReport? Instruments { get; init; }

    /// <summary>Sampling settings; <see cref="GenerationOptions.Notes"/> is per seed and <see cref="GenerationOptions.Seed"/> the seed of the whole run.</summary>
    public required GenerationOptions Generation { get; init; }

    /// <summary>The chord calibration the composed pieces were sampled with (the step head's zero-class offset, <see cref="ChordCalibration"/>); 0 for none or <see cref="GenerationOptions.Uncalibrated"/>.</summary>
    public float ChordOffset { get; init; }

    /// <summary>The seed windows, in order.</summary>
    public required IReadOnlyList<SeedWindow> Seeds { get; init; }

    /// <summary>Time to load the model, seconds.</summary>
    public double ModelLoadSeconds { get; init; }

    /// <summary>Time to generate all notes, seconds.</summary>
    public double GenerationSeconds { get; init; }

    /// <summary>One-line notes for the user (a skipped baseline, training files in the held-out data…).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// The report as JSON: sections heldout_loss, baselines, generated and heldout (the same keys), jsd, generation,
    /// timing. A value that is not a finite number (a NaN divergence of an empty histogram, an infinite note rate) is null.
    /// </summary>
    public JsonObject ToJson() => new()
    {
        ["model"] = Model,
        ["heldout_source"] = HeldOutSource,
        ["heldout_files"] = HeldOutFiles,
        ["heldout_loss"] = new JsonObject
        {
            ["pitch_nll_nats"] = Num(Loss.PitchNats),
            ["pitch_nll_bits"] = Num(Loss.PitchBits),
            ["step_loss"] = Num(Loss.StepLoss),
            ["duration_loss"] = Num(Loss.DurationLoss),
            ["step_nll_nats"] = Num(Loss.StepNats),
            ["duration_nll_nats"] = Num(Loss.DurationNats),
            ["expected_zero_step_share"] = Num(Loss.ExpectedZeroStepShare),
            ["instrument_nll_nats"] = Num(Loss.InstrumentNats),
            ["top1_accuracy"] = Num(Loss.Top1Accuracy),
            ["windows"] = Loss.Windows,
        },
        ["baselines"] = new JsonObject
        {
            ["uniform_nats"] = Num(Baselines.UniformNats),
            ["unigram_nats"] = Num(Baselines.UnigramNats),
            ["uniform_top1_accuracy"] = Num(Baselines.UniformTop1),
            ["unigram_top1_accuracy"] = Num(Baselines.UnigramTop1),
            ["counts"] = new JsonObject(CountModels.Select(c => KeyValuePair.Create(c.Feature, (JsonNode?)new JsonObject
            {
                ["unigram_nats"] = Num(c.UnigramNats),
                ["copy_nats"] = Num(c.CopyNats),
                ["copy_lambda"] = c.Lambda,
            }))),
        },
        ["generated"] = Stats(Generated),
        ["heldout"] = Stats(HeldOut),
        ["jsd"] = Divergences(Jsd),
        ["jsd_real_continuations"] = RealContinuationJsd is not { } rj ? null : Divergences(rj, RealContinuations?.Notes ?? 0),
        ["instruments"] = Instruments is not { } ins ? null : new JsonObject
        {
            ["share_jsd"] = Num(ins.ShareJsd),
            ["instruments_per_piece"] = Num(ins.InstrumentsPerPiece),
            ["classes"] = new JsonArray(ins.Instruments.Select(u => (JsonNode)new JsonObject
            {
                ["name"] = u.Name,
                ["program"] = u.Program,
                ["generated_share"] = Num(u.GeneratedShare),
                ["heldout_share"] = Num(u.HeldOutShare),
                ["generated_range"] = Range(u.Generated),
                ["heldout_range"] = Range(u.HeldOut),
                ["training_range"] = Range(u.Training),
                ["within_training_range"] = u.WithinTrainingRange,
            }).ToArray()),
        },
        ["generation"] = new JsonObject
        {
            ["notes_per_seed"] = Generation.Notes,
            ["seeds"] = new JsonArray(Seeds.Select(s => (JsonNode)new JsonObject { ["file"] = s.File, ["note"] = s.Note, ["sampling_seed"] = s.SamplingSeed }).ToArray()),
            ["temperature"] = Generation.Temperature,
            ["top_k"] = Generation.TopK,
            ["rng_seed"] = Generation.Seed,
            ["zero_logit_offset"] = ChordOffset,
        },
        ["timing"] = new JsonObject
        {
            ["model_load_seconds"] = Math.Round(ModelLoadSeconds, 4),
            ["heldout_loss_seconds"] = Math.Round(Loss.Seconds, 4),
            ["windows_per_second"] = Num(Math.Round(Loss.WindowsPerSecond)),
            ["threads"] = Loss.Threads,
            ["generation_seconds"] = Math.Round(GenerationSeconds, 4),
        },
        ["warnings"] = new JsonArray(Warnings.Select(w => (JsonNode)w).ToArray()),
    };

    // the jsd section, and the real continuations' beside it with the notes they counted
    private static JsonObject Divergences(DistributionDivergence d, long? notes = null)
    {
        var o = new JsonObject { ["pitch"] = Num(d.Pitch), ["pitch_class"] = Num(d.PitchClass), ["step"] = Num(d.Step), ["duration"] = Num(d.Duration) };
        if (notes is { } n) o["notes"] = n;
        return o;
    }

    private static JsonObject Stats(MusicStatistics s) => new()
    {
        ["pieces"] = s.Pieces,
        ["notes"] = s.Notes,
        ["zero_step_share"] = Num(s.ZeroStepShare),
        ["zero_duration_share"] = Num(s.ZeroDurationShare),
        ["longest_pitch_run"] = s.LongestRun,
        ["top_pitch"] = s.TopPitch,
        ["top_pitch_share"] = Num(s.TopPitchShare),
        ["notes_per_second"] = Num(s.NotesPerSecond),
        ["histograms"] = new JsonObject
        {
            ["pitch"] = Counts(s.Histograms.Pitch),
            ["pitch_class"] = Counts(s.PitchClass),
            ["step"] = Counts(s.Histograms.Step),
            ["duration"] = Counts(s.Histograms.Duration),
            ["time_bin_upper_edges"] = new JsonArray(Enumerable.Range(0, TimeBins.Count).Select(b => Num(TimeBins.UpperEdge(b))).ToArray()),
        },
    };

    private static JsonArray? Range((int Low, int High)? r) => r is { } v ? new JsonArray(v.Low, v.High) : null;

    private static JsonArray Counts(long[] counts) => new(counts.Select(c => (JsonNode)c).ToArray());

    private static JsonNode? Num(double? value) => value is { } v && double.IsFinite(v) ? (JsonNode)v : null;
}
