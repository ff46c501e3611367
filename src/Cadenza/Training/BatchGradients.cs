using System.Numerics.Tensors;
using Cadenza.Model;

namespace Cadenza.Training;

/// <summary>
/// Computes a batch's loss and gradient, data-parallel over a fixed number of threads: each thread runs its own
/// <see cref="MusicNetwork"/> on a contiguous slice of the batch, and the slice gradients are combined in a fixed
/// order, weighted by slice size, so a given thread count always gives the same bits.
/// </summary>
/// <remarks>
/// Workers are dedicated threads that block on a semaphore between batches: no spinning, so a second process that
/// keeps a core busy slows training down proportionally instead of collapsing it.
/// </remarks>
public sealed class BatchGradients : IDisposable
{
    private readonly MusicNetwork[] _networks;
    private readonly float[][] _gradients;   // per worker, same layout as the weights; worker 0 writes the result
    private readonly float[][] _headLosses;  // per worker
    private readonly float[] _losses;        // per worker total
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _done;
    private volatile bool _stopping;
    private Exception? _failure;

    // the current job, read by workers after _start is released
    private float[] _inputs = [];
    private float[] _labels = [];
    private int _batch;
    private ulong? _dropout;

    /// <summary>Creates <paramref name="threads"/> workers for batches of up to <paramref name="maxBatch"/> windows.</summary>
    public BatchGradients(MusicModel model, int maxBatch, int threads)
    {
        Threads = Math.Clamp(threads, 1, maxBatch);
        int perThread = (maxBatch + Threads - 1) / Threads;
        _networks = Enumerable.Range(0, Threads).Select(_ => new MusicNetwork(model, perThread)).ToArray();
        _gradients = Enumerable.Range(0, Threads).Select(_ => new float[model.ParameterCount]).ToArray();
        _headLosses = Enumerable.Range(0, Threads).Select(_ => new float[model.Config.Heads.Length]).ToArray();
        _losses = new float[Threads];
        _start = Enumerable.Range(0, Threads).Select(_ => new SemaphoreSlim(0)).ToArray();
        _done = new CountdownEvent(1);
        _threads = Enumerable.Range(1, Threads - 1).Select(w => new Thread(() => Work(w)) { IsBackground = true, Name = $"cadenza-train-{w}" }).ToArray();
        foreach (Thread t in _threads) t.Start();
        Model = model;
    }

    /// <summary>Number of threads used.</summary>
    public int Threads { get; }

    /// <summary>The model trained.</summary>
    public MusicModel Model { get; }

    /// <summary>The gradient of the last <see cref="Compute"/> (same layout as the weights).</summary>
    public float[] Gradient => _gradients[0];

    /// <summary>
    /// Loss and gradient of <paramref name="batch"/> windows; fills <paramref name="headLosses"/> and returns the total
    /// loss. <paramref name="dropout"/> seeds the batch's dropout masks (each worker draws its slice's from its own stream).
    /// </summary>
    public float Compute(float[] inputs, float[] labels, int batch, Span<float> headLosses, ulong? dropout = null)
    {
        _inputs = inputs;
        _labels = labels;
        _batch = batch;
        _dropout = dropout;
        int workers = Math.Min(Threads, batch);
        if (workers > 1)
        {
            _done.Reset(workers - 1);
            for (int w = 1; w < workers; w++) _start[w].Release();
        }
        Slice(0, workers);
        if (workers > 1) _done.Wait();
        if (_failure is { } failure) { _failure = null; throw new InvalidOperationException("a training thread failed", failure); }

        float total = 0;
        headLosses.Clear();
        Span<float> result = _gradients[0];
        for (int w = 0; w < workers; w++)
        {
            var (_, count) = Range(w, workers, batch);
            float share = (float)count / batch;
            if (w == 0) TensorPrimitives.Multiply(result, share, result);
            else TensorPrimitives.FusedMultiplyAdd(_gradients[w], share, result, result);
            total += share * _losses[w];
            for (int h = 0; h < headLosses.Length; h++) headLosses[h] += share * _headLosses[w][h];
        }
        return total;
    }

    private static (int Offset, int Count) Range(int worker, int workers, int batch)
    {
        int per = (batch + workers - 1) / workers;
        int offset = worker * per;
        return (offset, Math.Min(per, batch - offset));
    }

    private void Slice(int w, int workers)
    {
        var (offset, count) = Range(w, workers, _batch);
        ModelConfig c = Model.Config;
        int windowFloats = c.SequenceLength * c.InputSize, labelFloats = c.Heads.Length;
        _losses[w] = _networks[w].ComputeGradients(
            _inputs.AsSpan(offset * windowFloats, count * windowFloats), _labels.AsSpan(offset * labelFloats, count * labelFloats),
            count, _gradients[w], _headLosses[w], _dropout is { } seed ? seed + 0x9E37_79B9_7F4A_7C15UL * (ulong)(w + 1) : null);
    }

    private void Work(int w)
    {
        while (true)
        {
            _start[w].Wait();
            if (_stopping) return;
            try { Slice(w, Math.Min(Threads, _batch)); }
            catch (Exception e) { _failure = e; }
            finally { _done.Signal(); }
        }
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        _stopping = true;
        foreach (SemaphoreSlim s in _start) s.Release();
        foreach (Thread t in _threads) t.Join();
        foreach (SemaphoreSlim s in _start) s.Dispose();
        _done.Dispose();
    }
}
