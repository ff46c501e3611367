using Cadenza.Model;
using Cadenza.Nn;
using Cadenza.Pipeline;
using Cadenza.Training;

namespace Cadenza.Tests.Training;

public class AllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TrainingStep_SteadyState_AllocatesNothing(int threads)
    {
        MusicModel model = MusicModel.Create(ModelConfig.Paper, 1);
        var (x, y) = BenchmarkSuite.SyntheticBatch(model.Config, 64, 2);
        using var workers = new BatchGradients(model, 64, threads);
        var adam = new Adam(model.ParameterCount);
        var heads = new float[3];
        for (int i = 0; i < 3; i++) { workers.Compute(x, y, 64, heads); adam.Update(model.Parameters.Values, workers.Gradient); }   // warm up
        long allocated = Allocations.Measure(() =>
        {
            for (int i = 0; i < 5; i++) { workers.Compute(x, y, 64, heads); adam.Update(model.Parameters.Values, workers.Gradient); }
        });
        Assert.Equal(0, allocated);   // the worker thread's share is the same code on its own buffers
    }

    [Fact]
    public void Forward_BatchOne_AllocatesNothing()
    {
        MusicModel model = MusicModel.Create(ModelConfig.Paper, 1);
        var (x, _) = BenchmarkSuite.SyntheticBatch(model.Config, 1, 3);
        var network = new MusicNetwork(model, 1);
        network.Forward(x, 1);
        Assert.Equal(0, Allocations.Measure(() =>
        {
            for (int i = 0; i < 10; i++) network.Forward(x, 1);
        }));
    }
}
