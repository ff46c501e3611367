using Xunit.Abstractions;
using System.Text.Json;
using Cadenza.Model;
using Cadenza.Nn;

namespace Cadenza.Tests.Nn;

/// <summary>The engine against Keras (TF.js fixtures): forward, losses, gradients, one Adam step, ten training steps.</summary>
public class KerasParityTests(ITestOutputHelper output)
{
    private static float MaxAbs(ReadOnlySpan<float> a) { float m = 0; foreach (float x in a) m = Math.Max(m, Math.Abs(x)); return m; }

    private static float MaxDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    [Fact]
    public void Import_FixtureModel_Has84354ParametersInPaperLayout()
    {
        MusicModel model = KerasFixtures.Model();
        Assert.Equal(84_354, model.ParameterCount);
        Assert.Equal(ModelConfig.Paper.SequenceLength, model.Config.SequenceLength);
        Assert.Equal(ModelConfig.Paper.LstmUnits, model.Config.LstmUnits);
        Assert.Equal(ModelConfig.Paper.Heads, model.Config.Heads);
        float[] fromJson = KerasFixtures.Tensors(KerasFixtures.Load("weights.json").GetProperty("weights")).Values.SelectMany(v => v).ToArray();
        Assert.Equal(fromJson, model.Parameters.Values);
    }

    [Fact]
    public void Infer_MatchesKerasWithin1e6_AsForwardDoes_AndNoBackwardAfterIt()
    {
        // the inference pass reuses one slot per step and computes the cell with its own rational activations
        // (Activations.LstmStep): not the training pass's bits, but within the same 1e-6 of Keras and of that pass
        JsonElement f = KerasFixtures.Load("forward.json");
        MusicModel model = KerasFixtures.Model();
        float[] x = KerasFixtures.Flat(f.GetProperty("x"));
        int batch = f.GetProperty("x").GetArrayLength();
        var full = new MusicNetwork(model, batch);
        var lean = new MusicNetwork(model, batch);
        full.Forward(x, batch);
        lean.Infer(x, batch);
        string[] keras = ["pitch_logits", "step", "duration"];
        for (int h = 0; h < 3; h++)
        {
            Assert.True(MaxDiff(lean.HeadOutput(h, batch), KerasFixtures.Flat(f.GetProperty(keras[h]))) <= 1e-6f, keras[h]);
            Assert.True(MaxDiff(lean.HeadOutput(h, batch), full.HeadOutput(h, batch)) <= 1e-6f, keras[h]);
        }
        Assert.True(MaxDiff(lean.LastHidden(batch), KerasFixtures.Flat(f.GetProperty("lstm_h"))) <= 1e-6f);
        Assert.True(MaxDiff(lean.LastCell(batch), KerasFixtures.Flat(f.GetProperty("lstm_c"))) <= 1e-6f);
        Assert.NotEqual(full.LastCell(batch).ToArray(), lean.LastCell(batch).ToArray());   // the two passes' cells really differ
        lean.Loss(KerasFixtures.Labels(KerasFixtures.Load("train_step.json").GetProperty("labels")), batch, new float[3]);
        Assert.Throws<InvalidOperationException>(() => lean.Backward(batch, new float[model.ParameterCount]));
    }

    [Fact]
    public void PackedWeights_FewWindows_SameBitsAsTheWeightsThemselves_AndNothingToFold()
    {
        // generation packs the LSTM weights into column panels for its per-note windows: the same sums in the same order
        JsonElement f = KerasFixtures.Load("forward.json");
        MusicModel model = KerasFixtures.Model();
        float[] x = KerasFixtures.Flat(f.GetProperty("x"));
        foreach (int batch in new[] { 1, 3 })
        {
            var plain = new MusicNetwork(model, batch);
            var packed = new MusicNetwork(model, batch);
            packed.PackWeights();
            packed.FoldInputs();   // the paper's model embeds nothing: folding leaves its pass as it is
            plain.Infer(x, batch);
            packed.Infer(x, batch);
            for (int h = 0; h < 3; h++) Assert.Equal(plain.HeadOutput(h, batch).ToArray(), packed.HeadOutput(h, batch).ToArray());
        }
    }

    [Fact]
    public void Forward_FixtureModel_MatchesKerasWithin1e6()
    {
        JsonElement f = KerasFixtures.Load("forward.json");
        MusicModel model = KerasFixtures.Model();
        float[] x = KerasFixtures.Flat(f.GetProperty("x"));
        int batch = f.GetProperty("x").GetArrayLength();
        var network = new MusicNetwork(model, batch);
        network.Forward(x, batch);
        output.WriteLine($"forward max |Δ|: logits {MaxDiff(network.HeadOutput(0, batch), KerasFixtures.Flat(f.GetProperty("pitch_logits"))):E2}, " +
                         $"h {MaxDiff(network.LastHidden(batch), KerasFixtures.Flat(f.GetProperty("lstm_h"))):E2}, c {MaxDiff(network.LastCell(batch), KerasFixtures.Flat(f.GetProperty("lstm_c"))):E2}");
        Assert.True(MaxDiff(network.HeadOutput(0, batch), KerasFixtures.Flat(f.GetProperty("pitch_logits"))) <= 1e-6f);
        Assert.True(MaxDiff(network.HeadOutput(1, batch), KerasFixtures.Flat(f.GetProperty("step"))) <= 1e-6f);
        Assert.True(MaxDiff(network.HeadOutput(2, batch), KerasFixtures.Flat(f.GetProperty("duration"))) <= 1e-6f);
        Assert.True(MaxDiff(network.LastHidden(batch), KerasFixtures.Flat(f.GetProperty("lstm_h"))) <= 1e-6f);
        Assert.True(MaxDiff(network.LastCell(batch), KerasFixtures.Flat(f.GetProperty("lstm_c"))) <= 1e-6f);
    }

    [Fact]
    public void Forward_BatchOfOne_EqualsSameWindowInBatch()
    {
        JsonElement f = KerasFixtures.Load("forward.json");
        MusicModel model = KerasFixtures.Model();
        float[] x = KerasFixtures.Flat(f.GetProperty("x"));
        var network = new MusicNetwork(model, 8);
        float[] expected = KerasFixtures.Flat(f.GetProperty("pitch_logits"));
        for (int b = 0; b < 8; b++)
        {
            network.Forward(x.AsSpan(b * 75, 75), 1);
            Assert.True(MaxDiff(network.HeadOutput(0, 1), expected.AsSpan(b * 128, 128)) <= 1e-6f);
        }
    }

    [Fact]
    public void TrainStep_LossesAndGradients_MatchKeras()
    {
        JsonElement s = KerasFixtures.Load("train_step.json");
        MusicModel model = KerasFixtures.Model();
        float[] x = KerasFixtures.Flat(s.GetProperty("x"));
        float[] labels = KerasFixtures.Labels(s.GetProperty("labels"));
        var network = new MusicNetwork(model, 8);
        var gradients = new float[model.ParameterCount];
        var heads = new float[3];
        float total = network.ComputeGradients(x, labels, 8, gradients, heads);

        JsonElement loss = s.GetProperty("loss");
        Assert.InRange(Math.Abs(heads[0] - (float)loss.GetProperty("pitch").GetDouble()), 0, 1e-5);
        Assert.InRange(Math.Abs(heads[1] - (float)loss.GetProperty("step").GetDouble()), 0, 1e-5);
        Assert.InRange(Math.Abs(heads[2] - (float)loss.GetProperty("duration").GetDouble()), 0, 1e-5);
        Assert.InRange(Math.Abs(total - (float)loss.GetProperty("total").GetDouble()), 0, 1e-5);

        foreach (var (name, expected) in KerasFixtures.Tensors(s.GetProperty("gradients")))
        {
            float diff = MaxDiff(model.Parameters.Slice(gradients, name), expected);
            output.WriteLine($"gradient {name}: max |Δ| {diff:E2} = {diff / MaxAbs(expected):E2} × max|g|");
            Assert.True(diff <= 1e-5f * MaxAbs(expected), $"{name}: max |Δ| {diff} > 1e-5 × {MaxAbs(expected)}");
        }
    }

    [Fact]
    public void AdamKeras_FromOwnGradients_MatchesKerasWeightsAfterOneStep()
    {
        JsonElement s = KerasFixtures.Load("train_step.json");
        MusicModel model = KerasFixtures.Model();
        var network = new MusicNetwork(model, 8);
        var gradients = new float[model.ParameterCount];
        network.ComputeGradients(KerasFixtures.Flat(s.GetProperty("x")), KerasFixtures.Labels(s.GetProperty("labels")), 8, gradients, new float[3]);
        new Adam(model.ParameterCount).Update(model.Parameters.Values, gradients);
        foreach (var (name, expected) in KerasFixtures.Tensors(s.GetProperty("weights_after_adam_keras")))
            Assert.True(MaxDiff(model.Parameters.Span(name), expected) <= 1e-5f, name);
    }

    [Theory]
    [InlineData(AdamFormula.Keras, "weights_after_adam_keras", 5e-7f)]
    [InlineData(AdamFormula.PyTorch, "weights_after_adam_tfjs", 5e-7f)]
    public void Adam_FedFixtureGradients_MatchesEachFormula(AdamFormula formula, string variant, float tolerance)
    {
        JsonElement s = KerasFixtures.Load("train_step.json");
        MusicModel model = KerasFixtures.Model();
        var gradients = new float[model.ParameterCount];
        foreach (var (name, values) in KerasFixtures.Tensors(s.GetProperty("gradients"))) values.CopyTo(model.Parameters.Slice(gradients, name));
        new Adam(model.ParameterCount, new AdamSettings { Formula = formula }).Update(model.Parameters.Values, gradients);
        int failures = 0;
        foreach (var (name, expected) in KerasFixtures.Tensors(s.GetProperty(variant)))
        {
            Span<float> actual = model.Parameters.Span(name);
            for (int i = 0; i < expected.Length; i++) if (Math.Abs(actual[i] - expected[i]) > tolerance) failures++;
        }
        Assert.Equal(0, failures);
    }

    [Fact]
    public void TenTrainingSteps_LossTrajectoryAndFinalWeights_MatchKerasVariant()
    {
        JsonElement d = KerasFixtures.Load("train_10_steps.json");
        MusicModel model = KerasFixtures.Model();
        var network = new MusicNetwork(model, 64);
        var adam = new Adam(model.ParameterCount);
        var gradients = new float[model.ParameterCount];
        var heads = new float[3];
        float[] expected = KerasFixtures.Flat(d.GetProperty("loss_before").GetProperty("keras"));
        float[] expectedAfter = KerasFixtures.Flat(d.GetProperty("loss_after").GetProperty("keras"));
        int k = 0;
        foreach (JsonElement batch in d.GetProperty("batches").EnumerateArray())
        {
            float[] x = KerasFixtures.Flat(batch.GetProperty("x"));
            float[] labels = KerasFixtures.Labels(batch.GetProperty("labels"));
            float loss = network.ComputeGradients(x, labels, 64, gradients, heads);
            output.WriteLine($"step {k + 1}: loss {loss} vs Keras {expected[k]} (relative {Math.Abs(loss - expected[k]) / expected[k]:E2})");
            Assert.True(Math.Abs(loss - expected[k]) <= 1e-5f * expected[k], $"step {k + 1}: loss {loss} vs {expected[k]}");
            adam.Update(model.Parameters.Values, gradients);
            network.Forward(x, 64);
            float after = network.Loss(labels, 64, heads);
            Assert.True(Math.Abs(after - expectedAfter[k]) <= 1e-5f * expectedAfter[k], $"after step {k + 1}: loss {after} vs {expectedAfter[k]}");
            k++;
        }
        Assert.Equal(10, k);
        output.WriteLine($"final weights max |Δ| {MaxDiff(model.Parameters.Values, KerasFixtures.Bin("train_10_steps_final_keras.bin")):E2}");
        Assert.True(MaxDiff(model.Parameters.Values, KerasFixtures.Bin("train_10_steps_final_keras.bin")) <= 1e-5f);
    }
}
