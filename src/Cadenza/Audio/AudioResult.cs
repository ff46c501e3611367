namespace Cadenza.Audio;

/// <summary>What a render produced: the file, the engine and SoundFont used, the audio's length and peak, and a warning for the user if any.</summary>
/// <param name="OutputPath">The file written.</param>
/// <param name="Format">WAV or MP3.</param>
/// <param name="Engine">FluidSynth or the built-in synthesizer.</param>
/// <param name="SoundFont">The SoundFont FluidSynth used; null for the built-in synthesizer.</param>
/// <param name="Seconds">Length of the audio, release tail included.</param>
/// <param name="Peak">Largest absolute sample written, full scale = 1 (always below 1: nothing clips).</param>
/// <param name="RenderTime">Wall-clock time of the synthesis alone (no file writing or encoding).</param>
/// <param name="Warning">One line for the user (e.g. how to get FluidSynth when the fallback was used), or null.</param>
public sealed record AudioResult(
    string OutputPath, AudioFormat Format, AudioEngine Engine, string? SoundFont,
    double Seconds, double Peak, TimeSpan RenderTime, string? Warning)
{
    /// <summary>What reading the MIDI file ignored to render it (e.g. "x.mid: ignored 1 invalid key signature"), or null.</summary>
    public string? InputWarning { get; init; }

    /// <summary>Seconds of audio synthesised per second of wall-clock time.</summary>
    public double RealtimeFactor => RenderTime > TimeSpan.Zero ? Seconds / RenderTime.TotalSeconds : double.PositiveInfinity;
}
