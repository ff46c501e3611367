using System.Diagnostics;
using System.Text;

namespace Cadenza.Common;

/// <summary>Raised when another process holds a folder's lock; the message names the folder and the holder.</summary>
public sealed class FolderLockedException(string message) : IOException(message);

/// <summary>One writer per folder: a lock file naming its holder (process id, command, start time), so that two runs writing one model folder cannot interleave.</summary>
/// <remarks>
/// The exclusion itself is a byte-range lock the kernel holds for the process (<see cref="FileStream.Lock"/>): it
/// disappears when the holder dies however it dies, so a stale lock left by a killed run is simply taken over, and
/// two processes racing for a stale lock cannot both win, as they could by reading and rewriting a process id. The
/// range lies past the text, so that the holder's line stays readable for the message. (On macOS, where .NET has no
/// byte-range locks, or on a filesystem that refuses them with ENOLCK, only the in-process table applies.) The file is emptied, not
/// deleted, on release: deleting it would let a process that opened it just before lock a file no one else sees.
/// Byte-range locks belong to the process, so holders inside one process (two trainings started by one server)
/// are kept apart by a table of the folders this process holds.
/// </remarks>
public sealed class FolderLock : IDisposable
{
    /// <summary>The lock file's name inside the folder.</summary>
    public const string FileName = ".cadenza.lock";

    private const long LockedByte = 1L << 40;   // far past the holder's line: reading it never meets the lock

    private static readonly Dictionary<string, string> HeldHere = new(StringComparer.Ordinal);   // lock file → holder line

    private readonly FileStream _file;
    private readonly string _path;
    private bool _released;

    private FolderLock(FileStream file, string path, string? previous)
    {
        _file = file;
        _path = path;
        TakenOverFrom = previous;
    }

    /// <summary>The holder line of a run that ended without releasing the lock (killed), when this one took it over; null otherwise.</summary>
    public string? TakenOverFrom { get; }

    /// <summary>Takes the lock of <paramref name="folder"/> (created if missing) for <paramref name="command"/>.</summary>
    /// <exception cref="FolderLockedException">Another process holds it.</exception>
    /// <exception cref="IOException">The folder cannot be written.</exception>
    public static FolderLock Acquire(string folder, string command)
    {
        Directory.CreateDirectory(folder);
        // keyed by the resolved folder: two names of one folder (a symlink) are one folder to the table as to the kernel
        string path = Path.Combine(SafePaths.Resolve(folder) ?? Path.GetFullPath(folder), FileName);
        using var process = Process.GetCurrentProcess();
        string line = $"{command} (process {Environment.ProcessId}, started {process.StartTime.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC)";
        lock (HeldHere)
        {
            if (HeldHere.TryGetValue(path, out string? holder)) throw Locked(folder, holder);
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
            try
            {
                try
                {
                    if (!OperatingSystem.IsMacOS()) file.Lock(LockedByte, 1);
                }
                catch (IOException e) when (LocksUnavailable(e))
                {
                    // the filesystem keeps no byte-range locks (NFS without a lock daemon): as on macOS, only the
                    // table below keeps writers apart; refusing would make the folder unusable, not safer
                }
                catch (IOException)
                {
                    throw Locked(folder, ReadHolder(file));
                }
                string previous = ReadHolder(file);
                file.SetLength(0);
                file.Write(Encoding.UTF8.GetBytes(line + "\n"));
                file.Flush(flushToDisk: true);
                HeldHere.Add(path, line);
                return new FolderLock(file, path, previous.Length > 0 ? previous : null);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
    }

    /// <summary>Whether a failed lock means the filesystem cannot lock at all (Linux's ENOLCK, 37), not that another process holds it.</summary>
    internal static bool LocksUnavailable(IOException e) => OperatingSystem.IsLinux() && e.HResult == 37;

    private static FolderLockedException Locked(string folder, string holder) =>
        new($"{folder}: in use by {(holder.Length > 0 ? holder : "another process")}; wait for it to finish, or stop it (Ctrl+C keeps its checkpoint)");

    private static string ReadHolder(FileStream file)
    {
        var buffer = new byte[1024];
        file.Position = 0;
        int n = file.Read(buffer);
        file.Position = 0;
        return Encoding.UTF8.GetString(buffer, 0, n).Trim();
    }

    /// <summary>Empties the lock file and releases the lock.</summary>
    public void Dispose()
    {
        if (_released) return;
        _released = true;
        try
        {
            _file.SetLength(0);
            if (!OperatingSystem.IsMacOS()) _file.Unlock(LockedByte, 1);
        }
        catch (IOException)
        {
            // a full disk or a vanished folder: closing the file releases the lock all the same
        }
        _file.Dispose();
        lock (HeldHere) HeldHere.Remove(_path);
    }
}
