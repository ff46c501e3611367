using Cadenza.Nn;

namespace Cadenza.Model;

/// <summary>
/// The compute side of a <see cref="MusicModel"/>: stacked LSTM layers and the heads with every buffer preallocated for
/// up to <see cref="MaxBatch"/> windows, so forward, loss and backward passes allocate nothing.
/// </summary>
/// <remarks>Not thread-safe: one network per thread. It reads the model's current weights at every call.</remarks>
public sealed class MusicNetwork
{
    private readonly MusicModel _model;
    private readonly LstmLayer[] _layers;
    private readonly DenseLayer[] _heads;
    private readonly float[] _input;        // [T, B, F] time-major copy of the windows
    private readonly float[][] _dHeads;     // per head [B, units]
    private readonly float[] _dTop;         // [B, H_last] gradient on the last hidden state

    /// <summary>Allocates the buffers for batches of up to <paramref name="maxBatch"/> windows.</summary>
    public MusicNetwork(MusicModel model, int maxBatch)
    {
        if (maxBatch < 1) throw new ArgumentOutOfRangeException(nameof(maxBatch));
        _model = model;
        MaxBatch = maxBatch;
        ModelConfig c = model.Config;
        int input = c.InputSize;
        _layers = new LstmLayer[c.LstmUnits.Length];
        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l] = new LstmLayer(model.Parameters, ModelConfig.LstmName(l), input, c.LstmUnits[l], c.SequenceLength, maxBatch);
            input = c.LstmUnits[l];
        }
        _heads = c.Heads.Select(h => new DenseLayer(model.Parameters, h.Name, input, h.Units, maxBatch)).ToArray();
        _input = new float[c.SequenceLength * maxBatch * c.InputSize];
        _dHeads = c.Heads.Select(h => new float[maxBatch * h.Units]).ToArray();
        _dTop = new float[maxBatch * input];
    }

    /// <summary>The largest batch this network can run.</summary>
    public int MaxBatch { get; }

    /// <summary>The model whose weights are used.</summary>
    public MusicModel Model => _model;

    /// <summary>Runs the model on <paramref name="batch"/> windows [B, T, F] of normalised inputs.</summary>
    public void Forward(ReadOnlySpan<float> windows, int batch)
    {
        if ((uint)(batch - 1) >= (uint)MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), $"batch {batch} outside 1..{MaxBatch}");
        ModelConfig c = _model.Config;
        int t = c.SequenceLength, f = c.InputSize;
        if (windows.Length < batch * t * f) throw new ArgumentException($"need {batch}×{t}×{f} inputs, got {windows.Length}", nameof(windows));
        for (int b = 0; b < batch; b++)
        for (int s = 0; s < t; s++)
            windows.Slice((b * t + s) * f, f).CopyTo(_input.AsSpan((s * batch + b) * f, f));

        ReadOnlySpan<float> weights = _model.Parameters.Values;
        ReadOnlySpan<float> x = _input.AsSpan(0, t * batch * f);
        foreach (LstmLayer layer in _layers)
        {
            layer.Forward(x, batch, weights);
            x = layer.Sequence(batch);
        }
        ReadOnlySpan<float> last = _layers[^1].LastHidden(batch);
        foreach (DenseLayer head in _heads) head.Forward(last, batch, weights);
    }

    /// <summary>Output of head <paramref name="head"/> from the last forward pass, [B, units].</summary>
    public ReadOnlySpan<float> HeadOutput(int head, int batch) => _heads[head].Output(batch);

    /// <summary>Final LSTM hidden state of the top layer from the last forward pass, [B, H].</summary>
    public ReadOnlySpan<float> LastHidden(int batch) => _layers[^1].LastHidden(batch);

    /// <summary>Final LSTM cell state of the top layer from the last forward pass, [B, H].</summary>
    public ReadOnlySpan<float> LastCell(int batch) => _layers[^1].LastCell(batch);

    /// <summary>
    /// Losses of the last forward pass against <paramref name="labels"/> [B, heads] (class index as a float for class
    /// heads); fills <paramref name="headLosses"/> (one per head, unweighted) and returns the weighted total. Also
    /// prepares the output gradients for <see cref="Backward"/>.
    /// </summary>
    public float Loss(ReadOnlySpan<float> labels, int batch, Span<float> headLosses)
    {
        HeadConfig[] heads = _model.Config.Heads;
        float total = 0;
        for (int h = 0; h < heads.Length; h++)
        {
            HeadConfig head = heads[h];
            ReadOnlySpan<float> y = _heads[h].Output(batch);
            Span<float> dy = _dHeads[h].AsSpan(0, batch * head.Units);
            float loss = head.Kind == HeadKind.Classes
                ? Losses.SparseCrossEntropy(y, head.Units, labels, heads.Length, h, batch, head.LossWeight, dy)
                : Losses.MsePositivePressure(y, labels, heads.Length, h, batch, head.LossWeight, dy);
            headLosses[h] = loss;
            total += head.LossWeight * loss;
        }
        return total;
    }

    /// <summary>Backpropagates the gradients prepared by <see cref="Loss"/>, adding d(total)/d(weight) into <paramref name="gradients"/>.</summary>
    public void Backward(int batch, Span<float> gradients)
    {
        ReadOnlySpan<float> weights = _model.Parameters.Values;
        ModelConfig c = _model.Config;
        LstmLayer top = _layers[^1];
        Span<float> dTop = _dTop.AsSpan(0, batch * top.Units);
        dTop.Clear();
        ReadOnlySpan<float> last = top.LastHidden(batch);
        for (int h = 0; h < _heads.Length; h++)
            _heads[h].Backward(last, _dHeads[h].AsSpan(0, batch * c.Heads[h].Units), batch, weights, gradients, dTop);

        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            bool isTop = l == _layers.Length - 1;
            ReadOnlySpan<float> dSequence = isTop ? default : _layers[l + 1].InputGradient(batch);
            _layers[l].Backward(batch, weights, isTop ? dTop : default, dSequence, gradients, inputGradient: l > 0);
        }
    }

    /// <summary>Forward, loss and backward for one batch; <paramref name="gradients"/> is overwritten. Returns the total loss.</summary>
    public float ComputeGradients(ReadOnlySpan<float> windows, ReadOnlySpan<float> labels, int batch, Span<float> gradients, Span<float> headLosses)
    {
        Forward(windows, batch);
        float total = Loss(labels, batch, headLosses);
        gradients.Clear();
        Backward(batch, gradients);
        return total;
    }
}
