using Cadenza.Model;
using Cadenza.Nn;
using Cadenza.Pipeline;
using Cadenza.Training;

namespace Cadenza.Tests.Training;

public class AllocationTests
{
    [Theory]
    [InlineData(1, "paper")]
    [InlineData(2, "paper")]
    [InlineData(1, "cadenza")]
    [InlineData(2, "cadenza")]
    public void TrainingStep_SteadyState_AllocatesNothing(int threads, string preset)
    {
        MusicModel model = BenchmarkSuite.BenchModel(preset);
        var (x, y) = BenchmarkSuite.SyntheticBatch(model.Config, 64, 2);
        using var workers = new BatchGradients(model, 64, threads);
        var adam = new Adam(model.ParameterCount);
        var heads = new float[3];
        ulong? dropout = model.Config.Dropout > 0 ? 5UL : null;   // the Cadenza model trains with dropout masks
        for (int i = 0; i < 3; i++) { workers.Compute(x, y, 64, heads, dropout); adam.Update(model.Parameters.Values, workers.Gradient); }   // warm up
        long allocated = Allocations.Measure(() =>
        {
            for (int i = 0; i < 5; i++) { workers.Compute(x, y, 64, heads, dropout); adam.Update(model.Parameters.Values, workers.Gradient); }
        });
        Assert.Equal(0, allocated);   // the worker thread's share is the same code on its own buffers
    }

    [Theory]
    [InlineData("paper")]
    [InlineData("cadenza")]
    public void Forward_BatchOne_AllocatesNothing(string preset)
    {
        MusicModel model = BenchmarkSuite.BenchModel(preset);
        var (x, _) = BenchmarkSuite.SyntheticBatch(model.Config, 1, 3);
        var network = new MusicNetwork(model, 1);
        network.Forward(x, 1);
        Assert.Equal(0, Allocations.Measure(() =>
        {
            for (int i = 0; i < 10; i++) network.Forward(x, 1);
        }));
    }

    [Fact]
    public void WindowFill_PaddedWindowsWithAugmentation_AllocatesNothing()
    {
        // padded windows are assembled on the stack, so filling a batch of them allocates nothing either
        ModelConfig c = ModelConfig.Cadenza with { PadStart = true };
        Cadenza.Notes.Note[] piece = Enumerable.Range(0, 80).Select(i => new Cadenza.Notes.Note(60 + i % 12, 0.25 * i, 0.25 * i + 0.2)).ToArray();
        var set = new Cadenza.Corpus.WindowSet([piece], c.SequenceLength, c.Features, padStart: true);
        var (inputs, columns, labels) = c.WindowLayout();
        int[] batch = Enumerable.Range(0, 64).ToArray();   // 49 of them start before the piece
        int[] shifts = batch.Select(b => b % 13 - 6).ToArray();
        float[] stretches = batch.Select(b => 0.9f + 0.01f * b).ToArray();
        var x = new float[64 * c.SequenceLength * c.InputSize];
        var y = new float[64 * c.Heads.Length];
        set.Fill(batch, x, y, inputs, columns, labels, shifts, stretches, stretches);
        Assert.Equal(0, Allocations.Measure(() =>
        {
            for (int i = 0; i < 5; i++) set.Fill(batch, x, y, inputs, columns, labels, shifts, stretches, stretches);
        }));
        Assert.Equal(Cadenza.Corpus.FeatureEncoding.Pad, x[0]);   // window 0: 49 padding rows, then the piece's first note
        Assert.Equal(60f + shifts[0], x[49 * c.InputSize]);
    }
}
