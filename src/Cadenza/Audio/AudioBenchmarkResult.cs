namespace Cadenza.Audio;

/// <summary>The speed of one render: engine, SoundFont, seconds of audio, best wall-clock time and their ratio.</summary>
/// <param name="Engine">FluidSynth or the built-in synthesizer.</param>
/// <param name="SoundFont">The SoundFont FluidSynth used; null for the built-in synthesizer.</param>
/// <param name="AudioSeconds">Length of the rendered audio.</param>
/// <param name="BestTime">Fastest synthesis of the runs.</param>
/// <param name="RealtimeFactor">Audio seconds per wall-clock second in the fastest run.</param>
public sealed record AudioBenchmarkResult(AudioEngine Engine, string? SoundFont, double AudioSeconds, TimeSpan BestTime, double RealtimeFactor);
