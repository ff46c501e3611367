using System.Globalization;
using Cadenza.Midi;
using Cadenza.Notes;

namespace Cadenza.Tests.Midi;

public class MidiReaderTests
{
    public static TheoryData<string, string> ValidFixtures()
    {
        var data = new TheoryData<string, string>();
        foreach (string csv in Directory.GetFiles(Paths.MidiFixtures, "*.merged.csv").Order())
        {
            string name = Path.GetFileName(csv)[..^".merged.csv".Length];
            data.Add(name, "merged");
            data.Add(name, "first");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ValidFixtures))]
    public void Read_ValidFixture_MatchesPrettyMidiNotes(string name, string mode)
    {
        var settings = new MidiReadSettings { Instruments = mode == "first" ? InstrumentSelection.First : InstrumentSelection.Merged };
        Note[] actual = MidiReader.Read(Path.Combine(Paths.MidiFixtures, name + ".mid"), settings).Notes;
        List<Note> expected = NotesCsv.ReadFile(Path.Combine(Paths.MidiFixtures, $"{name}.{mode}.csv"));

        Assert.Equal(expected.Count, actual.Length);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Pitch, actual[i].Pitch);
            Assert.Equal(expected[i].Velocity, actual[i].Velocity);
            Assert.True(Math.Abs(expected[i].Start - actual[i].Start) <= 1e-9, $"row {i} start {actual[i].Start} != {expected[i].Start}");
            Assert.True(Math.Abs(expected[i].End - actual[i].End) <= 1e-9, $"row {i} end {actual[i].End} != {expected[i].End}");
        }
    }

    [Theory]
    [MemberData(nameof(ValidFixtures))]
    public void Read_ValidFixture_CsvStepAndDurationMatch(string name, string mode)
    {
        var settings = new MidiReadSettings { Instruments = mode == "first" ? InstrumentSelection.First : InstrumentSelection.Merged };
        Note[] notes = MidiReader.Read(Path.Combine(Paths.MidiFixtures, name + ".mid"), settings).Notes;
        string[] expected = File.ReadAllLines(Path.Combine(Paths.MidiFixtures, $"{name}.{mode}.csv"));
        string[] actual = NotesCsv.ToString(notes).TrimEnd('\n').Split('\n');
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected[0], actual[0]);
        for (int i = 1; i < expected.Length; i++)
        {
            double[] e = expected[i].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            double[] a = actual[i].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            for (int c = 0; c < e.Length; c++) Assert.True(Math.Abs(e[c] - a[c]) <= 1e-9, $"row {i} column {c}: {a[c]} != {e[c]}");
        }
    }

    public static TheoryData<string> InstrumentFixtures() =>
        new(Directory.GetFiles(Paths.MidiFixtures, "*.instruments.csv").Order().Select(p => Path.GetFileName(p)[..^".instruments.csv".Length]));

    [Theory]
    [MemberData(nameof(InstrumentFixtures))]
    public void Read_ValidFixture_InstrumentListMatchesPrettyMidi(string name)
    {
        IReadOnlyList<MidiInstrument> actual = MidiReader.Read(Path.Combine(Paths.MidiFixtures, name + ".mid")).Instruments;
        string[] rows = File.ReadAllLines(Path.Combine(Paths.MidiFixtures, name + ".instruments.csv")).Skip(1).Where(l => l.Length > 0).ToArray();
        Assert.Equal(rows.Length, actual.Count);
        for (int i = 0; i < rows.Length; i++)
        {
            string[] c = rows[i].Split(',');
            var expected = new MidiInstrument(int.Parse(c[0]), int.Parse(c[1]), int.Parse(c[2]), int.Parse(c[3]), bool.Parse(c[4]), int.Parse(c[5]));
            Assert.Equal(expected, actual[i]);
        }
    }

    [Theory]
    [InlineData("truncated.mid", "declares 158 bytes but only 128 remain")]
    [InlineData("notmidi.mid", "not a MIDI file")]
    [InlineData("badheader.mid", "MThd chunk length 2")]
    [InlineData("hugechunk.mid", "declares 2147483647 bytes")]
    [InlineData("empty.mid", "empty file")]
    public void Read_CorruptFixture_ThrowsOneLineErrorNamingTheFile(string file, string problem)
    {
        string path = Path.Combine(Paths.MidiFixtures, file);
        var e = Assert.Throws<MidiFormatException>(() => MidiReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Read_MissingFile_ThrowsNamingIt()
    {
        var e = Assert.Throws<MidiFormatException>(() => MidiReader.Read("/nonexistent/x.mid"));
        Assert.Contains("/nonexistent/x.mid", e.Message);
    }

    [Fact]
    public void Read_GzippedFile_GivesSameNotes()
    {
        using var dir = new TempDir();
        string source = Path.Combine(Paths.MidiFixtures, "edge-multitrack.mid");
        string gz = dir.File("edge-multitrack.mid.gz");
        using (var output = File.Create(gz))
        using (var zip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal))
            zip.Write(File.ReadAllBytes(source));
        Assert.Equal(MidiReader.Read(source).Notes, MidiReader.Read(gz).Notes);
    }

    [Fact]
    public void Read_UnknownChunkAndWrongTrackCount_IsTolerated()
    {
        byte[] original = File.ReadAllBytes(Path.Combine(Paths.MidiFixtures, "edge-multitrack.mid"));
        // insert an unknown 4-byte chunk after the header and claim 9 tracks
        byte[] extra = [(byte)'X', (byte)'F', (byte)'I', (byte)'H', 0, 0, 0, 4, 1, 2, 3, 4];
        byte[] data = [.. original[..14], .. extra, .. original[14..]];
        data[11] = 9;
        Assert.Equal(MidiReader.Read(original, "a").Notes, MidiReader.Read(data, "b").Notes);
    }
}
