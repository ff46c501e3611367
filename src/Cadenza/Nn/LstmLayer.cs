using System.Numerics;
using System.Numerics.Tensors;

namespace Cadenza.Nn;

/// <summary>An LSTM layer with Keras semantics (gates i, f, c, o; sigmoid gates, tanh cell; one bias), forward and backpropagation through time.</summary>
/// <remarks>
/// Weights stay in Keras layout inside the flat parameter array: kernel [in × 4H], recurrent kernel [H × 4H],
/// bias [4H]. Activations are time-major ([T, B, ·]) so each step's batch is one contiguous block for the GEMMs.
/// All buffers are sized once for the largest batch; a pass allocates nothing.
/// </remarks>
internal sealed class LstmLayer
{
    private readonly ParameterTensor _kernel, _recurrent, _bias;

    // Shapes are written next to each buffer; B is the batch of the current pass (≤ MaxBatch).
    private readonly float[] _staged;      // [T, B, in+H] each step's input row next to the previous hidden state
    private readonly float[] _gates;       // [T, B, 4H] activated i | f | g | o
    private readonly float[] _cells;       // [T+1, B, H], c_0 = 0
    private readonly float[] _tanhCells;   // [T, B, H]
    private readonly float[] _hidden;      // [T+1, B, H], h_0 = 0
    private readonly float[] _dz;          // [T, B, 4H] gradient w.r.t. the gate pre-activations
    private readonly float[] _dh;          // [B, H] gradient flowing back through h
    private readonly float[] _dc;          // [B, H] gradient flowing back through c
    private readonly float[] _recurrentT;  // [4H, H]
    private readonly float[] _kernelT;     // [4H, in]
    private readonly float[] _dInput;      // [T, B, in] gradient w.r.t. the input sequence
    private float[]? _panels;              // [4H/64, in+H, 64] [kernel; recurrent] in column panels, for matrix-vector steps
    private readonly float[] _strips;      // [4H/w, in+H, w] [kernel; recurrent] in the GEMM's strips (Gemm.Pack), packed by each pass of 4+ windows
    private readonly float[] _recurrentTStrips;   // [H/w, 4H, w] the transposed recurrent kernel in strips, for backward's dZ·Uᵀ
    private readonly float[] _kernelTStrips;      // [in/w, 4H, w] the transposed kernel in strips, for the input gradient
    private readonly float[] _dzStrips;    // [4H/w, T·B, w] dZ of every step in strips, for the weight gradient
    private bool _stripped;                // the current pass multiplies by _strips
    private bool _packed;                  // _panels holds the current weights (Pack was called, nothing changed them since)
    private float[]? _folded;              // [Σ rows, 4H] per input column: its classes' rows of the input product, or its kernel row (Fold)
    private int[] _foldStart = [];         // [F] each input column's first row in _folded
    private int[] _foldClasses = [];       // [F] its classes, or 0 for a value that scales its one kernel row

    /// <summary>Columns per packed panel: the matrix-vector kernel's width.</summary>
    private const int Panel = 64;

    /// <summary>Rows below which a step's product is a matrix-vector product, which packed panels speed up (Gemm's row kernel).</summary>
    private const int PackedRows = 4;

    public LstmLayer(ParameterSet parameters, string name, int inputSize, int units, int steps, int maxBatch)
    {
        InputSize = inputSize;
        Units = units;
        Steps = steps;
        MaxBatch = maxBatch;
        _kernel = parameters[name + "/kernel"];
        _recurrent = parameters[name + "/recurrent_kernel"];
        _bias = parameters[name + "/bias"];
        if (_recurrent.Offset != _kernel.Offset + _kernel.Length)
            throw new ArgumentException($"{name}: the recurrent kernel must follow the kernel in the parameter array");
        int g = 4 * units;
        _staged = new float[steps * maxBatch * (inputSize + units)];
        _gates = new float[steps * maxBatch * g];
        _cells = new float[(steps + 1) * maxBatch * units];
        _tanhCells = new float[steps * maxBatch * units];
        _hidden = new float[(steps + 1) * maxBatch * units];
        _dz = new float[steps * maxBatch * g];
        _dh = new float[maxBatch * units];
        _dc = new float[maxBatch * units];
        _recurrentT = new float[g * units];
        _kernelT = new float[g * inputSize];
        _dInput = new float[steps * maxBatch * inputSize];
        bool strips = maxBatch >= PackedRows;   // a layer that only generates never multiplies by strips
        _strips = strips && Gemm.Packable(g) ? new float[(inputSize + units) * g] : [];
        _recurrentTStrips = strips && Gemm.Packable(units) ? new float[g * units] : [];
        _kernelTStrips = strips && Gemm.Packable(inputSize) ? new float[g * inputSize] : [];
        _dzStrips = strips && Gemm.Packable(g) ? new float[steps * maxBatch * g] : [];
    }

    /// <summary>
    /// Copies [kernel; recurrent] from <paramref name="weights"/> into column panels of 64, each contiguous, for
    /// forward passes of fewer than 4 windows (generation): a step's product then reads the matrix front to back
    /// instead of 256 bytes from every 2 KB row (25% faster, bench/README.md). The sums are taken in the same order,
    /// so the results are the same bits. Valid until the weights change: call it again, or <see cref="Unpack"/>.
    /// </summary>
    public void Pack(ReadOnlySpan<float> weights)
    {
        int g = 4 * Units, k = InputSize + Units;
        if (g % Panel != 0) return;   // the panels would not tile the gates
        ReadOnlySpan<float> stacked = weights.Slice(_kernel.Offset, _kernel.Length + _recurrent.Length);
        _panels ??= new float[k * g];
        for (int panel = 0; panel < g / Panel; panel++)
        for (int r = 0; r < k; r++)
            stacked.Slice(r * g + panel * Panel, Panel).CopyTo(_panels.AsSpan((panel * k + r) * Panel, Panel));
        _packed = true;
    }

    /// <summary>Forgets the packed panels: forward passes read the weights themselves again.</summary>
    public void Unpack() => _packed = false;

    /// <summary>
    /// Precomputes the input product x_t·W_x of every value a note's input can take, for <see cref="ForwardFolded"/>:
    /// for an embedded column, its table [classes × dim] times the kernel rows it feeds ([classes × 4H], one product,
    /// once); for a column that enters as a scaled value, its kernel row. <paramref name="columns"/> describes a note's
    /// input columns in order: the first kernel row each feeds, and the embedding table (empty for a scaled value).
    /// Valid until the weights change, like <see cref="Pack"/>.
    /// </summary>
    public void Fold(ReadOnlySpan<float> weights, IReadOnlyList<(int Row, int Classes, int Dim, int TableOffset)> columns)
    {
        int g = 4 * Units, rows = 0;
        if (_foldStart.Length != columns.Count) { _foldStart = new int[columns.Count]; _foldClasses = new int[columns.Count]; }
        for (int j = 0; j < columns.Count; j++)
        {
            _foldStart[j] = rows;
            _foldClasses[j] = columns[j].Classes;
            rows += Math.Max(1, columns[j].Classes);
        }
        if (_folded is null || _folded.Length != rows * g) _folded = new float[rows * g];
        ReadOnlySpan<float> kernel = weights.Slice(_kernel.Offset, _kernel.Length);   // [in, 4H]
        for (int j = 0; j < columns.Count; j++)
        {
            var (row, classes, dim, table) = columns[j];
            Span<float> into = _folded.AsSpan(_foldStart[j] * g, Math.Max(1, classes) * g);
            if (classes == 0) kernel.Slice(row * g, g).CopyTo(into);
            else Gemm.Multiply(weights.Slice(table, classes * dim), dim, kernel[(row * g)..], g, into, g, classes, g, dim, accumulate: false);
        }
    }

    /// <summary>Whether <see cref="Fold"/> has prepared <see cref="ForwardFolded"/>.</summary>
    public bool Folded => _folded != null;

    public int InputSize { get; }
    public int Units { get; }
    public int Steps { get; }
    public int MaxBatch { get; }

    /// <summary>Hidden states h_1..h_T of the last pass as [T, B, H] (the next layer's input).</summary>
    public ReadOnlySpan<float> Sequence(int batch) => _hidden.AsSpan(batch * Units, Steps * batch * Units);

    /// <summary>The final hidden state h_T of the last pass, [B, H].</summary>
    public ReadOnlySpan<float> LastHidden(int batch) => _hidden.AsSpan(Steps * batch * Units, batch * Units);

    /// <summary>The final cell state c_T of the last pass, [B, H].</summary>
    public ReadOnlySpan<float> LastCell(int batch) => _cells.AsSpan((_kept ? Steps : Steps & 1) * batch * Units, batch * Units);

    private bool _kept = true;   // the last forward pass kept every step (a backward pass may follow)

    /// <summary>Gradient w.r.t. the input sequence from the last backward pass, [T, B, in].</summary>
    public ReadOnlySpan<float> InputGradient(int batch) => _dInput.AsSpan(0, Steps * batch * InputSize);

    /// <summary>The same gradient, for a layer below that scales it in place (dropout).</summary>
    public Span<float> InputGradientMutable(int batch) => _dInput.AsSpan(0, Steps * batch * InputSize);

    /// <summary>Runs the layer over <paramref name="x"/> [T, B, in].</summary>
    /// <remarks>
    /// The kernel and the recurrent kernel are adjacent in the parameter array, so [kernel; recurrent] is one
    /// [in+H × 4H] matrix: each step is a single product of the staged rows [x_t | h_{t−1}] with it.
    /// </remarks>
    /// <param name="keep">Keep every step's gates and cells for <see cref="Backward"/>; without it (inference) each step
    /// reuses one slot, so at batch 64 the working set stays in L2 instead of streaming 4 MB of activations.</param>
    public void Forward(ReadOnlySpan<float> x, int batch, ReadOnlySpan<float> weights, bool keep = true)
    {
        int h = Units, g = 4 * h, n = InputSize, k = n + h;
        _kept = keep;
        ReadOnlySpan<float> stacked = weights.Slice(_kernel.Offset, _kernel.Length + _recurrent.Length);   // [in+H, 4H]
        ReadOnlySpan<float> bias = weights.Slice(_bias.Offset, _bias.Length);
        PackStrips(stacked, batch);
        _cells.AsSpan(0, batch * h).Clear();
        _hidden.AsSpan(0, batch * h).Clear();
        for (int t = 0; t < Steps; t++)
        {
            int slot = keep ? t : 0;   // lean: one slot for a step's activations (and two for the cells, see Cell)
            Span<float> staged = _staged.AsSpan(slot * batch * k, batch * k);
            ReadOnlySpan<float> hPrev = _hidden.AsSpan(t * batch * h, batch * h);
            for (int b = 0; b < batch; b++)
            {
                x.Slice((t * batch + b) * n, n).CopyTo(staged.Slice(b * k, n));
                hPrev.Slice(b * h, h).CopyTo(staged.Slice(b * k + n, h));
            }
            Span<float> z = _gates.AsSpan(slot * batch * g, batch * g);
            for (int b = 0; b < batch; b++) bias.CopyTo(z.Slice(b * g, g));
            StepProduct(staged, k, 0, t > 0 ? k : n, z, batch, stacked);   // h_0 = 0: the input part alone at t = 0
            Cell(t, keep, batch);
        }
    }

    /// <summary>
    /// <see cref="Forward"/> for inference, with the input product looked up instead of multiplied (see <see cref="Fold"/>):
    /// each step's pre-activations are the bias, one folded row per input column (a class's row, or the value times
    /// its kernel row; nothing for padding) and h_{t−1}·U. The same function as <see cref="Forward"/> with its sums in
    /// another order, so the results differ in the last bits. <paramref name="notes"/> is [T, B, F], F the columns
    /// given to <see cref="Fold"/>: class indices for embedded ones, values for the others.
    /// </summary>
    public void ForwardFolded(ReadOnlySpan<float> notes, int batch, ReadOnlySpan<float> weights)
    {
        if (_folded is null) throw new InvalidOperationException("ForwardFolded needs Fold first");
        int h = Units, g = 4 * h, n = InputSize, columns = _foldStart.Length;
        _kept = false;
        ReadOnlySpan<float> folded = _folded;
        ReadOnlySpan<float> stacked = weights.Slice(_kernel.Offset, _kernel.Length + _recurrent.Length);   // [in+H, 4H]
        ReadOnlySpan<float> bias = weights.Slice(_bias.Offset, g);
        PackStrips(stacked, batch);
        _cells.AsSpan(0, batch * h).Clear();
        _hidden.AsSpan(0, batch * h).Clear();
        for (int t = 0; t < Steps; t++)
        {
            Span<float> z = _gates.AsSpan(0, batch * g);
            for (int b = 0; b < batch; b++)
            {
                Span<float> zb = z.Slice(b * g, g);
                bias.CopyTo(zb);
                ReadOnlySpan<float> note = notes.Slice((t * batch + b) * columns, columns);
                for (int j = 0; j < columns; j++)
                {
                    int classes = _foldClasses[j];
                    if (classes == 0) { TensorPrimitives.MultiplyAdd(folded.Slice(_foldStart[j] * g, g), note[j], zb, zb); continue; }
                    int id = (int)note[j];
                    if (id == EmbeddingLayer.Pad) continue;   // padding's embedding is the zero vector
                    if ((uint)id >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(notes), $"class {id} outside 0..{classes - 1}");
                    TensorPrimitives.Add(zb, folded.Slice((_foldStart[j] + id) * g, g), zb);
                }
            }
            if (t > 0)   // h_0 = 0 adds nothing
            {
                StepProduct(_hidden.AsSpan(t * batch * h, batch * h), h, n, h, z, batch, stacked);   // h_{t−1}·U: the recurrent rows
            }
            Cell(t, keep: false, batch);
        }
    }

    // a pass of 4+ windows multiplies by [kernel; recurrent] in strips, packed once for its T steps (weights change
    // between training passes, so every pass packs; 0.3 MB against the steps' 25 × 8.6 MFLOP at the paper's size)
    private void PackStrips(ReadOnlySpan<float> stacked, int batch)
    {
        int g = 4 * Units;
        _stripped = batch >= PackedRows && _strips.Length > 0;
        if (_stripped) Gemm.Pack(stacked, g, InputSize + Units, g, _strips);
    }

    // z [B, 4H] += a [B, rows]·([kernel; recurrent] rows first..first+rows−1): from the packed panels when a few
    // windows run on packed weights, from the strips for a batch (the same sums in the same order every way)
    private void StepProduct(ReadOnlySpan<float> a, int lda, int first, int rows, Span<float> z, int batch, ReadOnlySpan<float> stacked)
    {
        int g = 4 * Units, k = InputSize + Units;
        if (_packed && batch < PackedRows)
            for (int panel = 0; panel < g / Panel; panel++)
                Gemm.Multiply(a, lda, _panels.AsSpan((panel * k + first) * Panel, rows * Panel), Panel, z[(panel * Panel)..], g, batch, Panel, rows, accumulate: true);
        else if (_stripped)
            Gemm.MultiplyPacked(a, lda, _strips, k, first, z, g, batch, g, rows, accumulate: true);
        else
            Gemm.Multiply(a, lda, stacked[(first * g)..], g, z, g, batch, g, rows, accumulate: true);
    }

    // step t's activations and cell update, in place on its pre-activations (the slots as Forward lays them out)
    private void Cell(int t, bool keep, int batch)
    {
        int h = Units, g = 4 * h;
        int slot = keep ? t : 0, cell = keep ? t : t & 1;
        Span<float> z = _gates.AsSpan(slot * batch * g, batch * g);
        ReadOnlySpan<float> cPrev = _cells.AsSpan(cell * batch * h, batch * h);
        Span<float> c = _cells.AsSpan((keep ? t + 1 : (t + 1) & 1) * batch * h, batch * h);
        Span<float> hNext = _hidden.AsSpan((t + 1) * batch * h, batch * h);
        if (!keep)
        {
            // inference: one pass of rational activations, 2.2× as fast as the library's seven calls and within 3e-7
            // of them, which moves no sampled note of the measured models
            for (int b = 0; b < batch; b++)
                Activations.LstmStep(z.Slice(b * g, g), cPrev.Slice(b * h, h), c.Slice(b * h, h), hNext.Slice(b * h, h));
            return;
        }
        // training keeps the library's activations: their last bits steer a whole training run, and with the rational
        // ones the same seeds trained models that missed more of the quality targets (bench/README.md, session 13)
        Span<float> tc = _tanhCells.AsSpan(slot * batch * h, batch * h);   // tanh(c), kept for the backward pass
        for (int b = 0; b < batch; b++)
        {
            Span<float> row = z.Slice(b * g, g);
            Span<float> i = row[..h], f = row.Slice(h, h), gc = row.Slice(2 * h, h), o = row.Slice(3 * h, h);
            TensorPrimitives.Sigmoid(row[..(2 * h)], row[..(2 * h)]);   // i and f are adjacent
            TensorPrimitives.Tanh(gc, gc);
            TensorPrimitives.Sigmoid(o, o);
            Span<float> cb = c.Slice(b * h, h), tcb = tc.Slice(b * h, h);
            TensorPrimitives.Multiply(f, cPrev.Slice(b * h, h), cb);
            TensorPrimitives.FusedMultiplyAdd(i, gc, cb, cb);
            TensorPrimitives.Tanh(cb, tcb);
            TensorPrimitives.Multiply(o, tcb, hNext.Slice(b * h, h));
        }
    }

    /// <summary>
    /// Backpropagation through time for the last forward pass. The output gradient is <paramref name="dLast"/> [B, H]
    /// on h_T (the heads), and/or <paramref name="dSequence"/> [T, B, H] on every h_t (a layer above). Weight
    /// gradients are added into <paramref name="gradients"/> (same layout as the weights).
    /// </summary>
    public void Backward(int batch, ReadOnlySpan<float> weights, ReadOnlySpan<float> dLast, ReadOnlySpan<float> dSequence,
                         Span<float> gradients, bool inputGradient)
    {
        if (!_kept) throw new InvalidOperationException("the last forward pass was an inference pass (keep: false); it kept no activations to backpropagate");
        int h = Units, g = 4 * h, n = InputSize, bh = batch * h;
        Gemm.Transpose(weights.Slice(_recurrent.Offset, _recurrent.Length), g, h, g, _recurrentT);
        if (inputGradient) Gemm.Transpose(weights.Slice(_kernel.Offset, _kernel.Length), g, n, g, _kernelT);
        // the transposes' rows are 512 B apart: packed into strips, as for the forward product (same bits)
        bool strips = batch >= PackedRows;
        bool uStrips = strips && _recurrentTStrips.Length > 0, wStrips = strips && inputGradient && _kernelTStrips.Length > 0;
        if (uStrips) Gemm.Pack(_recurrentT, h, g, h, _recurrentTStrips);
        if (wStrips) Gemm.Pack(_kernelT, n, g, n, _kernelTStrips);
        Span<float> dh = _dh.AsSpan(0, bh), dc = _dc.AsSpan(0, bh);
        dh.Clear();
        dc.Clear();
        for (int t = Steps - 1; t >= 0; t--)
        {
            if (t == Steps - 1 && !dLast.IsEmpty) TensorPrimitives.Add(dh, dLast[..bh], dh);
            if (!dSequence.IsEmpty) TensorPrimitives.Add(dh, dSequence.Slice(t * bh, bh), dh);
            ReadOnlySpan<float> gates = _gates.AsSpan(t * batch * g, batch * g);
            ReadOnlySpan<float> cPrev = _cells.AsSpan(t * bh, bh);
            ReadOnlySpan<float> tc = _tanhCells.AsSpan(t * bh, bh);
            Span<float> dz = _dz.AsSpan(t * batch * g, batch * g);
            for (int b = 0; b < batch; b++)
                CellBackward(gates.Slice(b * g, g), cPrev.Slice(b * h, h), tc.Slice(b * h, h), dh.Slice(b * h, h), dc.Slice(b * h, h), dz.Slice(b * g, g), h);
            if (t > 0)
            {
                if (uStrips) Gemm.MultiplyPacked(dz, g, _recurrentTStrips, g, 0, dh, h, batch, h, g, accumulate: false);
                else Gemm.Multiply(dz, g, _recurrentT, h, dh, h, batch, h, g, accumulate: false);
            }
            if (wStrips) Gemm.MultiplyPacked(dz, g, _kernelTStrips, g, 0, _dInput.AsSpan(t * batch * n), n, batch, n, g, accumulate: false);
            else if (inputGradient) Gemm.Multiply(dz, g, _kernelT, n, _dInput.AsSpan(t * batch * n), n, batch, n, g, accumulate: false);
        }

        int rows = Steps * batch, k = n + h;
        ReadOnlySpan<float> dzAll = _dz.AsSpan(0, rows * g);
        // [kernel; recurrent] += [x_t | h_{t−1}]ᵀ·dZ over all steps at once: [in+H, T·B]·[T·B, 4H] (the h_0 = 0 rows add nothing)
        Span<float> dW = gradients.Slice(_kernel.Offset, _kernel.Length + _recurrent.Length);
        if (strips && _dzStrips.Length > 0)
        {
            Gemm.Pack(dzAll, g, rows, g, _dzStrips);
            Gemm.MultiplyTransposedAPacked(_staged, k, _dzStrips, dW, g, k, g, rows, accumulate: true);
        }
        else Gemm.MultiplyTransposedA(_staged, k, dzAll, g, dW, g, k, g, rows, accumulate: true);
        Span<float> dBias = gradients.Slice(_bias.Offset, _bias.Length);
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(dBias, dzAll.Slice(r * g, g), dBias);
    }

    /// <summary>One cell's backward step for one batch row: fills dZ (4H) and carries dh → dc, dc → dc_{t−1}.</summary>
    private static void CellBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> tc, ReadOnlySpan<float> dh,
                                     Span<float> dc, Span<float> dz, int h)
    {
        ReadOnlySpan<float> i = gates[..h], f = gates.Slice(h, h), gc = gates.Slice(2 * h, h), o = gates.Slice(3 * h, h);
        Span<float> dzi = dz[..h], dzf = dz.Slice(h, h), dzg = dz.Slice(2 * h, h), dzo = dz.Slice(3 * h, h);
        int w = Vector<float>.Count, j = 0;
        var one = Vector<float>.One;
        for (; j + w <= h; j += w)
        {
            var vi = new Vector<float>(i[j..]); var vf = new Vector<float>(f[j..]);
            var vg = new Vector<float>(gc[j..]); var vo = new Vector<float>(o[j..]);
            var vtc = new Vector<float>(tc[j..]); var vdh = new Vector<float>(dh[j..]);
            var vdc = new Vector<float>(dc[j..]) + vdh * vo * (one - vtc * vtc);
            (vdh * vtc * vo * (one - vo)).CopyTo(dzo[j..]);
            (vdc * vg * vi * (one - vi)).CopyTo(dzi[j..]);
            (vdc * vi * (one - vg * vg)).CopyTo(dzg[j..]);
            (vdc * new Vector<float>(cPrev[j..]) * vf * (one - vf)).CopyTo(dzf[j..]);
            (vdc * vf).CopyTo(dc[j..]);
        }
        for (; j < h; j++)
        {
            float dcj = dc[j] + dh[j] * o[j] * (1 - tc[j] * tc[j]);
            dzo[j] = dh[j] * tc[j] * o[j] * (1 - o[j]);
            dzi[j] = dcj * gc[j] * i[j] * (1 - i[j]);
            dzg[j] = dcj * i[j] * (1 - gc[j] * gc[j]);
            dzf[j] = dcj * cPrev[j] * f[j] * (1 - f[j]);
            dc[j] = dcj * f[j];
        }
    }
}
