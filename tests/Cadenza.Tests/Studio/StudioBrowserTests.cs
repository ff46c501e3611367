using Cadenza.Pipeline;
using Cadenza.Training;
using Microsoft.Playwright;

namespace Cadenza.Tests.Studio;

/// <summary>A fact that drives the page in a real headless Chromium (Debian's <c>chromium</c>); skipped, saying why, where it is missing.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Where the browser is.</summary>
    public static readonly string? Browser = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    /// <summary>Skips the test when Chromium is not installed.</summary>
    public ChromiumFactAttribute() { if (Browser is null) Skip = "chromium is not installed (apt-get install chromium)"; }
}

/// <summary>The page as a musician uses it: choose a model, compose, see the piano roll, hear the audio, continue, download.</summary>
public class StudioBrowserTests(StudioFixture studio) : IClassFixture<StudioFixture>
{
    [ChromiumFact]
    public async Task Page_GenerateThenContinue_DrawsPlaysListsAndKeepsAHistory()
    {
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumFactAttribute.Browser, Headless = true,
            Args = ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],   // root in CI: Chromium's sandbox needs a user
        });
        IPage page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(studio.Address);
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'ready'");
        Assert.Equal(StudioFixture.ModelId, await page.InputValueAsync("#model"));
        Assert.Contains("paper preset", await page.TextContentAsync("#model-info"));
        Assert.Equal(16, await page.Locator("#seed-window option").CountAsync());

        await page.FillAsync("#notes", "40");
        await page.ClickAsync("#generate");
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.startsWith('done')", null, new() { Timeout = 120_000 });
        Assert.Equal(40, await page.Locator("#notes-table tbody tr").CountAsync());
        Assert.Equal("65", await page.GetAttributeAsync("#roll", "data-notes"));   // 25 seed notes + 40 composed

        // the piano roll: seed notes in their colour, composed notes in red, on a white ground
        var pixels = await page.EvaluateAsync<int[]>("""
            () => {
              const c = document.getElementById('roll'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let seed = 0, composed = 0;
              for (let i = 0; i < d.length; i += 4) {
                if (d[i] === 0x8a && d[i + 1] === 0xa0 && d[i + 2] === 0xb8) seed++;
                else if (d[i] > 120 && d[i + 1] < 110 && d[i + 2] < 110) composed++;
              }
              return [seed, composed];
            }
            """);
        Assert.True(pixels[0] > 200, $"{pixels[0]} seed pixels");
        Assert.True(pixels[1] > 200, $"{pixels[1]} composed-note pixels");

        // the audio element holds the rendered WAV and the browser decodes it
        Assert.EndsWith("/piece.wav", await page.GetAttributeAsync("#audio", "src"));
        await page.WaitForFunctionAsync("() => document.getElementById('audio').duration > 1", null, new() { Timeout = 30_000 });
        string[] links = (await page.Locator("#downloads a").AllTextContentsAsync()).ToArray();
        Assert.Contains("MIDI", links);
        Assert.Contains("CSV", links);
        string midiUrl = (await page.Locator("#downloads a", new() { HasText = "MIDI" }).GetAttributeAsync("href"))!;
        IAPIResponse midi = await page.APIRequest.GetAsync(new Uri(new Uri(studio.Address), midiUrl).ToString());
        Assert.Equal(200, midi.Status);
        Assert.Equal(40, Cadenza.Midi.MidiReader.Read(await midi.BodyAsync(), "downloaded.mid").Notes.Length);
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "studio-screenshot.png"), FullPage = true });

        await page.ClickAsync("#continue");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#history-list li').length === 2", null, new() { Timeout = 120_000 });
        Assert.Contains("(continued)", await page.TextContentAsync("#history-list li:nth-child(2)"));

        // a change of temperature gives another piece
        await page.FillAsync("#temperature", "0.5");
        await page.ClickAsync("#generate");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#history-list li').length === 3", null, new() { Timeout = 120_000 });
        Assert.Contains("temperature 0.5", await page.TextContentAsync("#history-list li:nth-child(3)"));

        // eval's tables for the model, on its recorded validation files
        await page.FillAsync("#eval-seeds", "1");
        await page.ClickAsync("#eval-start");
        await page.WaitForFunctionAsync("() => document.getElementById('eval-status').dataset.done === '1'", null, new() { Timeout = 120_000 });
        Assert.Equal(7, await page.Locator("#eval-table tbody tr").CountAsync());
        Assert.Contains("pitch NLL", await page.TextContentAsync("#eval-table tbody tr:first-child"));
        Assert.Empty(errors);
    }

    [ChromiumFact]
    public async Task Page_InstrumentModel_DrawsEachInstrumentInItsOwnColour()
    {
        // a model with instruments, trained on a band (piano, bass, strings), in the folder the server reads
        using var band = new TempDir();
        Instruments.InstrumentModelTests.WriteBand(band.Path, 4, 7);
        string folder = Path.Combine(studio.Models, "band", "model");
        try { await DrawBand(folder, band.Path); }
        finally { Directory.Delete(Path.GetDirectoryName(folder)!, true); }   // the other tests expect the fixture's model alone
    }

    private async Task DrawBand(string folder, string bandFolder)
    {
        TrainJob.Run(TrainJob.Prepare(new TrainRequest
        {
            Source = bandFolder, Output = folder, Model = Cadenza.Model.ModelConfig.Cadenza with { LstmUnits = [24], Instruments = true },
            Training = TrainingConfig.Preset("cadenza") with { Epochs = 2, Patience = 0, Validation = 0, Transpose = 0, Threads = 1 },
            Corpus = Cadenza.Corpus.CorpusOptions.Default with { UseCache = false },
        }));
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumFactAttribute.Browser, Headless = true, Args = ["--no-sandbox"] });
        IPage page = await browser.NewPageAsync();
        await page.GotoAsync(studio.Address);
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'ready'");
        await page.SelectOptionAsync("#model", "out/band/model");
        await page.FillAsync("#notes", "80");
        await page.ClickAsync("#generate");
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.startsWith('done')", null, new() { Timeout = 120_000 });
        int instruments = int.Parse((await page.GetAttributeAsync("#roll", "data-instruments"))!);
        Assert.True(instruments >= 2, $"{instruments} instruments drawn");
        // composed notes in as many hues as instruments: count the distinct saturated colours on the canvas
        int hues = await page.EvaluateAsync<int>("""
            () => {
              const c = document.getElementById('roll'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              const seen = new Set();
              for (let i = 0; i < d.length; i += 4) {
                const max = Math.max(d[i], d[i + 1], d[i + 2]), min = Math.min(d[i], d[i + 1], d[i + 2]);
                if (max - min < 60) continue;   // white ground, grey grid and text, the grey-blue seed
                const r = d[i] / 255, g = d[i + 1] / 255, b = d[i + 2] / 255, mx = max / 255, dl = (max - min) / 255;
                const h = mx === r ? ((g - b) / dl + 6) % 6 : mx === g ? (b - r) / dl + 2 : (r - g) / dl + 4;
                seen.add(Math.round(h * 2));   // 30° buckets
              }
              return seen.size;
            }
            """);
        Assert.True(hues >= instruments, $"{hues} hues for {instruments} instruments");
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "studio-ensemble.png"), FullPage = true });
    }

    [ChromiumFact]
    public async Task Page_TrainAModel_FollowsTheEpochsAndListsTheNewModel()
    {
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumFactAttribute.Browser, Headless = true, Args = ["--no-sandbox"] });
        IPage page = await browser.NewPageAsync();
        await page.GotoAsync(studio.Address);
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'ready'");
        await page.FillAsync("#train-data", "demo");
        await page.FillAsync("#train-name", "from-the-page");
        await page.SelectOptionAsync("#train-preset", "paper");
        await page.FillAsync("#train-epochs", "2");
        await page.FillAsync("#train-patience", "0");
        await page.ClickAsync("#train-start");
        await page.WaitForFunctionAsync("() => document.getElementById('train-status').dataset.finished === 'done'", null, new() { Timeout = 180_000 });
        Assert.Equal("2", await page.GetAttributeAsync("#loss", "data-epochs"));
        await page.WaitForFunctionAsync("() => document.getElementById('model').value === 'out/from-the-page'");
        Assert.Contains("best", await page.TextContentAsync("#train-status"));
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(studio.Models, "from-the-page", "config.json")));
        Assert.Equal(0, config.RootElement.GetProperty("training").GetProperty("patience").GetInt32());   // the page's patience reached the run
    }
}
