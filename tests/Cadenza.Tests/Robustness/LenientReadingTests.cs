using Cadenza.Audio;
using Cadenza.Corpus;
using Cadenza.Midi;
using Cadenza.Notes;
using Cadenza.Tests.Datasets;
using Cadenza.Tests.Midi;

namespace Cadenza.Tests.Robustness;

/// <summary>
/// A piece is skipped only when its notes cannot be recovered: events that change no note are read past, values out
/// of range are clamped, an impossible note is dropped, each counted in one warning per piece.
/// </summary>
public class LenientReadingTests
{

    // Simutrans' 05-Boring-afternoon.mid and 30-On-the-waterfront.mid carry key signatures with mode byte 255 between
    // their notes, as here: C4 for a beat, the bad key signature 240 ticks in, then E4 and G4 together for two beats
    private static byte[] WithBadKeySignature(byte sharps = 0x00, byte mode = 0xFF) => SmfBytes.OneTrack(
        0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,          // tempo 500,000 µs (120 bpm)
        0x00, 0xFF, 0x59, 0x02, 0x00, 0x00,                // C major: valid
        0x00, 0x90, 0x3C, 0x64,                            // C4 on at 0, velocity 100
        0x81, 0x70, 0xFF, 0x59, 0x02, sharps, mode,        // 240 ticks: the invalid key signature
        0x81, 0x70, 0x80, 0x3C, 0x40,                      // 480: C4 off
        0x00, 0x90, 0x40, 0x50, 0x00, 0x90, 0x43, 0x51,    // E4 and G4 on at 480
        0x87, 0x40, 0x80, 0x40, 0x00, 0x00, 0x80, 0x43, 0x00);   // 1,440: both off

    // the notes by hand: 960 ticks per second
    private static readonly Note[] Expected =
    [
        new(60, 0.0, 0.5, 100),
        new(64, 0.5, 1.5, 80),
        new(67, 0.5, 1.5, 81),
    ];

    [Theory]
    [InlineData((byte)0x00, (byte)0xFF)]   // mode 255, as in the Simutrans files
    [InlineData((byte)0x08, (byte)0x00)]   // 8 sharps
    [InlineData((byte)0xF8, (byte)0x01)]   // 8 flats, minor
    public void Read_InvalidKeySignature_IgnoredWithTheNotesAsIfItWereNotThere(byte sharps, byte mode)
    {
        MidiNotes midi = MidiReader.Read(WithBadKeySignature(sharps, mode), "05-Boring-afternoon.mid");
        Assert.Equal(Expected, midi.Notes);
        Assert.Equal(1, midi.Repairs.KeySignatures);
        Assert.Equal("ignored 1 invalid key signature", midi.Repairs.Describe());
        // the same file with the bad event cut out (its 240-tick delta added to the next event's) reads the same
        byte[] without = SmfBytes.OneTrack(
            0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20, 0x00, 0xFF, 0x59, 0x02, 0x00, 0x00, 0x00, 0x90, 0x3C, 0x64,
            0x83, 0x60, 0x80, 0x3C, 0x40, 0x00, 0x90, 0x40, 0x50, 0x00, 0x90, 0x43, 0x51, 0x87, 0x40, 0x80, 0x40, 0x00, 0x00, 0x80, 0x43, 0x00);
        MidiNotes clean = MidiReader.Read(without, "clean.mid");
        Assert.Equal(clean.Notes, midi.Notes);
        Assert.True(clean.Repairs.IsEmpty);
    }

    [Fact]
    public void Read_EventsPrettyMidiRefusesButThatChangeNoNote_CountedAndReadPast()
    {
        byte[] data = SmfBytes.OneTrack(
            0x00, 0xFF, 0x58, 0x04, 0x00, 0x02, 0x18, 0x08,   // time signature 0/4: pretty_midi refuses a numerator of 0
            0x00, 0xFF, 0x20, 0x00,                           // an empty channel prefix (mido indexes its missing byte)
            0x00, 0xFF, 0x59, 0x01, 0x00,                     // a key signature of one byte
            0x00, 0xF7, 0x01, 0xF8,                           // a sysex escape carrying a byte above 127
            0x00, 0x90, 0x3C, 0x40, 0x83, 0x60, 0x80, 0x3C, 0x40);
        MidiNotes midi = MidiReader.Read(data, "odd.mid");
        Note note = Assert.Single(midi.Notes);
        Assert.Equal((60, 0.0, 0.5), (note.Pitch, note.Start, note.End));
        Assert.Equal(new ReadRepairs { TimeSignatures = 1, ShortMetaEvents = 2, Sysex = 1 }, midi.Repairs);
        Assert.Equal("ignored 1 invalid time signature, 2 meta events too short to read, 1 sysex event with data bytes above 127", midi.Repairs.Describe());
    }

    [Fact]
    public void Read_FolderWithABadKeySignature_KeepsThePieceWithOneWarning()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("05-Boring-afternoon.mid"), WithBadKeySignature());
        File.Copy(Path.Combine(Paths.MidiFixtures, "edge-multitrack.mid"), dir.File("plain.mid"));
        using var cache = new TempDir();
        var options = new CorpusOptions { MinNotes = 1, CacheDirectory = cache.Path };
        for (int pass = 0; pass < 2; pass++)   // parsed, then from the cache: the warning is kept with the notes
        {
            var (files, summary) = CorpusReader.Read(dir.Path, options);
            Assert.Equal(2, summary.FilesUsable);
            Assert.Equal(pass == 0 ? 0 : 2, summary.FromCache);
            CorpusFile bad = Assert.Single(summary.Warned);
            Assert.Equal(("05-Boring-afternoon.mid", "ignored 1 invalid key signature"), (bad.Path, bad.Warning));
            Assert.Equal(1, summary.WarnedCount);
            Assert.Equal(Expected, files.Single(f => f.Path == bad.Path).Notes);
            Assert.Equal("", files.Single(f => f.Path == "plain.mid").Warning);
        }
    }

    [Fact]
    public void Render_FileWithAnInvalidKeySignature_RendersItAll()
    {
        using var dir = new TempDir();
        string midi = dir.File("05-Boring-afternoon.mid");
        File.WriteAllBytes(midi, WithBadKeySignature());
        AudioResult result = AudioRenderer.Render(midi, dir.File("out.wav"), new AudioOptions { BuiltIn = true });
        Assert.Equal($"{midi}: ignored 1 invalid key signature", result.InputWarning);
        Assert.InRange(result.Seconds, 1.5, 3.5);   // the last note ends at 1.5 s, then the release tail
        Assert.True(result.Peak > 0.01, $"peak {result.Peak}: the notes should sound");
    }

    [Fact]
    public void RenderCommand_FileWithAnInvalidKeySignature_ExitsZeroAndWarnsOnce()
    {
        using var dir = new TempDir();
        string midi = dir.File("05-Boring-afternoon.mid");
        File.WriteAllBytes(midi, WithBadKeySignature());
        var (exit, _, err) = Cli.Run("render", midi, "--out", dir.File("out.wav"), "--builtin");
        Assert.Equal(0, exit);
        Assert.Contains($"warning: {midi}: ignored 1 invalid key signature", err);
        Assert.True(new FileInfo(dir.File("out.wav")).Length > 44 * 1000);
    }

    [Fact]
    public void Read_NoteSequencesAsMagentaJsWritesThem_KeepEveryRecordWithVelocitiesClamped()
    {
        // Magenta.js scales velocities and writes 128 for MIDI's 127; proto3 leaves a velocity of 0 out
        using var dir = new TempDir();
        Note[] loud = [new(60, 0, 0.5, 128), new(62, 0.5, 1.0, 127), new(64, 1.0, 1.5, 0)];
        Note[] impossible = [new(60, 0, 0.5, 90), new(61, -0.25, 0.5, 90), new(62, 0.5, 0.25, 90), new(63, double.NaN, 1, 90), new(64, 1, 1.5, 90)];
        string path = dir.File("magenta-js.tfrecord");
        DatasetFiles.TfRecordFile(path, [DatasetFiles.NoteSequence(loud), DatasetFiles.NoteSequence(impossible)]);
        var (files, summary) = CorpusReader.Read(path, new CorpusOptions { MinNotes = 1, UseCache = false });
        Assert.Equal(2, summary.FilesUsable);
        Assert.Equal(0, summary.SkippedCount);
        Assert.Equal([new(60, 0, 0.5, 127), new(62, 0.5, 1.0, 127), new(64, 1.0, 1.5, 1)], files[0].Notes);
        Assert.Equal("clamped 2 velocities into 1..127", files[0].Warning);
        Assert.Equal([new(60, 0, 0.5, 90), new(64, 1, 1.5, 90)], files[1].Notes);
        Assert.Equal("dropped 3 notes with a pitch outside 0..127 or an impossible time", files[1].Warning);
        Assert.Equal(2, summary.WarnedCount);
    }

    [Fact]
    public void Read_BachDoodleLineWithVelocity128_KeepsTheHarmonisation()
    {
        using var dir = new TempDir();
        Note[] melody = [new(67, 0, 0.5, 128), new(69, 0.5, 1, 100)];
        Note[] harmony = [new(48, 0, 1, 128, instrument: 3), new(55, 0, 1, 100, instrument: 2), new(200, 0, 1, 100, instrument: 1)];
        string path = dir.File(BachDoodleTests.ShardName);
        DatasetFiles.Shard(path, [DatasetFiles.Session([(melody, harmony)])]);
        var (files, _) = CorpusReader.Read(path, new CorpusOptions { MinNotes = 1, UseCache = false });
        CorpusFile piece = Assert.Single(files);
        Assert.Equal([new(48, 0, 1, 127, instrument: 3), new(55, 0, 1, 100, instrument: 2)], piece.Notes);
        Assert.Equal("clamped 1 velocity into 1..127; dropped 1 note with a pitch outside 0..127 or an impossible time", piece.Warning);
    }
}
