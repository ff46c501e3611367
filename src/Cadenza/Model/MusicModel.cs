using Cadenza.Common;
using Cadenza.Nn;

namespace Cadenza.Model;

/// <summary>The music model: an architecture (<see cref="ModelConfig"/>) and its weights (a <see cref="ParameterSet"/> in Keras order).</summary>
public sealed class MusicModel
{
    /// <summary>Wraps existing weights; their layout must match the configuration.</summary>
    public MusicModel(ModelConfig config, ParameterSet parameters)
    {
        config.Validate("model");
        var expected = config.WeightShapes().ToList();
        if (expected.Count != parameters.Tensors.Count
            || expected.Zip(parameters.Tensors).Any(p => p.First.Name != p.Second.Name || !p.First.Shape.SequenceEqual(p.Second.Shape)))
            throw new ModelFormatException("model", "weights do not match the configuration's layers");
        Config = config;
        Parameters = parameters;
    }

    /// <summary>A model with Keras's initialisation from <paramref name="seed"/>: glorot-uniform kernels, orthogonal recurrent kernels, zero biases with forget-gate bias 1.</summary>
    public static MusicModel Create(ModelConfig config, ulong seed)
    {
        config.Validate("model");
        var parameters = new ParameterSet(config.WeightShapes());
        var rng = new Rng(seed);
        foreach (ParameterTensor t in parameters.Tensors)
        {
            Span<float> w = parameters.Values.AsSpan(t.Offset, t.Length);
            if (t.Name.EndsWith("/embeddings", StringComparison.Ordinal))
                Initializers.EmbeddingUniform(w, rng);
            else if (t.Name.EndsWith("/recurrent_kernel", StringComparison.Ordinal))
                Initializers.Orthogonal(w, t.Shape[0], t.Shape[1], rng);
            else if (t.Name.EndsWith("/kernel", StringComparison.Ordinal))
                Initializers.GlorotUniform(w, t.Shape[0], t.Shape[1], rng);
            else if (t.Name.StartsWith("lstm", StringComparison.Ordinal))
            {
                int units = t.Shape[0] / 4;
                w.Clear();
                w.Slice(units, units).Fill(1f);   // unit_forget_bias: the forget gate starts open
            }
            else w.Clear();
        }
        return new MusicModel(config, parameters);
    }

    /// <summary>Architecture and normalisation.</summary>
    public ModelConfig Config { get; }

    /// <summary>All weights.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Number of trainable weights (84,354 for the paper's model).</summary>
    public int ParameterCount => Parameters.Count;
}
