using Cadenza.Evaluation;
using Cadenza.Model;
using Cadenza.Notes;

namespace Cadenza.Generation;

/// <summary>What <see cref="ChordCalibration.Calibrate"/> found: the offset, and the chord shares before and after it.</summary>
/// <param name="Model">The model with the offset on its step head (the same weights).</param>
/// <param name="Offset">Added to the step head's zero-class logit when sampling.</param>
/// <param name="Target">The share of zero steps the composed pieces are brought to (the training notes').</param>
/// <param name="Before">The composed pieces' share with the network's own odds.</param>
/// <param name="After">Their share with the offset.</param>
public sealed record ChordCalibrationResult(MusicModel Model, float Offset, double Target, double Before, double After)
{
    /// <summary>What it did, as train and <c>model calibrate</c> print it: the shares before and after, and the offset.</summary>
    public string Summary => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Before:0.00} of the composed notes start with the one before, {After:0.00} with a zero-step offset of {ChordCalibration.Describe(Offset)}");
}

/// <summary>
/// Brings the share of chord notes (step 0) in the pieces a model composes to a target share (its training notes',
/// <see cref="Pipeline.CalibrateJob"/>), with one logit offset on the step head's exact-zero class.
/// </summary>
/// <remarks>
/// Teacher-forced, the step head's odds of a chord are calibrated (on held-out windows it expects 0.575 chord notes
/// where the music has 0.579), but a piece that reads its own notes drifts to a chord density of the model's own
/// (0.46–0.49 on the development split from any seed, against 0.58 in its notes; bench/quality/README.md, sessions 11
/// and 12). The
/// offset corrects that drift in the figure it shows in: the model composes <see cref="Pieces"/> pieces of
/// <see cref="Notes"/> notes at temperature 1 from seeds it was not trained on, and a bisection over the offset (the
/// same random draws at every offset) finds where their share meets the target. Like temperature scaling on a
/// validation set, it learns one number from held-out music of the training corpus, so it is the same procedure for
/// any style; the weights, the held-out loss and training are untouched, and <see cref="GenerationOptions.Uncalibrated"/>
/// samples without it.
/// </remarks>
public static class ChordCalibration
{
    /// <summary>Pieces composed at each offset (one batch).</summary>
    public const int Pieces = 64;

    /// <summary>Notes per piece: as many as eval and generate compose by default.</summary>
    public const int Notes = 120;

    /// <summary>Bisection steps over [−<see cref="MaxOffset"/>, +<see cref="MaxOffset"/>]: the offset to within 0.03.</summary>
    public const int Steps = 8;

    /// <summary>The largest offset either way: e⁴ ≈ 55 times the network's odds.</summary>
    public const float MaxOffset = 4f;

    /// <summary>Whether the model has a step head over time classes whose class 0 is a step of exactly 0 (the Cadenza model; not the paper's).</summary>
    public static bool Applies(ModelConfig c) =>
        c.Heads.FirstOrDefault(h => h.Name == "step") is { Kind: HeadKind.Classes, Values: { Length: > 1 } values } && values[0] == 0;

    /// <summary>Finds the offset for <paramref name="model"/> from <paramref name="seeds"/> (raw feature windows, padded as <see cref="BatchGenerator"/> takes them).</summary>
    /// <param name="target">The share of zero steps to reach, in (0, 1).</param>
    /// <param name="progress">Called with the number of offsets tried so far (of <see cref="Steps"/> + 1).</param>
    public static ChordCalibrationResult Calibrate(MusicModel model, IReadOnlyList<float[]> seeds, double target, ulong seed, IProgress<int>? progress = null)
    {
        ModelConfig c = model.Config;
        if (!Applies(c)) throw new ArgumentException("the model has no step head over time classes with a zero class to calibrate", nameof(model));
        if (seeds.Count == 0) throw new ArgumentException("no seed windows to compose from", nameof(seeds));
        if (!(target > 0 && target < 1)) throw new ArgumentOutOfRangeException(nameof(target), $"a share of zero steps in (0, 1), got {target}");
        int window = c.SequenceLength * c.InputSize;
        var batch = new float[Pieces * window];
        for (int p = 0; p < Pieces; p++)
        {
            float[] s = seeds[p % seeds.Count];
            if (s.Length != window) throw new ArgumentException($"seed {p % seeds.Count} has {s.Length} floats, the model reads {window}", nameof(seeds));
            s.CopyTo(batch, p * window);
        }
        var output = new Note[Pieces * Notes];
        var options = new GenerationOptions { Notes = Notes, Temperature = 1f, Seed = seed };
        int tried = 0;
        double Share(float offset)
        {
            new BatchGenerator(With(model, offset), Pieces).Generate(batch, options, output, Pieces);
            var pieces = new Note[Pieces][];
            for (int p = 0; p < Pieces; p++) pieces[p] = output.AsSpan(p * Notes, Notes).ToArray();
            progress?.Report(++tried);
            return MusicStatistics.Of(pieces, continuesSeed: true).ZeroStepShare;
        }
        double before = Share(0);
        float lo = -MaxOffset, hi = MaxOffset;
        // the first midpoint is 0, already measured; the share rises with the offset (the same draws at each)
        if (before < target) lo = 0; else hi = 0;
        for (int i = 1; i < Steps; i++)
        {
            float mid = (lo + hi) / 2;
            if (Share(mid) < target) lo = mid; else hi = mid;
        }
        float found = (lo + hi) / 2;
        return new ChordCalibrationResult(With(model, found), found, target, before, Share(found));
    }

    /// <summary>The training notes' share of zero steps from their statistics (bin 0 of the step histogram), or NaN without steps.</summary>
    public static double TargetShare(Corpus.NoteStatistics training)
    {
        long steps = training.Step.Sum();
        return steps == 0 ? double.NaN : (double)training.Step[0] / steps;
    }

    /// <summary>The offset <paramref name="model"/>'s pieces are sampled with under <paramref name="options"/>: its step head's, or 0 uncalibrated or without one.</summary>
    public static float InEffect(ModelConfig model, GenerationOptions options) =>
        options.Uncalibrated ? 0 : model.Heads.FirstOrDefault(h => h.Name == "step")?.ZeroLogitOffset ?? 0;

    /// <summary>An offset as it is printed: signed, two decimals.</summary>
    public static string Describe(float offset) => offset.ToString("+0.00;-0.00", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary><paramref name="model"/> with <paramref name="offset"/> on its step head (the same weights).</summary>
    public static MusicModel With(MusicModel model, float offset) =>
        new(model.Config with { Heads = model.Config.Heads.Select(h => h.Name == "step" ? h with { ZeroLogitOffset = offset } : h).ToArray() }, model.Parameters);
}
