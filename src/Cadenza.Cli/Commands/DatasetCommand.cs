using System.CommandLine;
using Cadenza.Corpus.Datasets;
using Spectre.Console;

namespace Cadenza.Cli.Commands;

/// <summary><c>cadenza dataset download NAME</c>: fetch a known dataset (resumable, verified) and extract it safely; <c>cadenza dataset list</c>: the known ones.</summary>
internal static class DatasetCommand
{
    public static Command Create()
    {
        var command = new Command("dataset", "Download the datasets Cadenza knows: MAESTRO v3.0.0 and v2.0.0 (MIDI only)");
        command.Subcommands.Add(Download());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the datasets that can be downloaded by name");
        command.SetAction(_ => Ui.Run(() =>
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("name", "dataset", "url");
            foreach (DatasetInfo d in DatasetCatalog.All) table.AddRow(d.Name, Markup.Escape(d.Title), Markup.Escape(d.Url.ToString()));
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Download()
    {
        var name = new Argument<string>("NAME") { Description = $"The dataset: {string.Join(" or ", DatasetCatalog.All.Select(d => d.Name))}" };
        name.AcceptOnlyFromAmong(DatasetCatalog.All.Select(d => d.Name).ToArray());
        var output = new Option<string>("--out") { Description = "Folder for the zip and the extracted dataset (default: datasets)", DefaultValueFactory = _ => "datasets" };
        var url = new Option<string?>("--url") { Description = "Download from this address instead of the official one (a mirror of the same zip)" };
        var sha256 = new Option<string?>("--sha256") { Description = "The SHA-256 the zip must have (hex); the download is removed if it differs" };
        var noExtract = new Option<bool>("--no-extract") { Description = "Keep the zip only (cadenza corpus and train read it in place)" };
        var command = new Command("download", "Download a dataset with a progress bar, resuming an interrupted download, checking its size and checksum, then extract it")
        {
            name, output, url, sha256, noExtract,
        };
        command.SetAction(r => Ui.Run(() =>
        {
            DatasetInfo dataset = DatasetCatalog.Find(r.GetValue(name)!);
            Uri? address = null;
            if (r.GetValue(url) is { } text && (!Uri.TryCreate(text, UriKind.Absolute, out address) || address.Scheme is not ("http" or "https")))
                throw new FormatException($"--url: '{text}' is not an http or https address");
            var options = DownloadOptions.Default with { Sha256 = r.GetValue(sha256) };
            string folder = r.GetValue(output)!;
            AnsiConsole.MarkupLineInterpolated($"[bold]{dataset.Title}[/] from {(address ?? dataset.Url).ToString()} into {Path.GetFullPath(folder)}");
            DatasetFetchResult result = Ui.WithCancel(cancel => Fetch(dataset, folder, address, !r.GetValue(noExtract), options, cancel));
            DownloadResult d = result.Download;
            string how = d.Fetched == 0 && d.ResumedFrom == 0 ? "already downloaded, verified" : d.ResumedFrom > 0 ? $"resumed at {Ui.N(d.ResumedFrom)} bytes" : "downloaded";
            Console.WriteLine($"zip       {d.Path} ({Ui.N(d.Bytes)} bytes, {how})");
            Console.WriteLine($"sha256    {d.Sha256}");
            if (result.Extracted > 0) Console.WriteLine($"extracted {Ui.N(result.Extracted)} files");
            Console.WriteLine($"corpus    {result.Corpus}");
            Console.WriteLine($"next      cadenza corpus {result.Corpus}");
            return 0;
        }));
        return command;
    }

    private static DatasetFetchResult Fetch(DatasetInfo dataset, string folder, Uri? url, bool extract, DownloadOptions options, CancellationToken cancel)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return DatasetFetch.RunAsync(dataset, folder, url, extract, options, cancel: cancel).GetAwaiter().GetResult();
        DatasetFetchResult result = null!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask download = ctx.AddTask("download", maxValue: 1);
                download.IsIndeterminate = true;
                ProgressTask? unzip = null;
                var onDownload = new Progress<DownloadProgress>(p =>
                {
                    if (p.Total is { } total)
                    {
                        download.IsIndeterminate = false;
                        download.MaxValue = total;
                    }
                    download.Value = p.Received;
                });
                var onExtract = new Progress<int>(n =>
                {
                    unzip ??= ctx.AddTask("extract", maxValue: 1);
                    unzip.IsIndeterminate = true;
                    unzip.Description = $"extract: {Ui.N(n)} files";
                });
                result = DatasetFetch.RunAsync(dataset, folder, url, extract, options, download: onDownload, extracted: onExtract, cancel: cancel).GetAwaiter().GetResult();
                download.IsIndeterminate = false;
                download.Value = download.MaxValue;
                if (unzip != null)
                {
                    unzip.IsIndeterminate = false;
                    unzip.Value = unzip.MaxValue;
                }
            });
        return result;
    }

}
