using Cadenza.Nn;

namespace Cadenza.Model;

/// <summary>
/// The compute side of a <see cref="MusicModel"/>: input encoding (scaled values or learned embeddings), stacked LSTM
/// layers, the heads on the last hidden state and, for heads that copy, a pointer-sentinel mixture over the window,
/// with every buffer preallocated for up to <see cref="MaxBatch"/> windows, so forward, loss and backward passes
/// allocate nothing.
/// </summary>
/// <remarks>Not thread-safe: one network per thread. It reads the model's current weights at every call.</remarks>
public sealed class MusicNetwork
{
    private readonly MusicModel _model;
    private readonly EmbeddingLayer?[] _embeddings;   // per input feature; null where the feature enters as a scaled value
    private readonly int[] _offsets;                  // per input feature: first column of its encoding in a note's LSTM input
    private readonly LstmLayer[] _layers;
    private readonly DenseLayer[] _heads;
    private readonly CopyMixture?[] _copies;          // per head; null where the head does not copy
    private readonly int[] _copyWithin;               // per head: which of its given features its pointer must match (HeadConfig.CopyWithin), or −1
    private readonly int[][] _matchIds;               // per such head [B]: the value each window's note has of that feature
    private readonly int[] _copyColumns;              // per head: the input column whose classes it copies
    private readonly int[][] _givenHeads;             // per head: the heads whose classes of the same note it reads
    private readonly int[][] _givenFeatures;          // per head: the input columns (embedding tables) of those features
    private readonly float[][] _headInputs;           // per conditioned head [B, H + Σ dims]: h_T and the given classes' embeddings
    private readonly float[][] _dHeadInputs;          // per conditioned head, its gradient
    private readonly int[][] _givenIds;               // per conditioned head [B, given]: the classes it read
    private readonly DropoutLayer? _inputDropout, _hiddenDropout;   // in training only, on the encoded notes and on h_T
    private readonly float[] _lastDropped;            // [B, H] h_T after dropout, what the heads read in training
    private bool _dropped;                            // the last forward pass applied dropout
    private readonly float[] _input;        // [T, B, F] time-major copy of the windows
    private readonly float[] _encoded;      // [T, B, E] the LSTM's input when some feature is embedded (else _input is)
    private readonly float[][] _dHeads;     // per head [B, units]
    private (int Row, int Classes, int Dim, int TableOffset)[]? _foldColumns;   // [F] what FoldInputs tells the first LSTM
    private readonly float[] _dTop;         // [B, H_last] gradient on the last hidden state
    private readonly float[] _dTopSequence; // [T, B, H_last] gradient on every hidden state of the top layer (copy paths)

    /// <summary>Allocates the buffers for batches of up to <paramref name="maxBatch"/> windows.</summary>
    public MusicNetwork(MusicModel model, int maxBatch)
    {
        if (maxBatch < 1) throw new ArgumentOutOfRangeException(nameof(maxBatch));
        _model = model;
        MaxBatch = maxBatch;
        ModelConfig c = model.Config;
        _embeddings = new EmbeddingLayer?[c.InputSize];
        _offsets = new int[c.InputSize];
        for (int j = 0, offset = 0; j < c.InputSize; j++)
        {
            string f = c.Features[j];
            int dim = c.EmbeddingDim(f);
            _offsets[j] = offset;
            if (dim > 0) _embeddings[j] = new EmbeddingLayer(model.Parameters, ModelConfig.EmbeddingName(f), c.Classes(f), dim);
            offset += dim > 0 ? dim : 1;
        }
        Embedded = _embeddings.Any(e => e != null);
        EncodedSize = c.EncodedSize;
        int input = EncodedSize;
        _layers = new LstmLayer[c.LstmUnits.Length];
        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l] = new LstmLayer(model.Parameters, ModelConfig.LstmName(l), input, c.LstmUnits[l], c.SequenceLength, maxBatch);
            input = c.LstmUnits[l];
        }
        int top = input;
        _heads = c.Heads.Select(h => new DenseLayer(model.Parameters, h.Name, c.HeadInputSize(h, top), h.Units, maxBatch)).ToArray();
        _givenHeads = c.Heads.Select(h => (h.Given ?? []).Select(g => Array.FindIndex(c.Heads, x => x.Name == g)).ToArray()).ToArray();
        _givenFeatures = c.Heads.Select(h => (h.Given ?? []).Select(g => Array.IndexOf(c.Features, g)).ToArray()).ToArray();
        _headInputs = c.Heads.Select(h => h.Given is { Length: > 0 } ? new float[maxBatch * c.HeadInputSize(h, top)] : []).ToArray();
        _dHeadInputs = c.Heads.Select(h => h.Given is { Length: > 0 } ? new float[maxBatch * c.HeadInputSize(h, top)] : []).ToArray();
        _givenIds = c.Heads.Select(h => new int[maxBatch * (h.Given?.Length ?? 0)]).ToArray();
        if (c.Dropout > 0)
        {
            _inputDropout = new DropoutLayer(c.Dropout, c.SequenceLength * maxBatch * EncodedSize);
            _hiddenDropout = new DropoutLayer(c.Dropout, maxBatch * top);
        }
        _lastDropped = c.Dropout > 0 ? new float[maxBatch * top] : [];
        _copies = c.Heads.Select(h => h.Copy ? new CopyMixture(model.Parameters, ModelConfig.CopyName(h.Name), top, h.Units, c.SequenceLength, maxBatch, c.CopyPositions) : null).ToArray();
        _copyColumns = c.Heads.Select(h => Array.IndexOf(c.Features, h.Name)).ToArray();
        _copyWithin = c.Heads.Select(h => h.CopyWithin is { } w ? Array.IndexOf(h.Given!, w) : -1).ToArray();
        _matchIds = c.Heads.Select(h => h.CopyWithin != null ? new int[maxBatch] : []).ToArray();
        _input = new float[c.SequenceLength * maxBatch * c.InputSize];
        _encoded = Embedded ? new float[c.SequenceLength * maxBatch * EncodedSize] : [];
        _dHeads = c.Heads.Select(h => new float[maxBatch * h.Units]).ToArray();
        _dTop = new float[maxBatch * input];
        _dTopSequence = _copies.Any(m => m != null) ? new float[c.SequenceLength * maxBatch * input] : [];
    }

    /// <summary>The largest batch this network can run.</summary>
    public int MaxBatch { get; }

    /// <summary>The model whose weights are used.</summary>
    public MusicModel Model => _model;

    private bool Embedded { get; }

    private int EncodedSize { get; }   // ModelConfig.EncodedSize, computed once (it is a sum over the features)

    /// <summary>
    /// Runs the model on <paramref name="batch"/> windows [B, T, F] of encoded inputs (a scaled value, or a class index
    /// for an embedded feature). A head that reads other features of the next note (<see cref="HeadConfig.Given"/>)
    /// reads them from <paramref name="labels"/> [B, heads] (the training labels); without labels such heads are left
    /// for <see cref="ForwardHead"/>, as generation draws the features one by one. With <paramref name="dropout"/>
    /// (training), the model's dropout is applied with masks drawn from that seed.
    /// </summary>
    public void Forward(ReadOnlySpan<float> windows, int batch, ReadOnlySpan<float> labels = default, ulong? dropout = null) =>
        Run(windows, batch, labels, dropout, keep: true);

    /// <summary>
    /// <see cref="Forward"/> for inference (generation, evaluation, validation): the same outputs, but the LSTMs keep
    /// only what the heads read, so the pass runs in a smaller working set; <see cref="Backward"/> cannot follow it.
    /// After <see cref="FoldInputs"/> the first LSTM looks its input products up, and the outputs differ in the last bits.
    /// </summary>
    public void Infer(ReadOnlySpan<float> windows, int batch, ReadOnlySpan<float> labels = default) => Run(windows, batch, labels, null, keep: false);

    /// <summary>
    /// Packs each LSTM's weights for passes of a few windows (generation's per-note window); valid until the weights
    /// change, so a caller that keeps the network across changes packs again (see <see cref="LstmLayer.Pack"/>).
    /// </summary>
    public void PackWeights()
    {
        foreach (LstmLayer layer in _layers) layer.Pack(_model.Parameters.Values);
    }

    /// <summary>
    /// Folds the embedding tables into the first LSTM's kernel for <see cref="Infer"/>: each class's input product is
    /// computed once ([classes × dim]·[dim × 4H] per table), so an inference step adds one row per feature of a note
    /// instead of multiplying its encoding (80 columns in the Cadenza preset; the step's product shrinks to the
    /// recurrent part). The sums are then taken in another order, so inference differs from <see cref="Forward"/> in
    /// the last bits. Nothing changes for a model that embeds no feature (the paper's keeps its Keras-equal pass);
    /// valid until the weights change, like <see cref="PackWeights"/>.
    /// </summary>
    public void FoldInputs()
    {
        if (!Embedded) return;
        ModelConfig c = _model.Config;
        _foldColumns ??= new (int, int, int, int)[c.InputSize];
        for (int j = 0; j < c.InputSize; j++)
            _foldColumns[j] = _embeddings[j] is { } table ? (_offsets[j], table.Classes, table.Dim, table.TableOffset) : (_offsets[j], 0, 1, 0);
        _layers[0].Fold(_model.Parameters.Values, _foldColumns);
    }

    private void Run(ReadOnlySpan<float> windows, int batch, ReadOnlySpan<float> labels, ulong? dropout, bool keep)
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
        _dropped = dropout.HasValue && _inputDropout != null;
        int first = 0;
        if (!keep && _layers[0].Folded)
        {
            _layers[0].ForwardFolded(x, batch, weights);   // the notes' classes and values, looked up (FoldInputs)
            x = _layers[0].Sequence(batch);
            first = 1;
        }
        else if (Embedded)
        {
            Encode(batch, weights);
            if (_dropped) _inputDropout!.Forward(_encoded.AsSpan(0, t * batch * EncodedSize), dropout!.Value);
            x = _encoded.AsSpan(0, t * batch * EncodedSize);
        }
        for (int l = first; l < _layers.Length; l++)
        {
            _layers[l].Forward(x, batch, weights, keep);
            x = _layers[l].Sequence(batch);
        }
        if (_dropped)
        {
            Span<float> dropped = _lastDropped.AsSpan(0, batch * _layers[^1].Units);
            _layers[^1].LastHidden(batch).CopyTo(dropped);
            _hiddenDropout!.Forward(dropped, dropout!.Value ^ 0x4844_524F_5055_5421UL);   // its own mask stream
        }
        for (int h = 0; h < _heads.Length; h++)
            if (_givenHeads[h].Length == 0 || !labels.IsEmpty) ForwardHead(h, labels, batch);
    }

    /// <summary>
    /// Runs head <paramref name="head"/> on the last hidden state of <see cref="Forward"/>, reading the classes of its
    /// given features, if any, from <paramref name="values"/> [B, heads] (a class index in each given head's column).
    /// </summary>
    public void ForwardHead(int head, ReadOnlySpan<float> values, int batch)
    {
        ModelConfig c = _model.Config;
        ReadOnlySpan<float> weights = _model.Parameters.Values;
        ReadOnlySpan<float> last = HeadsInput(batch);
        int[] given = _givenHeads[head];
        if (given.Length == 0) { _heads[head].Forward(last, batch, weights); }
        else
        {
            int top = _layers[^1].Units, width = _heads[head].InputSize, heads = c.Heads.Length;
            Span<float> x = _headInputs[head].AsSpan(0, batch * width);
            for (int b = 0; b < batch; b++)
            {
                Span<float> row = x.Slice(b * width, width);
                last.Slice(b * top, top).CopyTo(row);
                int offset = top;
                for (int g = 0; g < given.Length; g++)
                {
                    EmbeddingLayer table = _embeddings[_givenFeatures[head][g]]!;
                    int id = (int)values[b * heads + given[g]];
                    _givenIds[head][b * given.Length + g] = id;
                    table.Forward(id, row.Slice(offset, table.Dim), weights);
                    offset += table.Dim;
                }
            }
            _heads[head].Forward(x, batch, weights);
        }
        if (_copies[head] is not { } copy) return;
        int within = _copyWithin[head];
        if (within < 0) { copy.Forward(_layers[^1].Sequence(batch), last, _heads[head].Output(batch), _input, c.InputSize, _copyColumns[head], batch, weights); return; }
        Span<int> match = _matchIds[head].AsSpan(0, batch);
        for (int b = 0; b < batch; b++) match[b] = _givenIds[head][b * given.Length + within];
        copy.Forward(_layers[^1].Sequence(batch), last, _heads[head].Output(batch), _input, c.InputSize, _copyColumns[head], batch, weights,
                     _givenFeatures[head][within], match);
    }

    // what the heads read: h_T, after dropout in training
    private ReadOnlySpan<float> HeadsInput(int batch) => _dropped ? _lastDropped.AsSpan(0, batch * _layers[^1].Units) : _layers[^1].LastHidden(batch);

    // each note's LSTM input: an embedded feature's table row, or a scaled feature's value
    private void Encode(int batch, ReadOnlySpan<float> weights)
    {
        ModelConfig c = _model.Config;
        int f = c.InputSize, e = EncodedSize, rows = c.SequenceLength * batch;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> note = _input.AsSpan(r * f, f);
            Span<float> encoded = _encoded.AsSpan(r * e, e);
            for (int j = 0; j < f; j++)
            {
                if (_embeddings[j] is { } table) table.Forward((int)note[j], encoded.Slice(_offsets[j], table.Dim), weights);
                else encoded[_offsets[j]] = note[j];
            }
        }
    }

    /// <summary>Output of head <paramref name="head"/> from the last forward pass, [B, units]: logits, or ln p for a head that copies (its softmax is the same distribution).</summary>
    public ReadOnlySpan<float> HeadOutput(int head, int batch) => _copies[head] is { } copy ? copy.LogProbs(batch) : _heads[head].Output(batch);

    /// <summary>The vocabulary's share (against copying from the window) of head <paramref name="head"/> for window <paramref name="b"/> in the last pass; 1 for a head that does not copy.</summary>
    public float VocabularyShare(int head, int b) => _copies[head]?.SentinelWeight(b) ?? 1f;

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
            float loss = _copies[h] is { } copy ? copy.Loss(labels, heads.Length, h, batch, head.LossWeight, dy)
                : head.Kind == HeadKind.Classes
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
        Span<float> dTopSequence = _dTopSequence.Length > 0 ? _dTopSequence.AsSpan(0, c.SequenceLength * batch * top.Units) : default;
        dTopSequence.Clear();
        ReadOnlySpan<float> last = HeadsInput(batch);
        for (int h = 0; h < _heads.Length; h++)
        {
            _copies[h]?.Backward(top.Sequence(batch), last, batch, weights, gradients, dTop, dTopSequence);
            if (_givenHeads[h].Length == 0)
            {
                _heads[h].Backward(last, _dHeads[h].AsSpan(0, batch * c.Heads[h].Units), batch, weights, gradients, dTop);
                continue;
            }
            // the head read [h_T | given embeddings]: h_T's part joins dTop, the rest goes to the embedding rows it read
            int width = _heads[h].InputSize, units = top.Units, given = _givenHeads[h].Length;
            Span<float> dx = _dHeadInputs[h].AsSpan(0, batch * width);
            dx.Clear();
            _heads[h].Backward(_headInputs[h].AsSpan(0, batch * width), _dHeads[h].AsSpan(0, batch * c.Heads[h].Units), batch, weights, gradients, dx);
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<float> row = dx.Slice(b * width, width);
                Span<float> dTopB = dTop.Slice(b * units, units);
                System.Numerics.Tensors.TensorPrimitives.Add(dTopB, row[..units], dTopB);
                int offset = units;
                for (int g = 0; g < given; g++)
                {
                    EmbeddingLayer table = _embeddings[_givenFeatures[h][g]]!;
                    table.Backward(_givenIds[h][b * given + g], row.Slice(offset, table.Dim), gradients);
                    offset += table.Dim;
                }
            }
        }

        if (_dropped) _hiddenDropout!.Backward(dTop);
        bool embedded = Embedded;   // (a head's given features are embedded inputs too, so they imply it)
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            bool isTop = l == _layers.Length - 1;
            ReadOnlySpan<float> dSequence = isTop ? dTopSequence : _layers[l + 1].InputGradient(batch);
            _layers[l].Backward(batch, weights, isTop ? dTop : default, dSequence, gradients, inputGradient: l > 0 || embedded);
        }
        if (embedded) EncodeBackward(batch, gradients);
    }

    private void EncodeBackward(int batch, Span<float> gradients)
    {
        ModelConfig c = _model.Config;
        int f = c.InputSize, e = EncodedSize, rows = c.SequenceLength * batch;
        Span<float> dInput = _layers[0].InputGradientMutable(batch);   // [T, B, E]
        if (_dropped) _inputDropout!.Backward(dInput);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> note = _input.AsSpan(r * f, f);
            ReadOnlySpan<float> dRow = dInput.Slice(r * e, e);
            for (int j = 0; j < f; j++)
                _embeddings[j]?.Backward((int)note[j], dRow.Slice(_offsets[j], _embeddings[j]!.Dim), gradients);
        }
    }

    /// <summary>
    /// Forward, loss and backward for one batch; <paramref name="gradients"/> is overwritten. Returns the total loss.
    /// <paramref name="dropout"/> seeds the training masks of a model with dropout (none without it).
    /// </summary>
    public float ComputeGradients(ReadOnlySpan<float> windows, ReadOnlySpan<float> labels, int batch, Span<float> gradients, Span<float> headLosses, ulong? dropout = null)
    {
        Forward(windows, batch, labels, dropout);
        float total = Loss(labels, batch, headLosses);
        gradients.Clear();
        Backward(batch, gradients);
        return total;
    }
}
