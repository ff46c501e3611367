using Cadenza.Audio;

namespace Cadenza.Studio;

/// <summary>How <c>cadenza serve</c> runs: where it listens, which folders it may read models from, where it writes.</summary>
public sealed record StudioOptions
{
    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; init; } = 5080;

    /// <summary>Address to bind: the loopback interface unless the user asks for another.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Folders searched for model folders; a model outside them is refused. Default: <c>out/</c> and <c>models/</c> under the current folder.</summary>
    public IReadOnlyList<string> ModelRoots { get; init; } = [Path.Combine(Environment.CurrentDirectory, "out"), Path.Combine(Environment.CurrentDirectory, "models")];

    /// <summary>Folders a training may read its corpus from. Default: the current folder (and everything under it).</summary>
    public IReadOnlyList<string> DataRoots { get; init; } = [Environment.CurrentDirectory];

    /// <summary>How long a composed piece's files are kept (they are also removed when the server stops).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Where generated pieces and uploaded seeds are kept while the server runs.</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), $"cadenza-studio-{Environment.ProcessId}");

    /// <summary>Largest MIDI upload accepted, bytes.</summary>
    public long MaxUploadBytes { get; init; } = 2 << 20;

    /// <summary>Largest number of notes one request may generate.</summary>
    public int MaxNotes { get; init; } = 2000;

    /// <summary>How pieces are rendered (FluidSynth when installed, else the built-in synthesizer).</summary>
    public AudioOptions Audio { get; init; } = AudioOptions.Default with { NormalizeDb = -1 };
}
