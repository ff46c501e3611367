using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cadenza.Audio;
using Cadenza.Common;
using Cadenza.Evaluation;
using Cadenza.Generation;
using Cadenza.Midi;
using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Pipeline;
using Cadenza.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cadenza.Studio;

/// <summary>What <c>POST /api/generate</c> takes: the model, how many notes, the sampling settings and where the seed comes from.</summary>
/// <param name="Model">A model id from <c>GET /api/models</c>.</param>
/// <param name="Notes">Notes to compose, 1 to the server's limit (2,000).</param>
/// <param name="Temperature">Sampling temperature, 0 (always the likeliest) to 10.</param>
/// <param name="TopK">Sample from the k likeliest only; 0 = all.</param>
/// <param name="RngSeed">The sampling seed: the same seed gives the same piece.</param>
/// <param name="SeedWindow">Start from this recorded training window of the model.</param>
/// <param name="SeedUpload">Start from the first notes of this uploaded MIDI file (an id from <c>POST /api/seeds</c>).</param>
/// <param name="Continue">Start from the last notes of this piece (an id from an earlier generate): the piece goes on.</param>
public sealed record GenerateBody(string? Model, int Notes = 120, float Temperature = 1, int TopK = 0, ulong RngSeed = 42,
                                  int? SeedWindow = null, string? SeedUpload = null, string? Continue = null);

/// <summary>What <c>POST /api/train</c> takes.</summary>
/// <param name="Data">The corpus: a folder (or file) under the server's data folders, relative to the first of them or absolute.</param>
/// <param name="Name">The new model's folder name under the first model folder (letters, digits, '.', '-', '_').</param>
/// <param name="Preset">cadenza or paper.</param>
/// <param name="Epochs">Most epochs (early stopping may end sooner); null: the preset's.</param>
/// <param name="Instruments">Read and compose each note's instrument (the cadenza preset only): an ensemble model.</param>
/// <param name="Patience">Epochs without improvement before an early stop, 0 for never; null: the preset's.</param>
public sealed record TrainBody(string? Data, string? Name, string Preset = "cadenza", int? Epochs = null, bool Instruments = false, int? Patience = null);

/// <summary>What <c>POST /api/eval</c> takes: the model, the held-out music (null: the validation files recorded with the model) and the generation to compare.</summary>
public sealed record EvalBody(string? Model, string? Data = null, int Seeds = 5, int Notes = 120, float Temperature = 1, ulong RngSeed = 42);

/// <summary>One note as the page draws and lists it.</summary>
public sealed record NoteJson(int Pitch, double Start, double End, double Step, double Duration, int Velocity, int Program, bool Drum, string Instrument);

/// <summary>An uploaded seed file: its name as uploaded and where the server keeps it.</summary>
internal sealed record UploadedSeed(string Name, string Path, DateTime Made);

/// <summary>A composed piece the server keeps for downloads and continuations: the seed and the new notes in one timeline.</summary>
internal sealed record Piece(string Id, string Folder, Note[] Seed, Note[] Notes, DateTime Made);

/// <summary>
/// <c>cadenza serve</c>: Cadenza Studio, one page (served from the assembly) and the small JSON API it uses to list
/// models, take a seed, compose, listen and download. Generation runs the CLI's own <see cref="GenerateJob"/>.
/// </summary>
public sealed class StudioServer : IAsyncDisposable
{
    // relaxed escaping: messages keep their quotes and dashes readable (the API is JSON, never embedded in HTML)
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly WebApplication _app;
    private readonly StudioOptions _options;
    private readonly ModelCatalog _catalog;
    private readonly ConcurrentDictionary<string, UploadedSeed> _seeds = new();
    private readonly ConcurrentDictionary<string, Piece> _pieces = new();
    private readonly SemaphoreSlim _compose = new(1);   // one piece at a time: composing and rendering fill the 2 cores
    private readonly ConcurrentDictionary<string, TrainingRun> _runs = new();
    private readonly object _trainLock = new();

    private StudioServer(WebApplication app, StudioOptions options)
    {
        _app = app;
        _options = options;
        _catalog = new ModelCatalog(options.ModelRoots.Select(Path.GetFullPath).ToList());
    }

    /// <summary>The address the server listens on, once started (e.g. http://127.0.0.1:5080/).</summary>
    public string Address =>
        (_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? _app.Urls.First()).TrimEnd('/') + "/";

    /// <summary>Builds the server; <see cref="StartAsync"/> starts it.</summary>
    public static StudioServer Create(StudioOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();   // the CLI prints the address; requests are not logged to the console
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxUploadBytes + (64 << 10));
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxUploadBytes + (64 << 10));
        var server = new StudioServer(builder.Build(), options);
        server.Guard();
        server.Map();
        // Ctrl+C or StopAsync: trainings stop after their batch, with the checkpoint written, and the event streams end
        server._app.Lifetime.ApplicationStopping.Register(() => { foreach (TrainingRun run in server._runs.Values) run.Stop(); });
        return server;
    }

    /// <summary>Starts listening.</summary>
    public async Task StartAsync(CancellationToken cancel = default)
    {
        Directory.CreateDirectory(_options.WorkDirectory);
        await _app.StartAsync(cancel);
    }

    /// <summary>Runs until <paramref name="cancel"/> is cancelled (Ctrl+C).</summary>
    public Task WaitAsync(CancellationToken cancel) => _app.WaitForShutdownAsync(cancel);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // a training still running is stopped as Ctrl+C stops one: after its batch, with the checkpoint written
        foreach (TrainingRun run in _runs.Values.Where(r => !r.Finished)) run.Stop();
        await Task.WhenAny(Task.WhenAll(_runs.Values.Select(r => r.Done)), Task.Delay(TimeSpan.FromSeconds(60)));
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_options.WorkDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, Json, statusCode: status);

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];

    // the request's JSON body, or the 400 saying why it is not one
    private static async Task<(T? Body, IResult? Refused)> ReadBody<T>(HttpRequest request, string what) where T : class
    {
        try { return (await request.ReadFromJsonAsync<T>(Json), null); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return (null, Error(400, $"the request is not a {what} body: {e.Message.ReplaceLineEndings(" ")}"));
        }
    }

    // the folder of a model the page names, or the 403 when no allowed root holds it
    private (string? Folder, IResult? Refused) ModelFolder(string id) =>
        _catalog.Resolve(id) is { } folder ? (folder, null) : (null, Error(403, $"model '{id}' is not a model under the folders this server may read"));

    // a corpus the page names, relative to the first data folder or absolute: the resolved path, which is the one
    // checked and the one read, or the 400/403 that refuses it
    private (string? Path, IResult? Refused) DataFolder(string given)
    {
        if (given.Contains('\0')) return (null, Error(400, "data holds a NUL character"));
        string data = Path.GetFullPath(Path.Combine(_options.DataRoots[0], given));
        if (!_options.DataRoots.Any(r => SafePaths.IsInside(data, r))) return (null, Error(403, $"data '{given}' is not under the folders this server may read"));
        return (SafePaths.Resolve(data) ?? data, null);
    }

    // composing, rendering and evaluating fill the 2 cores: one such job at a time, off the request thread
    private async Task<T> OneAtATime<T>(Func<T> work, CancellationToken cancel)
    {
        await _compose.WaitAsync(cancel);
        try { return await Task.Run(work); }
        finally { _compose.Release(); }
    }

    // A page on another site must not drive this server through the user's browser: cross-site requests are refused
    // (browsers send Sec-Fetch-Site), and on the loopback interface only loopback host names are answered, so a
    // DNS-rebinding name that resolves to 127.0.0.1 gets nothing.
    private void Guard()
    {
        bool loopback = _options.Host is "127.0.0.1" or "localhost" or "::1" or "[::1]";
        _app.Use(async (context, next) =>
        {
            string host = context.Request.Host.Host;
            if (loopback && host is not ("127.0.0.1" or "localhost" or "::1" or "[::1]"))
            {
                await Error(403, $"host '{host}' is not this machine's loopback name").ExecuteAsync(context);
                return;
            }
            if (context.Request.Headers["Sec-Fetch-Site"].ToString() == "cross-site")
            {
                await Error(403, "requests from other sites are refused").ExecuteAsync(context);
                return;
            }
            try
            {
                await next(context);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException && !context.Response.HasStarted)
            {
                // a full or unwritable work folder: one line, and the server goes on
                await Error(500, e.Message.ReplaceLineEndings(" ")).ExecuteAsync(context);
            }
        });
    }

    private void Map()
    {
        _app.MapGet("/", () => Page("index.html"));
        _app.MapGet("/{file}", (string file) => Page(file));
        _app.MapGet("/api/models", () => Results.Json(_catalog.List(), Json));
        _app.MapPost("/api/seeds", UploadSeed).DisableAntiforgery();
        _app.MapPost("/api/generate", Generate);
        _app.MapGet("/api/pieces/{id}/{file}", Download);
        _app.MapPost("/api/train", Train);
        _app.MapPost("/api/eval", Evaluate);
        _app.MapGet("/api/train", () => Results.Json(_runs.Values.Select(r => new { id = r.Id, model = r.ModelId, finished = r.Finished }), Json));
        _app.MapGet("/api/train/{id}/events", TrainEvents);
        _app.MapPost("/api/train/{id}/stop", (string id) =>
        {
            if (!_runs.TryGetValue(id, out TrainingRun? run)) return Error(404, $"training '{id}' does not exist");
            run.Stop();
            return Results.Json(new { id, stopping = !run.Finished }, Json);
        });
    }

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8", [".js"] = "text/javascript; charset=utf-8", [".css"] = "text/css; charset=utf-8",
        [".mid"] = "audio/midi", [".wav"] = "audio/wav", [".mp3"] = "audio/mpeg", [".csv"] = "text/csv; charset=utf-8", [".png"] = "image/png",
    };

    private static IResult Page(string file)
    {
        Stream? page = Assembly.GetExecutingAssembly().GetManifestResourceStream("wwwroot/" + file);
        return page is null ? Error(404, $"{file}: no such page") : Results.Stream(page, ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream"));
    }

    private async Task<IResult> UploadSeed(HttpRequest request)
    {
        if (!request.HasFormContentType) return Error(400, "upload a MIDI file as multipart/form-data (field 'midi')");
        IFormCollection form;
        try { form = await request.ReadFormAsync(); }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Error(e is BadHttpRequestException { StatusCode: 413 } ? 413 : 400, $"upload refused: {e.Message.ReplaceLineEndings(" ")} (at most {_options.MaxUploadBytes:N0} bytes)");
        }
        IFormFile? file = form.Files.GetFile("midi") ?? form.Files.FirstOrDefault();
        if (file is null) return Error(400, "no file in the upload (field 'midi')");
        string name = Path.GetFileName(file.FileName);
        if (file.Length > _options.MaxUploadBytes) return Error(413, $"{name}: {file.Length:N0} bytes is more than the {_options.MaxUploadBytes:N0}-byte limit");
        byte[] bytes = new byte[file.Length];
        await using (Stream s = file.OpenReadStream()) await s.ReadExactlyAsync(bytes);
        MidiNotes midi;
        try { midi = MidiReader.Read(bytes, name); }
        catch (MidiFormatException e) { return Error(400, e.Message); }   // the CLI's own one-line message
        if (midi.Notes.Length == 0) return Error(400, $"{name}: no notes (drums only or empty)");
        string id = NewId();
        // kept as a file: generation then reads it exactly as `generate --seed-midi` does
        string path = Path.Combine(_options.WorkDirectory, "seeds", id + ".mid");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, bytes);
        _seeds[id] = new UploadedSeed(name, path, DateTime.UtcNow);
        Prune();
        return Results.Json(new
        {
            id, name, count = midi.Notes.Length,
            // the seed is as long as the chosen model's window, which the page knows: the first notes any model could read
            notes = ToJson(midi.Notes.AsSpan(0, Math.Min(ModelConfig.MaxSequenceLength, midi.Notes.Length)).ToArray()),
            warning = midi.Repairs.IsEmpty ? null : $"{name}: {midi.Repairs.Describe()}",
        }, Json);
    }

    private async Task<IResult> Generate(HttpRequest request)
    {
        var (body, refused) = await ReadBody<GenerateBody>(request, "generate");
        if (refused != null) return refused;
        if (body is null) return Error(400, "empty request");
        if (body.Notes < 1 || body.Notes > _options.MaxNotes) return Error(400, $"notes must be 1 to {_options.MaxNotes}, got {body.Notes}");
        if (!(body.Temperature >= 0 && body.Temperature <= 10)) return Error(400, $"temperature must be 0 to 10, got {body.Temperature}");
        if (body.TopK is < 0 or > 128) return Error(400, $"topK must be 0 (off) to 128, got {body.TopK}");
        if (body.Model is null) return Error(400, "model is missing");
        var (folder, outside) = ModelFolder(body.Model);
        if (outside != null) return outside;
        if (new[] { body.SeedWindow is not null, body.SeedUpload is not null, body.Continue is not null }.Count(b => b) > 1)
            return Error(400, "give one seed: seedWindow, seedUpload or continue");

        Note[]? seedNotes = null;
        UploadedSeed? uploaded = null;
        if (body.SeedUpload is { } upload && !_seeds.TryGetValue(upload, out uploaded)) return Error(400, $"seedUpload '{upload}' is not an uploaded seed");
        if (body.Continue is { } previous)
        {
            if (!_pieces.TryGetValue(previous, out Piece? piece)) return Error(400, $"continue '{previous}' is not a piece of this server");
            seedNotes = [.. piece.Seed, .. piece.Notes];
        }
        string id = NewId();
        string output = Path.Combine(_options.WorkDirectory, "pieces", id, "piece");
        var job = new GenerateRequest
        {
            ModelPath = folder!,
            Output = output,
            SeedNotes = seedNotes,
            SeedMidi = uploaded?.Path,
            SeedWindow = body.SeedWindow,
            Options = new GenerationOptions { Notes = body.Notes, Temperature = body.Temperature, TopK = body.TopK, Seed = body.RngSeed },
            Audio = ["wav", "mp3"],   // without lame the job writes the WAV and warns
            AudioOptions = _options.Audio,
        };
        GenerateOutcome outcome;
        try { outcome = await OneAtATime(() => GenerateJob.Run(job), request.HttpContext.RequestAborted); }
        catch (Exception e) when (e is GenerationException or ModelFormatException or AudioException or MidiFormatException)
        {
            return Error(400, e.Message);
        }

        // one timeline: the seed from 0, the new notes after its last note's start
        double origin = outcome.SeedNotes.Length > 0 ? outcome.SeedNotes[^1].Start : 0;
        Note[] composed = outcome.Notes.Select(n => n with { Start = n.Start + origin, End = n.End + origin }).ToArray();
        _pieces[id] = new Piece(id, Path.GetDirectoryName(output)!, outcome.SeedNotes, composed, DateTime.UtcNow);
        Prune();
        string Url(string suffix) => $"/api/pieces/{id}/piece{suffix}";
        var files = new Dictionary<string, string> { ["midi"] = Url(".mid"), ["csv"] = Url(".csv"), ["wav"] = Url(".wav"), ["pianoRoll"] = Url(".pianoroll.png") };
        if (File.Exists(output + ".mp3")) files["mp3"] = Url(".mp3");
        return Results.Json(new
        {
            id, model = body.Model, seed = uploaded is null ? outcome.Seed : outcome.Seed.Replace(uploaded.Path, uploaded.Name), seedNotes = ToJson(outcome.SeedNotes), notes = ToJson(composed, outcome.SeedNotes.Length > 0 ? origin : null), files,
            generationMs = Math.Round(outcome.GenerationTime.TotalMilliseconds, 1), warnings = outcome.Warnings,
        }, Json);
    }

    private IResult Download(string id, string file)
    {
        if (!_pieces.TryGetValue(id, out Piece? piece) || file.Contains('/') || file.Contains('\\') || file.StartsWith('.'))
            return Error(404, $"{id}/{file}: no such file");
        string path = Path.Combine(piece.Folder, file);
        if (!File.Exists(path)) return Error(404, $"{id}/{file}: no such file");
        string type = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
        return Results.File(path, type, fileDownloadName: file.StartsWith("piece", StringComparison.Ordinal) ? $"cadenza-{id}{file[5..]}" : file, enableRangeProcessing: true);
    }

    // pieces past the retention time are forgotten and their files removed (the page keeps its notes)
    private void Prune()
    {
        DateTime oldest = DateTime.UtcNow - _options.Retention;
        foreach (Piece p in _pieces.Values.Where(p => p.Made < oldest).ToList())
        {
            if (!_pieces.TryRemove(p.Id, out _)) continue;
            try { Directory.Delete(p.Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        foreach (var (key, seed) in _seeds)
        {
            if (seed.Made >= oldest || !_seeds.TryRemove(key, out _)) continue;
            try { File.Delete(seed.Path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private async Task<IResult> Evaluate(HttpRequest request)
    {
        var (body, refused) = await ReadBody<EvalBody>(request, "eval");
        if (refused != null) return refused;
        if (body?.Model is null) return Error(400, "model is missing");
        if (body.Seeds is < 0 or > 50) return Error(400, $"seeds must be 0 to 50, got {body.Seeds}");
        if (body.Notes < 1 || body.Notes > _options.MaxNotes) return Error(400, $"notes must be 1 to {_options.MaxNotes}, got {body.Notes}");
        var (folder, outside) = ModelFolder(body.Model);
        if (outside != null) return outside;
        string? data = null;
        if (!string.IsNullOrWhiteSpace(body.Data))
        {
            (data, refused) = DataFolder(body.Data);
            if (refused != null) return refused;
        }
        string id = NewId();
        string results = Path.Combine(_options.WorkDirectory, "pieces", id);
        var job = new EvalRequest
        {
            ModelPath = folder!, Data = data, Seeds = body.Seeds, Notes = body.Notes, Temperature = body.Temperature, RngSeed = body.RngSeed,
            PlotPath = Path.Combine(results, "eval.png"),
        };
        EvalOutcome outcome;
        try { outcome = await OneAtATime(() => EvalJob.Run(job), request.HttpContext.RequestAborted); }
        catch (Exception e) when (e is EvaluationException or GenerationException or ModelFormatException or Cadenza.Corpus.CorpusException or MidiFormatException)
        {
            return Error(400, e.Message);
        }
        _pieces[id] = new Piece(id, results, [], [], DateTime.UtcNow);   // its picture is served like a piece's files
        return Results.Json(new { id, report = outcome.Report.ToJson(), plot = $"/api/pieces/{id}/eval.png" }, Json);
    }

    private static readonly System.Text.RegularExpressions.Regex ModelName = new("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");

    private async Task<IResult> Train(HttpRequest request)
    {
        var (body, refused) = await ReadBody<TrainBody>(request, "train");
        if (refused != null) return refused;
        if (body?.Data is null || body.Name is null) return Error(400, "data and name are required");
        if (!ModelName.IsMatch(body.Name) || body.Name.Contains("..")) return Error(400, $"name '{body.Name}' must be letters, digits, '.', '-' or '_' (a folder name, at most 64)");
        if (body.Preset is not ("cadenza" or "paper")) return Error(400, $"preset must be cadenza or paper, got '{body.Preset}'");
        if (body.Epochs is < 1 or > 1000) return Error(400, $"epochs must be 1 to 1000, got {body.Epochs}");
        if (body.Patience is < 0 or > 1000) return Error(400, $"patience must be 0 (never stop early) to 1000, got {body.Patience}");
        if (body.Instruments && body.Preset != "cadenza") return Error(400, "instruments need the cadenza preset (the paper's model has no embeddings)");
        var (data, outside) = DataFolder(body.Data);
        if (outside != null) return outside;
        string root = Path.GetFullPath(_options.ModelRoots[0]);
        string output = Path.Combine(root, body.Name);
        string modelId = Path.GetFileName(Path.TrimEndingDirectorySeparator(root)) + "/" + body.Name;
        if (_app.Lifetime.ApplicationStopping.IsCancellationRequested) return Error(503, "the server is stopping");
        lock (_trainLock)
        {
            if (_runs.Values.FirstOrDefault(r => !r.Finished) is { } running)
                return Error(409, $"a training is running ({running.ModelId}, id {running.Id}): stop it or wait for it");
            if (File.Exists(Path.Combine(output, ModelStore.ConfigFile))) return Error(409, $"model '{modelId}' exists already: choose another name");
            TrainingConfig training = TrainingConfig.Preset(body.Preset);
            if (body.Epochs is { } epochs) training = training with { Epochs = epochs };
            if (body.Patience is { } patience) training = training with { Patience = patience };
            var run = new TrainingRun(NewId(), modelId, new TrainRequest
            {
                Source = data!, Output = output, Model = ModelConfig.Preset(body.Preset) with { Instruments = body.Instruments },
                Training = training,
            });
            _runs[run.Id] = run;
            run.Start();
            return Results.Json(new { id = run.Id, model = modelId, events = $"/api/train/{run.Id}/events" }, Json, statusCode: 202);
        }
    }

    // Server-Sent Events: every event of the run from the first, then each new one as it comes, until the run ends
    private async Task TrainEvents(string id, HttpContext context)
    {
        if (!_runs.TryGetValue(id, out TrainingRun? run))
        {
            await Error(404, $"training '{id}' does not exist").ExecuteAsync(context);
            return;
        }
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _app.Lifetime.ApplicationStopping);
        CancellationToken abort = linked.Token;
        int sent = 0;
        try
        {
            while (true)
            {
                bool finished = run.Finished;
                var (events, more) = run.Read(sent);
                foreach (string e in events) await context.Response.WriteAsync($"data: {e}\n\n", abort);
                sent += events.Count;
                await context.Response.Body.FlushAsync(abort);
                if (finished && run.Read(sent).Events.Count == 0) break;
                Task waited = more.WaitAsync(TimeSpan.FromSeconds(15), abort);
                await waited.ContinueWith(_ => { }, TaskScheduler.Default);
                if (abort.IsCancellationRequested) break;
                if (!waited.IsCompletedSuccessfully) await context.Response.WriteAsync(": ping\n\n", abort);   // finds a page that went away
            }
        }
        catch (OperationCanceledException) { }   // the page went away
    }

    // the first note's step counts from the note before it (the seed's last) when there is one
    private static NoteJson[] ToJson(Note[] notes, double? previousStart = null) =>
        notes.Select((n, i) => new NoteJson(n.Pitch, Math.Round(n.Start, 6), Math.Round(n.End, 6),
            Math.Round(i > 0 ? n.Start - notes[i - 1].Start : previousStart is { } p ? n.Start - p : 0, 6), Math.Round(n.Duration, 6), n.Velocity, n.Program, n.IsDrum,
            Cadenza.Instruments.GeneralMidi.Name(n.Program, n.IsDrum))).ToArray();
}
