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


    [Fact]
    public void Read_SysexInPacketsAndEscapes_SkipsThemByTheirLength()
    {
        // mido goes by a sysex's length; a reader that scans for the next F7 instead would eat the notes after it
        byte[] data = SmfBytes.OneTrack(
            0x00, 0xF0, 0x03, 0x43, 0x10, 0x4C,        // first packet of a sysex, no F7 at its end
            0x0A, 0xF7, 0x02, 0x00, 0xF7,              // 10 ticks later: its last packet
            0x00, 0xF7, 0x02, 0x01, 0x02,              // an escape carrying two raw bytes
            0x00, 0x90, 0x3C, 0x40,                    // note 60 on at tick 10
            0x83, 0x60, 0x80, 0x3C, 0x40,              // off 480 ticks later
            0x00, 0xF0, 0x05, 0x7E, 0x7F, 0x09, 0x01, 0xF7,   // a GM reset, as most files have
            0x00, 0x90, 0x3E, 0x50, 0x83, 0x60, 0x3E, 0x00);  // note 62, ended by running-status velocity 0
        Note[] notes = MidiReader.Read(data, "sysex.mid").Notes;
        Assert.Equal(2, notes.Length);
        Assert.Equal((60, 64, 62, 80), (notes[0].Pitch, notes[0].Velocity, notes[1].Pitch, notes[1].Velocity));
        Assert.Equal(10 / 960.0, notes[0].Start, 1e-12);
        Assert.Equal(490 / 960.0, notes[0].End, 1e-12);
        Assert.Equal(490 / 960.0, notes[1].Start, 1e-12);
        Assert.Equal(970 / 960.0, notes[1].End, 1e-12);
    }

    [Fact]
    public void Read_MetaEventsLongerThanTheirType_ReadAsMidoReadsThem()
    {
        byte[] data = SmfBytes.OneTrack(
            0x00, 0xFF, 0x00, 0x00,                          // sequence number with no data (legal, mido reads 0)
            0x00, 0xFF, 0x51, 0x04, 0x0F, 0x42, 0x40, 0x00,  // tempo 1,000,000 µs (60 bpm) with a stray fourth byte
            0x00, 0xFF, 0x59, 0x03, 0x00, 0x00, 0x00,        // key signature with a stray third byte
            0x00, 0xFF, 0x58, 0x05, 0x04, 0x02, 0x18, 0x08, 0x00,   // time signature, one byte too many
            0x00, 0x90, 0x3C, 0x40, 0x83, 0x60, 0x80, 0x3C, 0x40);  // one beat: a second at 60 bpm
        Note note = Assert.Single(MidiReader.Read(data, "long-meta.mid").Notes);
        Assert.Equal(60, note.Pitch);
        Assert.Equal(0.0, note.Start);
        Assert.Equal(1.0, note.End, 1e-12);
    }

    [Fact]
    public void Read_TempoWithTooFewBytes_OneLineErrorNamingIt()
    {
        byte[] data = SmfBytes.OneTrack(0x00, 0xFF, 0x51, 0x02, 0x07, 0xA1, 0x00, 0x90, 0x3C, 0x40, 0x60, 0x80, 0x3C, 0x40);
        var e = Assert.Throws<MidiFormatException>(() => MidiReader.Read(data, "short-tempo.mid"));
        Assert.StartsWith("short-tempo.mid: ", e.Message);
        Assert.Contains("meta event 0x51 has 2 data bytes, 3 needed", e.Message);
    }

    [Fact]
    public void Read_SystemRealTimeAndCommonMessages_SkippedAsMidoSkipsThem()
    {
        byte[] data = SmfBytes.OneTrack(
            0x00, 0xF8,                       // timing clock
            0x00, 0xF2, 0x10, 0x00,           // song position pointer
            0x00, 0x90, 0x3C, 0x40,
            0x83, 0x60, 0xFE,                 // active sensing, 480 ticks later
            0x00, 0x80, 0x3C, 0x40);
        Note note = Assert.Single(MidiReader.Read(data, "realtime.mid").Notes);
        Assert.Equal(0.5, note.End, 1e-12);
        var e = Assert.Throws<MidiFormatException>(() => MidiReader.Read(SmfBytes.OneTrack(0x00, 0xF4, 0x00, 0x90, 0x3C, 0x40), "undefined.mid"));
        Assert.Contains("status 0xF4", e.Message);
    }

    [Fact]
    public void Read_RunningStatusAcrossAMetaEvent_KeepsTheLastChannelStatus()
    {
        // mido keeps the running status across meta events; NAudio alone would take the meta event's status
        byte[] data = SmfBytes.OneTrack(
            0x00, 0x90, 0x3C, 0x40,
            0x00, 0xFF, 0x05, 0x02, 0x68, 0x69,   // a lyric ("hi"), as karaoke files put between notes
            0x83, 0x60, 0x3C, 0x00,               // running status: note 60 off at 480
            0x00, 0x3E, 0x40,                     // note 62 on
            0x00, 0xFF, 0x51, 0x04, 0x07, 0xA1, 0x20, 0x00,   // a tempo NAudio refuses as written (rewritten)
            0x83, 0x60, 0x3E, 0x00);              // running status again: note 62 off at 960
        Note[] notes = MidiReader.Read(data, "lyrics.kar").Notes;
        Assert.Equal([60, 62], notes.Select(n => n.Pitch));
        Assert.Equal(0.5, notes[0].End, 1e-12);
        Assert.Equal(0.5, notes[1].Start, 1e-12);
        Assert.Equal(1.0, notes[1].End, 1e-12);
    }

    // where the bytes after a bad event cannot be read as notes with certainty, the file is refused, as pretty_midi
    // refuses it; events it refuses that change no note (an empty channel prefix, a sysex byte above 127) are read
    // past instead: see LenientReadingTests
    [Theory]
    [InlineData(new byte[] { 0x00, 0xF0, 0x02, 0x7E, 0xF7, 0x00, 0x3C, 0x40 }, "without a running status")]   // mido: a sysex ends the running status
    [InlineData(new byte[] { 0x00, 0xF2, 0x10, 0x80 }, "data byte 0x80")]
    public void Read_EventsThatLeaveTheNotesUncertain_OneLineError(byte[] events, string problem)
    {
        var e = Assert.Throws<MidiFormatException>(() => MidiReader.Read(SmfBytes.OneTrack(events), "odd.mid"));
        Assert.StartsWith("odd.mid: ", e.Message);
        Assert.Contains(problem, e.Message);
    }
}
