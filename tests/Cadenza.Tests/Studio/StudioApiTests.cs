using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cadenza.Midi;
using Cadenza.Notes;
using Cadenza.Pipeline;

namespace Cadenza.Tests.Studio;

/// <summary>The Studio's JSON API on a real Kestrel server: models, seeds, generation, downloads, and the requests it must refuse.</summary>
public class StudioApiTests(StudioFixture studio) : IClassFixture<StudioFixture>
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private Task<HttpResponseMessage> Generate(object body) => studio.Http.PostAsJsonAsync("api/generate", body);

    private async Task<string> Error(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        return (await Json(response)).GetProperty("error").GetString()!;
    }

    [Fact]
    public async Task Models_ListsTheTrainedModelWithItsSummaryAndSeeds()
    {
        JsonElement models = await Json(await studio.Http.GetAsync("api/models"));
        JsonElement m = Assert.Single(models.EnumerateArray());
        Assert.Equal(StudioFixture.ModelId, m.GetProperty("id").GetString());
        Assert.Equal("paper", m.GetProperty("preset").GetString());
        Assert.Equal(Cadenza.Model.ModelStore.Load(Path.Combine(studio.Models, "tiny", "model")).ParameterCount, m.GetProperty("parameters").GetInt32());
        Assert.Contains("data/demo", m.GetProperty("corpus").GetString());
        Assert.True(m.GetProperty("bestValidationLoss").GetDouble() > 0);
        Assert.Equal(TrainJob.StoredSeeds, m.GetProperty("seeds").GetArrayLength());
        Assert.Equal(25, m.GetProperty("window").GetInt32());   // the paper's window: how long a seed the page shows
    }

    [Fact]
    public async Task Generate_FromARecordedWindow_GivesTheCliPieceAndItsFiles()
    {
        var request = new { model = StudioFixture.ModelId, notes = 30, temperature = 1.0, topK = 0, rngSeed = 7, seedWindow = 3 };
        HttpResponseMessage response = await Generate(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement piece = await Json(response);
        Assert.Equal(30, piece.GetProperty("notes").GetArrayLength());
        Assert.Equal(25, piece.GetProperty("seedNotes").GetArrayLength());

        // the same job as `cadenza generate --seed-window 3 --rng-seed 7`: the same notes
        using var dir = new TempDir();
        GenerateOutcome cli = GenerateJob.Run(new GenerateRequest
        {
            ModelPath = Path.Combine(studio.Models, "tiny", "model"), Output = dir.File("cli"), SeedWindow = 3, Audio = [],
            Options = new Cadenza.Generation.GenerationOptions { Notes = 30, Temperature = 1, Seed = 7 },
        });
        double origin = cli.SeedNotes[^1].Start;
        JsonElement[] notes = piece.GetProperty("notes").EnumerateArray().ToArray();
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(cli.Notes[i].Pitch, notes[i].GetProperty("pitch").GetInt32());
            Assert.Equal(cli.Notes[i].Start + origin, notes[i].GetProperty("start").GetDouble(), 1e-6);   // sent to 6 decimals
        }

        JsonElement files = piece.GetProperty("files");
        var midi = await studio.Http.GetAsync(files.GetProperty("midi").GetString()!.TrimStart('/'));
        Assert.Equal("audio/midi", midi.Content.Headers.ContentType!.MediaType);
        Assert.Equal(30, MidiReader.Read(await midi.Content.ReadAsByteArrayAsync(), "piece.mid").Notes.Length);
        var wav = await studio.Http.GetAsync(files.GetProperty("wav").GetString()!.TrimStart('/'));
        Assert.Equal("audio/wav", wav.Content.Headers.ContentType!.MediaType);
        Assert.Equal("RIFF"u8.ToArray(), (await wav.Content.ReadAsByteArrayAsync())[..4]);
        var csv = await studio.Http.GetStringAsync(files.GetProperty("csv").GetString()!.TrimStart('/'));
        Assert.Equal(31, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);   // header + 30 notes
        var png = await studio.Http.GetAsync(files.GetProperty("pianoRoll").GetString()!.TrimStart('/'));
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Generate_ConcurrentRequests_EachGivesTheCliNotes()
    {
        var body = new { model = StudioFixture.ModelId, notes = 25, temperature = 0.8, rngSeed = 11, seedWindow = 5 };
        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Generate(body)));
        using var dir = new TempDir();
        GenerateOutcome cli = GenerateJob.Run(new GenerateRequest
        {
            ModelPath = Path.Combine(studio.Models, "tiny", "model"), Output = dir.File("cli"), SeedWindow = 5, Audio = [],
            Options = new Cadenza.Generation.GenerationOptions { Notes = 25, Temperature = 0.8f, Seed = 11 },
        });
        foreach (HttpResponseMessage r in responses)
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            int[] pitches = (await Json(r)).GetProperty("notes").EnumerateArray().Select(n => n.GetProperty("pitch").GetInt32()).ToArray();
            Assert.Equal(cli.Notes.Select(n => n.Pitch), pitches);
        }
    }

    [Fact]
    public async Task Continue_SeedsWithTheLastNotesOfThePiece()
    {
        JsonElement first = await Json(await Generate(new { model = StudioFixture.ModelId, notes = 40, seedWindow = 0 }));
        JsonElement next = await Json(await Generate(new { model = StudioFixture.ModelId, notes = 20, @continue = first.GetProperty("id").GetString() }));
        int[] all = first.GetProperty("seedNotes").EnumerateArray().Concat(first.GetProperty("notes").EnumerateArray()).Select(n => n.GetProperty("pitch").GetInt32()).ToArray();
        int[] seed = next.GetProperty("seedNotes").EnumerateArray().Select(n => n.GetProperty("pitch").GetInt32()).ToArray();
        Assert.Equal(all[^25..], seed);
        Assert.Equal(20, next.GetProperty("notes").GetArrayLength());
    }

    private async Task<HttpResponseMessage> Upload(byte[] bytes, string name)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new("audio/midi");
        form.Add(file, "midi", name);
        // Expect: 100-continue: a body over Kestrel's limit is refused before it is sent; without it the server may
        // answer 413 and close while the client still writes, and the client sees a broken pipe instead of the answer
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/seeds") { Content = form };
        request.Headers.ExpectContinue = true;
        return await studio.Http.SendAsync(request);
    }

    [Fact]
    public async Task Upload_AMidiSeed_ItsFirstNotesSeedThePiece()
    {
        string path = Directory.GetFiles(Paths.Demo, "*.mid").Order(StringComparer.Ordinal).First();
        HttpResponseMessage response = await Upload(File.ReadAllBytes(path), Path.GetFileName(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement seed = await Json(response);
        Note[] notes = MidiReader.Read(path).Notes;
        Assert.Equal(notes.Length, seed.GetProperty("count").GetInt32());
        // the first notes any model could read (the page shows as many as the chosen model's window)
        Assert.Equal(notes[..Math.Min(notes.Length, Cadenza.Model.ModelConfig.MaxSequenceLength)].Select(n => n.Pitch),
                     seed.GetProperty("notes").EnumerateArray().Select(n => n.GetProperty("pitch").GetInt32()));

        JsonElement piece = await Json(await Generate(new { model = StudioFixture.ModelId, notes = 10, seedUpload = seed.GetProperty("id").GetString() }));
        Assert.Equal(notes[..25].Select(n => n.Pitch), piece.GetProperty("seedNotes").EnumerateArray().Select(n => n.GetProperty("pitch").GetInt32()));
        Assert.Contains(Path.GetFileName(path), piece.GetProperty("seed").GetString());
    }

    [Fact]
    public async Task Upload_CorruptOrTooLarge_RefusedWithTheCliMessage()
    {
        Assert.Equal("bad.mid: not a MIDI file (no MThd header)", await Error(await Upload("not midi at all"u8.ToArray(), "bad.mid"), HttpStatusCode.BadRequest));
        byte[] big = new byte[400 << 10];   // the fixture's limit is 256 KiB
        Assert.Contains("bytes", await Error(await Upload(big, "big.mid"), HttpStatusCode.RequestEntityTooLarge));
    }

    [Theory]
    [InlineData("notes", 0, "notes must be 1 to 2000, got 0")]
    [InlineData("notes", 2001, "notes must be 1 to 2000, got 2001")]
    [InlineData("temperature", -1, "temperature must be 0 to 10, got -1")]
    [InlineData("topK", 500, "topK must be 0 (off) to 128, got 500")]
    [InlineData("seedWindow", 99, "seed window 99 does not exist")]
    public async Task Generate_ParameterOutOfRange_400NamingIt(string name, int value, string message)
    {
        var body = new Dictionary<string, object> { ["model"] = StudioFixture.ModelId, [name] = value };
        Assert.Contains(message, await Error(await Generate(body), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Generate_ModelOutsideTheAllowedFolders_403()
    {
        // a real model, outside the allowed folder, reached by .., by an absolute path and by a symlink inside it
        string outside = Path.Combine(studio.Outside, "model");
        Directory.CreateDirectory(outside);
        foreach (string f in Directory.GetFiles(Path.Combine(studio.Models, "tiny", "model"))) File.Copy(f, Path.Combine(outside, Path.GetFileName(f)), overwrite: true);
        string link = Path.Combine(studio.Models, "link");
        if (!Directory.Exists(link)) Directory.CreateSymbolicLink(link, studio.Outside);
        foreach (string id in new[] { "out/../elsewhere/model", outside, "out/link/model", "elsewhere/model" })
            Assert.Contains("not a model under the folders this server may read", await Error(await Generate(new { model = id, notes = 5 }), HttpStatusCode.Forbidden));
        Assert.DoesNotContain((await Json(await studio.Http.GetAsync("api/models"))).EnumerateArray(), m => m.GetProperty("id").GetString()!.Contains("link"));
    }

    [Fact]
    public async Task Eval_OnAHeldOutFolder_GivesEvalsReportAndItsPicture()
    {
        HttpResponseMessage response = await studio.Http.PostAsJsonAsync("api/eval", new { model = StudioFixture.ModelId, data = "demo", seeds = 1, notes = 20 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement e = await Json(response);
        JsonElement report = e.GetProperty("report");
        Assert.True(report.GetProperty("heldout_loss").GetProperty("pitch_nll_nats").GetDouble() > 0);
        Assert.Equal(1, report.GetProperty("generated").GetProperty("pieces").GetInt32());
        Assert.Contains("demo", report.GetProperty("heldout_source").GetString());
        var png = await studio.Http.GetAsync(e.GetProperty("plot").GetString()!.TrimStart('/'));
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
        Assert.Contains("is not under the folders this server may read", await Error(await studio.Http.PostAsJsonAsync("api/eval", new { model = StudioFixture.ModelId, data = "/etc" }), HttpStatusCode.Forbidden));
        Assert.Contains("seeds must be 0 to 50", await Error(await studio.Http.PostAsJsonAsync("api/eval", new { model = StudioFixture.ModelId, seeds = 99 }), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Requests_FromAnotherSiteOrForeignHostName_403()
    {
        using var crossSite = new HttpRequestMessage(HttpMethod.Get, "api/models");
        crossSite.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Contains("other sites", await Error(await studio.Http.SendAsync(crossSite), HttpStatusCode.Forbidden));
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "api/models");
        rebound.Headers.Host = "attacker.example";   // a DNS-rebinding name that resolves to 127.0.0.1
        Assert.Contains("attacker.example", await Error(await studio.Http.SendAsync(rebound), HttpStatusCode.Forbidden));
        using var sameOrigin = new HttpRequestMessage(HttpMethod.Get, "api/models");
        sameOrigin.Headers.Add("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.OK, (await studio.Http.SendAsync(sameOrigin)).StatusCode);
    }

    [Fact]
    public async Task Page_IsServedFromTheAssembly_AndTheServerListensOnLoopback()
    {
        Assert.StartsWith("http://127.0.0.1:", studio.Address);
        string page = await studio.Http.GetStringAsync("");
        Assert.Contains("<title>Cadenza Studio</title>", page);
        Assert.Contains("studio.js", page);
        Assert.Contains("drawRoll", await studio.Http.GetStringAsync("studio.js"));
        Assert.Equal(HttpStatusCode.NotFound, (await studio.Http.GetAsync("nothing.js")).StatusCode);
    }
}
