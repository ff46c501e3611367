using System.Buffers.Binary;

namespace Cadenza.Audio;

/// <summary>Float samples to 16-bit little-endian PCM, streamed through one reused buffer.</summary>
internal static class Pcm16
{
    private const float FullScale = short.MaxValue;
    private const int ChunkSamples = 1 << 15;

    /// <summary>Writes <paramref name="samples"/> (full scale ±1) as 16-bit PCM through <paramref name="write"/>, a chunk at a time.</summary>
    public static void Write(ReadOnlySpan<float> samples, Action<byte[], int> write)
    {
        var bytes = new byte[ChunkSamples * sizeof(short)];
        for (int offset = 0; offset < samples.Length; offset += ChunkSamples)
        {
            ReadOnlySpan<float> chunk = samples.Slice(offset, Math.Min(ChunkSamples, samples.Length - offset));
            for (int i = 0; i < chunk.Length; i++)
            {
                // round to nearest; the clamp only matters for input that was not levelled first
                int value = (int)MathF.Round(chunk[i] * FullScale);
                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * sizeof(short)), (short)Math.Clamp(value, short.MinValue, short.MaxValue));
            }
            write(bytes, chunk.Length * sizeof(short));
        }
    }
}
