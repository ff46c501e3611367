namespace Cadenza.Audio;

/// <summary>Which synthesizer made the audio.</summary>
public enum AudioEngine
{
    /// <summary>FluidSynth (libfluidsynth) playing the MIDI through a SoundFont.</summary>
    FluidSynth,

    /// <summary>Cadenza's small piano-like synthesizer, used when FluidSynth or a SoundFont is missing.</summary>
    BuiltIn,
}
