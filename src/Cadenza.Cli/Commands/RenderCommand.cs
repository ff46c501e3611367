using System.CommandLine;
using Cadenza.Audio;
using Spectre.Console;

namespace Cadenza.Cli.Commands;

/// <summary><c>cadenza render FILE.mid --out FILE.wav|FILE.mp3</c>: render a MIDI file to audio and print what was used.</summary>
internal static class RenderCommand
{
    private const double FullScale = 1.0;

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "MIDI file (.mid, .midi, .mid.gz)" };
        var output = new Option<string>("--out", "-o") { Description = "Audio file to write: .wav (16-bit PCM) or .mp3 (lame -V2)", Required = true };
        var soundFont = new Option<string?>("--soundfont") { Description = $"SoundFont (.sf2) for FluidSynth; default: ${SoundFontLocator.EnvironmentVariable}, else {SoundFontLocator.StandardPaths[0]} and the usual places" };
        var builtIn = new Option<bool>("--builtin") { Description = "Use the built-in synthesizer even when FluidSynth is installed" };
        var command = new Command("render", "Render a MIDI file to WAV or MP3 with FluidSynth (or the built-in synthesizer)") { file, output, soundFont, builtIn };
        command.SetAction(r => Ui.Run(() =>
        {
            var options = new AudioOptions { SoundFont = r.GetValue(soundFont), BuiltIn = r.GetValue(builtIn) };
            AudioResult result = AudioRenderer.Render(r.GetValue(file)!, r.GetValue(output)!, options);
            if (result.InputWarning is not null) Ui.Warning(result.InputWarning);
            if (result.Warning is not null) Ui.Warning(result.Warning);
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("engine", result.Engine == AudioEngine.FluidSynth ? "FluidSynth" : "built-in synthesizer");
            if (result.SoundFont is not null) grid.AddRow("SoundFont", Markup.Escape(result.SoundFont));
            grid.AddRow("duration", $"{Ui.Duration(result.Seconds)} ({Ui.F(result.Seconds, 2)} s)");
            grid.AddRow("peak", $"{Ui.F(result.Peak)} ({Ui.F(20 * Math.Log10(Math.Max(result.Peak, 1e-9) / FullScale), 1)} dBFS)");
            grid.AddRow("speed", $"{Ui.F(result.RealtimeFactor, 1)}x real time");
            grid.AddRow("wrote", Markup.Escape(result.OutputPath));
            AnsiConsole.Write(grid);
            return 0;
        }));
        return command;
    }
}
