namespace Cadenza.Common;

/// <summary>The one atomic-write helper: write to a temporary file beside the target, flush, then rename over it.</summary>
/// <remarks>A crash or a full disk leaves either the old file or the new one, never a half-written one.</remarks>
public static class AtomicFile
{
    /// <summary>Writes a file through <paramref name="write"/> atomically; on any failure the temporary file is removed and the target is untouched.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        string temp = TempPath(dir, full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Creates a file atomically through something that writes to a path (an external encoder): <paramref name="writeTemp"/> creates the temporary path it is given, which is then flushed and renamed over <paramref name="path"/>.</summary>
    public static void WriteViaPath(string path, Action<string> writeTemp)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        string temp = TempPath(dir, full);
        try
        {
            writeTemp(temp);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                stream.Flush(flushToDisk: true);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes bytes atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Writes UTF-8 text atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true); w.Write(text); });

    /// <summary>A temporary path beside <paramref name="path"/> for a writer that renames into place itself (a stream too long for <see cref="Write"/>'s callback).</summary>
    public static string TemporaryPath(string path)
    {
        string full = Path.GetFullPath(path);
        return TempPath(Path.GetDirectoryName(full)!, full);
    }

    // hidden, unique per process and call, beside the target so that the rename stays on one file system
    private static string TempPath(string dir, string full) =>
        Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    /// <summary>
    /// Deletes temporary files left in <paramref name="folder"/> by a writer that was killed mid-write (their process
    /// is gone); the files they were replacing are intact.
    /// </summary>
    public static int RemoveStaleTemporaries(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (string temp in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            // name: .{target}.{pid}.{guid}.tmp
            string[] parts = Path.GetFileName(temp).Split('.');
            if (parts.Length < 4 || !int.TryParse(parts[^3], out int pid) || IsAlive(pid)) continue;
            TryDelete(temp);
            removed++;
        }
        return removed;
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
