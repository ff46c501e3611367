namespace Cadenza.Audio;

/// <summary>One sounding note of the built-in synthesizer: a few partials of a struck string (or of a held bowed, blown or soft tone, by program), with attack and release.</summary>
/// <remarks>
/// Each partial is a rotating phasor (one complex multiply per sample, no sine calls) whose amplitude decays
/// exponentially, higher partials faster, as a piano string's do. A voice owns its arrays, allocated once when
/// the synthesizer is built and reused note after note.
/// </remarks>
internal sealed class PianoVoice
{
    /// <summary>Partials per note: enough for a piano-like colour, few enough to stay cheap.</summary>
    public const int Partials = 6;

    // relative level of partial n+1: a hammer-struck string, strong fundamental, falling overtones
    private static readonly float[] PartialLevels = [1.0f, 0.45f, 0.25f, 0.14f, 0.08f, 0.045f];

    // the two other timbres GM programs are mapped to: bowed or blown (bright, held), and flute or pad (nearly pure, held)
    private static readonly float[] BrightLevels = [1.0f, 0.6f, 0.45f, 0.3f, 0.2f, 0.12f];
    private static readonly float[] SoftLevels = [1.0f, 0.15f, 0.05f, 0.02f, 0.01f, 0.005f];
    private const double HeldDecaySeconds = 20;           // a held tone barely fades while the key is down
    private const double HeldAttackSeconds = 0.03;        // a bow or breath speaks more slowly than a hammer

    /// <summary>
    /// The timbre a General MIDI program is played with: 0 struck (pianos, mallets, guitars, basses, plucked and
    /// percussive families), 1 bright and held (organ, strings, ensemble, brass, reed, synth lead), 2 soft and held
    /// (pipe, synth pad).
    /// </summary>
    public static int TimbreOf(int program) => (Math.Clamp(program, 0, 127) / 8) switch
    {
        2 or 5 or 6 or 7 or 8 or 10 => 1,
        9 or 11 => 2,
        _ => 0,
    };

    private const double Inharmonicity = 1e-4;            // B in f_n = n f0 sqrt(1 + B n^2): stiff strings run sharp
    private const double MiddleCDecaySeconds = 2.5;       // e-folding time of the fundamental at pitch 60
    private const double DecayHalvingSemitones = 24;      // two octaves up, notes die twice as fast
    private const double MinDecaySeconds = 0.4;
    private const double MaxDecaySeconds = 6.0;
    private const double PartialDecaySpeedup = 0.5;       // partial n decays (1 + 0.5 (n-1)) times faster
    private const double AttackSeconds = 0.004;           // fast enough to sound struck, slow enough not to click
    private const double ReleaseSeconds = 0.07;           // damper time constant: -60 dB about 0.5 s after the key is up
    private const double MaxPartialFraction = 0.45;       // partials above 0.45 x sample rate would alias
    private const float SilentLevel = 1e-4f;              // -80 dB: the voice is free again
    private const float VoiceGain = 0.07f;                // about as loud as FluidSynth at gain 0.3 with TimGM6mb
    private const double PanWidth = 0.3;                  // low notes a little left, high a little right, as seen from the keys
    private const int A4Pitch = 69;
    private const double A4Hz = 440.0;

    private readonly float[] _re = new float[Partials];    // phasor state
    private readonly float[] _im = new float[Partials];
    private readonly float[] _cos = new float[Partials];   // phasor rotation per sample
    private readonly float[] _sin = new float[Partials];
    private readonly float[] _amp = new float[Partials];   // current partial amplitude
    private readonly float[] _decay = new float[Partials]; // amplitude factor per sample
    private int _partials;
    private long _startFrame;
    private long _releaseFrame;
    private float _env;
    private float _attackStep;
    private float _releaseFactor;
    private float _gainLeft;
    private float _gainRight;

    /// <summary>True while the voice sounds.</summary>
    public bool Active { get; private set; }

    /// <summary>Current loudness, for choosing a voice to steal.</summary>
    public float Level => _env * _amp[0];

    /// <summary>Starts a note: <paramref name="startFrame"/> and <paramref name="releaseFrame"/> are absolute frame numbers; <paramref name="program"/> picks the timbre (<see cref="TimbreOf"/>).</summary>
    public void Start(int pitch, int velocity, long startFrame, long releaseFrame, int sampleRate, int program = 0)
    {
        int timbre = TimbreOf(program);
        float[] levels = timbre switch { 1 => BrightLevels, 2 => SoftLevels, _ => PartialLevels };
        double f0 = A4Hz * Math.Pow(2, (pitch - A4Pitch) / 12.0);
        double decay1 = timbre == 0
            ? Math.Clamp(MiddleCDecaySeconds * Math.Pow(2, -(pitch - 60) / DecayHalvingSemitones), MinDecaySeconds, MaxDecaySeconds)
            : HeldDecaySeconds;
        float loudness = VoiceGain * MathF.Pow(Math.Clamp(velocity, 1, 127) / 127f, 1.5f);
        _partials = 0;
        for (int n = 1; n <= Partials; n++)
        {
            double f = n * f0 * Math.Sqrt(1 + Inharmonicity * n * n);
            if (f >= MaxPartialFraction * sampleRate) break;
            int k = _partials++;
            double w = 2 * Math.PI * f / sampleRate;
            _cos[k] = (float)Math.Cos(w);
            _sin[k] = (float)Math.Sin(w);
            _re[k] = 1;   // sine phase: every partial starts at zero, so the onset has no step
            _im[k] = 0;
            _amp[k] = loudness * levels[k];
            _decay[k] = (float)Math.Exp(-(1 + (timbre == 0 ? PartialDecaySpeedup : 0) * (n - 1)) / (decay1 * sampleRate));
        }
        double pan = Math.Clamp((pitch - 64) / 64.0, -1, 1) * PanWidth;
        double angle = (pan + 1) * Math.PI / 4;   // equal-power pan law
        _gainLeft = (float)Math.Cos(angle);
        _gainRight = (float)Math.Sin(angle);
        _startFrame = startFrame;
        _releaseFrame = Math.Max(releaseFrame, startFrame + 1);
        _env = 0;
        _attackStep = (float)(1.0 / Math.Max(1, (timbre == 0 ? AttackSeconds : HeldAttackSeconds) * sampleRate));
        _releaseFactor = (float)Math.Exp(-1.0 / (ReleaseSeconds * sampleRate));
        Active = _partials > 0;
    }

    /// <summary>Adds this voice into <paramref name="block"/> (interleaved stereo) whose first frame is <paramref name="blockStart"/>.</summary>
    public void Render(Span<float> block, long blockStart)
    {
        int frames = block.Length / SampleBuffer.Channels;
        int first = (int)Math.Clamp(_startFrame - blockStart, 0, frames);
        Span<float> re = _re.AsSpan(0, _partials), im = _im.AsSpan(0, _partials);
        ReadOnlySpan<float> cos = _cos.AsSpan(0, _partials), sin = _sin.AsSpan(0, _partials), decay = _decay.AsSpan(0, _partials);
        Span<float> amp = _amp.AsSpan(0, _partials);
        for (int i = first; i < frames; i++)
        {
            if (blockStart + i >= _releaseFrame) _env *= _releaseFactor;
            else if (_env < 1) _env = Math.Min(1, _env + _attackStep);
            float sample = 0;
            for (int k = 0; k < re.Length; k++)
            {
                float r = re[k] * cos[k] - im[k] * sin[k];
                float m = re[k] * sin[k] + im[k] * cos[k];
                re[k] = r;
                im[k] = m;
                sample += m * amp[k];
                amp[k] *= decay[k];
            }
            sample *= _env;
            block[2 * i] += sample * _gainLeft;
            block[2 * i + 1] += sample * _gainRight;
        }
        // float rounding slowly changes a phasor's length: set it back to 1 once a block
        for (int k = 0; k < re.Length; k++)
        {
            float norm = 1 / MathF.Sqrt(re[k] * re[k] + im[k] * im[k]);
            re[k] *= norm;
            im[k] *= norm;
        }
        if (Level < SilentLevel && (blockStart + frames >= _releaseFrame || _amp[0] < SilentLevel)) Active = false;
    }
}
