using System.Diagnostics;
using NAudio.Wave;

namespace Cadenza.Tests.Audio;

/// <summary>Reads audio back for the tests and measures it: length, peak, level, dominant frequency.</summary>
internal sealed class AudioProbe
{
    private AudioProbe(float[] samples, int sampleRate, int channels, int bitsPerSample)
    {
        Samples = samples;
        SampleRate = sampleRate;
        Channels = channels;
        BitsPerSample = bitsPerSample;
    }

    /// <summary>Interleaved samples, full scale ±1.</summary>
    public float[] Samples { get; }
    public int SampleRate { get; }
    public int Channels { get; }
    public int BitsPerSample { get; }
    public int Frames => Samples.Length / Channels;
    public double Seconds => (double)Frames / SampleRate;
    public float Peak => Samples.Length == 0 ? 0 : Samples.Max(MathF.Abs);

    public double Rms(double from = 0, double to = double.MaxValue)
    {
        var (a, b) = Range(from, to);
        double sum = 0;
        for (int i = a * Channels; i < b * Channels; i++) sum += Samples[i] * (double)Samples[i];
        return Math.Sqrt(sum / Math.Max(1, (b - a) * Channels));
    }

    public static AudioProbe ReadWav(string path)
    {
        using var reader = new WaveFileReader(path);
        ISampleProvider provider = reader.ToSampleProvider();
        var samples = new float[reader.SampleCount * reader.WaveFormat.Channels];
        int read = provider.Read(samples.AsSpan());
        Assert.Equal(samples.Length, read);
        return new AudioProbe(samples, reader.WaveFormat.SampleRate, reader.WaveFormat.Channels, reader.WaveFormat.BitsPerSample);
    }

    /// <summary>Decodes an MP3 with <c>lame --decode</c> (the same package that encoded it) and reads the WAV.</summary>
    public static AudioProbe DecodeMp3(string mp3, string wav)
    {
        var info = new ProcessStartInfo("lame") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "--quiet", "--decode", mp3, wav }) info.ArgumentList.Add(a);
        using Process p = Process.Start(info)!;
        string errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"lame --decode failed: {errors}");
        return ReadWav(wav);
    }

    /// <summary>The frequency with the largest Hann-windowed DFT magnitude over [from, to) seconds, searched in 1 Hz steps then refined to 0.1 Hz.</summary>
    public double DominantFrequency(double from, double to, double minHz = 50, double maxHz = 2000)
    {
        var (a, b) = Range(from, to);
        int n = b - a;
        var mono = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int c = 0; c < Channels; c++) sum += Samples[(a + i) * Channels + c];
            mono[i] = sum / Channels * (0.5 - 0.5 * Math.Cos(2 * Math.PI * i / (n - 1)));
        }
        double best = minHz, bestMagnitude = -1;
        for (double f = minHz; f <= maxHz; f += 1)
            Consider(f);
        double coarse = best;
        for (double f = coarse - 1; f <= coarse + 1; f += 0.1)
            Consider(f);
        return best;

        void Consider(double f)
        {
            // Goertzel: the DFT at one frequency
            double w = 2 * Math.PI * f / SampleRate, k = 2 * Math.Cos(w), s1 = 0, s2 = 0;
            foreach (double x in mono)
            {
                double s0 = x + k * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            double magnitude = s1 * s1 + s2 * s2 - k * s1 * s2;
            if (magnitude > bestMagnitude) { bestMagnitude = magnitude; best = f; }
        }
    }

    private (int, int) Range(double from, double to)
    {
        int a = (int)Math.Clamp(from * SampleRate, 0, Frames);
        int b = (int)Math.Clamp(to * SampleRate, a, Frames);
        return (a, b);
    }
}
