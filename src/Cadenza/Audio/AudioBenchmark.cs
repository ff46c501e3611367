using Cadenza.Midi;

namespace Cadenza.Audio;

/// <summary>Measures how much faster than real time a MIDI file renders (synthesis only: no file is written).</summary>
public static class AudioBenchmark
{
    /// <summary>Renders <paramref name="midiPath"/> <paramref name="runs"/> times after one warm-up and reports the best run.</summary>
    /// <exception cref="MidiFormatException">The MIDI file is missing or unreadable.</exception>
    public static AudioBenchmarkResult MeasureRealtimeFactor(string midiPath, AudioOptions? options = null, int runs = 3)
    {
        options ??= AudioOptions.Default;
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        byte[] bytes = MidiReader.ReadFileBytes(midiPath, MidiReadSettings.Default);
        MidiNotes midi = MidiReader.Read(bytes, midiPath);
        byte[] plain = MidiChunks.Normalise(bytes, midiPath, out _, out _);

        RenderedAudio warmUp = AudioRenderer.Synthesize(plain, midi.Notes, midiPath, options);   // JIT, SoundFont in the page cache
        TimeSpan best = TimeSpan.MaxValue;
        for (int i = 0; i < runs; i++)
        {
            RenderedAudio run = AudioRenderer.Synthesize(plain, midi.Notes, midiPath, options);
            if (run.RenderTime < best) best = run.RenderTime;
        }
        double seconds = warmUp.Audio.Seconds;
        return new AudioBenchmarkResult(warmUp.Engine, warmUp.SoundFont, seconds, best, seconds / best.TotalSeconds);
    }
}
