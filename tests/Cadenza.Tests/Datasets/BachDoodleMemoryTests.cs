using System.Diagnostics;
using Cadenza.Corpus;
using Xunit.Abstractions;

namespace Cadenza.Tests.Datasets;

/// <summary>Streaming memory, measured alone: the managed heap is shared by the whole test process, so other tests must not run meanwhile.</summary>
[Collection(SerialCollection.Name)]
public class BachDoodleMemoryTests(ITestOutputHelper output)
{
    private const string ShardName = BachDoodleTests.ShardName;
    private static readonly CorpusOptions Options = new() { MinNotes = 1, UseCache = false };

    private static (Cadenza.Notes.Note[] Melody, Cadenza.Notes.Note[] Harmony) Request(ulong seed) => BachDoodleTests.Request(seed);

    [Fact]
    public void Stream_100000LineShard_MemoryStaysFlat()
    {
        const int lines = 100_000;
        using var dir = new TempDir();
        string path = dir.File(ShardName);
        // distinct sessions are not needed to measure memory: a handful of templates keeps the writing fast
        string[] templates = Enumerable.Range(0, 16).Select(i => DatasetFiles.Session([Request((ulong)i)])).ToArray();
        DatasetFiles.Shard(path, Enumerable.Range(0, lines).Select(i => templates[i % templates.Length]));
        long shardBytes = new FileInfo(path).Length;

        ICorpusSource source = CorpusSources.Open(path);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0, atTenth = 0, notes = 0;
        int count = 0;
        var clock = Stopwatch.StartNew();
        foreach (CorpusFile piece in source.Read(Options with { MinNotes = 26 }))
        {
            count++;
            notes += piece.Notes.Length;
            // what the stream keeps alive, sampled after a collection: uncollected garbage measures the GC's budget
            // (it differs from machine to machine), not the reader
            if (count % 10_000 == 0)
            {
                long live = GC.GetTotalMemory(forceFullCollection: true) - baseline;
                peak = Math.Max(peak, live);
                if (count == lines / 10) atTenth = live;
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        long atEnd = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        output.WriteLine($"{lines:N0} lines ({shardBytes / 1e6:F1} MB gzipped), {notes:N0} notes in {seconds:F2} s: {lines / seconds:N0} lines/s, {notes / seconds:N0} notes/s; " +
                         $"live managed heap above baseline: peak {peak / 1e6:F2} MB (sampled every 10,000 lines), after 10% {atTenth / 1e6:F2} MB, at the end {atEnd / 1e6:F2} MB; " +
                         $"process peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
        Assert.Equal(lines, count);
        Assert.True(peak < 16_000_000, $"peak live heap growth {peak / 1e6:F2} MB while streaming");
        Assert.True(atEnd - atTenth < 4_000_000, $"live memory grew from {atTenth / 1e6:F2} MB to {atEnd / 1e6:F2} MB between 10% and 100% of the shard");

        // the summary of the same shard keeps no notes either
        CorpusSummary summary = CorpusReader.Summarise(source, Options with { MinNotes = 26 });
        Assert.Equal(lines, summary.FilesUsable);
        Assert.Equal(notes, summary.Notes);
    }
}
