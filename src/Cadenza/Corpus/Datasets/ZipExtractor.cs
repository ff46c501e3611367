using System.IO.Compression;
using Cadenza.Common;

namespace Cadenza.Corpus.Datasets;

/// <summary>Extracts a zip into a folder, refusing any entry whose path would land outside it (zip-slip).</summary>
public static class ZipExtractor
{
    /// <summary>
    /// Checks every entry first and extracts nothing if one would escape <paramref name="folder"/> (through "..", an
    /// absolute path or a drive); then writes each file atomically, so an interrupted extraction leaves whole files.
    /// </summary>
    /// <param name="zipPath">The zip.</param>
    /// <param name="folder">Where its entries go (created if needed).</param>
    /// <param name="progress">Receives the number of entries written.</param>
    /// <returns>The number of files written.</returns>
    /// <exception cref="DatasetException">The zip is unreadable or damaged, or an entry would escape the folder.</exception>
    public static int Extract(string zipPath, string folder, IProgress<int>? progress = null)
    {
        string root = Path.GetFullPath(folder);
        string prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        try
        {
            using ZipArchive zip = ZipFile.OpenRead(zipPath);
            var targets = new List<(ZipArchiveEntry Entry, string Path)>(zip.Entries.Count);
            foreach (ZipArchiveEntry entry in zip.Entries)
            {
                string name = entry.FullName.Replace('\\', '/');
                string full = Path.GetFullPath(Path.Combine(root, name));
                bool inside = full.StartsWith(prefix, StringComparison.Ordinal) || full == root;
                if (!inside || Path.IsPathRooted(name) || (name.Length >= 2 && name[1] == ':'))   // "C:…": a Windows drive; ':' elsewhere is a legal name
                    throw new DatasetException($"{zipPath}: entry '{entry.FullName}' would be written outside {root} (zip-slip); nothing was extracted");
                targets.Add((entry, full));
            }
            Directory.CreateDirectory(root);
            int written = 0;
            foreach (var (entry, path) in targets)
            {
                if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
                {
                    Directory.CreateDirectory(path);
                    continue;
                }
                AtomicFile.Write(path, s =>
                {
                    using Stream data = entry.Open();
                    data.CopyTo(s);
                });
                File.SetLastWriteTimeUtc(path, entry.LastWriteTime.UtcDateTime);
                written++;
                progress?.Report(written);
            }
            return written;
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException($"{zipPath}: damaged zip ({e.Message.ReplaceLineEndings(" ")}); delete it and download again", e);
        }
    }
}
