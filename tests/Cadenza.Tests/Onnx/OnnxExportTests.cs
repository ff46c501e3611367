using System.Text.Json;
using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Generation;
using Cadenza.Midi;
using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Onnx;
using Cadenza.Pipeline;
using Cadenza.Tests.Nn;
using Cadenza.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Cadenza.Tests.Onnx;

/// <summary>ONNX export, run in ONNX Runtime (the engine a .NET user would pick): the same outputs as Cadenza's engine, and the same composed notes.</summary>
public class OnnxExportTests
{
    private const float Tolerance = 1e-5f;

    // every head's output from ONNX Runtime for encoded windows [B, T, F] and, per given feature, the note's class
    private static float[][] RunOrt(byte[] onnx, ModelConfig c, float[] windows, int batch, IReadOnlyDictionary<string, long[]>? given = null)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, options);
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("window", new DenseTensor<float>(windows, [batch, c.SequenceLength, c.InputSize])) };
        foreach (string feature in OnnxExport.GivenFeatures(c))
            inputs.Add(NamedOnnxValue.CreateFromTensor("given_" + feature, new DenseTensor<long>(given![feature], [batch])));
        using var results = session.Run(inputs);
        return c.Heads.Select(h => results.Single(r => r.Name == h.Name).AsTensor<float>().ToArray()).ToArray();
    }

    // Cadenza's own outputs for the same inputs: the given classes sit in the given heads' label columns
    private static float[][] RunCadenza(MusicModel model, float[] windows, int batch, IReadOnlyDictionary<string, long[]>? given = null)
    {
        ModelConfig c = model.Config;
        var labels = new float[batch * c.Heads.Length];
        foreach (var (feature, classes) in given ?? new Dictionary<string, long[]>())
        {
            int h = Array.FindIndex(c.Heads, x => x.Name == feature);
            for (int b = 0; b < batch; b++) labels[b * c.Heads.Length + h] = classes[b];
        }
        var network = new MusicNetwork(model, batch);
        network.Forward(windows, batch, given is null ? default : labels);
        return Enumerable.Range(0, c.Heads.Length).Select(h => network.HeadOutput(h, batch).ToArray()).ToArray();
    }

    private static void AssertClose(float[][] cadenza, float[][] ort, ModelConfig c)
    {
        for (int h = 0; h < c.Heads.Length; h++)
        {
            Assert.Equal(cadenza[h].Length, ort[h].Length);
            float worst = cadenza[h].Zip(ort[h], (a, b) => MathF.Abs(a - b)).Max();
            Assert.True(worst <= Tolerance, $"head {c.Heads[h].Name}: max |Cadenza − ORT| = {worst:E2}");
        }
    }

    [Fact]
    public void PaperModel_FixtureWindows_OrtMatchesCadenza()
    {
        MusicModel model = KerasFixtures.Model();
        JsonElement f = KerasFixtures.Load("forward.json");
        float[] x = KerasFixtures.Flat(f.GetProperty("x"));
        int batch = f.GetProperty("x").GetArrayLength();
        byte[] onnx = OnnxExport.ToBytes(model);
        AssertClose(RunCadenza(model, x, batch), RunOrt(onnx, model.Config, x, batch), model.Config);
        // and against Keras itself, through the fixture
        float[] keras = KerasFixtures.Flat(f.GetProperty("pitch_logits"));
        Assert.True(RunOrt(onnx, model.Config, x, batch)[0].Zip(keras, (a, b) => MathF.Abs(a - b)).Max() <= Tolerance);
    }

    [Fact]
    public void PaperModel_GenerationReplayedWithOrt_SamePitches()
    {
        MusicModel model = KerasFixtures.Model();
        Note[] notes = MidiReader.Read(Path.Combine(Paths.Demo, "BoosterMusic_01-ClairDeLaLune.mid")).Notes;
        float[] seed = NoteFeatures.ToFeatures(notes.AsSpan(0, 25));
        var options = new GenerationOptions { Notes = 30, Temperature = 1f, Seed = 7 };
        Note[] composed = new Generator(model).Generate(seed, options);

        // the paper's loop, with ONNX Runtime as the network: draw the pitch, take step and duration ≥ 0, slide
        byte[] onnx = OnnxExport.ToBytes(model);
        var sampler = new Sampler(options.Temperature, options.TopK, new Rng(options.Seed));
        var window = Enumerable.Range(0, 25).Select(i => new[] { seed[i * 3] / 128f, seed[i * 3 + 1], seed[i * 3 + 2] }).ToList();
        var scratch = new float[256];
        for (int n = 0; n < options.Notes; n++)
        {
            float[][] heads = RunOrt(onnx, model.Config, window.SelectMany(r => r).ToArray(), 1);
            int pitch = sampler.Sample(heads[0], scratch);
            Assert.Equal(composed[n].Pitch, pitch);
            window.RemoveAt(0);
            window.Add([pitch / 128f, MathF.Max(0, heads[1][0]), MathF.Max(0, heads[2][0])]);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void CadenzaModels_EmbeddingsCopyPathsGivenFeaturesInstrumentsAndPadding_OrtMatchesCadenza()
    {
        using var dir = new TempDir();
        Instruments.InstrumentModelTests.WriteBand(dir.File("band"), 3, 4);
        foreach (bool instruments in new[] { false, true })
        {
            string folder = dir.File(instruments ? "ensemble" : "cadenza");
            TrainJob.Run(TrainJob.Prepare(new TrainRequest
            {
                Source = instruments ? dir.File("band") : Paths.Demo, Output = folder,
                // one model pads its windows and scores the copy paths' positions, the other does neither
                Model = ModelConfig.Cadenza with { LstmUnits = [24], Instruments = instruments, PadStart = !instruments, CopyPositions = !instruments },
                Training = TrainingConfig.Preset("cadenza") with { Epochs = 1, Patience = 0, Validation = 0, Threads = 1 },
                Corpus = CorpusOptions.Default with { UseCache = false },
            }));
            MusicModel model = ModelStore.Load(folder);
            ModelConfig c = model.Config;
            // real windows of the training music, encoded as the engine reads them, and random classes for the given features
            Note[] piece = CorpusReader.Read(instruments ? dir.File("band") : Paths.Demo, CorpusOptions.Default with { UseCache = false, MinNotes = 40 })
                .Files.First(p => p.Status == CorpusFileStatus.Usable).Notes;
            const int batch = 6;
            var windows = new float[batch * c.SequenceLength * c.InputSize];
            var (encodings, _, _) = c.WindowLayout();
            for (int b = 0; b < batch; b++)
            {
                float[] raw = c.ToFeatures(piece.AsSpan(b * 3, c.SequenceLength));
                for (int i = 0; i < raw.Length; i++) windows[b * raw.Length + i] = encodings[i % c.InputSize].Encode(raw[i]);
            }
            // a padded model's window that starts 3 notes before its piece: class −1 in every column
            if (c.PadStart) windows.AsSpan(0, 3 * c.InputSize).Fill(FeatureEncoding.Pad);
            var rng = new Rng(3);
            var given = OnnxExport.GivenFeatures(c).ToDictionary(g => g, g => Enumerable.Range(0, batch).Select(_ => (long)rng.NextInt(c.Classes(g))).ToArray());
            if (instruments) Assert.Contains("instrument", given.Keys);
            AssertClose(RunCadenza(model, windows, batch, given), RunOrt(OnnxExport.ToBytes(model), c, windows, batch, given), c);
        }
    }

    [Fact]
    public void Cli_ModelExportOnnx_WritesAFileOrtLoads()
    {
        using var dir = new TempDir();
        string path = dir.File("paper.onnx");
        var r = Robustness.Cli.Run("model", "export", KerasFixtures.ModelJson, "--format", "onnx", "--out", path);
        Assert.True(r.Exit == 0, r.Err);
        using var session = new InferenceSession(path);
        Assert.Equal(["window"], session.InputMetadata.Keys);
        Assert.Equal(["pitch", "step", "duration"], session.OutputMetadata.Keys);
    }
}
