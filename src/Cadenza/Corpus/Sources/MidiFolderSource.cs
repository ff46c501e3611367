using System.Globalization;

namespace Cadenza.Corpus.Sources;

/// <summary>A folder of MIDI files (recursively: .mid, .midi, .mid.gz, .midi.gz) or one MIDI file; no splits.</summary>
internal sealed class MidiFolderSource : ICorpusSource
{
    private readonly List<string> _paths;
    private readonly string _baseDir;

    /// <summary>Lists the files now, so that the count is known before reading.</summary>
    /// <exception cref="CorpusException">The path does not exist or holds no MIDI file.</exception>
    public MidiFolderSource(string root)
    {
        Root = root;
        _paths = CorpusReader.ListFiles(root);
        if (_paths.Count == 0) throw new CorpusException($"{root}: no MIDI files (.mid, .midi, .mid.gz) found");
        _baseDir = File.Exists(root) ? Path.GetDirectoryName(Path.GetFullPath(root))! : Path.GetFullPath(root);
    }

    /// <inheritdoc/>
    public string Root { get; }

    /// <inheritdoc/>
    public CorpusSourceKind Kind => CorpusSourceKind.MidiFolder;

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"MIDI folder, {_paths.Count:N0} files");

    /// <inheritdoc/>
    public bool HasSplits => false;

    /// <inheritdoc/>
    public int? ExpectedCount(CorpusOptions options) => _paths.Count;

    /// <inheritdoc/>
    public IEnumerable<CorpusFile> Read(CorpusOptions options, IProgress<int>? progress = null)
    {
        var items = _paths.Select(p => MidiItem.ForFile(p, Path.GetRelativePath(_baseDir, p), null)).ToList();
        return MidiBatch.Read(Root, items, options, progress);
    }
}
