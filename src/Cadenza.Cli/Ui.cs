using System.Globalization;
using Cadenza.Corpus;
using Cadenza.Midi;
using Spectre.Console;

namespace Cadenza.Cli;

/// <summary>Terminal output shared by the commands: error lines, warnings, number formats.</summary>
internal static class Ui
{
    /// <summary>Exit code for a bad input or failed operation.</summary>
    public const int Failure = 1;

    /// <summary>Runs a command body, turning expected errors into one line on stderr and a non-zero exit code.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (IsUserError(e))
        {
            Error(e.Message);
            return Failure;
        }
        catch (OperationCanceledException)
        {
            Error("cancelled");
            return 130;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("CADENZA_DEBUG") is null)
        {
            Error($"unexpected {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")} (set CADENZA_DEBUG=1 for the stack trace)");
            return 70;
        }
    }

    private static bool IsUserError(Exception e) =>
        e is MidiFormatException or CorpusException or IOException or UnauthorizedAccessException or FormatException or ArgumentException
        || (e.GetType().Namespace ?? "").StartsWith("Cadenza", StringComparison.Ordinal);

    /// <summary>Writes "error: message" as one line to stderr.</summary>
    public static void Error(string message) => Console.Error.WriteLine($"error: {OneLine(message)}");

    /// <summary>Writes "warning: message" as one line to stderr.</summary>
    public static void Warning(string message) => Console.Error.WriteLine($"warning: {OneLine(message)}");

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    /// <summary>Formats a number with thousands separators.</summary>
    public static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Formats seconds as h:mm:ss.</summary>
    public static string Duration(double seconds) =>
        TimeSpan.FromSeconds(Math.Round(seconds)).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    /// <summary>Formats a double with fixed decimals, invariant culture.</summary>
    public static string F(double value, int decimals = 3) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>Reads a corpus with a progress bar on an interactive terminal, and prints a warning line per skipped file.</summary>
    public static (List<CorpusFile> Files, CorpusSummary Summary) ReadCorpus(string root, CorpusOptions options)
    {
        (List<CorpusFile> Files, CorpusSummary Summary) result = default;
        int total = CorpusReader.ListFiles(root).Count;
        if (total > 50 && AnsiConsole.Profile.Capabilities.Interactive)
        {
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("reading MIDI", maxValue: total);
                    result = CorpusReader.Read(root, options, new Progress<int>(n => task.Value = n));
                    task.Value = total;
                });
        }
        else
        {
            result = CorpusReader.Read(root, options);
        }
        foreach (CorpusFile f in result.Summary!.Skipped) Warning($"{f.Path}: skipped: {f.Reason}");
        return result;
    }
}
