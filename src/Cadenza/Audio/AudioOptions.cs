namespace Cadenza.Audio;

/// <summary>How MIDI is rendered to audio: engine choice, SoundFont, level, tail trimming and MP3 quality.</summary>
public sealed record AudioOptions
{
    /// <summary>The defaults: FluidSynth with the first SoundFont found, 44.1 kHz, gain 0.3, at most 2 s of tail, lame -V2.</summary>
    public static AudioOptions Default { get; } = new();

    /// <summary>CD rate; FluidSynth and lame both handle it natively.</summary>
    public const int DefaultSampleRate = 44_100;

    private const int MinSampleRate = 8_000;    // FluidSynth's synth.sample-rate range
    private const int MaxSampleRate = 96_000;

    /// <summary>Scale the finished audio so its peak sits at this level in dBFS (e.g. −1); null keeps FluidSynth's own level.</summary>
    public double? NormalizeDb { get; init; }

    /// <summary>SoundFont to use; null: $CADENZA_SOUNDFONT, else the usual system places (<see cref="SoundFontLocator"/>).</summary>
    public string? SoundFont { get; init; }

    /// <summary>Use the built-in synthesizer even when FluidSynth is available.</summary>
    public bool BuiltIn { get; init; }

    /// <summary>FluidSynth's master gain (<c>synth.gain</c>); 0.3 leaves headroom for piano chords, 0.8 clips.</summary>
    public double Gain { get; init; } = 0.3;

    /// <summary>Output sample rate in Hz (stereo).</summary>
    public int SampleRate { get; init; } = DefaultSampleRate;

    /// <summary>Longest release tail kept after the music ends, in seconds.</summary>
    public double MaxTailSeconds { get; init; } = 2.0;

    /// <summary>The tail is cut where the level falls this far below the peak, in dB.</summary>
    public double SilenceDb { get; init; } = -60;

    /// <summary>lame's VBR quality <c>-V</c>, 0 (best) to 9; 2 is about 190 kbit/s, transparent for most listeners.</summary>
    public int Mp3Quality { get; init; } = 2;

    /// <summary>Longest audio rendered, in seconds; guards against MIDI files that claim to last for days.</summary>
    public double MaxSeconds { get; init; } = 3 * 3600;

    /// <summary>FluidSynth's <c>synth.cpu-cores</c>: extra threads only pay off for dense, many-voice pieces.</summary>
    public int CpuCores { get; init; } = 1;

    /// <summary>The FluidSynth library to load; null: <c>libfluidsynth.so.3</c> and its names on other systems.</summary>
    public string? FluidSynthLibrary { get; init; }

    /// <summary>The lame executable (a name looked up on PATH, or a path).</summary>
    public string Lame { get; init; } = "lame";

    /// <summary>Throws when a setting is out of its range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (SampleRate < MinSampleRate || SampleRate > MaxSampleRate)
            throw new ArgumentOutOfRangeException(nameof(SampleRate), SampleRate, $"sample rate must be {MinSampleRate}..{MaxSampleRate} Hz");
        if (!(Gain > 0 && Gain <= 10))
            throw new ArgumentOutOfRangeException(nameof(Gain), Gain, "gain must be in (0, 10]");
        if (!(MaxTailSeconds >= 0 && MaxTailSeconds <= 60))
            throw new ArgumentOutOfRangeException(nameof(MaxTailSeconds), MaxTailSeconds, "tail must be 0..60 s");
        if (!(SilenceDb < 0))
            throw new ArgumentOutOfRangeException(nameof(SilenceDb), SilenceDb, "silence threshold must be below 0 dB");
        if (Mp3Quality is < 0 or > 9)
            throw new ArgumentOutOfRangeException(nameof(Mp3Quality), Mp3Quality, "MP3 quality (lame -V) must be 0..9");
        if (!(MaxSeconds > 0))
            throw new ArgumentOutOfRangeException(nameof(MaxSeconds), MaxSeconds, "maximum length must be positive");
        if (CpuCores is < 1 or > 256)
            throw new ArgumentOutOfRangeException(nameof(CpuCores), CpuCores, "cpu cores must be 1..256");
    }
}
