using System.CommandLine;
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

    /// <summary>Files or pieces below which no progress bar is shown (it would only flash).</summary>
    private const int ProgressThreshold = 50;

    /// <summary>
    /// Runs <paramref name="body"/> with a progress display on an interactive terminal: a bar when the number of pieces
    /// is known, else a running count (streamed datasets).
    /// </summary>
    public static T Reading<T>(string what, int? total, Func<IProgress<int>?, T> body)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || total <= ProgressThreshold) return body(null);
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(what), maxValue: total ?? 1);
                task.IsIndeterminate = total is null;
                result = body(new Progress<int>(n =>
                {
                    if (total is null) task.Description = Markup.Escape($"{what}: {N(n)} pieces");
                    else task.Value = n;
                }));
                task.IsIndeterminate = false;
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>Prints a warning line per listed piece read with a warning or skipped, and how many more there were beyond each list.</summary>
    public static void WarnPieces(CorpusSummary summary)
    {
        foreach (CorpusFile f in summary.Warned) Warning($"{f.Path}: {f.Warning}");
        if (summary.WarnedCount > summary.Warned.Count) Warning($"… and {N(summary.WarnedCount - summary.Warned.Count)} more pieces read with a warning");
        foreach (CorpusFile f in summary.Skipped) Warning($"{f.Path}: skipped: {f.Reason}");
        if (summary.SkippedCount > summary.Skipped.Count) Warning($"… and {N(summary.SkippedCount - summary.Skipped.Count)} more skipped pieces");
    }

    /// <summary>The <c>--split</c> option: which of the source's own splits to read.</summary>
    public static Option<string?> SplitOption()
    {
        var option = new Option<string?>("--split")
        {
            Description = "Read only this split of a source that has one (MAESTRO, split-named TFRecords): train, validation, test or all (default)",
        };
        option.AcceptOnlyFromAmong("train", "validation", "test", "all");
        return option;
    }

    /// <summary>The <c>--part</c> option: which notes of a Bach Doodle session to read.</summary>
    public static Option<string?> PartOption()
    {
        var option = new Option<string?>("--part")
        {
            Description = "Bach Doodle: harmony (Coconet's 4-voice harmonisation, default), melody (the user's input) or both",
        };
        option.AcceptOnlyFromAmong("melody", "harmony", "both");
        return option;
    }

    /// <summary>Runs <paramref name="body"/> with Ctrl+C cancelling its token; a second Ctrl+C ends the process at once.</summary>
    public static T WithCancel<T>(Func<CancellationToken, T> body)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return;   // a second Ctrl+C ends the process at once
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return body(cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
