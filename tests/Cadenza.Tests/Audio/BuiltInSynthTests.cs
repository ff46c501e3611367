using Cadenza.Audio;
using Cadenza.Notes;

namespace Cadenza.Tests.Audio;

/// <summary>The fallback synthesizer: sound, length, pitch, levelling, and no allocation per block.</summary>
public class BuiltInSynthTests
{
    private static readonly AudioOptions BuiltIn = new() { BuiltIn = true };

    [Fact]
    public void Render_FixturePiece_SoundsUnclippedAndLastsTheMusicPlusTail()
    {
        using var dir = new TempDir();
        AudioResult result = AudioRenderer.Render(AudioFixtures.PianoPiece, dir.File("piece.wav"), BuiltIn);
        Assert.Equal(AudioEngine.BuiltIn, result.Engine);
        Assert.Null(result.SoundFont);
        Assert.Null(result.Warning);   // asked for, so nothing to warn about
        AudioFixtures.AssertPlausible(AudioProbe.ReadWav(result.OutputPath), AudioFixtures.LastNoteEnd(AudioFixtures.PianoPiece));
    }

    [Fact]
    public void Render_SustainedA4_Is440Hz()
    {
        using var dir = new TempDir();
        AudioResult result = AudioRenderer.Render(AudioFixtures.SustainedA4, dir.File("a4.wav"), BuiltIn);
        AudioProbe audio = AudioProbe.ReadWav(result.OutputPath);
        AudioFixtures.AssertPlausible(audio, 2.0);
        double f = audio.DominantFrequency(0.5, 1.5);
        Assert.True(Math.Abs(f - AudioFixtures.A4Hz) <= AudioFixtures.A4Hz * AudioFixtures.PitchTolerance, $"dominant frequency {f:F1} Hz, expected 440 Hz");
    }

    [Fact]
    public void Render_ReleasedNote_TailEndsWellBeforeTheLimit()
    {
        using var dir = new TempDir();
        AudioResult result = AudioRenderer.Render([new Note(60, 0, 0.5, 100)], dir.File("c4.wav"), BuiltIn);
        AudioProbe audio = AudioProbe.ReadWav(result.OutputPath);
        AudioFixtures.AssertPlausible(audio, 0.5);
        Assert.True(audio.Seconds < 0.5 + 1.0, $"{audio.Seconds:F3} s: the damped tail should be trimmed at -60 dB, long before 2 s");
    }

    [Fact]
    public void Render_LoudCluster_IsLevelledBelowFullScale()
    {
        using var dir = new TempDir();
        Note[] cluster = [.. AudioFixtures.LoudCluster(), .. AudioFixtures.LoudCluster().Select(n => n with { Pitch = n.Pitch + 1 })];
        AudioResult result = AudioRenderer.Render(cluster, dir.File("loud.wav"), BuiltIn);
        AudioProbe audio = AudioProbe.ReadWav(result.OutputPath);
        Assert.True(audio.Peak < 0.9f, $"peak {audio.Peak}");
    }

    [Fact]
    public void Render_MoreNotesThanVoices_StillPlaysAndStaysBounded()
    {
        using var dir = new TempDir();
        var notes = Enumerable.Range(0, 3 * BuiltInSynth.MaxVoices).Select(i => new Note(30 + i % 70, i * 0.01, 3 + i * 0.01, 90)).ToArray();
        AudioResult result = AudioRenderer.Render(notes, dir.File("many.wav"), BuiltIn);
        AudioFixtures.AssertPlausible(AudioProbe.ReadWav(result.OutputPath), notes.Max(n => n.End));
    }

    [Fact]
    public void RenderBlock_AllocatesNothing()
    {
        Note[] notes = Enumerable.Range(0, 200).Select(i => new Note(40 + i % 40, i * 0.02, i * 0.02 + 0.5, 80)).ToArray();
        // the whole piece (about 195 blocks) and its tail
        var (bytes, _) = Allocations.Rendering(() => new BuiltInSynth(notes, AudioOptions.DefaultSampleRate), blocks: 200);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Render_NoNotes_IsAnError()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<AudioException>(() => AudioRenderer.Render([], dir.File("empty.wav"), BuiltIn));
        Assert.Contains("no notes", e.Message);
    }
}
