using Cadenza.Audio;

namespace Cadenza.Tests.Audio;

/// <summary>Rendering through the real libfluidsynth (Debian <c>fluidsynth</c>) and a real SoundFont; CI installs both.</summary>
public class FluidSynthRenderTests
{
    private static void AssertFluidSynth(AudioResult result)
    {
        Assert.True(result.Engine == AudioEngine.FluidSynth,
            $"rendered with {result.Engine}: {result.Warning} (install: {AudioRenderer.InstallHint})");
        Assert.Null(result.Warning);
        Assert.NotNull(result.SoundFont);
    }

    [FluidSynthFact]
    public void Render_FixturePiece_SoundsUnclippedAndLastsTheMusicPlusTail()
    {
        using var dir = new TempDir();
        AudioResult result = AudioRenderer.Render(AudioFixtures.PianoPiece, dir.File("piece.wav"));
        AssertFluidSynth(result);
        AudioProbe audio = AudioProbe.ReadWav(result.OutputPath);
        Assert.Equal(16, audio.BitsPerSample);
        AudioFixtures.AssertPlausible(audio, AudioFixtures.LastNoteEnd(AudioFixtures.PianoPiece));
        Assert.Equal(audio.Seconds, result.Seconds, 3);
        Assert.Equal(audio.Peak, result.Peak, 3);
    }

    [FluidSynthFact]
    public void Render_SustainedA4_Is440Hz()
    {
        using var dir = new TempDir();
        AudioResult result = AudioRenderer.Render(AudioFixtures.SustainedA4, dir.File("a4.wav"));
        AssertFluidSynth(result);
        AudioProbe audio = AudioProbe.ReadWav(result.OutputPath);
        AudioFixtures.AssertPlausible(audio, 2.0);
        double f = audio.DominantFrequency(0.5, 1.5);
        Assert.True(Math.Abs(f - AudioFixtures.A4Hz) <= AudioFixtures.A4Hz * AudioFixtures.PitchTolerance, $"dominant frequency {f:F1} Hz, expected 440 Hz");
    }

    [FluidSynthFact]
    public void Render_HighGainLoudCluster_IsLevelledBelowFullScale()
    {
        using var dir = new TempDir();
        var options = new AudioOptions { Gain = 3.0 };
        AudioResult result = AudioRenderer.Render(AudioFixtures.LoudCluster(), dir.File("loud.wav"), options);
        AssertFluidSynth(result);
        AudioProbe audio = AudioProbe.ReadWav(result.OutputPath);
        Assert.True(audio.Peak < 0.9f, $"peak {audio.Peak}");
        Assert.True(audio.Peak > 0.85f, $"peak {audio.Peak}: a levelled render should sit just under the -1 dBFS ceiling");
    }

    [FluidSynthFact]
    public void Render_ShortNote_TailIsTrimmedWhereItFallsSilent()
    {
        using var dir = new TempDir();
        AudioResult result = AudioRenderer.Render([new Cadenza.Notes.Note(60, 0, 0.25, 100)], dir.File("short.wav"));
        AssertFluidSynth(result);
        AudioProbe audio = AudioProbe.ReadWav(result.OutputPath);
        AudioFixtures.AssertPlausible(audio, 0.25);
        // the last 50 ms are at least 40 dB below the note
        Assert.True(audio.Rms(audio.Seconds - 0.05) < audio.Rms(0, 0.25) / 100, $"tail RMS {audio.Rms(audio.Seconds - 0.05)} vs note {audio.Rms(0, 0.25)}");
    }

    [Fact]
    public void Render_MissingSoundFont_IsAnErrorNamingIt()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<AudioException>(() =>
            AudioRenderer.Render(AudioFixtures.SustainedA4, dir.File("a4.wav"), new AudioOptions { SoundFont = dir.File("missing.sf2") }));
        Assert.Contains("missing.sf2", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Render_NotASoundFont_IsAnErrorNamingIt()
    {
        using var dir = new TempDir();
        string fake = dir.File("fake.sf2");
        File.WriteAllText(fake, "not a SoundFont");
        var e = Assert.Throws<AudioException>(() =>
            AudioRenderer.Render(AudioFixtures.SustainedA4, dir.File("a4.wav"), new AudioOptions { SoundFont = fake }));
        Assert.Contains("fake.sf2", e.Message);
        Assert.False(File.Exists(dir.File("a4.wav")));
    }

    [FluidSynthFact]
    public void RenderBlock_AllocatesNothing()
    {
        FluidSynthLibrary? lib = FluidSynthLibrary.TryLoad(null);
        Assert.NotNull(lib);
        string soundFont = SoundFontLocator.Find()!;
        byte[] midi = Cadenza.Midi.MidiWriter.ToBytes(AudioFixtures.LoudCluster());
        var (bytes, playing) = Allocations.Rendering(() => new FluidSynthRenderer(lib, midi, "cluster", soundFont, AudioOptions.Default), blocks: 100);
        Assert.Equal(0, bytes);
        Assert.True(playing);
    }
}
