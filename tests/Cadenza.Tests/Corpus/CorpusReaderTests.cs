using Cadenza.Corpus;

namespace Cadenza.Tests.Corpus;

public class CorpusReaderTests
{
    [Fact]
    public void Read_DemoCorpus_AllUsableNoWarnings()
    {
        using var cache = new TempDir();
        var (files, summary) = CorpusReader.Read(Paths.Demo, new CorpusOptions { CacheDirectory = cache.Path });
        Assert.Equal(13, summary.Files);
        Assert.Equal(13, summary.FilesUsable);
        Assert.Empty(summary.Skipped);
        Assert.Empty(summary.Unusable);
        Assert.Equal(files.Sum(f => f.Notes.Length), summary.Notes);
        Assert.True(summary.Seconds > 60);
    }

    [Fact]
    public void Read_FolderWithKaraokeAndUpperCaseNames_ReadsThemAllAndNothingElse()
    {
        using var dir = new TempDir();
        using var cache = new TempDir();
        string piece = Path.Combine(Paths.Demo, Directory.GetFiles(Paths.Demo, "*.mid").Order().First());
        File.Copy(piece, dir.File("song.kar"));
        File.Copy(piece, dir.File("SONG2.MID"));
        File.Copy(piece, dir.File("song3.smf"));
        File.WriteAllText(dir.File("notes.txt"), "not a MIDI file");
        var (files, summary) = CorpusReader.Read(dir.Path, new CorpusOptions { CacheDirectory = cache.Path });
        Assert.Equal(["SONG2.MID", "song.kar", "song3.smf"], files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Empty(summary.Skipped);
    }

    [Fact]
    public void Read_MaxPieces_StopsParsingAFolderAfterTheChunkThatReachesIt()
    {
        using var dir = new TempDir();
        using var cache = new TempDir();
        for (int i = 0; i < 300; i++) Cadenza.Midi.MidiWriter.Write(dir.File($"p{i:D3}.mid"), Cadenza.Tests.Datasets.DatasetFiles.Piece((ulong)i, 30));
        int parsed = 0;
        var counter = new Progress(() => Interlocked.Increment(ref parsed));
        var options = new CorpusOptions { CacheDirectory = cache.Path, MaxPieces = 2 };
        var (files, summary) = CorpusReader.Read(dir.Path, options, counter);
        Assert.Equal(["p000.mid", "p001.mid"], files.Select(f => f.Path));
        Assert.True(summary.StoppedAtMaxPieces);
        Assert.Equal(Cadenza.Corpus.Sources.MidiBatch.ChunkFiles, parsed);   // one chunk, not all 300 files

        var (all, whole) = CorpusReader.Read(dir.Path, options with { MaxPieces = null });
        Assert.Equal(300, all.Count);
        Assert.Equal(Cadenza.Corpus.Sources.MidiBatch.ChunkFiles, whole.FromCache);   // the stopped read's chunk was cached
    }

    // counts reports synchronously (Progress<T> would post them to the thread pool)
    private sealed class Progress(Action report) : IProgress<int>
    {
        public void Report(int value) => report();
    }

    [Fact]
    public void Read_FixtureFolder_SkipsCorruptFilesAndReportsUnusable()
    {
        using var cache = new TempDir();
        var (_, summary) = CorpusReader.Read(Paths.MidiFixtures, new CorpusOptions { CacheDirectory = cache.Path });
        Assert.Equal(5, summary.Skipped.Count);
        Assert.Contains(summary.Skipped, f => f.Path == "truncated.mid" && f.Reason.Contains("declares 158 bytes"));
        Assert.Contains(summary.Unusable, f => f.Path == "nonotes.mid" && f.Reason == "no notes");
        Assert.Contains(summary.Unusable, f => f.Path == "edge-tpq96.mid" && f.Reason.Contains("13 notes"));
        Assert.Equal(3, summary.FilesUsable);
    }

    [Fact]
    public void Read_DrumOnlyFile_IsUnusable()
    {
        using var dir = new TempDir();
        using var cache = new TempDir();
        // the format-0 fixture with its piano channel moved to the drum channel
        byte[] data = File.ReadAllBytes(Path.Combine(Paths.MidiFixtures, "edge-format0-drums.mid"));
        for (int i = 22; i < data.Length - 2; i++)
            if ((data[i] & 0xF0) is 0x90 or 0x80 && (data[i] & 0x0F) == 0 && data[i + 1] < 128 && data[i + 2] < 128) data[i] |= 0x09;
        File.WriteAllBytes(dir.File("drums.mid"), data);
        var (files, _) = CorpusReader.Read(dir.Path, new CorpusOptions { CacheDirectory = cache.Path });
        CorpusFile f = Assert.Single(files);
        Assert.Equal(CorpusFileStatus.Unusable, f.Status);
        Assert.Equal("drums only", f.Reason);
    }

    [Fact]
    public void Read_Twice_SecondReadComesFromCacheWithSameNotes()
    {
        using var cache = new TempDir();
        var options = new CorpusOptions { CacheDirectory = cache.Path };
        var (first, s1) = CorpusReader.Read(Paths.MidiFixtures, options);
        var (second, s2) = CorpusReader.Read(Paths.MidiFixtures, options);
        Assert.Equal(0, s1.FromCache);
        Assert.Equal(s2.Files, s2.FromCache);
        Assert.Equal(first.Count, second.Count);
        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Path, second[i].Path);
            Assert.Equal(first[i].Status, second[i].Status);
            Assert.Equal(first[i].Reason, second[i].Reason);
            Assert.Equal(first[i].Notes, second[i].Notes);
        }
    }

    [Fact]
    public void Read_FileChangedAfterCaching_IsParsedAgain()
    {
        using var dir = new TempDir();
        using var cache = new TempDir();
        var options = new CorpusOptions { CacheDirectory = cache.Path };
        string path = dir.File("piece.mid");
        File.Copy(Path.Combine(Paths.MidiFixtures, "edge-multitrack.mid"), path);
        CorpusReader.Read(dir.Path, options);
        File.Copy(Path.Combine(Paths.MidiFixtures, "edge-tpq960.mid"), path, overwrite: true);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        var (files, summary) = CorpusReader.Read(dir.Path, options);
        Assert.Equal(0, summary.FromCache);
        Assert.Equal(13, files[0].Notes.Length);
    }

    [Fact]
    public void Read_MissingFolder_ThrowsCorpusException()
    {
        var e = Assert.Throws<CorpusException>(() => CorpusReader.Read("/nonexistent/folder"));
        Assert.Contains("/nonexistent/folder", e.Message);
    }

    [Fact]
    public void Read_DamagedCacheFile_IsIgnored()
    {
        using var cache = new TempDir();
        var options = new CorpusOptions { CacheDirectory = cache.Path };
        CorpusReader.Read(Paths.Demo, options);
        foreach (string f in Directory.GetFiles(cache.Path)) { var b = File.ReadAllBytes(f); File.WriteAllBytes(f, b[..(b.Length / 2)]); }
        var (_, summary) = CorpusReader.Read(Paths.Demo, options);
        Assert.Equal(13, summary.FilesUsable);
    }

    [Fact]
    public void Read_BitFlippedCacheEntry_DetectedAndThatFileParsedAgain()
    {
        using var cache = new TempDir();
        var options = new CorpusOptions { CacheDirectory = cache.Path };
        var (first, _) = CorpusReader.Read(Paths.Demo, options);
        string file = Assert.Single(Directory.GetFiles(cache.Path));
        byte[] bytes = File.ReadAllBytes(file);
        // flip one bit inside the notes of a piece in the middle of the file (its own notes, not a length)
        CorpusFile victim = first[first.Count / 2];
        byte[] notes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(victim.Notes.AsSpan()).ToArray();
        int at = bytes.AsSpan().IndexOf(notes.AsSpan(0, 64));
        Assert.True(at > 0, "the piece's notes are stored raw in the cache");
        bytes[at + 5] ^= 0x10;   // inside the first note's start time: a silently wrong note if it were served
        File.WriteAllBytes(file, bytes);

        Assert.Equal(1, NoteCache.Load(file).DamagedEntries);
        var (second, summary) = CorpusReader.Read(Paths.Demo, options);
        Assert.Equal(first.Count - 1, summary.FromCache);
        CorpusFile again = second.Single(f => f.Path == victim.Path);
        Assert.False(again.FromCache);
        Assert.Equal(victim.Notes, again.Notes);
        for (int i = 0; i < first.Count; i++) Assert.Equal(first[i].Notes, second[i].Notes);
    }

    [Fact]
    public void Read_TruncatedCache_KeepsTheEntriesBeforeTheCutAndParsesTheRest()
    {
        using var cache = new TempDir();
        var options = new CorpusOptions { CacheDirectory = cache.Path };
        var (first, _) = CorpusReader.Read(Paths.Demo, options);
        string file = Assert.Single(Directory.GetFiles(cache.Path));
        byte[] bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        NoteCache cut = NoteCache.Load(file);
        Assert.InRange(cut.Count, 1, first.Count - 1);
        Assert.Equal(first.Count - cut.Count, cut.DamagedEntries);
        var (second, summary) = CorpusReader.Read(Paths.Demo, options);
        Assert.Equal(cut.Count, summary.FromCache);
        for (int i = 0; i < first.Count; i++) Assert.Equal(first[i].Notes, second[i].Notes);
    }
}
