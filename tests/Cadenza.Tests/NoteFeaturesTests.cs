using Cadenza.Notes;

namespace Cadenza.Tests;

public class NoteFeaturesTests
{
    [Fact]
    public void ToFeatures_HandComputed()
    {
        Note[] notes = [new(60, 1.0, 1.5), new(64, 1.0, 2.0), new(67, 1.25, 1.5)];
        float[] f = NoteFeatures.ToFeatures(notes);
        Assert.Equal([60f, 0f, 0.5f, 64f, 0f, 1f, 67f, 0.25f, 0.25f], f);
    }

    [Fact]
    public void FromFeatures_InvertsToFeatures()
    {
        Note[] notes = [new(60, 1.0, 1.5), new(64, 1.0, 2.0), new(67, 1.25, 1.5)];
        Note[] back = NoteFeatures.FromFeatures(NoteFeatures.ToFeatures(notes), firstStart: 1.0);
        for (int i = 0; i < notes.Length; i++)
        {
            Assert.Equal(notes[i].Pitch, back[i].Pitch);
            Assert.Equal(notes[i].Start, back[i].Start, 6);
            Assert.Equal(notes[i].End, back[i].End, 6);
        }
    }

    [Fact]
    public void CsvRoundTrip_PreservesDoublesExactly()
    {
        Note[] notes = [new(60, 0.1, 0.30000000000000004, 80), new(61, 1.0 / 3, 2.0 / 3, 90)];
        List<Note> back = NotesCsv.Read(new StringReader(NotesCsv.ToString(notes)));
        Assert.Equal(notes, back);
    }
}
