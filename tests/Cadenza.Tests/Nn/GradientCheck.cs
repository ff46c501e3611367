using Cadenza.Model;
using Cadenza.Nn;

namespace Cadenza.Tests.Nn;

/// <summary>The finite-difference check of a whole network's gradients, shared by the tests of its layers.</summary>
internal static class GradientCheck
{
    /// <summary>
    /// Asserts that every weight's analytic gradient of the loss of <paramref name="x"/> against <paramref name="labels"/>
    /// matches a central difference (step 1e-2, tolerance 2e-3 + 2% of the gradient); returns the gradients and the
    /// tensors that carry a gradient above 1e-3 somewhere, so a test can show the check is not vacuous.
    /// </summary>
    public static (float[] Gradients, HashSet<string> Touched) Run(MusicModel model, float[] x, float[] labels, int batch, ulong? dropout = null)
    {
        var network = new MusicNetwork(model, batch);
        var gradients = new float[model.ParameterCount];
        var heads = new float[model.Config.Heads.Length];
        network.ComputeGradients(x, labels, batch, gradients, heads, dropout);

        float[] weights = model.Parameters.Values;
        const float h = 1e-2f;
        var touched = new HashSet<string>();
        foreach (ParameterTensor t in model.Parameters.Tensors)
        for (int i = t.Offset; i < t.Offset + t.Length; i++)
        {
            float saved = weights[i];
            weights[i] = saved + h; network.Forward(x, batch, labels, dropout); double plus = network.Loss(labels, batch, heads);
            weights[i] = saved - h; network.Forward(x, batch, labels, dropout); double minus = network.Loss(labels, batch, heads);
            weights[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - gradients[i]) <= 2e-3 + 2e-2 * Math.Abs(gradients[i]), $"{t.Name}[{i - t.Offset}]: analytic {gradients[i]} vs numeric {numeric}");
            if (Math.Abs(gradients[i]) > 1e-3) touched.Add(t.Name);
        }
        return (gradients, touched);
    }
}
