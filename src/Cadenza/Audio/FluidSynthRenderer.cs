using System.Runtime.InteropServices;

namespace Cadenza.Audio;

/// <summary>Plays MIDI bytes through FluidSynth's player and synth, offline: no audio driver, the clock is the samples rendered.</summary>
/// <remarks>
/// No audio, MIDI or shell driver is ever created (only settings, synth and player), so nothing touches a sound
/// card or a socket. With <c>player.timing-source = sample</c> the player advances by the samples the synth writes,
/// so rendering runs as fast as the CPU allows and is exactly repeatable.
/// </remarks>
internal sealed unsafe class FluidSynthRenderer : IAudioSource
{
    private readonly FluidSynthLibrary _lib;
    private readonly string _source;
    private GCHandle _midi;
    private nint _settings;
    private nint _synth;
    private nint _player;

    /// <summary>Prepares FluidSynth to play <paramref name="midi"/> (named <paramref name="source"/> in errors) with <paramref name="soundFont"/>.</summary>
    /// <exception cref="AudioException">A setting, the SoundFont or the MIDI data is refused.</exception>
    public FluidSynthRenderer(FluidSynthLibrary lib, byte[] midi, string source, string soundFont, AudioOptions options)
    {
        _lib = lib;
        _source = source;
        try
        {
            _settings = lib.NewSettings();
            if (_settings == 0) throw new AudioException("FluidSynth could not create its settings");
            SetNum("synth.sample-rate", options.SampleRate);
            SetNum("synth.gain", options.Gain);
            SetInt("synth.cpu-cores", options.CpuCores);
            SetInt("synth.lock-memory", 0);              // mlock of samples needs privileges and helps only live playback
            SetStr("player.timing-source", "sample");    // the default, "system", would play in real time

            _synth = lib.NewSynth(_settings);
            if (_synth == 0) throw new AudioException($"FluidSynth could not create a synthesizer{Detail()}");
            SoundFontLocator.CheckHeader(soundFont);
            FluidSynthLibrary.TakeLastError();
            if (lib.SfLoad(_synth, soundFont) == FluidSynthLibrary.Failed)
                throw new AudioException($"{soundFont}: FluidSynth cannot load this SoundFont{Detail()}");

            _player = lib.NewPlayer(_synth);
            if (_player == 0) throw new AudioException($"FluidSynth could not create a MIDI player{Detail()}");
            // FluidSynth copies the buffer, but it is kept pinned until the player is gone all the same: the copy
            // is an implementation detail of the library version, a dangling pointer would be a crash
            _midi = GCHandle.Alloc(midi, GCHandleType.Pinned);
            if (lib.PlayerAddMem(_player, (void*)_midi.AddrOfPinnedObject(), (nuint)midi.Length) != FluidSynthLibrary.Ok)
                throw new AudioException($"{source}: FluidSynth cannot read this MIDI data{Detail()}");
            if (lib.PlayerPlay(_player) != FluidSynthLibrary.Ok)
                throw new AudioException($"{source}: FluidSynth cannot play this MIDI data{Detail()}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public bool IsPlaying => _lib.PlayerStatus(_player) == FluidSynthLibrary.PlayerPlaying;

    /// <inheritdoc />
    public void Render(Span<float> block)
    {
        if (_lib.WriteInterleaved(_synth, block) != FluidSynthLibrary.Ok)
            throw new AudioException($"{_source}: FluidSynth failed while rendering{Detail()}");
    }

    /// <summary>Deletes player, synth and settings, in that order (each refers to the next).</summary>
    public void Dispose()
    {
        if (_player != 0) _lib.DeletePlayer(_player);
        _player = 0;
        if (_synth != 0) _lib.DeleteSynth(_synth);
        _synth = 0;
        if (_settings != 0) _lib.DeleteSettings(_settings);
        _settings = 0;
        if (_midi.IsAllocated) _midi.Free();
    }

    private void SetNum(string name, double value)
    {
        if (_lib.SetNum(_settings, name, value) != FluidSynthLibrary.Ok)
            throw new AudioException($"FluidSynth refused the setting {name} = {value}{Detail()}");
    }

    private void SetInt(string name, int value)
    {
        if (_lib.SetInt(_settings, name, value) != FluidSynthLibrary.Ok)
            throw new AudioException($"FluidSynth refused the setting {name} = {value}{Detail()}");
    }

    private void SetStr(string name, string value)
    {
        if (_lib.SetStr(_settings, name, value) != FluidSynthLibrary.Ok)
            throw new AudioException($"FluidSynth refused the setting {name} = {value}{Detail()}");
    }

    private static string Detail() => FluidSynthLibrary.TakeLastError() is { Length: > 0 } e ? $" ({e.ReplaceLineEndings(" ")})" : "";
}
