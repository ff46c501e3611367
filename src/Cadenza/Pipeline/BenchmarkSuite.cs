using System.Diagnostics;
using Cadenza.Audio;
using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Generation;
using Cadenza.Midi;
using Cadenza.Model;
using Cadenza.Nn;
using Cadenza.Notes;
using Cadenza.Training;

namespace Cadenza.Pipeline;

/// <summary>One benchmark figure.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Value">The figure.</param>
/// <param name="Unit">windows/s, us/note, notes/s, MB/s or x realtime.</param>
/// <param name="Threads">Threads used.</param>
public sealed record Measurement(string Name, double Value, string Unit, int Threads);

/// <summary>The headline benchmarks: training throughput, generation latency and throughput, MIDI ingestion, cache reads, audio rendering.</summary>
/// <remarks>Each figure is a steady-state rate after a warm-up (JIT, caches), the best of a few timed rounds.</remarks>
public static class BenchmarkSuite
{
    /// <summary>Runs every benchmark; <paramref name="progress"/> receives each figure as it is measured.</summary>
    public static List<Measurement> Run(string demoCorpus, double secondsPerFigure = 2.0, Action<Measurement>? progress = null)
    {
        var results = new List<Measurement>();
        void Add(Measurement m) { results.Add(m); progress?.Invoke(m); }
        double peak = TrainingEfficiency.PeakGflops(Math.Min(2.0, secondsPerFigure));
        Add(new Measurement($"FP32 FMA peak, one core ({(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? 512 : 256)}-bit FMAs)", peak, "GFLOP/s", 1));
        foreach (string preset in Presets)
        {
            Measurement one = Training(preset, 1, secondsPerFigure), two = Training(preset, 2, secondsPerFigure);
            Add(one);
            Add(two);
            double flops = TrainingEfficiency.FlopsPerWindow(BenchModel(preset).Config, 64);
            Add(new Measurement($"training efficiency ({preset} model, {flops / 1e6:F2} MFLOP a window)", 100 * one.Value * flops / (peak * 1e9), "% of FMA peak", 1));
            Add(new Measurement($"training efficiency ({preset} model, {flops / 1e6:F2} MFLOP a window)", 100 * two.Value * flops / (2 * peak * 1e9), "% of FMA peak", 2));
            Add(new Measurement($"training on 2 threads against 1 ({preset} model)", two.Value / one.Value, "x", 2));
            Add(GenerationLatency(preset, secondsPerFigure));
            Add(BatchedGeneration(preset, 64, secondsPerFigure));
        }
        foreach (Measurement m in Ingestion(demoCorpus)) Add(m);
        string? piece = Directory.Exists(demoCorpus) ? CorpusReader.ListFiles(demoCorpus).FirstOrDefault() : null;
        if (piece != null)
        {
            AudioBenchmarkResult audio = AudioBenchmark.MeasureRealtimeFactor(piece, AudioOptions.Default, 3);
            Add(new Measurement($"audio render ({audio.Engine}{(audio.SoundFont != null ? ", " + Path.GetFileName(audio.SoundFont) : "")})", audio.RealtimeFactor, "x realtime", 1));
        }
        return results;
    }

    /// <summary>The models measured side by side: the paper's and Cadenza's.</summary>
    public static readonly string[] Presets = ["paper", "cadenza"];

    /// <summary>The preset's model, initialised, with the time values a trained model records (learned from a random piece).</summary>
    public static MusicModel BenchModel(string preset)
    {
        var rng = new Rng(11);
        return MusicModel.Create(ModelConfig.Preset(preset).WithTimeValues([RandomPiece(rng, 2_000)]), 1);
    }

    /// <summary>Synthetic raw note features [B × T × F] (MIDI pitch, seconds) of random notes, the shape of a seed.</summary>
    public static float[] SyntheticSeeds(ModelConfig config, int pieces, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[pieces * config.SequenceLength * config.InputSize];
        for (int i = 0; i < x.Length; i += 3) { x[i] = rng.NextInt(128); x[i + 1] = (float)rng.NextDouble() * 0.5f; x[i + 2] = (float)rng.NextDouble() * 0.5f; }
        return x;
    }

    /// <summary>Synthetic windows and labels encoded as training encodes them for <paramref name="config"/> (pitch/128 or a class, seconds or a time bin).</summary>
    public static (float[] Inputs, float[] Labels) SyntheticBatch(ModelConfig config, int batch, ulong seed)
    {
        float[] x = SyntheticSeeds(config, batch, seed);
        var (inputs, columns, labels) = config.WindowLayout();
        for (int i = 0; i < x.Length; i++) x[i] = inputs[i % config.InputSize].Encode(x[i]);
        var rng = new Rng(seed + 1);
        var y = new float[batch * config.Heads.Length];
        for (int b = 0; b < batch; b++)
        for (int h = 0; h < config.Heads.Length; h++)
            y[b * config.Heads.Length + h] = labels[h].Encode(columns[h] == 0 ? rng.NextInt(128) : (float)rng.NextDouble() * 0.5f);
        return (x, y);
    }

    /// <summary>Training steps per second × batch (forward, backward, Adam) for a preset's model at batch 64.</summary>
    public static Measurement Training(string preset, int threads, double seconds)
    {
        MusicModel model = BenchModel(preset);
        const int batch = 64;
        var (x, y) = SyntheticBatch(model.Config, batch, 2);
        using var workers = new BatchGradients(model, batch, threads);
        var adam = new Adam(model.ParameterCount);
        var heads = new float[model.Config.Heads.Length];
        ulong? dropout = model.Config.Dropout > 0 ? 1UL : null;
        void Step() { workers.Compute(x, y, batch, heads, dropout); adam.Update(model.Parameters.Values, workers.Gradient); }
        double rate = Rate(Step, batch, seconds);
        return new Measurement($"training throughput ({preset} model, batch 64)", rate, "windows/s", threads);
    }

    /// <summary>Microseconds per generated note at batch 1, recomputing the whole window (25 notes for the paper, 50 for the Cadenza model) each note as the paper does.</summary>
    public static Measurement GenerationLatency(string preset, double seconds)
    {
        MusicModel model = BenchModel(preset);
        var generator = new Generator(model);
        float[] seed = SyntheticSeeds(model.Config, 1, 3);
        var output = new Note[120];
        var options = new GenerationOptions { Notes = 120 };
        double notesPerSecond = Rate(() => generator.Generate(seed, options, output), output.Length, seconds);
        return new Measurement($"generation latency ({preset} model, batch 1, {model.Config.SequenceLength}-note window per note)", 1e6 / notesPerSecond, "us/note", 1);
    }

    /// <summary>Notes per second when generating <paramref name="pieces"/> pieces at once.</summary>
    public static Measurement BatchedGeneration(string preset, int pieces, double seconds)
    {
        MusicModel model = BenchModel(preset);
        var generator = new BatchGenerator(model, pieces);
        float[] seeds = SyntheticSeeds(model.Config, pieces, 4);
        var output = new Note[pieces * 120];
        var options = new GenerationOptions { Notes = 120 };
        double rate = Rate(() => generator.Generate(seeds, options, output, pieces), pieces * 120, seconds);
        return new Measurement($"batched generation ({preset} model, {pieces} pieces at once)", rate, "notes/s", 1);
    }

    /// <summary>Notes per synthetic piece: about a MAESTRO performance's (7 million notes in 1,276 pieces).</summary>
    public const int SyntheticPieceNotes = 5_000;

    /// <summary>MIDI parsing (notes/s and MB/s) on the demo corpus and on a synthetic 1,000-file corpus, and reads of the note cache.</summary>
    public static IEnumerable<Measurement> Ingestion(string demoCorpus)
    {
        string root = Path.Combine(Path.GetTempPath(), "cadenza-bench-" + Environment.ProcessId);
        try
        {
            if (Directory.Exists(demoCorpus))
                foreach (Measurement m in Parsing(demoCorpus, $"MIDI parsing (demo corpus, {CorpusReader.ListFiles(demoCorpus).Count} files)", 20)) yield return m;
            string corpus = Path.Combine(root, "corpus");
            Directory.CreateDirectory(corpus);
            var rng = new Rng(5);
            for (int i = 0; i < 1000; i++)
                File.WriteAllBytes(Path.Combine(corpus, $"piece{i:D4}.mid"), MidiWriter.ToBytes(RandomPiece(rng, SyntheticPieceNotes)));
            foreach (Measurement m in Parsing(corpus, $"MIDI parsing (1,000 files × {SyntheticPieceNotes:N0} notes)", 1)) yield return m;

            var cached = new CorpusOptions { CacheDirectory = Path.Combine(root, ".cache"), Threads = 2 };
            CorpusReader.Read(corpus, cached);   // fills the cache
            CorpusReader.Read(corpus, cached);   // warm-up
            double best = double.MaxValue;
            long notes = 0;
            for (int r = 0; r < 3; r++)
            {
                var clock = Stopwatch.StartNew();
                var (_, fromCache) = CorpusReader.Read(corpus, cached);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
                notes = fromCache.Notes;
            }
            yield return new Measurement($"note cache read (1,000 files × {SyntheticPieceNotes:N0} notes)", notes / best, "notes/s", 2);
        }
        finally
        {
            try { Directory.Delete(root, true); } catch (IOException) { }
        }
    }

    private static IEnumerable<Measurement> Parsing(string corpus, string name, int rounds)
    {
        long bytes = CorpusReader.ListFiles(corpus).Sum(f => new FileInfo(f).Length);
        for (int threads = 1; threads <= 2; threads++)
        {
            var options = new CorpusOptions { UseCache = false, Threads = threads };
            CorpusReader.Read(corpus, options);   // warm-up: JIT and page cache
            double best = double.MaxValue;
            long notes = 0;
            for (int r = 0; r < Math.Max(1, rounds); r++)
            {
                var clock = Stopwatch.StartNew();
                var (_, summary) = CorpusReader.Read(corpus, options);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
                notes = summary.Notes;
            }
            yield return new Measurement(name, notes / best, "notes/s", threads);
            yield return new Measurement(name, bytes / best / 1e6, "MB/s", threads);
        }
    }

    private static Note[] RandomPiece(Rng rng, int count)
    {
        var notes = new Note[count];
        double t = 0;
        for (int i = 0; i < count; i++) { t += rng.NextDouble() * 0.3; notes[i] = new Note(40 + rng.NextInt(48), t, t + 0.1 + rng.NextDouble()); }
        return notes;
    }

    /// <summary>Units per second of <paramref name="work"/>: warm-up, then the best of three rounds of about a third of <paramref name="seconds"/> each.</summary>
    private static double Rate(Action work, int unitsPerCall, double seconds)
    {
        var warm = Stopwatch.StartNew();
        int calls = 0;
        while (warm.Elapsed.TotalSeconds < Math.Min(1.0, seconds / 2) || calls < 3) { work(); calls++; }
        double perCall = warm.Elapsed.TotalSeconds / calls;
        int roundCalls = Math.Max(1, (int)(seconds / 3 / perCall));
        double best = 0;
        for (int round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < roundCalls; i++) work();
            best = Math.Max(best, roundCalls * (double)unitsPerCall / clock.Elapsed.TotalSeconds);
        }
        return best;
    }
}
