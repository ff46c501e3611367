using System.Diagnostics;
using System.Net.Http.Json;
using Cadenza.Studio;

namespace Cadenza.Bench;

/// <summary>
/// The Studio under load: a real server in this process, N generate requests (120 notes, WAV + MP3 each) sent C at a
/// time by HttpClient; prints requests/s, p50/p95 latency and errors. Run: <c>dotnet run -c Release --project
/// bench/Cadenza.Bench -- studio MODELS_DIR MODEL_ID [N=200] [C=16]</c>.
/// </summary>
internal static class StudioLoadProbe
{
    public static int Run(string models, string modelId, int requests, int concurrency)
    {
        return RunAsync(models, modelId, requests, concurrency).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string models, string modelId, int requests, int concurrency)
    {
        await using StudioServer server = StudioServer.Create(new StudioOptions { Port = 0, ModelRoots = [Path.GetFullPath(models)] });
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Address), Timeout = TimeSpan.FromMinutes(30) };
        var latencies = new double[requests];
        int errors = 0;
        using var gate = new SemaphoreSlim(concurrency);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var started = Stopwatch.StartNew();
                using HttpResponseMessage r = await http.PostAsJsonAsync("api/generate", new { model = modelId, notes = 120, rngSeed = i, seedWindow = i % 16 });
                await r.Content.ReadAsByteArrayAsync();
                latencies[i] = started.Elapsed.TotalMilliseconds;
                if (!r.IsSuccessStatusCode) Interlocked.Increment(ref errors);
            }
            catch (HttpRequestException) { Interlocked.Increment(ref errors); }
            finally { gate.Release(); }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        double P(double q) => latencies[Math.Min(requests - 1, (int)Math.Ceiling(q * requests) - 1)];
        Console.WriteLine($"| {requests} | {concurrency} | {requests / seconds:F2} | {P(0.5):F0} | {P(0.95):F0} | {latencies[^1]:F0} | {errors} |");
        return errors == 0 ? 0 : 1;
    }
}
