namespace Cadenza.Corpus.Datasets;

/// <summary>The datasets <c>cadenza dataset download</c> fetches by name.</summary>
/// <remarks>
/// Google publishes no checksum for the MAESTRO MIDI zips, so none is pinned here: the download is checked against
/// the length the server declares, the zip's own CRCs are checked when it is extracted, and the SHA-256 is printed so
/// that it can be pinned with <c>--sha256</c>.
/// </remarks>
public static class DatasetCatalog
{
    /// <summary>MAESTRO v3.0.0, MIDI only (1,276 performances, about 56 MB zipped).</summary>
    public static DatasetInfo MaestroV3 { get; } = new("maestro-v3", "MAESTRO v3.0.0 (MIDI only)",
        new Uri("https://storage.googleapis.com/magentadata/datasets/maestro/v3.0.0/maestro-v3.0.0-midi.zip"), "maestro-v3.0.0-midi.zip");

    /// <summary>MAESTRO v2.0.0, MIDI only (1,282 performances, about 57 MB zipped); the version TensorFlow's tutorial uses.</summary>
    public static DatasetInfo MaestroV2 { get; } = new("maestro-v2", "MAESTRO v2.0.0 (MIDI only)",
        new Uri("https://storage.googleapis.com/magentadata/datasets/maestro/v2.0.0/maestro-v2.0.0-midi.zip"), "maestro-v2.0.0-midi.zip");

    /// <summary>Every known dataset.</summary>
    public static IReadOnlyList<DatasetInfo> All { get; } = [MaestroV3, MaestroV2];

    /// <summary>The dataset called <paramref name="name"/>.</summary>
    /// <exception cref="DatasetException">No dataset has that name.</exception>
    public static DatasetInfo Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new DatasetException($"unknown dataset '{name}' (known: {string.Join(", ", All.Select(d => d.Name))})");
}
