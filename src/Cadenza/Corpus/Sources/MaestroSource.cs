using System.Globalization;
using System.IO.Compression;

namespace Cadenza.Corpus.Sources;

/// <summary>
/// MAESTRO (v2.0.0, v3.0.0): the extracted folder or the downloaded zip read in place, with the train/validation/test
/// split of its metadata. A zip without MAESTRO metadata is read as a plain zip of MIDI files, without splits.
/// </summary>
internal sealed class MaestroSource : ICorpusSource
{
    private readonly List<MidiItem> _items;
    private readonly string _description;
    private readonly string _cacheRoot;

    private MaestroSource(string root, string cacheRoot, CorpusSourceKind kind, List<MidiItem> items, string description)
    {
        Root = root;
        _cacheRoot = cacheRoot;
        Kind = kind;
        _items = items;
        _description = description;
        HasSplits = items.Any(i => i.Split != null);
    }

    /// <summary>Opens an extracted MAESTRO folder through its metadata file.</summary>
    /// <exception cref="CorpusException">The metadata cannot be read.</exception>
    public static MaestroSource FromFolder(string root, string metadataPath)
    {
        List<MaestroRow> rows;
        try
        {
            using FileStream stream = File.OpenRead(metadataPath);
            rows = MaestroMetadata.Parse(stream, metadataPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CorpusException($"{metadataPath}: cannot read the MAESTRO metadata ({e.Message.ReplaceLineEndings(" ")})", e);
        }
        string folder = Path.GetDirectoryName(Path.GetFullPath(metadataPath))!;
        var items = rows.Select(r => IsInside(r.MidiFilename)
            ? MidiItem.ForFile(Path.Combine(folder, r.MidiFilename), r.MidiFilename, r.Split)
            : new MidiItem(r.MidiFilename, "", null, -1, 0, r.Split)).ToList();
        // cached by the dataset folder, so that the folder itself and the one it was extracted into share a cache
        return new MaestroSource(root, folder, CorpusSourceKind.Maestro, items, Describe(metadataPath, "folder", items));
    }

    /// <summary>Opens a zip: MAESTRO's (metadata inside, at any depth) or any zip of MIDI files.</summary>
    /// <exception cref="CorpusException">The file is not a readable zip, or its metadata is not valid.</exception>
    public static MaestroSource FromZip(string zipPath)
    {
        using ZipArchive zip = MidiBatch.OpenZip(zipPath);
        // names as '/'-separated paths (zips made on Windows may store '\'; some tools prefix "./"), without macOS's
        // __MACOSX/ folder and ._ companion files
        var entries = zip.Entries.Select(e => (Entry: e, Name: RelativeName(e.FullName)))
            .Where(e => !e.Name.EndsWith('/') && !e.Name.Split('/').Any(part => part.StartsWith("._", StringComparison.Ordinal) || part == "__MACOSX"))
            .ToList();
        var meta = entries
            .Where(e => MaestroMetadata.VersionOf(Path.GetFileName(e.Name)) != null)
            .OrderBy(e => e.Name.Count(c => c == '/'))
            .ThenBy(e => e.Name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .FirstOrDefault();
        List<MidiItem> items;
        string description;
        if (meta.Entry is null)
        {
            items = entries.Where(e => CorpusReader.IsMidiPath(e.Name))
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .Select(e => Item(zipPath, e.Entry, e.Name, null)).ToList();
            if (items.Count == 0) throw new CorpusException($"{zipPath}: no MIDI files and no MAESTRO metadata in the zip");
            description = string.Create(CultureInfo.InvariantCulture, $"zip of MIDI files, {items.Count:N0} files");
        }
        else
        {
            List<MaestroRow> rows;
            string source = $"{zipPath}!{meta.Name}";
            try
            {
                using Stream stream = meta.Entry.Open();
                rows = MaestroMetadata.Parse(stream, source);
            }
            catch (InvalidDataException e)
            {
                throw new CorpusException($"{source}: damaged zip entry ({e.Message.ReplaceLineEndings(" ")})", e);
            }
            string metaName = Path.GetFileName(meta.Name);
            string prefix = meta.Name[..^metaName.Length];   // midi_filename is relative to the metadata's folder
            var byName = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            foreach (var (entry, name) in entries) byName.TryAdd(name, entry);   // a name stored twice (legal in zips): the first, as ZipArchive.GetEntry gives it
            items = rows.Select(r => !IsInside(r.MidiFilename) ? new MidiItem(r.MidiFilename, "", null, -1, 0, r.Split)
                : byName.TryGetValue(prefix + r.MidiFilename.Replace('\\', '/'), out ZipArchiveEntry? e) ? Item(zipPath, e, r.MidiFilename, r.Split)
                : new MidiItem(r.MidiFilename, zipPath, prefix + r.MidiFilename, -1, 0, r.Split)).ToList();
            description = Describe(metaName, "zip", items);
        }
        return new MaestroSource(zipPath, zipPath, CorpusSourceKind.Zip, items, description);
    }

    /// <inheritdoc/>
    public string Root { get; }

    /// <inheritdoc/>
    public CorpusSourceKind Kind { get; }

    /// <inheritdoc/>
    public string Description => _description;

    /// <inheritdoc/>
    public bool HasSplits { get; }

    /// <inheritdoc/>
    public int? ExpectedCount(CorpusOptions options) => Selected(options).Count();

    /// <inheritdoc/>
    public IEnumerable<CorpusFile> Read(CorpusOptions options, IProgress<int>? progress = null) =>
        MidiBatch.Read(_cacheRoot, Selected(options).ToList(), options, progress);

    private IEnumerable<MidiItem> Selected(CorpusOptions options) =>
        options.Split is { } split ? _items.Where(i => i.Split == split) : _items;

    private static MidiItem Item(string zipPath, ZipArchiveEntry e, string relative, DataSplit? split) =>
        new(relative, zipPath, e.FullName, e.Length, e.LastWriteTime.UtcTicks, split);

    private static string RelativeName(string fullName)
    {
        string name = fullName.Replace('\\', '/');
        while (name.StartsWith("./", StringComparison.Ordinal)) name = name[2..];
        return name;
    }

    // metadata naming a file outside the dataset folder is treated as missing, never followed
    // a name with a NUL is no file anywhere (and would make every path function throw): not followed either
    private static bool IsInside(string relative) =>
        relative.Length > 0 && !relative.Contains('\0') && !Path.IsPathRooted(relative) && !relative.Replace('\\', '/').Split('/').Contains("..");

    private static string Describe(string metadata, string form, List<MidiItem> items)
    {
        string version = MaestroMetadata.VersionOf(metadata) ?? "?";
        int Count(DataSplit s) => items.Count(i => i.Split == s);
        return string.Create(CultureInfo.InvariantCulture,
            $"MAESTRO v{version} ({form}), {items.Count:N0} pieces: {Count(DataSplit.Train):N0} train / {Count(DataSplit.Validation):N0} validation / {Count(DataSplit.Test):N0} test");
    }
}
