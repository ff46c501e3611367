using Cadenza.Model;
using Cadenza.Pipeline;

namespace Cadenza.Tests.Training;

/// <summary>The FLOP count behind the training-efficiency figure, against a hand count.</summary>
public class TrainingEfficiencyTests
{
    [Fact]
    public void FlopsPerWindow_PaperModel_HandCounted()
    {
        // LSTM forward: 24 steps of [131]·[131 × 512] and the first of [3]·[3 × 512]; backward: the weight gradient
        // over all 25 steps (131 rows) and the hidden-state gradient (128 rows; no input gradient without embeddings);
        // three heads (128 → 128, 1, 1) three times; Adam: 12 per weight over a batch of 64
        double lstm = 2.0 * (24 * 131 + 3) * 512 + 2.0 * 25 * 131 * 512 + 2.0 * 25 * 128 * 512;
        double heads = 3 * 2.0 * 128 * (128 + 1 + 1);
        double adam = 12.0 * 84_354 / 64;
        Assert.Equal(lstm + heads + adam, TrainingEfficiency.FlopsPerWindow(ModelConfig.Paper, 64), 6);
    }
}
