using Cadenza.Audio;
using Cadenza.Midi;

namespace Cadenza.Tests.Audio;

/// <summary>The facade: formats, MP3 through lame, the fallback when FluidSynth is missing, errors, and the CLI.</summary>
public class AudioRendererTests
{
    [LameFact]
    public void Render_Mp3_DecodesBackToTheSameDuration()
    {
        using var dir = new TempDir();
        AudioResult result = AudioRenderer.Render(AudioFixtures.PianoPiece, dir.File("piece.mp3"));
        Assert.Equal(AudioFormat.Mp3, result.Format);
        AudioProbe decoded = AudioProbe.DecodeMp3(result.OutputPath, dir.File("decoded.wav"));
        Assert.True(Math.Abs(decoded.Seconds - result.Seconds) <= 0.1, $"decoded {decoded.Seconds:F3} s, rendered {result.Seconds:F3} s");
        AudioFixtures.AssertPlausible(decoded, AudioFixtures.LastNoteEnd(AudioFixtures.PianoPiece));
        // only the MP3 and the decoded WAV: the encoder's temporary file was renamed, not left behind
        Assert.Equal(["decoded.wav", "piece.mp3"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Render_Mp3WithoutLame_IsAOneLineErrorNamingThePackage()
    {
        using var dir = new TempDir();
        var options = new AudioOptions { Lame = dir.File("no-lame-here") };
        var e = Assert.Throws<AudioException>(() => AudioRenderer.Render(AudioFixtures.SustainedA4, dir.File("a4.mp3"), options));
        Assert.Contains("apt-get install lame", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Render_WithoutFluidSynth_FallsBackToTheBuiltInSynthWithAWarning()
    {
        using var dir = new TempDir();
        var options = new AudioOptions { FluidSynthLibrary = dir.File("libfluidsynth-missing.so.3") };
        AudioResult result = AudioRenderer.Render(AudioFixtures.SustainedA4, dir.File("a4.wav"), options);
        Assert.Equal(AudioEngine.BuiltIn, result.Engine);
        Assert.NotNull(result.Warning);
        Assert.Contains(AudioRenderer.InstallHint, result.Warning);
        Assert.DoesNotContain('\n', result.Warning);
        AudioFixtures.AssertPlausible(AudioProbe.ReadWav(result.OutputPath), 2.0);
    }

    [Theory]
    [InlineData("out.ogg")]
    [InlineData("out")]
    public void Render_UnknownExtension_IsAnError(string name)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<AudioException>(() => AudioRenderer.Render(AudioFixtures.SustainedA4, dir.File(name)));
        Assert.Contains(".wav or .mp3", e.Message);
    }

    [Fact]
    public void Render_MissingMidiFile_IsAMidiFormatError()
    {
        using var dir = new TempDir();
        Assert.Throws<MidiFormatException>(() => AudioRenderer.Render(dir.File("missing.mid"), dir.File("out.wav")));
    }

    [Fact]
    public void Render_ExistingOutput_IsReplaced()
    {
        using var dir = new TempDir();
        string wav = dir.File("a4.wav");
        File.WriteAllText(wav, "old");
        AudioRenderer.Render(AudioFixtures.SustainedA4, wav, new AudioOptions { BuiltIn = true });
        Assert.True(new FileInfo(wav).Length > 44_100);
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Options_OutOfRange_AreRejected()
    {
        using var dir = new TempDir();
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            AudioRenderer.Render(AudioFixtures.SustainedA4, dir.File("a.wav"), new AudioOptions { SampleRate = 1000 }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            AudioRenderer.Render(AudioFixtures.SustainedA4, dir.File("a.wav"), new AudioOptions { Mp3Quality = 10 }));
    }

    [Fact]
    public void Cli_Render_WritesTheFileAndExitsZero()
    {
        using var dir = new TempDir();
        string wav = dir.File("cli.wav");
        int code = Cadenza.Cli.Program.Main(["render", AudioFixtures.PianoPiece, "--out", wav]);
        Assert.Equal(0, code);
        AudioFixtures.AssertPlausible(AudioProbe.ReadWav(wav), AudioFixtures.LastNoteEnd(AudioFixtures.PianoPiece));
    }

    [Fact]
    public void Cli_RenderToUnknownFormat_ExitsNonZero()
    {
        using var dir = new TempDir();
        Assert.NotEqual(0, Cadenza.Cli.Program.Main(["render", AudioFixtures.PianoPiece, "--out", dir.File("x.flac")]));
    }

    [Fact]
    public void Benchmark_DemoPiece_ReportsARealtimeFactor()
    {
        string piece = Directory.GetFiles(Paths.Demo, "*.mid").Order().First();
        AudioBenchmarkResult result = AudioBenchmark.MeasureRealtimeFactor(piece, new AudioOptions { BuiltIn = true }, runs: 1);
        Assert.True(result.AudioSeconds > 1);
        Assert.True(result.RealtimeFactor > 1, $"{result.RealtimeFactor:F1}x real time");
    }
}
