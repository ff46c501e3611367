using Cadenza.Pipeline;
using Cadenza.Studio;
using Cadenza.Training;

namespace Cadenza.Tests.Studio;

/// <summary>A real Studio server on a free loopback port, with one small model trained for it under its <c>out/</c> folder.</summary>
public sealed class StudioFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private StudioServer? _server;

    /// <summary>The folder the server reads models from.</summary>
    public string Models => Path.Combine(_dir.Path, "out");

    /// <summary>The model's id, as <c>GET /api/models</c> names it.</summary>
    public const string ModelId = "out/tiny/model";

    /// <summary>A folder outside the allowed one.</summary>
    public string Outside => Path.Combine(_dir.Path, "elsewhere");

    /// <summary>The server's address, e.g. http://127.0.0.1:41234/.</summary>
    public string Address => _server!.Address;

    /// <summary>A client of the server.</summary>
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // the paper's model for one epoch: a real trained model folder in a few seconds
        var request = new TrainRequest
        {
            Source = Paths.Demo, Output = Path.Combine(Models, "tiny", "model"), Model = Cadenza.Model.ModelConfig.Preset("paper"),
            Training = TrainingConfig.Preset("paper") with { Epochs = 1, Threads = 1 },
        };
        TrainJob.Run(TrainJob.Prepare(request));
        _server = StudioServer.Create(new StudioOptions
        {
            Port = 0, ModelRoots = [Models], DataRoots = [Path.GetDirectoryName(Paths.Demo)!], WorkDirectory = Path.Combine(_dir.Path, "work"), MaxUploadBytes = 256 << 10,
        });
        await _server.StartAsync();
        Http = new HttpClient { BaseAddress = new Uri(_server.Address), Timeout = TimeSpan.FromSeconds(120) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_server != null) await _server.DisposeAsync();
        _dir.Dispose();
    }
}
