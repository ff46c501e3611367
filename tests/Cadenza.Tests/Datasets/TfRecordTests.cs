using System.Text;
using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Corpus.NoteSequences;
using Cadenza.Notes;

namespace Cadenza.Tests.Datasets;

public class TfRecordTests
{
    private static readonly CorpusOptions Options = new() { MinNotes = 1, UseCache = false };

    [Fact]
    public void Crc32C_CheckValue_MatchesTheStandard()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute([]));
        // TensorFlow's masking: rotate right 15, add the delta
        uint crc = Crc32C.Compute(Encoding.ASCII.GetBytes("123456789"));
        Assert.Equal(((crc >> 15) | (crc << 17)) + 0xA282EAD8u, Crc32C.Masked(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Read_WrittenRecords_GivesExactlyTheNotesWritten()
    {
        using var dir = new TempDir();
        Note[][] pieces = [DatasetFiles.Piece(1, 30), DatasetFiles.Piece(2, 1), DatasetFiles.Piece(3, 40, instruments: 3)];
        string path = dir.File("notes.tfrecord");
        DatasetFiles.TfRecordFile(path, pieces.Select(p => DatasetFiles.NoteSequence(p)));

        Assert.Equal(CorpusSourceKind.TfRecord, CorpusSources.Detect(path));
        var (files, summary) = CorpusReader.Read(path, Options);
        Assert.Equal(3, summary.Files);
        Assert.Equal(0, summary.SkippedCount);
        Assert.Equal(["notes.tfrecord#1", "notes.tfrecord#2", "notes.tfrecord#3"], files.Select(f => f.Path));
        for (int i = 0; i < pieces.Length; i++) Assert.Equal(pieces[i], files[i].Notes);
    }

    [Fact]
    public void Read_GzipCompressedTfRecordWithAPlainName_IsDecompressed()
    {
        // tf.io.TFRecordWriter(path, options="GZIP") keeps whatever name it is given
        using var dir = new TempDir();
        Note[][] pieces = [DatasetFiles.Piece(1, 30), DatasetFiles.Piece(2, 35)];
        string plain = dir.File("plain.tfrecord"), path = dir.File("train.tfrecord");
        DatasetFiles.TfRecordFile(plain, pieces.Select(p => DatasetFiles.NoteSequence(p)));
        using (var gz = new System.IO.Compression.GZipStream(File.Create(path), System.IO.Compression.CompressionLevel.Fastest))
            gz.Write(File.ReadAllBytes(plain));
        var (files, summary) = CorpusReader.Read(path, Options);
        Assert.Equal(0, summary.SkippedCount);
        Assert.Equal(2, files.Count);
        for (int i = 0; i < pieces.Length; i++) Assert.Equal(pieces[i], files[i].Notes);
    }

    [Fact]
    public void Read_ExamplesWrappingNoteSequences_GivesTheirNotes()
    {
        using var dir = new TempDir();
        Note[][] pieces = [DatasetFiles.Piece(4, 30), DatasetFiles.Piece(5, 33)];
        string path = dir.File("maestro-v3.0.0_ns_wav_train.tfrecord-00000-of-00002");
        DatasetFiles.TfRecordFile(path, [DatasetFiles.Example("sequence", DatasetFiles.NoteSequence(pieces[0])),
                                         DatasetFiles.Example("note_sequence", DatasetFiles.NoteSequence(pieces[1]))]);
        var (files, summary) = CorpusReader.Read(path, Options);
        Assert.Equal(0, summary.SkippedCount);
        Assert.Equal(2, files.Count);
        for (int i = 0; i < pieces.Length; i++) Assert.Equal(pieces[i], files[i].Notes);
        Assert.All(files, f => Assert.Equal(DataSplit.Train, f.Split));

        // an Example inside an Example is unwrapped no further (no unbounded recursion): a record without notes
        string nested = dir.File("nested.tfrecord");
        DatasetFiles.TfRecordFile(nested, [DatasetFiles.Example("sequence", DatasetFiles.Example("sequence", DatasetFiles.NoteSequence(pieces[0])))]);
        var (_, inner) = CorpusReader.Read(nested, Options);
        Assert.Equal(0, inner.FilesUsable);
        Assert.Equal(0, inner.SkippedCount);
    }

    [Fact]
    public void Read_DrumsAndFirstInstrument_SelectedAsForMidi()
    {
        using var dir = new TempDir();
        Note[] notes = DatasetFiles.Piece(7, 50, instruments: 3, withDrums: true);
        string path = dir.File("drums.tfrecord");
        DatasetFiles.TfRecordFile(path, [DatasetFiles.NoteSequence(notes)]);

        var (merged, _) = CorpusReader.Read(path, Options);
        Assert.Equal(notes.Where(n => !n.IsDrum), merged[0].Notes);
        var (first, _) = CorpusReader.Read(path, Options with { Midi = new() { Instruments = Cadenza.Midi.InstrumentSelection.First } });
        int lowest = notes.Where(n => !n.IsDrum).Min(n => n.Instrument);
        Assert.Equal(notes.Where(n => !n.IsDrum && n.Instrument == lowest), first[0].Notes);
    }

    [Fact]
    public void Read_CorruptDataCrc_SkipsThatRecordWithWarningAndReadsTheRest()
    {
        using var dir = new TempDir();
        byte[][] records = [DatasetFiles.NoteSequence(DatasetFiles.Piece(1, 30)), DatasetFiles.NoteSequence(DatasetFiles.Piece(2, 30)), DatasetFiles.NoteSequence(DatasetFiles.Piece(3, 30))];
        string path = dir.File("train.tfrecord-00000-of-00001");
        DatasetFiles.TfRecordFile(path, records);
        byte[] data = File.ReadAllBytes(path);
        long second = DatasetFiles.RecordOffset(records, 1);
        data[second + TfRecordReader.HeaderBytes + 5] ^= 0xFF;   // one byte of the second record's data
        File.WriteAllBytes(path, data);

        var (files, summary) = CorpusReader.Read(path, Options);
        Assert.Equal(2, summary.FilesUsable);
        CorpusFile bad = Assert.Single(summary.Skipped);
        Assert.Equal("train.tfrecord-00000-of-00001#2", bad.Path);
        Assert.Contains($"byte {second}", bad.Reason);
        Assert.Contains("CRC", bad.Reason);
        Assert.Equal(DatasetFiles.Piece(3, 30), files.Single(f => f.Path.EndsWith("#3")).Notes);
    }

    [Fact]
    public void Read_CorruptLengthOrTruncation_StopsTheFileWithWarning()
    {
        using var dir = new TempDir();
        byte[][] records = [DatasetFiles.NoteSequence(DatasetFiles.Piece(1, 30)), DatasetFiles.NoteSequence(DatasetFiles.Piece(2, 30))];
        string path = dir.File("a.tfrecord");
        DatasetFiles.TfRecordFile(path, records);
        byte[] good = File.ReadAllBytes(path);
        long second = DatasetFiles.RecordOffset(records, 1);

        byte[] badLength = (byte[])good.Clone();
        badLength[second + 1] ^= 0x01;   // the length no longer matches its CRC
        File.WriteAllBytes(path, badLength);
        var (_, s1) = CorpusReader.Read(path, Options);
        Assert.Equal(1, s1.FilesUsable);
        Assert.Contains("length CRC", Assert.Single(s1.Skipped).Reason);

        File.WriteAllBytes(path, good[..^10]);   // cut inside the last record: its length runs past the end
        var (_, s2) = CorpusReader.Read(path, Options);
        Assert.Equal(1, s2.FilesUsable);
        Assert.Contains("more than the file holds", Assert.Single(s2.Skipped).Reason);

        File.WriteAllBytes(path, good[..(int)(second + 5)]);   // cut inside the second header
        var (_, s3) = CorpusReader.Read(path, Options);
        Assert.Equal(1, s3.FilesUsable);
        Assert.Contains("truncated", Assert.Single(s3.Skipped).Reason);
    }

    [Fact]
    public void Read_AbsurdLengthWithValidCrc_RejectedBeforeAllocating()
    {
        using var dir = new TempDir();
        string path = dir.File("huge.tfrecord");
        using (FileStream f = File.Create(path))
        {
            Span<byte> header = stackalloc byte[TfRecordReader.HeaderBytes];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(header, ulong.MaxValue / 2);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
            f.Write(header);
        }
        var (_, summary) = CorpusReader.Read(path, Options);
        Assert.Contains("declares", Assert.Single(summary.Skipped).Reason);
    }

    [Fact]
    public void Read_RecordThatIsNotANoteSequence_SkippedWithReason()
    {
        using var dir = new TempDir();
        string path = dir.File("junk.tfrecord");
        DatasetFiles.TfRecordFile(path, [[0x42, 0xFF, 0xFF, 0xFF, 0x7F], DatasetFiles.NoteSequence([new Note(200, 0, 1)])]);
        var (_, summary) = CorpusReader.Read(path, Options);
        Assert.Equal(1, summary.SkippedCount);
        Assert.Contains("not a valid NoteSequence", summary.Skipped[0].Reason);
        // a note of pitch 200 is dropped and counted; the record is kept (here with nothing left to train on)
        CorpusFile second = Assert.Single(summary.Unusable);
        Assert.Equal(("junk.tfrecord#2", "dropped 1 note with a pitch outside 0..127 or an impossible time"), (second.Path, second.Warning));
    }

    [Fact]
    public void Read_FolderWithSplitNamedFiles_TagsAndFiltersBySplit()
    {
        using var dir = new TempDir();
        DatasetFiles.TfRecordFile(dir.File("maestro_train.tfrecord"), [DatasetFiles.NoteSequence(DatasetFiles.Piece(1, 30)), DatasetFiles.NoteSequence(DatasetFiles.Piece(2, 30))]);
        DatasetFiles.TfRecordFile(dir.File("maestro_validation.tfrecord"), [DatasetFiles.NoteSequence(DatasetFiles.Piece(3, 30))]);
        DatasetFiles.TfRecordFile(dir.File("maestro_test.tfrecord"), [DatasetFiles.NoteSequence(DatasetFiles.Piece(4, 30))]);

        Assert.Equal(CorpusSourceKind.TfRecord, CorpusSources.Detect(dir.Path));
        var (all, summary) = CorpusReader.Read(dir.Path, Options);
        Assert.Equal(4, summary.FilesUsable);
        Assert.Equal(2, summary.UsableBySplit[DataSplit.Train]);
        Assert.Equal(1, summary.UsableBySplit[DataSplit.Test]);
        var (train, _) = CorpusSplit.BySource(all);
        Assert.Equal(2, train.Count);
        var (onlyTest, _) = CorpusReader.Read(dir.Path, Options with { Split = DataSplit.Test });
        Assert.Equal(DatasetFiles.Piece(4, 30), Assert.Single(onlyTest).Notes);
    }
}
