using System.Diagnostics;
using Cadenza.Model;
using Cadenza.Onnx;
using Cadenza.Pipeline;
using Microsoft.ML.OnnxRuntime;

namespace Cadenza.Cli.Peers;

/// <summary>One figure of ONNX Runtime beside Cadenza's engine on the same model in the same run.</summary>
/// <param name="Preset">paper or cadenza.</param>
/// <param name="What">The measurement.</param>
/// <param name="Threads">Threads each engine was given.</param>
/// <param name="Cadenza">Cadenza's figure.</param>
/// <param name="Ort">ONNX Runtime's figure.</param>
/// <param name="Unit">us (lower is better) or windows/s (higher is better).</param>
internal sealed record OrtFigure(string Preset, string What, int Threads, double Cadenza, double Ort, string Unit)
{
    /// <summary>How many times faster Cadenza is: ORT's time over Cadenza's, or Cadenza's rate over ORT's.</summary>
    public double Speedup => Unit == "us" ? Ort / Cadenza : Cadenza / Ort;
}

/// <summary>
/// ONNX Runtime (CPU provider, graph optimisation ALL, inputs and outputs bound once) on the model Cadenza exports,
/// timed beside <see cref="MusicNetwork.Forward"/> in the same process, alternating the two so both see the same
/// machine: one window at batch 1 (generation's per-note cost), and forward windows/s at batch 64.
/// </summary>
internal static class OrtComparison
{
    private const int Rounds = 5;   // alternating blocks per figure; the median of each engine's calls over all blocks

    public static IEnumerable<OrtFigure> Run(double seconds)
    {
        foreach (string preset in BenchmarkSuite.Presets)
        {
            MusicModel model = BenchmarkSuite.BenchModel(preset);
            byte[] onnx = OnnxExport.ToBytes(model);
            // batch 1, one thread each
            using (var ort = new OrtRunner(onnx, model.Config, 1, 1))
            {
                var net = new MusicNetwork(model, 1);
                net.PackWeights();   // as generation does for its per-note windows
                net.FoldInputs();
                var (x, y) = BenchmarkSuite.SyntheticBatch(model.Config, 1, 5);
                ort.Load(x, y);
                bool given = OnnxExport.GivenFeatures(model.Config).Length > 0;
                var (c, o) = Alternate(() => net.Infer(x, 1, given ? y : default), ort.Run, seconds);
                yield return new OrtFigure(preset, $"one {model.Config.SequenceLength}-note window, batch 1 (median)", 1, c * 1e6, o * 1e6, "us");
            }
            const int batch = 64;
            var (x64, y64) = BenchmarkSuite.SyntheticBatch(model.Config, batch, 6);
            bool givens = OnnxExport.GivenFeatures(model.Config).Length > 0;
            foreach (int threads in new[] { 1, 2 })
            {
                using var ort = new OrtRunner(onnx, model.Config, batch, threads);
                ort.Load(x64, y64);
                Action cadenza;
                if (threads == 1)
                {
                    var net = new MusicNetwork(model, batch);
                    net.FoldInputs();   // as eval does
                    cadenza = () => net.Infer(x64, batch, givens ? y64 : default);
                }
                else
                {
                    // two halves on two cores, as eval splits its windows
                    int half = batch / 2, f = model.Config.SequenceLength * model.Config.InputSize, heads = model.Config.Heads.Length;
                    var nets = new[] { new MusicNetwork(model, half), new MusicNetwork(model, half) };
                    foreach (MusicNetwork net in nets) net.FoldInputs();
                    cadenza = () => Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, k =>
                        nets[k].Infer(x64.AsSpan(k * half * f, half * f), half, givens ? y64.AsSpan(k * half * heads, half * heads) : default));
                }
                var (c, o) = Alternate(cadenza, ort.Run, seconds);
                yield return new OrtFigure(preset, "forward, batch 64", threads, batch / c, batch / o, "windows/s");
            }
        }
    }

    // median seconds per call of each, measured in alternating blocks after a warm-up
    private static (double Cadenza, double Ort) Alternate(Action cadenza, Action ort, double seconds)
    {
        for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < Math.Min(1, seconds / 4);) { cadenza(); ort(); }
        var a = new List<double>();
        var b = new List<double>();
        double block = seconds / (2 * Rounds);
        for (int r = 0; r < Rounds; r++)
        {
            Time(cadenza, a, block);
            Time(ort, b, block);
        }
        return (Median(a), Median(b));
    }

    private static void Time(Action work, List<double> into, double seconds)
    {
        long end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        do
        {
            long t0 = Stopwatch.GetTimestamp();
            work();
            into.Add((Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency);
        }
        while (Stopwatch.GetTimestamp() < end);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary>An ORT session with its inputs and outputs bound once to fixed buffers.</summary>
    private sealed class OrtRunner : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly OrtIoBinding _binding;
        private readonly RunOptions _run = new();
        private readonly ModelConfig _config;
        private readonly int _batch;
        private readonly List<OrtValue> _values = [];

        public OrtRunner(byte[] onnx, ModelConfig config, int batch, int threads)
        {
            using var options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads, InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            };
            // ORT's pool threads spin after a run by default, taking the cores from the engine timed next: off, so
            // each engine has the machine to itself in its block
            if (Environment.GetEnvironmentVariable("CADENZA_ORT_SPIN") != "1") options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            _session = new InferenceSession(onnx, options);
            _binding = _session.CreateIoBinding();
            _config = config;
            _batch = batch;
        }

        // the windows, and each given feature's classes from its head's label column
        public void Load(float[] windows, float[] labels)
        {
            ModelConfig c = _config;
            Bind(true, "window", OrtValue.CreateTensorValueFromMemory(windows, [_batch, c.SequenceLength, c.InputSize]));
            foreach (string g in OnnxExport.GivenFeatures(c))
            {
                int h = Array.FindIndex(c.Heads, x => x.Name == g);
                long[] ids = Enumerable.Range(0, _batch).Select(b => (long)labels[b * c.Heads.Length + h]).ToArray();
                Bind(true, "given_" + g, OrtValue.CreateTensorValueFromMemory(ids, [_batch]));
            }
            foreach (HeadConfig head in c.Heads)
                Bind(false, head.Name, OrtValue.CreateTensorValueFromMemory(new float[_batch * head.Units], [_batch, head.Units]));
        }

        private void Bind(bool input, string name, OrtValue value)
        {
            _values.Add(value);
            if (input) _binding.BindInput(name, value); else _binding.BindOutput(name, value);
        }

        public void Run() => _session.RunWithBinding(_run, _binding);

        public void Dispose()
        {
            foreach (OrtValue v in _values) v.Dispose();
            _binding.Dispose();
            _run.Dispose();
            _session.Dispose();
        }
    }
}
