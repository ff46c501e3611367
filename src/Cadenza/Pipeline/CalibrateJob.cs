using System.Text.Json.Nodes;
using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Generation;
using Cadenza.Model;

namespace Cadenza.Pipeline;

/// <summary>
/// Chord calibration of a trained model (<see cref="ChordCalibration"/>): composed from windows of music it was not
/// trained on (its validation files, or a folder the user gives), brought to the share of chords in its training notes.
/// </summary>
/// <remarks>
/// The seeds come from held-out music for the reason temperature scaling fits on a validation set: from its own
/// training windows a model composes as many chords as the corpus has (s11-t50: 0.59 from its recorded training seeds,
/// 0.46 from its validation files' windows), so calibrating there would correct nothing where users meet the drift.
/// </remarks>
public static class CalibrateJob
{
    private const ulong Salt = 0xC4_07D5_CA11_B7A7UL;   // the calibration's draws, the same for every model

    /// <summary>Why <paramref name="model"/> cannot be calibrated (to its training notes' share in <paramref name="corpus"/>, unless <paramref name="needsTarget"/> is false), or null when it can.</summary>
    public static string? Problem(MusicModel model, JsonObject? corpus, bool needsTarget = true)
    {
        if (!ChordCalibration.Applies(model.Config)) return "its step head does not draw time classes with a zero class (the paper's model regresses the step)";
        if (!needsTarget) return null;
        double target = TrainingShare(corpus);
        if (double.IsNaN(target)) return "it records no statistics of its training notes (a TF.js, imported or earlier model)";
        if (!(target > 0 && target < 1)) return $"its training notes have {(target == 0 ? "no chords" : "nothing but chords")}: there is no share to match";
        return null;
    }

    /// <summary>
    /// Calibrates the model in <paramref name="folder"/> on <paramref name="data"/> (default: the validation files it
    /// records) and rewrites its config; the weights stay as they are.
    /// </summary>
    /// <exception cref="GenerationException">The model cannot be calibrated (see <see cref="Problem"/>).</exception>
    /// <exception cref="Evaluation.EvaluationException">No music to draw seeds from.</exception>
    /// <param name="share">The share of zero steps to reach, in (0, 1); null: the training notes'.</param>
    public static (ChordCalibrationResult Result, string Seeds) Run(string folder, string? data, double? share, CorpusOptions corpusOptions, List<string> warnings)
    {
        if (share is { } s && !(s > 0 && s < 1)) throw new GenerationException($"--share must be between 0 and 1 (exclusive), got {s}");
        MusicModel model = ModelStore.Load(folder);
        JsonObject? corpus = ModelStore.ReadCorpusSection(folder);
        if (Problem(model, corpus, share is null) is { } problem) throw new GenerationException($"{folder}: cannot calibrate the chords: {problem}");
        var (files, description) = EvalJob.HeldOut(new EvalRequest { ModelPath = folder, Data = data, Corpus = corpusOptions }, corpus, model.Config, warnings, null);
        ChordCalibrationResult result = Calibrate(model, files, share ?? TrainingShare(corpus));
        ModelStore.SaveConfig(result.Model.Config, folder);
        return (result, description);
    }

    /// <summary>The share of chord notes among the training notes a model's corpus section records, or NaN without their statistics.</summary>
    public static double TrainingShare(JsonObject? corpus) =>
        GenerateJob.TrainingStatistics(corpus) is { } stats ? ChordCalibration.TargetShare(stats) : double.NaN;

    /// <summary>Calibrates <paramref name="model"/> from seeds drawn in <paramref name="files"/> to <paramref name="target"/> (by default the share of chords in the training notes).</summary>
    /// <remarks>
    /// The target is the corpus's share over all its notes, which is what a piece of its style is judged by (eval
    /// compares with the held-out notes' share). Paired with the seeds instead (the share in the notes that really
    /// follow them) it found nothing to correct on either measured corpus, whose validation files happen to be as
    /// chordal as the model's own pieces (bench/quality/README.md, session 12).
    /// </remarks>
    internal static ChordCalibrationResult Calibrate(MusicModel model, IReadOnlyList<CorpusFile> files, double target)
    {
        var rng = new Rng(Salt);
        var seeds = new List<float[]>();
        for (int i = 0; i < ChordCalibration.Pieces; i++) seeds.Add(EvalJob.DrawSeed(files, model.Config, rng).Seed);
        return ChordCalibration.Calibrate(model, seeds, target, Salt);
    }
}
