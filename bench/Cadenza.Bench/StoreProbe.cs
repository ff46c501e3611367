using System.Diagnostics;
using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Model;
using Cadenza.Nn;
using Cadenza.Notes;
using Cadenza.Store;
using Cadenza.Training;

namespace Cadenza.Bench;

/// <summary>
/// A corpus larger than memory: builds a note store of a generated corpus (100 million notes by default), trains the
/// Cadenza model for a few thousand batches drawn from all of it in block order, and reports the store's build time,
/// bytes per note on disk, peak resident memory, and windows/s beside the same loop on windows held in memory.
/// </summary>
/// <remarks>Usage: <c>dotnet run -c Release --project bench/Cadenza.Bench -- store [NOTES] [BATCHES] [DIR]</c>.</remarks>
internal static class StoreProbe
{
    private const int PieceNotes = 5_000, Batch = 64;

    public static int Run(long notes, int batches, string dir)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "probe.cnz");
        int pieces = (int)Math.Max(1, notes / PieceNotes);
        Console.WriteLine($"building a store of {pieces:N0} generated pieces × {PieceNotes:N0} notes in {path}");
        var clock = Stopwatch.StartNew();
        long written = NoteStore.Write(path, Enumerable.Range(0, pieces).Select(p => Piece(new Rng((ulong)p + 1))));
        double build = clock.Elapsed.TotalSeconds;
        long bytes = new FileInfo(path).Length;
        Console.WriteLine($"  {written:N0} notes in {build:F1} s ({written / build / 1e6:F1} M notes/s); {bytes:N0} bytes, {(double)bytes / written:F3} bytes a note");

        // a cold start: the pages just written leave the page cache (needs root), so training reads the store from disk
        bool cold = DropPageCache();
        Console.WriteLine(cold ? "  page cache dropped: the store is read from disk" : "  (not root: the store's pages may still be in the page cache)");
        ModelConfig config = ModelConfig.Cadenza.WithTimeValues(Enumerable.Range(0, 20).Select(p => Piece(new Rng((ulong)p + 1))));
        double storeRate;
        long peakAfterStore;
        var open = Stopwatch.StartNew();
        using (NoteStore store = NoteStore.Open(path))
        {
            Console.WriteLine($"  opened (header, checksum over the whole file, index) in {open.Elapsed.TotalSeconds:F2} s");
            var windows = new StoreWindows(store, config.SequenceLength, config.Features);
            Console.WriteLine($"  {windows.Count:N0} windows; training {batches:N0} batches of {Batch} in block order (blocks of {windows.ShuffleBlock:N0})");
            storeRate = Train(config, windows, batches, blockOrder: true);
            peakAfterStore = PeakResident();
            Console.WriteLine($"  store: {storeRate:N0} windows/s; peak resident memory {peakAfterStore / 1e6:N0} MB");
        }

        // the same loop on windows in memory: a corpus small enough to hold (1 million notes), shuffled the same way
        Note[][] small = Enumerable.Range(0, 200).Select(p => Piece(new Rng((ulong)p + 1))).ToArray();
        var memory = new WindowSet(small, config.SequenceLength, config.Features);
        double memoryRate = Train(config, memory, batches, blockOrder: false);
        Console.WriteLine($"  in memory: {memoryRate:N0} windows/s; the store path runs at {storeRate / memoryRate:P0} of it");
        Console.WriteLine($"| {written:N0} | {build:F1} s | {(double)bytes / written:F3} | {peakAfterStore / 1e6:N0} MB | {storeRate:N0} | {memoryRate:N0} | {storeRate / memoryRate:P0} |");
        File.Delete(path);
        return 0;
    }

    // the training step as Trainer runs it: fill a batch, forward, backward, Adam; two threads
    private static double Train(ModelConfig config, IWindowSource windows, int batches, bool blockOrder)
    {
        var model = MusicModel.Create(config, 1);
        using var workers = new BatchGradients(model, Batch, 2);
        var adam = new Adam(model.ParameterCount);
        var (inputs, columns, labels) = config.WindowLayout();
        var x = new float[Batch * config.SequenceLength * config.InputSize];
        var y = new float[Batch * config.Heads.Length];
        var heads = new float[config.Heads.Length];
        var indices = new int[Batch];
        var rng = new Rng(5);
        // the orders Trainer uses: blocks for the store, a full permutation for windows in memory
        var order = new BlockOrder(windows.Count, windows.ShuffleBlock);
        order.Shuffle(rng, 7);
        int[] permutation = blockOrder ? [] : Enumerable.Range(0, windows.Count).ToArray();
        rng.Shuffle(permutation.AsSpan());
        var clock = new Stopwatch();
        for (int b = 0; b < batches; b++)
        {
            if (b == batches / 10) clock.Start();   // the first tenth warms the JIT and the caches
            int first = b * Batch % Math.Max(1, windows.Count - Batch);
            if (blockOrder) order.Take(first, indices);
            else permutation.AsSpan(first, Batch).CopyTo(indices);
            windows.Fill(indices, x, y, inputs, columns, labels);
            workers.Compute(x, y, Batch, heads, (ulong)b);
            adam.Update(model.Parameters.Values, workers.Gradient);
        }
        return (batches - batches / 10) * (double)Batch / clock.Elapsed.TotalSeconds;
    }

    private static bool DropPageCache()
    {
        try
        {
            Process.Start("sync")!.WaitForExit();
            File.WriteAllText("/proc/sys/vm/drop_caches", "3");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception) { return false; }
    }

    private static long PeakResident()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    // a piece of game-music texture: a random walk of pitches, chords (zero steps) and steps and durations on a 1/16 grid
    private static Note[] Piece(Rng rng)
    {
        var notes = new Note[PieceNotes];
        double t = 0;
        int pitch = 60;
        for (int i = 0; i < notes.Length; i++)
        {
            if (rng.NextInt(3) > 0) t += 0.0625 * (1 + rng.NextInt(8));
            pitch = Math.Clamp(pitch + rng.NextInt(9) - 4, 30, 96);
            notes[i] = new Note(pitch, t, t + 0.0625 * (1 + rng.NextInt(12)), 60 + rng.NextInt(60), program: rng.NextInt(4) * 8);
        }
        return notes;
    }
}
