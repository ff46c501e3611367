using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cadenza.Tests.Studio;

/// <summary>Training from the Studio: start, follow the events, stop, refuse a second run and folders outside the allowed ones.</summary>
public class StudioTrainingTests(StudioFixture studio) : IClassFixture<StudioFixture>
{
    private async Task<List<JsonElement>> Events(string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/train/{id}/events");
        using HttpResponseMessage response = await studio.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<JsonElement>();
        while (await reader.ReadLineAsync() is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add(JsonDocument.Parse(line[6..]).RootElement);
        return events;
    }

    private static async Task<string> Error(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
    }

    [Fact]
    public async Task Train_RunsToTheEnd_EventsCarryEveryEpoch_AndTheModelIsListed()
    {
        var start = await studio.Http.PostAsJsonAsync("api/train", new { data = "demo", name = "two-epochs", preset = "paper", epochs = 2 });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        string id = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        List<JsonElement> events = await Events(id);   // ends when the run does
        string[] types = events.Select(e => e.GetProperty("type").GetString()!).ToArray();
        Assert.Equal("started", types[0]);
        Assert.True(types[^1] == "done", events[^1].ToString());
        Assert.Equal([1, 2], events.Where(e => e.GetProperty("type").GetString() == "epoch").Select(e => e.GetProperty("epoch").GetInt32()));
        JsonElement progress = events.Last(e => e.GetProperty("type").GetString() == "progress");
        Assert.True(progress.GetProperty("windowsPerSecond").GetDouble() > 0);
        // a page that connects again gets the whole story
        Assert.Equal(types, (await Events(id)).Select(e => e.GetProperty("type").GetString()!).ToArray());
        JsonElement models = JsonDocument.Parse(await studio.Http.GetStringAsync("api/models")).RootElement;
        Assert.Contains(models.EnumerateArray(), m => m.GetProperty("id").GetString() == "out/two-epochs");
        Assert.Contains("exists already", await Error(await studio.Http.PostAsJsonAsync("api/train", new { data = "demo", name = "two-epochs", preset = "paper", epochs = 2 }), HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Train_WithInstruments_TrainsAnEnsembleModel_AndThePaperPresetRefusesThem()
    {
        Assert.Contains("cadenza preset", await Error(await studio.Http.PostAsJsonAsync("api/train", new { data = "demo", name = "nope", preset = "paper", instruments = true }), HttpStatusCode.BadRequest));
        var start = await studio.Http.PostAsJsonAsync("api/train", new { data = "demo", name = "ensemble", preset = "cadenza", epochs = 1, instruments = true });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        string id = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        List<JsonElement> events = await Events(id);
        Assert.True(events[^1].GetProperty("type").GetString() == "done", events[^1].ToString());
        Cadenza.Model.ModelConfig config = Cadenza.Model.ModelStore.Load(Path.Combine(studio.Models, "ensemble")).Config;
        Assert.Contains("instrument", config.Features);
        Assert.Contains(config.InstrumentClasses!, c => c.Other);
        Assert.Equal(config.InstrumentClasses!.Length, config.Heads.Single(h => h.Name == "instrument").Units);
    }

    [Fact]
    public async Task Train_SecondRunRefused_StopKeepsTheCheckpoint()
    {
        // patience 0: the run goes on until stopped (with the preset's patience the demo corpus stops early within 2 s on a fast machine)
        var start = await studio.Http.PostAsJsonAsync("api/train", new { data = "demo", name = "long", preset = "paper", epochs = 500, patience = 0 });
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        string id = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        Assert.Contains("patience must be 0", await Error(await studio.Http.PostAsJsonAsync("api/train", new { data = "demo", name = "other", preset = "paper", patience = -1 }), HttpStatusCode.BadRequest));
        Assert.Contains("a training is running (out/long", await Error(await studio.Http.PostAsJsonAsync("api/train", new { data = "demo", name = "other", preset = "paper" }), HttpStatusCode.Conflict));
        string checkpoint = Path.Combine(studio.Models, "long", Cadenza.Training.Checkpoint.FileName);
        for (int i = 0; i < 600 && !File.Exists(checkpoint); i++) await Task.Delay(100);
        Assert.Equal(HttpStatusCode.OK, (await studio.Http.PostAsync($"api/train/{id}/stop", null)).StatusCode);
        List<JsonElement> events = await Events(id);
        Assert.Equal("stopped", events[^1].GetProperty("type").GetString());
        Assert.True(File.Exists(checkpoint));
        Cadenza.Model.ModelStore.Load(Path.Combine(studio.Models, "long"));
    }

    [Theory]
    [InlineData("../src", "data", HttpStatusCode.Forbidden)]
    [InlineData("/etc", "data", HttpStatusCode.Forbidden)]
    [InlineData("demo", "../escape", HttpStatusCode.BadRequest)]
    [InlineData("demo", "a/b", HttpStatusCode.BadRequest)]
    public async Task Train_FolderOrNameOutsideTheAllowedOnes_Refused(string data, string name, HttpStatusCode status)
    {
        string error = await Error(await studio.Http.PostAsJsonAsync("api/train", new { data, name = name == "data" ? "fine" : name, preset = "paper" }), status);
        Assert.Contains(status == HttpStatusCode.Forbidden ? "is not under the folders this server may read" : "must be letters, digits", error);
    }
}
