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
}
