using Cadenza.Common;
using Cadenza.Model;
using Cadenza.Notes;

namespace Cadenza.Generation;

/// <summary>
/// The paper's sampling loop, for one piece or several at once: run the last <c>seq_length</c> notes through the
/// model, draw the pitch, take step and duration clamped at 0, append the note and slide the window. Unlike the
/// tutorial, the appended pitch is normalised like the training inputs (the tutorial appends the raw MIDI number,
/// feeding the model pitches 128× too large). Several pieces share one batched forward pass per note, which is far
/// cheaper per note than batch 1.
/// </summary>
/// <remarks>
/// Each note reuses preallocated buffers: the per-note path allocates nothing. Pieces draw from one RNG in piece
/// order, so a seed reproduces the whole set.
/// </remarks>
public sealed class BatchGenerator
{
    private readonly MusicModel _model;
    private readonly MusicNetwork _network;
    private readonly float[] _windows;    // [B, T, F] normalised inputs
    private readonly float[] _scratch;
    private readonly double[] _starts;    // [B] onset of each piece's last note
    private readonly float[] _inputScales;   // [F] what each input feature is divided by
    private readonly int _pitchHead, _stepHead, _durationHead, _pitchFeature, _stepFeature, _durationFeature;
    private readonly int _velocityHead = -1, _velocityFeature = -1;   // a model that also reads and predicts velocity

    /// <summary>Prepares inference for up to <paramref name="maxPieces"/> pieces at once.</summary>
    /// <exception cref="GenerationException">The model lacks a pitch, step or duration head or input.</exception>
    public BatchGenerator(MusicModel model, int maxPieces)
    {
        if (maxPieces < 1) throw new ArgumentOutOfRangeException(nameof(maxPieces));
        ModelConfig c = model.Config;
        int Head(string name) => Array.FindIndex(c.Heads, h => h.Name == name) is var i and >= 0 ? i : throw new GenerationException($"the model has no '{name}' head");
        _pitchHead = Head("pitch");
        _stepHead = Head("step");
        _durationHead = Head("duration");
        _pitchFeature = Array.IndexOf(c.Features, "pitch");
        _stepFeature = Array.IndexOf(c.Features, "step");
        _durationFeature = Array.IndexOf(c.Features, "duration");
        _velocityFeature = Array.IndexOf(c.Features, "velocity");
        if (_pitchFeature < 0 || _stepFeature < 0 || _durationFeature < 0 || c.InputSize != (_velocityFeature >= 0 ? 4 : 3))
            throw new GenerationException($"generation needs a model whose inputs are pitch, step and duration, and optionally velocity; this one reads ({string.Join(", ", c.Features)})");
        if (_velocityFeature >= 0)
        {
            _velocityHead = Head("velocity");
            if (c.Heads[_velocityHead].Kind != HeadKind.Regression) throw new GenerationException("generation needs a regression head for velocity");
        }
        _inputScales = c.Features.Select(c.InputScale).ToArray();
        _model = model;
        _network = new MusicNetwork(model, maxPieces);
        _windows = new float[maxPieces * c.SequenceLength * c.InputSize];
        _scratch = new float[2 * c.Heads[_pitchHead].Units];
        _starts = new double[maxPieces];
        MaxPieces = maxPieces;
    }

    /// <summary>The largest number of pieces per call.</summary>
    public int MaxPieces { get; }

    /// <summary>Notes in a seed.</summary>
    public int SequenceLength => _model.Config.SequenceLength;

    /// <summary>
    /// Continues <paramref name="pieces"/> seeds (raw features [T × F] each in the model's input order: MIDI pitch,
    /// step, duration, and MIDI velocity if the model reads it; concatenated)
    /// into <paramref name="output"/>, laid out [pieces × notes per piece]. A piece's first generated note starts at its
    /// predicted step, as in the paper.
    /// </summary>
    public void Generate(ReadOnlySpan<float> seeds, GenerationOptions options, Span<Note> output, int pieces)
    {
        ModelConfig c = _model.Config;
        int t = c.SequenceLength, f = c.InputSize, windowFloats = t * f;
        if (pieces < 1 || pieces > MaxPieces) throw new ArgumentOutOfRangeException(nameof(pieces), $"1..{MaxPieces} pieces");
        if (seeds.Length != pieces * windowFloats) throw new ArgumentException($"need {pieces} seeds of {t} notes × {f} features, got {seeds.Length} floats", nameof(seeds));
        if (output.Length % pieces != 0) throw new ArgumentException($"{output.Length} notes do not split into {pieces} pieces", nameof(output));
        int notes = output.Length / pieces, classes = c.Heads[_pitchHead].Units;
        seeds.CopyTo(_windows);
        for (int j = 0; j < f; j++)
            if (_inputScales[j] != 1f) for (int i = j; i < pieces * windowFloats; i += f) _windows[i] /= _inputScales[j];
        Array.Clear(_starts);
        var sampler = new Sampler(options.Temperature, options.TopK, new Rng(options.Seed));
        for (int n = 0; n < notes; n++)
        {
            _network.Forward(_windows, pieces);
            ReadOnlySpan<float> logits = _network.HeadOutput(_pitchHead, pieces);
            ReadOnlySpan<float> steps = _network.HeadOutput(_stepHead, pieces), durations = _network.HeadOutput(_durationHead, pieces);
            ReadOnlySpan<float> velocities = _velocityHead >= 0 ? _network.HeadOutput(_velocityHead, pieces) : default;
            for (int p = 0; p < pieces; p++)
            {
                int pitch = sampler.Sample(logits.Slice(p * classes, classes), _scratch);
                float step = MathF.Max(0f, steps[p]), duration = MathF.Max(0f, durations[p]);
                double start = _starts[p] + step;
                // the velocity head predicts velocity / 127: rounded to a MIDI velocity, at least 1 (0 would be a note-off)
                int velocity = _velocityHead >= 0 ? Math.Clamp((int)MathF.Round(velocities[p] * ModelConfig.VelocityScale), 1, 127) : Note.DefaultVelocity;
                output[p * notes + n] = new Note(pitch, start, start + duration, velocity);
                _starts[p] = start;

                Span<float> w = _windows.AsSpan(p * windowFloats, windowFloats);
                w[f..].CopyTo(w);   // slide: drop the oldest note
                Span<float> last = w[^f..];
                last[_pitchFeature] = pitch / c.PitchScale;
                last[_stepFeature] = step;
                last[_durationFeature] = duration;
                if (_velocityFeature >= 0) last[_velocityFeature] = velocity / ModelConfig.VelocityScale;
            }
        }
    }
}
