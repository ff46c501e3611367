using System.IO.Compression;
using System.Security.Cryptography;
using Cadenza.Corpus;
using Cadenza.Corpus.Datasets;

namespace Cadenza.Tests.Datasets;

public class DownloaderTests
{
    private static readonly DownloadOptions Fast = new() { Attempts = 3, RetryDelay = TimeSpan.Zero, StallTimeout = TimeSpan.FromSeconds(10) };

    private static byte[] Payload(int size)
    {
        var data = new byte[size];
        var rng = new Cadenza.Common.Rng(99);
        for (int i = 0; i < size; i++) data[i] = (byte)rng.NextULong();
        return data;
    }

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    [Fact]
    public async Task Download_FromLoopback_VerifiedAndRenamedIntoPlace()
    {
        byte[] file = Payload(300_000);
        using var server = new LoopbackServer(file);
        using var dir = new TempDir();
        using var http = DatasetFetch.CreateClient();
        var seen = new List<DownloadProgress>();
        var progress = new SyncProgress<DownloadProgress>(seen.Add);

        DownloadResult r = await new Downloader(http).DownloadAsync(server.Url, dir.File("d.zip"), null, Sha(file), Fast, progress);

        Assert.Equal(file, File.ReadAllBytes(dir.File("d.zip")));
        Assert.False(File.Exists(dir.File("d.zip") + Downloader.PartSuffix));
        Assert.Equal(Sha(file), r.Sha256);
        Assert.Equal(file.Length, r.Fetched);
        Assert.Equal(file.Length, seen[^1].Received);
        Assert.Equal(file.Length, seen[^1].Total);

        // a second run finds the file and only verifies it
        DownloadResult again = await new Downloader(http).DownloadAsync(server.Url, dir.File("d.zip"), null, Sha(file), Fast);
        Assert.Equal(0, again.Fetched);
        Assert.Single(server.Ranges);
    }

    [Fact]
    public async Task Download_ConnectionCut_ResumesWithRangeInTheSameRun()
    {
        byte[] file = Payload(500_000);
        using var server = new LoopbackServer(file) { CutResponses = 1, CutAfter = 200_000 };
        using var dir = new TempDir();
        using var http = DatasetFetch.CreateClient();

        DownloadResult r = await new Downloader(http).DownloadAsync(server.Url, dir.File("d.zip"), file.Length, Sha(file), Fast);

        Assert.Equal(file, File.ReadAllBytes(dir.File("d.zip")));
        Assert.Equal(2, r.Attempts);
        string[] ranges = server.Ranges.ToArray();
        Assert.Equal("", ranges[0]);
        Assert.Matches(@"^bytes=\d+-$", ranges[1]);
        long resumedAt = long.Parse(ranges[1][6..^1]);
        Assert.InRange(resumedAt, 1, 200_000);   // from what reached the disk, never from 0
    }

    [Fact]
    public async Task Download_CutThenRunAgain_ResumesFromThePartFile()
    {
        byte[] file = Payload(400_000);
        using var server = new LoopbackServer(file) { CutResponses = 1, CutAfter = 150_000 };
        using var dir = new TempDir();
        using var http = DatasetFetch.CreateClient();
        string target = dir.File("d.zip");

        var e = await Assert.ThrowsAsync<DatasetException>(() => new Downloader(http).DownloadAsync(server.Url, target, null, null, Fast with { Attempts = 1 }));
        Assert.Contains("run the command again to resume", e.Message);
        long saved = new FileInfo(target + Downloader.PartSuffix).Length;
        Assert.InRange(saved, 1, 150_000);
        Assert.False(File.Exists(target));

        DownloadResult r = await new Downloader(http).DownloadAsync(server.Url, target, null, Sha(file), Fast);
        Assert.Equal(saved, r.ResumedFrom);
        Assert.Equal(file.Length - saved, r.Fetched);
        Assert.Equal(file, File.ReadAllBytes(target));
        Assert.Equal($"bytes={saved}-", server.Ranges.ToArray()[1]);
    }

    [Fact]
    public async Task Download_ServerIgnoresRange_StartsOverAndStillGetsTheFile()
    {
        byte[] file = Payload(100_000);
        using var server = new LoopbackServer(file) { IgnoreRange = true };
        using var dir = new TempDir();
        using var http = DatasetFetch.CreateClient();
        string target = dir.File("d.zip");
        File.WriteAllBytes(target + Downloader.PartSuffix, new byte[5_000]);   // a stale partial file

        await new Downloader(http).DownloadAsync(server.Url, target, null, Sha(file), Fast);
        Assert.Equal(file, File.ReadAllBytes(target));
    }

    [Fact]
    public async Task Download_WrongChecksumOrSize_RemovedWithOneLineError()
    {
        byte[] file = Payload(50_000);
        using var server = new LoopbackServer(file);
        using var dir = new TempDir();
        using var http = DatasetFetch.CreateClient();

        var bad = await Assert.ThrowsAsync<DatasetException>(() => new Downloader(http).DownloadAsync(server.Url, dir.File("a.zip"), null, new string('0', 64), Fast));
        Assert.Contains("SHA-256", bad.Message);
        Assert.False(File.Exists(dir.File("a.zip")) || File.Exists(dir.File("a.zip") + Downloader.PartSuffix));

        var size = await Assert.ThrowsAsync<DatasetException>(() => new Downloader(http).DownloadAsync(server.Url, dir.File("b.zip"), 60_000, null, Fast));
        Assert.Contains("60000", size.Message);

        var missing = await Assert.ThrowsAsync<DatasetException>(() => new Downloader(http).DownloadAsync(new Uri(server.Url, "/nothing.zip"), dir.File("c.zip"), null, null, Fast));
        Assert.Contains("HTTP 404", missing.Message);
    }

    [Theory]
    [InlineData("../../evil.txt")]
    [InlineData("maestro-v3.0.0/../../evil.txt")]
    [InlineData("/tmp/cadenza-evil.txt")]
    public void Extract_ZipSlipEntry_RefusedAndNothingWritten(string entryName)
    {
        using var dir = new TempDir();
        string zip = dir.File("evil.zip");
        using (ZipArchive archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using (var w = new StreamWriter(archive.CreateEntry("maestro-v3.0.0/ok.txt").Open())) w.Write("fine");
            using (var w = new StreamWriter(archive.CreateEntry(entryName).Open())) w.Write("escaped");
        }
        string target = Path.Combine(dir.Path, "a", "b");

        var e = Assert.Throws<DatasetException>(() => ZipExtractor.Extract(zip, target));
        Assert.Contains(entryName, e.Message);
        Assert.Contains("zip-slip", e.Message);
        Assert.False(File.Exists(Path.Combine(dir.Path, "evil.txt")));
        Assert.False(File.Exists("/tmp/cadenza-evil.txt"));
        Assert.False(File.Exists(Path.Combine(target, "maestro-v3.0.0", "ok.txt")));   // checked before anything is written
    }

    [Fact]
    public async Task Fetch_MaestroZipFromLoopback_ExtractsAReadableCorpus()
    {
        using var dir = new TempDir();
        var pieces = DatasetFiles.MaestroPieces();
        string root = Path.Combine(dir.Path, "build", "maestro-v3.0.0");
        DatasetFiles.MaestroFolder(root, pieces, "maestro-v3.0.0.csv", DatasetFiles.MaestroCsv(pieces));
        string zip = dir.File("source.zip");
        DatasetFiles.Zip(root, zip);
        byte[] bytes = File.ReadAllBytes(zip);
        using var server = new LoopbackServer(bytes) { CutResponses = 1, CutAfter = bytes.Length / 3 };
        var dataset = DatasetCatalog.MaestroV3 with { Url = server.Url };
        string output = Path.Combine(dir.Path, "datasets");

        DatasetFetchResult result = await DatasetFetch.RunAsync(dataset, output, options: Fast);

        Assert.Equal(Path.Combine(output, "maestro-v3.0.0"), result.Corpus);
        Assert.Equal(pieces.Count + 1, result.Extracted);
        using var cache = new TempDir();
        var (_, summary) = CorpusReader.Read(result.Corpus, new CorpusOptions { CacheDirectory = cache.Path });
        Assert.Equal(6, summary.FilesUsable);
        Assert.Equal(3, summary.UsableBySplit[DataSplit.Train]);
    }

    [Fact]
    public void DatasetCommand_DownloadFromLoopback_ExitsZeroAndLeavesTheCorpus()
    {
        using var dir = new TempDir();
        var pieces = DatasetFiles.MaestroPieces();
        string root = Path.Combine(dir.Path, "build", "maestro-v2.0.0");
        DatasetFiles.MaestroFolder(root, pieces, "maestro-v2.0.0.json", DatasetFiles.MaestroV2Json(pieces));
        string zip = dir.File("source.zip");
        DatasetFiles.Zip(root, zip);
        using var server = new LoopbackServer(File.ReadAllBytes(zip));
        string output = Path.Combine(dir.Path, "out");

        int code = Cadenza.Cli.Program.Main(["dataset", "download", "maestro-v2", "--out", output, "--url", server.Url.ToString()]);

        Assert.Equal(0, code);
        Assert.True(File.Exists(Path.Combine(output, "maestro-v2.0.0-midi.zip")));
        Assert.True(File.Exists(Path.Combine(output, "maestro-v2.0.0", "maestro-v2.0.0.json")));
        Assert.Equal(0, Cadenza.Cli.Program.Main(["corpus", Path.Combine(output, "maestro-v2.0.0"), "--split", "test", "--no-cache"]));
    }

    /// <summary>IProgress that calls back on the reporting thread (Progress&lt;T&gt; posts to the thread pool, out of order).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly object _gate = new();

        public void Report(T value)
        {
            lock (_gate) report(value);
        }
    }
}
