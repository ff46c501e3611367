using Cadenza.Common;
using Cadenza.Model;
using Cadenza.Notes;

namespace Cadenza.Generation;

/// <summary>Generates several pieces at once: one batched forward pass per note for all of them, which is far cheaper per note than batch 1.</summary>
/// <remarks>Same loop as <see cref="Generator"/>, per piece; pieces draw from one RNG in piece order, so a seed reproduces the set.</remarks>
public sealed class BatchGenerator
{
    private readonly MusicModel _model;
    private readonly MusicNetwork _network;
    private readonly float[] _windows;    // [B, T, F] normalised
    private readonly float[] _scratch;
    private readonly double[] _starts;

    /// <summary>Prepares inference for up to <paramref name="maxPieces"/> pieces (a paper model with pitch, step, duration).</summary>
    public BatchGenerator(MusicModel model, int maxPieces)
    {
        ModelConfig c = model.Config;
        if (!c.Features.SequenceEqual(["pitch", "step", "duration"]) || c.Heads.Length < 3 || c.Heads[0].Name != "pitch" || c.Heads[1].Name != "step" || c.Heads[2].Name != "duration")
            throw new GenerationException("batched generation needs a model with inputs and heads pitch, step, duration in that order");
        _model = model;
        _network = new MusicNetwork(model, maxPieces);
        _windows = new float[maxPieces * c.SequenceLength * c.InputSize];
        _scratch = new float[2 * c.Heads[0].Units];
        _starts = new double[maxPieces];
        MaxPieces = maxPieces;
    }

    /// <summary>The largest number of pieces per call.</summary>
    public int MaxPieces { get; }

    /// <summary>Continues each seed (raw features [T × 3] per piece, concatenated) by <c>output[p].Length</c> notes.</summary>
    public void Generate(ReadOnlySpan<float> seeds, GenerationOptions options, Note[][] output)
    {
        ModelConfig c = _model.Config;
        int t = c.SequenceLength, f = c.InputSize, pieces = output.Length, windowFloats = t * f;
        if (pieces < 1 || pieces > MaxPieces) throw new ArgumentOutOfRangeException(nameof(output), $"1..{MaxPieces} pieces");
        if (seeds.Length != pieces * windowFloats) throw new ArgumentException($"need {pieces} seeds of {t}×{f} floats", nameof(seeds));
        seeds.CopyTo(_windows);
        for (int i = 0; i < pieces * windowFloats; i += f) _windows[i] /= c.PitchScale;
        Array.Clear(_starts);
        var sampler = new Sampler(options.Temperature, options.TopK, new Rng(options.Seed));
        int notes = output.Max(o => o.Length);
        int classes = c.Heads[0].Units;
        for (int n = 0; n < notes; n++)
        {
            _network.Forward(_windows, pieces);
            ReadOnlySpan<float> logits = _network.HeadOutput(0, pieces), steps = _network.HeadOutput(1, pieces), durations = _network.HeadOutput(2, pieces);
            for (int p = 0; p < pieces; p++)
            {
                if (n >= output[p].Length) continue;
                int pitch = sampler.Sample(logits.Slice(p * classes, classes), _scratch);
                float step = MathF.Max(0f, steps[p]), duration = MathF.Max(0f, durations[p]);
                double start = _starts[p] + step;
                output[p][n] = new Note(pitch, start, start + duration, Note.DefaultVelocity);
                _starts[p] = start;
                Span<float> w = _windows.AsSpan(p * windowFloats, windowFloats);
                w[f..].CopyTo(w);
                w[^3] = pitch / c.PitchScale;
                w[^2] = step;
                w[^1] = duration;
            }
        }
    }
}
