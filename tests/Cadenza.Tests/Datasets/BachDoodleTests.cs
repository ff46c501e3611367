using Cadenza.Corpus;
using Cadenza.Notes;

namespace Cadenza.Tests.Datasets;

public class BachDoodleTests
{
    internal const string ShardName = "bach-doodle.jsonl-00007-of-00192.gz";
    private static readonly CorpusOptions Options = new() { MinNotes = 1, UseCache = false };

    internal static (Note[] Melody, Note[] Harmony) Request(ulong seed) =>
        (DatasetFiles.Piece(seed, 8), DatasetFiles.Piece(seed + 1000, 32, instruments: 4));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_Shard_GivesExactlyTheHarmonisationsWritten(bool int64AsStrings)
    {
        using var dir = new TempDir();
        var sessions = Enumerable.Range(0, 5).Select(i => new[] { Request((ulong)i * 10) }).ToList();
        string path = dir.File(ShardName);
        DatasetFiles.Shard(path, sessions.Select(s => DatasetFiles.Session(s, int64AsStrings)));

        Assert.Equal(CorpusSourceKind.BachDoodle, CorpusSources.Detect(path));
        var (files, summary) = CorpusReader.Read(path, Options);
        Assert.Equal(5, summary.FilesUsable);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal($"{ShardName}:{i + 1}", files[i].Path);
            Assert.Equal(sessions[i][0].Harmony, files[i].Notes);
        }
    }

    [Fact]
    public void Read_MaxPieces_StopsTheStreamThere()
    {
        using var dir = new TempDir();
        var sessions = Enumerable.Range(0, 8).Select(i => new[] { Request((ulong)i * 10 + 2) }).ToList();
        string path = dir.File(ShardName);
        DatasetFiles.Shard(path, sessions.Select(s => DatasetFiles.Session(s)));
        var (files, summary) = CorpusReader.Read(path, Options with { MaxPieces = 3 });
        Assert.Equal(sessions.Take(3).Select(s => s[0].Harmony), files.Select(f => f.Notes));
        Assert.True(summary.StoppedAtMaxPieces);
        Assert.Equal(3, summary.FilesUsable);
        var (_, whole) = CorpusReader.Read(path, Options with { MaxPieces = 8 });
        Assert.False(whole.StoppedAtMaxPieces);
        Assert.Equal(8, whole.FilesUsable);
    }

    [Fact]
    public void Read_GzNamedShardAlreadyDecompressed_IsReadAsPlainText()
    {
        // a download tool that honoured Content-Encoding: gzip leaves plain JSONL under the .gz name
        using var dir = new TempDir();
        var sessions = Enumerable.Range(0, 3).Select(i => new[] { Request((ulong)i * 10 + 1) }).ToList();
        string path = dir.File(ShardName);
        File.WriteAllLines(path, sessions.Select(s => DatasetFiles.Session(s)));
        var (files, summary) = CorpusReader.Read(path, Options);
        Assert.Equal(0, summary.SkippedCount);
        Assert.Equal(sessions.Select(s => s[0].Harmony), files.Select(f => f.Notes));
    }

    [Fact]
    public void Read_PartMelodyAndBoth_GiveTheInputAndBothPerHarmonisation()
    {
        using var dir = new TempDir();
        var session = new[] { Request(1), Request(2) };   // a session that asked twice
        string path = dir.File(ShardName);
        DatasetFiles.Shard(path, [DatasetFiles.Session(session)]);

        var (melody, _) = CorpusReader.Read(path, Options with { Part = BachDoodlePart.Melody });
        Assert.Equal([$"{ShardName}:1.1", $"{ShardName}:1.2"], melody.Select(f => f.Path));
        Assert.Equal(session[1].Melody, melody[1].Notes);

        var (both, _) = CorpusReader.Read(path, Options with { Part = BachDoodlePart.Both });
        Assert.Equal([$"{ShardName}:1.1/melody", $"{ShardName}:1.1/harmony", $"{ShardName}:1.2/melody", $"{ShardName}:1.2/harmony"], both.Select(f => f.Path));
        Assert.Equal(session[0].Melody, both[0].Notes);
        Assert.Equal(session[1].Harmony, both[3].Notes);
    }

    [Fact]
    public void Read_CorruptLines_SkippedWithWarningNamingShardAndLine()
    {
        using var dir = new TempDir();
        string bad = DatasetFiles.Session([(DatasetFiles.Piece(1, 8), [new Note(300, 0, 1)])]);
        string[] lines =
        [
            DatasetFiles.Session([Request(1)]),
            "{\"input_sequence\": [{\"notes\": [", // cut off mid-way
            DatasetFiles.Session([Request(2)]),
            bad,
            "",                                     // blank lines are not sessions
            "[1, 2, 3]",
            DatasetFiles.Session([Request(3)]),
        ];
        DatasetFiles.Shard(dir.File(ShardName), lines);

        var (files, summary) = CorpusReader.Read(dir.Path, Options);
        Assert.Equal(CorpusSourceKind.BachDoodle, CorpusSources.Detect(dir.Path));
        Assert.Equal(3, summary.FilesUsable);
        Assert.Equal([$"{ShardName}:2", $"{ShardName}:6"], summary.Skipped.Select(f => f.Path));
        Assert.Contains("not valid JSON", summary.Skipped[0].Reason);
        // a note that cannot be played is dropped, not its line: that harmonisation is left with no notes
        CorpusFile four = Assert.Single(summary.Unusable);
        Assert.Equal(($"{ShardName}:4", "no notes", "dropped 1 note with a pitch outside 0..127 or an impossible time"), (four.Path, four.Reason, four.Warning));
        Assert.Equal(Request(3).Harmony, files.Single(f => f.Path == $"{ShardName}:7").Notes);
    }

    [Fact]
    public void Read_FolderOfShards_ReadsThemInNameOrder()
    {
        using var dir = new TempDir();
        DatasetFiles.Shard(dir.File("bach-doodle.jsonl-00001-of-00192.gz"), [DatasetFiles.Session([Request(5)])]);
        DatasetFiles.Shard(dir.File("bach-doodle.jsonl-00000-of-00192.gz"), [DatasetFiles.Session([Request(4)])]);
        var (files, _) = CorpusReader.Read(dir.Path, Options);
        Assert.Equal(["bach-doodle.jsonl-00000-of-00192.gz:1", "bach-doodle.jsonl-00001-of-00192.gz:1"], files.Select(f => f.Path));
        Assert.Equal(Request(4).Harmony, files[0].Notes);
    }

    [Fact]
    public void Read_SplitOnBachDoodle_IsAnErrorNamingTheSource()
    {
        using var dir = new TempDir();
        DatasetFiles.Shard(dir.File(ShardName), [DatasetFiles.Session([Request(1)])]);
        var e = Assert.Throws<CorpusException>(() => CorpusReader.Read(dir.Path, Options with { Split = DataSplit.Train }));
        Assert.Contains("no train/validation/test split", e.Message);
    }
}
