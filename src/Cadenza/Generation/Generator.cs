using Cadenza.Common;
using Cadenza.Model;
using Cadenza.Notes;

namespace Cadenza.Generation;

/// <summary>
/// The paper's sampling loop: run the last <c>seq_length</c> notes through the model, draw the pitch, take step and
/// duration clamped at 0, append the note and slide the window. Unlike the tutorial, the appended pitch is normalised
/// like the training inputs (the tutorial appends the raw MIDI number, feeding the model pitches 128× too large).
/// </summary>
/// <remarks>Each note reuses preallocated buffers: the per-note path allocates nothing.</remarks>
public sealed class Generator
{
    private readonly MusicModel _model;
    private readonly MusicNetwork _network;
    private readonly float[] _window;     // [T, F] normalised inputs
    private readonly float[] _scratch;
    private readonly int _pitchHead, _stepHead, _durationHead, _pitchFeature, _stepFeature, _durationFeature;

    /// <summary>Prepares batch-1 inference for <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The model lacks a pitch, step or duration head.</exception>
    public Generator(MusicModel model)
    {
        _model = model;
        ModelConfig c = model.Config;
        _network = new MusicNetwork(model, 1);
        _window = new float[c.SequenceLength * c.InputSize];
        int Head(string name) => Array.FindIndex(c.Heads, h => h.Name == name) is var i and >= 0 ? i : throw new ArgumentException($"the model has no '{name}' head");
        _pitchHead = Head("pitch");
        _stepHead = Head("step");
        _durationHead = Head("duration");
        _pitchFeature = Array.IndexOf(c.Features, "pitch");
        _stepFeature = Array.IndexOf(c.Features, "step");
        _durationFeature = Array.IndexOf(c.Features, "duration");
        if (c.InputSize != 3 || _pitchFeature < 0 || _stepFeature < 0 || _durationFeature < 0)
            throw new ArgumentException("generation needs a model whose inputs are pitch, step and duration");
        _scratch = new float[2 * c.Heads[_pitchHead].Units];
    }

    /// <summary>Notes in a seed.</summary>
    public int SequenceLength => _model.Config.SequenceLength;

    /// <summary>
    /// Generates <see cref="GenerationOptions.Notes"/> notes after <paramref name="seed"/> (raw features [T × 3]:
    /// MIDI pitch, step, duration). The first generated note starts at its predicted step, as in the paper.
    /// </summary>
    public Note[] Generate(ReadOnlySpan<float> seed, GenerationOptions options)
    {
        var notes = new Note[options.Notes];
        Generate(seed, options, notes);
        return notes;
    }

    /// <summary>As <see cref="Generate(ReadOnlySpan{float}, GenerationOptions)"/>, into a caller-owned array (no allocation).</summary>
    public void Generate(ReadOnlySpan<float> seed, GenerationOptions options, Span<Note> output)
    {
        ModelConfig c = _model.Config;
        int t = c.SequenceLength, f = c.InputSize;
        if (seed.Length != t * f) throw new ArgumentException($"a seed is {t} notes × {f} features, got {seed.Length} floats", nameof(seed));
        seed.CopyTo(_window);
        for (int i = _pitchFeature; i < _window.Length; i += f) _window[i] /= c.PitchScale;
        var sampler = new Sampler(options.Temperature, options.TopK, new Rng(options.Seed));
        double previousStart = 0;
        for (int n = 0; n < output.Length; n++)
        {
            _network.Forward(_window, 1);
            int pitch = sampler.Sample(_network.HeadOutput(_pitchHead, 1), _scratch);
            float step = MathF.Max(0f, _network.HeadOutput(_stepHead, 1)[0]);
            float duration = MathF.Max(0f, _network.HeadOutput(_durationHead, 1)[0]);
            double start = previousStart + step;
            output[n] = new Note(pitch, start, start + duration, Note.DefaultVelocity);
            previousStart = start;

            Array.Copy(_window, f, _window, 0, (t - 1) * f);   // slide: drop the oldest note
            Span<float> last = _window.AsSpan((t - 1) * f, f);
            last[_pitchFeature] = pitch / c.PitchScale;
            last[_stepFeature] = step;
            last[_durationFeature] = duration;
        }
    }
}
