namespace Cadenza.Audio;

/// <summary>A synthesizer playing a score, pulled one caller-owned block at a time.</summary>
internal interface IAudioSource : IDisposable
{
    /// <summary>True while the score still has events ahead; after that only release tails ring.</summary>
    bool IsPlaying { get; }

    /// <summary>Renders the next frames into <paramref name="block"/> (interleaved stereo), overwriting it; never allocates.</summary>
    void Render(Span<float> block);
}
