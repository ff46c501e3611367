using Cadenza.Common;
using NAudio.Wave;

namespace Cadenza.Audio;

/// <summary>Writes audio as a 16-bit PCM WAV file, atomically.</summary>
internal static class WavFile
{
    private const int BitsPerSample = 16;

    /// <summary>Writes <paramref name="audio"/> to <paramref name="path"/> (temporary file, then rename).</summary>
    public static void Write(string path, SampleBuffer audio)
    {
        AtomicFile.Write(path, stream =>
        {
            // the writer patches the RIFF sizes on dispose and leaves a caller's stream open for AtomicFile to flush
            using var writer = new WaveFileWriter(stream, new WaveFormat(audio.SampleRate, BitsPerSample, SampleBuffer.Channels));
            Pcm16.Write(audio.Samples, (bytes, count) => writer.Write(bytes, 0, count));
        });
    }
}
