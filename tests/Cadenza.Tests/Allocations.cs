namespace Cadenza.Tests;

/// <summary>Bytes a piece of code allocates on the calling thread, robust to the runtime's own one-off work.</summary>
internal static class Allocations
{
    /// <summary>
    /// The fewest bytes <paramref name="action"/> allocated on this thread over <paramref name="attempts"/> runs.
    /// </summary>
    /// <remarks>
    /// The runtime now and then charges work of its own to whichever thread happens to trigger it (seen: ~6 KB once in
    /// a full suite run, when the tiered JIT's call counting fired mid-loop and brought up its background worker).
    /// An allocation in the measured code happens on every run, so the minimum still catches it; the runtime's one-off
    /// does not repeat, so it no longer fails the test at random.
    /// </remarks>
    /// <param name="prepare">Run before each attempt, unmeasured: code with state (a synthesizer half way through a
    /// piece) is set back to its start, so that every attempt covers the same work.</param>
    public static long Measure(Action action, int attempts = 3, Action? prepare = null)
    {
        long fewest = long.MaxValue;
        for (int i = 0; i < attempts && fewest != 0; i++)
        {
            prepare?.Invoke();
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }

    /// <summary>
    /// The fewest bytes <paramref name="blocks"/> rendered blocks allocate, every attempt from a fresh source whose
    /// first block (which may initialise) is not measured; and whether the score still played in a measured block.
    /// </summary>
    public static (long Bytes, bool Playing) Rendering(Func<Cadenza.Audio.IAudioSource> create, int blocks)
    {
        var block = new float[Cadenza.Audio.RenderLoop.BlockFrames * 2];
        Cadenza.Audio.IAudioSource? source = null;
        bool playing = false;
        try
        {
            long bytes = Measure(() =>
            {
                for (int i = 0; i < blocks; i++)
                {
                    source!.Render(block);
                    playing |= source.IsPlaying;
                }
            }, prepare: () =>
            {
                source?.Dispose();
                source = create();
                source.Render(block);
            });
            return (bytes, playing);
        }
        finally
        {
            source?.Dispose();
        }
    }
}
