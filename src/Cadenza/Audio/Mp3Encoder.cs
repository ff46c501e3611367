using System.Diagnostics;
using System.Globalization;
using Cadenza.Common;

namespace Cadenza.Audio;

/// <summary>Encodes audio to MP3 with the <c>lame</c> command (Debian package <c>lame</c>), VBR, into a temporary file renamed at the end.</summary>
/// <remarks>
/// PCM goes to lame's standard input; the MP3 goes to a file, not to standard output, because lame writes its
/// Xing/LAME header (VBR seek table, encoder delay and padding, so that decoders restore the exact length) by
/// seeking back to the start when it is done.
/// </remarks>
internal static class Mp3Encoder
{
    /// <summary>The Debian package that provides the encoder.</summary>
    public const string DebianPackage = "lame";

    private const int ErrorLines = 1;

    /// <summary>The lame executable for <paramref name="lame"/> (a name on PATH or a path).</summary>
    /// <exception cref="AudioException">lame is not installed.</exception>
    public static string Locate(string lame)
    {
        string? found = lame.Contains(Path.DirectorySeparatorChar) || lame.Contains('/')
            ? (File.Exists(lame) ? lame : null)
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, lame))
                .FirstOrDefault(File.Exists);
        return found ?? throw new AudioException($"MP3 needs the lame encoder, which is not installed ({lame}): apt-get install {DebianPackage}, or write .wav");
    }

    /// <summary>Encodes <paramref name="audio"/> to <paramref name="path"/> with <c>lame -V<paramref name="quality"/></c>.</summary>
    /// <exception cref="AudioException">lame is missing or fails.</exception>
    public static void Encode(SampleBuffer audio, string path, int quality, string lame)
    {
        string exe = Locate(lame);
        AtomicFile.WriteViaPath(path, temp => Run(exe, audio, quality, temp, path));
    }

    private static void Run(string exe, SampleBuffer audio, int quality, string temp, string path)
    {
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
                 {
                     "--quiet",
                     "-r", "--signed", "--little-endian", "--bitwidth", "16",   // raw PCM on stdin, as Pcm16 writes it
                     "-s", (audio.SampleRate / 1000.0).ToString(CultureInfo.InvariantCulture),   // kHz, e.g. 44.1
                     "-m", "j",                                                 // stereo input, joint-stereo coding
                     "-V", quality.ToString(CultureInfo.InvariantCulture),
                     "-", temp,
                 })
            info.ArgumentList.Add(arg);

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            throw new AudioException($"{path}: cannot run {exe}: {e.Message}", e);
        }
        Task<string> errors = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();   // drained so that lame never blocks on a full pipe
        try
        {
            Stream stdin = process.StandardInput.BaseStream;
            Pcm16.Write(audio.Samples, (bytes, count) => stdin.Write(bytes, 0, count));
            stdin.Close();
        }
        catch (IOException)
        {
            // lame exited early (broken pipe): its exit code and message below say why
        }
        process.WaitForExit();
        string message = string.Join(" ", errors.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(ErrorLines));
        _ = output.Result;
        if (process.ExitCode != 0)
            throw new AudioException($"{path}: lame failed with exit code {process.ExitCode}{(message.Length > 0 ? ": " + message : "")}");
        if (!File.Exists(temp))
            throw new AudioException($"{path}: lame exited without writing the MP3");
    }
}
