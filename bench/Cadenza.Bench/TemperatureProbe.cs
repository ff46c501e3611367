using System.Numerics.Tensors;
using Cadenza.Corpus;
using Cadenza.Model;
using Cadenza.Notes;

namespace Cadenza.Bench;

// How well a model's class heads are calibrated on held-out music, teacher-forced: each head's NLL (over its own
// classes) with its output divided by temperatures 0.6–1.4, and the JSD between the histogram it expects (its
// probabilities summed over the windows, at temperature 1) and the labels' own. Session 14 used it to tell a head that
// is wrong note by note from a chain of composed notes that drifts.
internal static class TemperatureProbe
{
    public static void Run(string modelPath, string held)
    {
        MusicModel model = ModelStore.Load(modelPath);
        ModelConfig c = model.Config;
        var (files, _) = CorpusReader.Read(held);
        var windows = new WindowSet(files.Select(f => f.Notes).ToList(), c.SequenceLength, c.Features, c.Vocabulary(), c.PadStart);
        const int batch = 128;
        var network = new MusicNetwork(model, batch);
        network.FoldInputs();
        var inputs = new float[batch * c.SequenceLength * c.InputSize];
        int stride = c.Heads.Length;
        var labels = new float[batch * stride];
        var (ie, lc, le) = c.WindowLayout();
        var idx = new int[batch];
        double[] temps = [0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4];
        var nll = new double[stride, temps.Length];
        var expected = new double[stride][];
        var actual = new double[stride][];
        for (int h = 0; h < stride; h++) { expected[h] = new double[c.Heads[h].Units]; actual[h] = new double[c.Heads[h].Units]; }
        int widest = c.Heads.Max(h => h.Units);
        var p = new float[widest]; var s = new float[widest];
        for (int start = 0; start < windows.Count; start += batch)
        {
            int n = Math.Min(batch, windows.Count - start);
            for (int i = 0; i < n; i++) idx[i] = start + i;
            windows.Fill(idx.AsSpan(0, n), inputs, labels, ie, lc, le);
            network.Infer(inputs, n, labels);
            for (int h = 0; h < stride; h++)
            {
                if (c.Heads[h].Kind != HeadKind.Classes) continue;
                int k = c.Heads[h].Units;
                ReadOnlySpan<float> o = network.HeadOutput(h, n);
                for (int b = 0; b < n; b++)
                {
                    int label = (int)labels[b * stride + h];
                    actual[h][label]++;
                    for (int ti = 0; ti < temps.Length; ti++)
                    {
                        TensorPrimitives.Divide(o.Slice(b * k, k), (float)temps[ti], s.AsSpan(0, k));
                        TensorPrimitives.SoftMax(s.AsSpan(0, k), p.AsSpan(0, k));
                        nll[h, ti] -= Math.Log(Math.Max(p[label], 1e-30));
                        if (temps[ti] == 1.0) for (int j = 0; j < k; j++) expected[h][j] += p[j];
                    }
                }
            }
        }
        for (int h = 0; h < stride; h++)
        {
            if (c.Heads[h].Kind != HeadKind.Classes) continue;
            Console.Write($"{c.Heads[h].Name,-10}");
            for (int ti = 0; ti < temps.Length; ti++) Console.Write($" T{temps[ti]:F1} {nll[h, ti] / windows.Count:F4}");
            Console.WriteLine($"  expected-hist JSD {Cadenza.Evaluation.Divergence.JensenShannon(expected[h], actual[h]):F4}");
        }
    }
}
