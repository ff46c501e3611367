using System.CommandLine;
using Cadenza.Studio;

namespace Cadenza.Cli.Commands;

/// <summary><c>cadenza serve</c>: Cadenza Studio, a page in the browser to compose, listen and download.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port", DefaultValueFactory = _ => 5080 };
        var host = new Option<string>("--host") { Description = "Address to listen on (default: this machine only; 0.0.0.0 opens it to the network)", DefaultValueFactory = _ => "127.0.0.1" };
        var models = new Option<string[]>("--models") { Description = "Folders holding model folders (default: out/ and models/ under the current folder)", AllowMultipleArgumentsPerToken = true };
        var data = new Option<string[]>("--data") { Description = "Folders the page may train on (default: the current folder and everything under it)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("serve", "Cadenza Studio: compose, listen and look in the browser (models from out/ and models/)") { port, host, models, data };
        command.SetAction(r => Ui.Run(() =>
        {
            if (r.GetValue(port) is < 0 or > 65535) throw new ArgumentException($"--port must be 0 to 65535, got {r.GetValue(port)}");
            string[] roots = r.GetValue(models) is { Length: > 0 } given ? given : ["out", "models"];
            string[] dataRoots = r.GetValue(data) is { Length: > 0 } d ? d : ["."];
            var options = new StudioOptions
            {
                Port = r.GetValue(port), Host = r.GetValue(host)!, ModelRoots = roots.Select(Path.GetFullPath).ToList(), DataRoots = dataRoots.Select(Path.GetFullPath).ToList(),
            };
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
            return Serve(options, stop.Token).GetAwaiter().GetResult();
        }));
        return command;
    }

    private static async Task<int> Serve(StudioOptions options, CancellationToken stop)
    {
        await using StudioServer server = StudioServer.Create(options);
        try
        {
            await server.StartAsync(stop);
        }
        catch (IOException e)   // the port is taken, or the address is not this machine's
        {
            throw new IOException($"cannot listen on {options.Host}:{options.Port}: {e.Message}", e);
        }
        Console.WriteLine($"Cadenza Studio: open {server.Address} (models from {string.Join(", ", options.ModelRoots)}); Ctrl+C stops it");
        try { await server.WaitAsync(stop); }
        catch (OperationCanceledException) { }
        return 0;
    }
}
