using Cadenza.Midi;
using Cadenza.Notes;

namespace Cadenza.Tests.Midi;

public class MidiWriterTests
{
    private static readonly double Tick = 60.0 / (120 * 960);

    private static void AssertWithinOneTick(IReadOnlyList<Note> expected, IReadOnlyList<Note> actual, bool checkVelocity = true)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Pitch, actual[i].Pitch);
            if (checkVelocity) Assert.Equal(expected[i].Velocity, actual[i].Velocity);
            Assert.True(Math.Abs(expected[i].Start - actual[i].Start) <= Tick, $"note {i} start {actual[i].Start} vs {expected[i].Start}");
            Assert.True(Math.Abs(expected[i].End - actual[i].End) <= Tick, $"note {i} end {actual[i].End} vs {expected[i].End}");
        }
    }

    public static TheoryData<string> Fixtures() =>
        new(Directory.GetFiles(Paths.MidiFixtures, "*.merged.csv").Order().Select(p => Path.GetFileName(p)[..^".merged.csv".Length]));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void RoundTrip_Fixture_ReadsBackWithinOneTick(string name)
    {
        Note[] notes = MidiReader.Read(Path.Combine(Paths.MidiFixtures, name + ".mid")).Notes;
        Note[] back = MidiReader.Read(MidiWriter.ToBytes(notes), "written").Notes;
        // fixtures contain same-pitch overlaps (resolved by the writer): compare with what the writer promises
        Note[] resolved = MidiWriter.Resolve(notes);
        Assert.Equal(resolved.Length, back.Length);
        Assert.Equal(resolved, back);
        bool samePitchOverlap = notes.Any(a => notes.Any(b => !a.Equals(b) && a.Pitch == b.Pitch && a.Start <= b.Start && b.Start < a.End));
        if (!samePitchOverlap) AssertWithinOneTick(notes, back);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RoundTrip_RandomNotes_ExactlyWhatResolvePromises(int seed)
    {
        var random = new Random(seed);
        var notes = new List<Note>();
        double t = 0;
        for (int i = 0; i < 500; i++)
        {
            t += random.Next(4) == 0 ? 0 : random.NextDouble() * 0.5;
            notes.Add(new Note(random.Next(40, 90), t, t + random.NextDouble() * 2, random.Next(1, 128)));
        }
        Note[] back = MidiReader.Read(MidiWriter.ToBytes(notes), "written").Notes;
        Assert.Equal(MidiWriter.Resolve(notes), back);
    }

    [Fact]
    public void RoundTrip_NonOverlappingNotes_WithinOneTick()
    {
        var random = new Random(7);
        var notes = new List<Note>();
        double t = 0;
        for (int i = 0; i < 300; i++)
        {
            t += random.NextDouble() * 0.3;
            notes.Add(new Note(i % 88 + 21, t, t + 0.01 + random.NextDouble() * 0.2, 64));   // each pitch recurs only every 88 notes
        }
        var sorted = notes.ToArray();
        MidiReader.SortByStartThenPitch(sorted);
        AssertWithinOneTick(sorted, MidiReader.Read(MidiWriter.ToBytes(notes), "written").Notes);
    }

    [Fact]
    public void Write_SamePitchOverlap_EarlierNoteEndsWhereLaterStarts()
    {
        Note[] notes = [new(60, 0, 1.0), new(60, 0.5, 1.5)];
        Note[] back = MidiReader.Read(MidiWriter.ToBytes(notes), "w").Notes;
        Assert.Equal(2, back.Length);
        Assert.Equal(0.5, back[0].End, 9);
        Assert.Equal(1.5, back[1].End, 9);
    }

    [Fact]
    public void Write_ZeroDurationNote_KeptAsOneTick()
    {
        Note[] back = MidiReader.Read(MidiWriter.ToBytes([new Note(60, 1, 1)]), "w").Notes;
        Assert.Single(back);
        Assert.Equal(Tick, back[0].Duration, 9);
    }

    [Fact]
    public void Write_ProgramAndVelocitySettings_AreApplied()
    {
        var settings = new MidiWriteSettings { Program = 40, Velocity = 100 };
        MidiNotes back = MidiReader.Read(MidiWriter.ToBytes([new Note(60, 0, 1, 30), new Note(64, 1, 2, 90)], settings), "w");
        Assert.All(back.Notes, n => Assert.Equal(100, n.Velocity));
        Assert.Equal(40, Assert.Single(back.Instruments).Program);
    }

    [Fact]
    public void Write_IsSmfType1WithTempoTrackAndOneNoteTrack()
    {
        var file = new NAudio.Midi.MidiFile(new MemoryStream(MidiWriter.ToBytes([new Note(60, 0, 1)])), false);
        Assert.Equal(1, file.FileFormat);
        Assert.Equal(2, file.Tracks);
        Assert.Contains(file.Events[0], e => e is NAudio.Midi.TempoEvent);
        Assert.Contains(file.Events[1], e => e.CommandCode == NAudio.Midi.MidiCommandCode.NoteOff);
    }
}
