using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Instruments;
using Cadenza.Model;
using Cadenza.Notes;

namespace Cadenza.Generation;

/// <summary>
/// The sampling loop, for one piece or several at once: run the last <c>seq_length</c> notes through the model, draw
/// each class head (pitch, and step and duration when they are time classes) with the temperature and top-k, read
/// each regression head clamped at 0, append the note and slide the window. Unlike the tutorial, the appended note is
/// encoded like the training inputs (the tutorial appends the raw MIDI number, feeding the model pitches 128× too
/// large). Several pieces share one batched forward pass per note, which is far cheaper per note than batch 1.
/// </summary>
/// <remarks>
/// Each note reuses preallocated buffers: the per-note path allocates nothing. Pieces draw from one RNG in piece
/// order, head by head in <see cref="ModelConfig.DrawingOrder"/>, so a seed reproduces the whole set.
/// </remarks>
public sealed class BatchGenerator
{
    private readonly MusicModel _model;
    private readonly MusicNetwork _network;
    private readonly float[] _windows;    // [B, T, F] encoded inputs
    private readonly float[] _scratch;
    private readonly double[] _starts;    // [B] onset of each piece's last note
    private readonly FeatureEncoding[] _encodings;   // [F] how each input feature is written into the window
    private readonly int[] _headOf;       // [F] the head predicting each input feature
    private readonly int[] _order;        // heads in drawing order (ModelConfig.DrawingOrder): each after the features it is given
    private readonly int[] _featureOf;    // [heads] the input column each head predicts
    private readonly float[] _notes;      // [B, F] the notes being composed, raw (MIDI pitch, seconds, MIDI velocity)
    private readonly float[] _classes;    // [B, heads] the classes drawn so far, read by heads given them
    private readonly float[] _masked;     // one head's outputs with the instruments the user left out set to −∞, or its zero class calibrated
    private readonly int _pitchFeature, _stepFeature, _durationFeature, _velocityFeature, _instrumentFeature;
    private readonly InstrumentVocabulary? _instruments;
    private readonly int _instrumentHead;   // the instrument head when it is drawn before pitch (so pitch can keep its range), else −1

    /// <summary>Prepares inference for up to <paramref name="maxPieces"/> pieces at once.</summary>
    /// <exception cref="GenerationException">The model does not read and predict pitch, step and duration (and optionally velocity).</exception>
    public BatchGenerator(MusicModel model, int maxPieces)
    {
        if (maxPieces < 1) throw new ArgumentOutOfRangeException(nameof(maxPieces));
        ModelConfig c = model.Config;
        _pitchFeature = Array.IndexOf(c.Features, "pitch");
        _stepFeature = Array.IndexOf(c.Features, "step");
        _durationFeature = Array.IndexOf(c.Features, "duration");
        _velocityFeature = Array.IndexOf(c.Features, "velocity");
        _instrumentFeature = Array.IndexOf(c.Features, "instrument");
        if (_pitchFeature < 0 || _stepFeature < 0 || _durationFeature < 0 || c.InputSize != 3 + (_velocityFeature >= 0 ? 1 : 0) + (_instrumentFeature >= 0 ? 1 : 0))
            throw new GenerationException($"generation needs a model whose inputs are pitch, step and duration, and optionally velocity and instrument; this one reads ({string.Join(", ", c.Features)})");
        _instruments = c.Vocabulary();
        if (_instrumentFeature >= 0 && _instruments is null) throw new GenerationException("the model reads instruments but has no instrument vocabulary");
        _headOf = new int[c.InputSize];
        for (int j = 0; j < c.InputSize; j++)
        {
            string f = c.Features[j];
            int h = Array.FindIndex(c.Heads, x => x.Name == f);
            if (h < 0) throw new GenerationException($"the model has no '{f}' head");
            HeadConfig head = c.Heads[h];
            if (f == "pitch" && head.Kind != HeadKind.Classes) throw new GenerationException("generation needs a class head for pitch");
            if (f == "velocity" && head.Kind != HeadKind.Regression) throw new GenerationException("generation needs a regression head for velocity");
            if (head.Kind == HeadKind.Classes && ModelConfig.IsTime(f) && head.Values?.Length != head.Units)
                throw new GenerationException($"the {f} head's classes have no recorded values to play (train the model with this build)");
            _headOf[j] = h;
        }
        _order = c.DrawingOrder()!.Where(h => _headOf.Contains(h)).ToArray();
        int instrumentHead = _instrumentFeature >= 0 ? _headOf[_instrumentFeature] : -1;
        _instrumentHead = instrumentHead >= 0 && Array.IndexOf(_order, instrumentHead) < Array.IndexOf(_order, _headOf[_pitchFeature]) ? instrumentHead : -1;
        _featureOf = c.Heads.Select(h => Array.IndexOf(c.Features, h.Name)).ToArray();
        _encodings = c.Features.Select(c.InputEncoding).ToArray();
        _model = model;
        _network = new MusicNetwork(model, maxPieces);
        _windows = new float[maxPieces * c.SequenceLength * c.InputSize];
        _scratch = new float[2 * c.Heads.Max(h => h.Units)];
        _masked = new float[c.Heads.Max(h => h.Units)];
        _starts = new double[maxPieces];
        _notes = new float[maxPieces * c.InputSize];
        _classes = new float[maxPieces * c.Heads.Length];
        MaxPieces = maxPieces;
    }

    /// <summary>The largest number of pieces per call.</summary>
    public int MaxPieces { get; }

    /// <summary>Notes in a seed.</summary>
    public int SequenceLength => _model.Config.SequenceLength;

    /// <summary>
    /// Continues <paramref name="pieces"/> seeds (raw features [T × F] each in the model's input order: MIDI pitch,
    /// step, duration, and MIDI velocity if the model reads it; concatenated; a model that pads may be given NaN rows
    /// before a short seed, see <see cref="ModelConfig.PadSeed"/>)
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
        int notes = output.Length / pieces;
        seeds.CopyTo(_windows);
        // every value is encoded, identity ones too: a padded seed's NaN rows become FeatureEncoding.Pad
        for (int i = 0; i < pieces * windowFloats; i++) _windows[i] = _encodings[i % f].Encode(_windows[i]);
        Array.Clear(_starts);
        _network.PackWeights();   // this call's weights, whatever they were at the last one
        _network.FoldInputs();
        if (options.AllowedInstruments is { } allowed && (_instruments is null || allowed.Length != _instruments.Count || !allowed.Contains(true)))
            throw new ArgumentException(_instruments is null ? "this model composes for no instruments, so none can be chosen" : $"the instrument mask must allow at least one of the model's {_instruments.Count} instruments", nameof(options));
        var sampler = new Sampler(options.Temperature, options.TopK, new Rng(options.Seed));
        for (int n = 0; n < notes; n++)
        {
            _network.Infer(_windows, pieces);
            foreach (int h in _order)
            {
                if (c.Heads[h].Given is { Length: > 0 }) _network.ForwardHead(h, _classes, pieces);
                for (int p = 0; p < pieces; p++) Predict(h, p, pieces, sampler, options);
            }
            for (int p = 0; p < pieces; p++)
            {
                ReadOnlySpan<float> note = _notes.AsSpan(p * f, f);
                float step = note[_stepFeature], duration = note[_durationFeature];
                double start = _starts[p] + step;
                int velocity = _velocityFeature >= 0 ? (int)note[_velocityFeature] : Note.DefaultVelocity;
                var composed = new Note((int)note[_pitchFeature], start, start + duration, velocity);
                output[p * notes + n] = _instrumentFeature >= 0 ? _instruments!.Play(composed, (int)note[_instrumentFeature]) : composed;
                _starts[p] = start;

                Span<float> w = _windows.AsSpan(p * windowFloats, windowFloats);
                w[f..].CopyTo(w);   // slide: drop the oldest note
                Span<float> last = w[^f..];
                for (int j = 0; j < f; j++) last[j] = _encodings[j].Encode(note[j]);
            }
        }
    }

    // the raw value head h predicts for piece p, into its note: a drawn class (a pitch, or a time bin's recorded value),
    // or a regressed value clamped at 0 (velocity rounded to a MIDI velocity, at least 1: 0 would be a note-off)
    private void Predict(int h, int p, int pieces, Sampler sampler, GenerationOptions options)
    {
        ModelConfig c = _model.Config;
        HeadConfig head = c.Heads[h];
        int j = _featureOf[h];
        Span<float> note = _notes.AsSpan(p * c.InputSize, c.InputSize);
        ReadOnlySpan<float> output = _network.HeadOutput(h, pieces);
        if (head.Kind == HeadKind.Classes)
        {
            ReadOnlySpan<float> row = output.Slice(p * head.Units, head.Units);
            // masks are applied before the temperature and top-k, so the classes left keep their relative odds
            if (j == _instrumentFeature && options.AllowedInstruments is { } allowed)
            {
                Span<float> masked = _masked.AsSpan(0, head.Units);
                row.CopyTo(masked);
                for (int k2 = 0; k2 < masked.Length; k2++) if (!allowed[k2]) masked[k2] = float.NegativeInfinity;
                row = masked;
            }
            else if (j == _pitchFeature && _instrumentHead >= 0 && !options.FreeRange)
            {
                InstrumentClass played = _instruments!.Classes[(int)_classes[p * c.Heads.Length + _instrumentHead]];
                Span<float> masked = _masked.AsSpan(0, head.Units);
                row.CopyTo(masked);
                masked[..Math.Min(played.LowestPitch, masked.Length)].Fill(float.NegativeInfinity);
                if (played.HighestPitch + 1 < masked.Length) masked[(played.HighestPitch + 1)..].Fill(float.NegativeInfinity);
                row = masked;
            }
            else if (head.ZeroLogitOffset != 0 && !options.Uncalibrated)
            {
                Span<float> shifted = _masked.AsSpan(0, head.Units);
                row.CopyTo(shifted);
                shifted[0] += head.ZeroLogitOffset;   // class 0 is the exact-zero bin (TimeBins)
                row = shifted;
            }
            int k = sampler.Sample(row, _scratch);
            _classes[p * c.Heads.Length + h] = k;
            note[j] = head.Values is { } values ? values[k] : k;
            return;
        }
        float y = MathF.Max(0f, output[p]);
        note[j] = j == _velocityFeature ? Math.Clamp(MathF.Round(y * ModelConfig.VelocityScale), 1, 127) : y;
    }
}
