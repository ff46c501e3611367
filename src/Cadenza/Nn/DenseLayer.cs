using System.Numerics.Tensors;

namespace Cadenza.Nn;

/// <summary>A linear Dense layer (Keras layout: y = x·kernel + bias, kernel [in × units]) with its backward pass.</summary>
internal sealed class DenseLayer
{
    private readonly ParameterTensor _kernel, _bias;
    private readonly float[] _output;      // [B, units]
    private readonly float[] _kernelT;     // [units, in]

    public DenseLayer(ParameterSet parameters, string name, int inputSize, int units, int maxBatch)
    {
        Name = name;
        InputSize = inputSize;
        Units = units;
        _kernel = parameters[name + "/kernel"];
        _bias = parameters[name + "/bias"];
        _output = new float[maxBatch * units];
        _kernelT = new float[units * inputSize];
    }

    public string Name { get; }
    public int InputSize { get; }
    public int Units { get; }

    /// <summary>Outputs of the last forward pass, [B, units].</summary>
    public Span<float> Output(int batch) => _output.AsSpan(0, batch * Units);

    /// <summary>y = x·kernel + bias for x [B, in].</summary>
    public void Forward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights)
    {
        ReadOnlySpan<float> bias = weights.Slice(_bias.Offset, _bias.Length);
        Span<float> y = Output(batch);
        for (int b = 0; b < batch; b++) bias.CopyTo(y.Slice(b * Units, Units));
        Gemm.Multiply(x, InputSize, weights.Slice(_kernel.Offset, _kernel.Length), Units, y, Units, batch, Units, InputSize, accumulate: true);
    }

    /// <summary>Adds kernel and bias gradients for dY [B, units] and adds dY·kernelᵀ into <paramref name="dInput"/> [B, in].</summary>
    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int batch, ReadOnlySpan<float> weights, Span<float> gradients, Span<float> dInput)
    {
        Gemm.MultiplyTransposedA(x, InputSize, dy, Units, gradients.Slice(_kernel.Offset, _kernel.Length), Units, InputSize, Units, batch, accumulate: true);
        Span<float> dBias = gradients.Slice(_bias.Offset, _bias.Length);
        for (int b = 0; b < batch; b++) TensorPrimitives.Add(dBias, dy.Slice(b * Units, Units), dBias);
        Gemm.Transpose(weights.Slice(_kernel.Offset, _kernel.Length), Units, InputSize, Units, _kernelT);
        Gemm.Multiply(dy, Units, _kernelT, InputSize, dInput, InputSize, batch, InputSize, Units, accumulate: true);
    }
}
