using System.Diagnostics;
using Cadenza.Midi;
using Cadenza.Notes;

namespace Cadenza.Audio;

/// <summary>Renders MIDI to WAV or MP3: FluidSynth with a SoundFont when available, else the built-in synthesizer with a warning.</summary>
public static class AudioRenderer
{
    /// <summary>What to install for real piano sound; the fallback's warning says it.</summary>
    public const string InstallHint = "apt-get install fluidsynth timgm6mb-soundfont";

    /// <summary>Renders the MIDI file <paramref name="midiPath"/> to <paramref name="outPath"/>; .wav or .mp3 picks the format.</summary>
    /// <exception cref="MidiFormatException">The MIDI file is missing or unreadable.</exception>
    /// <exception cref="AudioException">The output format is unknown, the SoundFont is unreadable, lame is missing for MP3, or writing fails.</exception>
    public static AudioResult Render(string midiPath, string outPath, AudioOptions? options = null)
    {
        options ??= AudioOptions.Default;
        options.Validate();
        AudioFormat format = FormatOf(outPath);
        if (format == AudioFormat.Mp3) Mp3Encoder.Locate(options.Lame);   // fail before spending time on synthesis
        byte[] bytes = MidiReader.ReadFileBytes(midiPath, MidiReadSettings.Default);
        MidiNotes midi = MidiReader.Read(bytes, midiPath);
        // FluidSynth gets the chunk-checked bytes: a file with a lying chunk length must not reach a C parser
        byte[] plain = MidiChunks.Normalise(bytes, midiPath, out _, out _);
        AudioResult result = Write(Synthesize(plain, midi.Notes, midiPath, options), outPath, format, options);
        return midi.Repairs.IsEmpty ? result : result with { InputWarning = $"{midiPath}: {midi.Repairs.Describe()}" };
    }

    /// <summary>Renders <paramref name="notes"/> (written as a MIDI file in memory: one piano, or as <paramref name="midi"/> says, e.g. an ensemble) to <paramref name="outPath"/>.</summary>
    /// <exception cref="AudioException">The output format is unknown, the SoundFont is unreadable, lame is missing for MP3, or writing fails.</exception>
    public static AudioResult Render(IReadOnlyList<Note> notes, string outPath, AudioOptions? options = null, MidiWriteSettings? midi = null)
    {
        options ??= AudioOptions.Default;
        options.Validate();
        AudioFormat format = FormatOf(outPath);
        if (format == AudioFormat.Mp3) Mp3Encoder.Locate(options.Lame);
        // the built-in synthesizer plays exactly what the MIDI bytes hold, so both engines hear the same score
        return Write(Synthesize(MidiWriter.ToBytes(notes, midi), MidiWriter.Resolve(notes, midi), "notes", options), outPath, format, options);
    }

    /// <summary>The format for an output path's extension.</summary>
    /// <exception cref="AudioException">The extension is neither .wav nor .mp3.</exception>
    public static AudioFormat FormatOf(string outPath) => Path.GetExtension(outPath).ToLowerInvariant() switch
    {
        ".wav" => AudioFormat.Wav,
        ".mp3" => AudioFormat.Mp3,
        var other => throw new AudioException($"{outPath}: unknown audio format '{other}' (use .wav or .mp3)"),
    };

    /// <summary>Synthesises MIDI bytes to memory with the engine the options and the machine allow.</summary>
    internal static RenderedAudio Synthesize(byte[] midi, Note[] notes, string source, AudioOptions options)
    {
        string? warning = null;
        if (!options.BuiltIn)
        {
            string? soundFont = SoundFontLocator.Find(options.SoundFont);
            FluidSynthLibrary? library = FluidSynthLibrary.TryLoad(options.FluidSynthLibrary);
            if (library is not null && soundFont is not null)
            {
                var clock = Stopwatch.StartNew();
                using var fluid = new FluidSynthRenderer(library, midi, source, soundFont, options);
                var (audio, peak) = RenderLoop.Run(fluid, options, LastEnd(notes), source);
                return new RenderedAudio(audio, peak, AudioEngine.FluidSynth, soundFont, clock.Elapsed, null);
            }
            warning = library is null
                ? $"FluidSynth ({options.FluidSynthLibrary ?? string.Join(", ", FluidSynthLibrary.Candidates)}) is not installed; used the built-in synthesizer. For piano sound: {InstallHint}"
                : $"no SoundFont found (--soundfont, ${SoundFontLocator.EnvironmentVariable}, {string.Join(", ", SoundFontLocator.StandardPaths)}); used the built-in synthesizer. For piano sound: {InstallHint}";
        }
        if (notes.Length == 0) throw new AudioException($"{source}: no notes to render");
        var builtInClock = Stopwatch.StartNew();
        using var synth = new BuiltInSynth(notes, options.SampleRate);
        var (builtIn, builtInPeak) = RenderLoop.Run(synth, options, LastEnd(notes), source);
        return new RenderedAudio(builtIn, builtInPeak, AudioEngine.BuiltIn, null, builtInClock.Elapsed, warning);
    }

    private static AudioResult Write(RenderedAudio rendered, string outPath, AudioFormat format, AudioOptions options)
    {
        if (rendered.Audio.Frames == 0) throw new AudioException($"{outPath}: nothing to write (the MIDI makes no sound)");
        if (format == AudioFormat.Mp3) Mp3Encoder.Encode(rendered.Audio, outPath, options.Mp3Quality, options.Lame);
        else WavFile.Write(outPath, rendered.Audio);
        return new AudioResult(Path.GetFullPath(outPath), format, rendered.Engine, rendered.SoundFont,
            rendered.Audio.Seconds, rendered.Peak, rendered.RenderTime, rendered.Warning);
    }

    private static double LastEnd(Note[] notes) => notes.Length == 0 ? 0 : notes.Max(n => n.End);
}
