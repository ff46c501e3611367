using System.Numerics.Tensors;

namespace Cadenza.Audio;

/// <summary>Interleaved stereo float audio that a renderer appends to block by block.</summary>
/// <remarks>
/// Sized up front from the score's length, so a render normally never reallocates; a score that runs longer grows
/// it by doubling (a handful of times at most), never per block.
/// </remarks>
internal sealed class SampleBuffer
{
    /// <summary>Stereo: left and right samples alternate.</summary>
    public const int Channels = 2;

    private float[] _samples;

    /// <summary>Creates an empty buffer with room for <paramref name="capacityFrames"/> frames.</summary>
    public SampleBuffer(int sampleRate, long capacityFrames)
    {
        SampleRate = sampleRate;
        _samples = new float[Math.Clamp(capacityFrames, 1, Array.MaxLength / Channels) * Channels];
    }

    /// <summary>Frames per second.</summary>
    public int SampleRate { get; }

    /// <summary>Frames held (one frame = one left and one right sample).</summary>
    public int Frames { get; private set; }

    /// <summary>Length in seconds.</summary>
    public double Seconds => (double)Frames / SampleRate;

    /// <summary>The samples held, interleaved left, right.</summary>
    public Span<float> Samples => _samples.AsSpan(0, Frames * Channels);

    /// <summary>Appends <paramref name="frames"/> frames and returns them for the renderer to overwrite.</summary>
    public Span<float> Append(int frames)
    {
        long needed = ((long)Frames + frames) * Channels;
        if (needed > _samples.Length)
        {
            if (needed > Array.MaxLength) throw new AudioException($"audio longer than {Array.MaxLength / Channels / SampleRate} s does not fit in memory");
            Array.Resize(ref _samples, (int)Math.Min(Math.Max(needed, 2L * _samples.Length), Array.MaxLength));
        }
        Span<float> block = _samples.AsSpan(Frames * Channels, frames * Channels);
        Frames += frames;
        return block;
    }

    /// <summary>Largest absolute sample, 0 when empty.</summary>
    public float Peak() => Frames == 0 ? 0 : Math.Abs(TensorPrimitives.MaxMagnitude(Samples));   // MaxMagnitude keeps the sign

    /// <summary>Largest absolute sample of the frames from <paramref name="startFrame"/> on.</summary>
    public float Peak(int startFrame) =>
        startFrame >= Frames ? 0 : Math.Abs(TensorPrimitives.MaxMagnitude((ReadOnlySpan<float>)_samples.AsSpan(startFrame * Channels, (Frames - startFrame) * Channels)));

    /// <summary>Drops the frames after the last one whose level reaches <paramref name="threshold"/>, keeping at least <paramref name="minFrames"/>.</summary>
    public void TrimSilence(float threshold, int minFrames)
    {
        int last = Frames * Channels - 1;
        int floor = Math.Min(minFrames, Frames) * Channels;
        while (last >= floor && Math.Abs(_samples[last]) < threshold) last--;
        Frames = Math.Max(last / Channels + 1, Math.Min(minFrames, Frames));
    }

    /// <summary>Fades the last <paramref name="frames"/> frames linearly to zero.</summary>
    public void FadeOut(int frames)
    {
        frames = Math.Min(frames, Frames);
        int first = Frames - frames;
        for (int i = 0; i < frames; i++)
        {
            float gain = (float)(frames - i) / frames;
            _samples[(first + i) * Channels] *= gain;
            _samples[(first + i) * Channels + 1] *= gain;
        }
    }

    /// <summary>Multiplies every sample by <paramref name="factor"/>.</summary>
    public void Scale(float factor)
    {
        Span<float> samples = Samples;
        TensorPrimitives.Multiply(samples, factor, samples);
    }
}
