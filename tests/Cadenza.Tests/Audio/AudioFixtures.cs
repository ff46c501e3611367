using Cadenza.Midi;
using Cadenza.Notes;

namespace Cadenza.Tests.Audio;

/// <summary>The MIDI the audio tests render and what they expect of it.</summary>
internal static class AudioFixtures
{
    /// <summary>A shared fixture: a real piano piece with chords (pianobooster, CC-BY).</summary>
    public static string PianoPiece => Path.Combine(Paths.MidiFixtures, "pianobooster-BeginnerCourse_05-ChordOfFMajor.mid");

    /// <summary>The longest release tail the renderer keeps, plus one render block and rounding.</summary>
    public const double MaxTail = 2.0 + 0.05;

    public const int A4 = 69;
    public const double A4Hz = 440.0;
    public const double PitchTolerance = 0.02;

    /// <summary>One A4 held for 2 s: the pitch test.</summary>
    public static Note[] SustainedA4 { get; } = [new Note(A4, 0, 2.0, 100)];

    /// <summary>When the MIDI's last note ends, in seconds, as the reader sees it.</summary>
    public static double LastNoteEnd(string midiPath) => MidiReader.Read(midiPath).Notes.Max(n => n.End);

    /// <summary>A dense, loud cluster that would clip at a high gain unless levelled.</summary>
    public static Note[] LoudCluster()
    {
        var notes = new List<Note>();
        for (int pitch = 36; pitch < 96; pitch += 2)
            notes.Add(new Note(pitch, 0, 1.5, 127));
        return [.. notes];
    }

    /// <summary>Asserts what every render must give: sound, no clipping, the score's length plus at most the tail.</summary>
    public static void AssertPlausible(AudioProbe audio, double lastNoteEnd)
    {
        Assert.Equal(44_100, audio.SampleRate);
        Assert.Equal(2, audio.Channels);
        Assert.True(audio.Peak > 0.01f, $"peak {audio.Peak}: silent");
        Assert.True(audio.Rms() > 1e-3, $"RMS {audio.Rms()}: nearly silent");
        Assert.True(audio.Peak < 1.0f, $"peak {audio.Peak}: clipped");
        Assert.True(audio.Seconds >= lastNoteEnd - 0.01, $"{audio.Seconds:F3} s is shorter than the music ({lastNoteEnd:F3} s)");
        Assert.True(audio.Seconds <= lastNoteEnd + MaxTail, $"{audio.Seconds:F3} s: more than {MaxTail} s of tail after {lastNoteEnd:F3} s");
    }
}
