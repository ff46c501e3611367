using System.Diagnostics;
using System.Security.Cryptography;
using Cadenza.Corpus.Datasets;
using Cadenza.Tests.Datasets;

namespace Cadenza.Tests.Robustness;

/// <summary>A real small file system (tmpfs) mounted for one test, to be filled up or made read-only: the kernel's own ENOSPC and EROFS, not a simulated failure.</summary>
internal sealed class SmallDisk : IDisposable
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    private readonly TempDir _dir = new();

    public SmallDisk(int megabytes)
    {
        Path = _dir.Path;
        Mount("-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", Path);
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Why a tmpfs cannot be mounted here (not root, no mount permission in a container), or null.</summary>
    public static string? Missing => Unavailable.Value;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a filler file until the file system has no space left.</summary>
    public void Fill()
    {
        using var filler = new FileStream(File(".filler"), FileMode.Create, FileAccess.Write, FileShare.None, 1);
        var block = new byte[64 << 10];
        try
        {
            while (true) { filler.Write(block); filler.Flush(); }
        }
        catch (IOException) { }
        try { while (true) { filler.Write(block.AsSpan(0, 512)); filler.Flush(); } } catch (IOException) { }
    }

    /// <summary>Remounts the file system read-only.</summary>
    public void MakeReadOnly() => Mount("-o", "remount,ro", Path);

    private static void Mount(params string[] args)
    {
        using Process p = Process.Start(new ProcessStartInfo("mount", args) { RedirectStandardError = true, UseShellExecute = false })!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"mount {string.Join(' ', args)}: {err.Trim()}");
    }

    private static string? Probe()
    {
        if (Environment.UserName != "root") return "mounting a small tmpfs needs root";
        try
        {
            using var disk = new SmallDisk(1);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"cannot mount a tmpfs here ({e.Message})";
        }
    }

    public void Dispose()
    {
        using (Process p = Process.Start(new ProcessStartInfo("umount", ["-l", Path]) { UseShellExecute = false })!) p.WaitForExit();
        _dir.Dispose();
    }
}

/// <summary>A fact that needs a small tmpfs of its own; skipped, saying why, where it cannot be mounted.</summary>
public sealed class SmallDiskFactAttribute : FactAttribute
{
    /// <summary>Skips the test when a tmpfs cannot be mounted.</summary>
    public SmallDiskFactAttribute() { if (SmallDisk.Missing is { } why) Skip = why; }
}

/// <summary>Every writer on a full or read-only file system: one line, a non-zero exit, and the files that were there before left exactly as they were.</summary>
[Collection(TrainingProcessesCollection.Name)]
public class DiskFullTests
{
    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => !System.IO.Path.GetFileName(f).StartsWith(".filler"))
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static string OneErrorLine(string err)
    {
        string[] lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines, l => l.StartsWith("error: "));
    }

    // a model trained for one epoch, a piece generated from it and a rendered file, all on the small disk
    private static (string Model, string Piece, string Wav) Populate(SmallDisk disk)
    {
        string model = disk.File("model"), piece = disk.File("piece"), wav = disk.File("out.wav");
        var (exit, _, err) = Cli.Run("train", Paths.Demo, "--out", model, "--preset", "paper", "--epochs", "1", "--threads", "1");
        Assert.True(exit == 0, err);
        (exit, _, err) = Cli.Run("generate", model, "--out", piece, "--notes", "30", "--audio", "none");
        Assert.True(exit == 0, err);
        (exit, _, err) = Cli.Run("render", piece + ".mid", "--out", wav, "--builtin");
        Assert.True(exit == 0, err);
        return (model, piece, wav);
    }

    [SmallDiskFact]
    public void Writers_OnAFullDisk_OneLineNonZeroExitPreviousFilesIntact()
    {
        using var disk = new SmallDisk(8);
        var (model, piece, wav) = Populate(disk);
        var before = Snapshot(disk.Path);
        disk.Fill();

        (string What, string[] Args)[] runs =
        [
            ("train --resume", ["train", Paths.Demo, "--out", model, "--resume", "--epochs", "3", "--threads", "1"]),
            ("generate", ["generate", model, "--out", piece, "--notes", "30", "--audio", "none"]),
            ("render", ["render", piece + ".mid", "--out", wav, "--builtin"]),
            ("eval", ["eval", model, "--seeds", "1", "--generate", "30", "--json", disk.File("eval.json")]),
        ];
        foreach (var (what, args) in runs)
        {
            var (exit, _, err) = Cli.Run(args);
            Assert.True(exit == 1, $"{what}: exit {exit}, {err}");
            Assert.Contains("No space left on device", OneErrorLine(err));
        }
        Assert.Equal(before, Snapshot(disk.Path));
        Assert.Empty(Directory.GetFiles(disk.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [SmallDiskFact]
    public void Writers_OnAReadOnlyFolder_OneLineNonZeroExitPreviousFilesIntact()
    {
        using var disk = new SmallDisk(8);
        var (model, piece, wav) = Populate(disk);
        var before = Snapshot(disk.Path);
        disk.MakeReadOnly();
        string[][] runs =
        [
            ["train", Paths.Demo, "--out", model, "--resume", "--epochs", "3", "--threads", "1"],
            ["generate", model, "--out", piece, "--notes", "30", "--audio", "none"],
            ["render", piece + ".mid", "--out", wav, "--builtin"],
            ["eval", model, "--seeds", "1", "--generate", "30", "--json", disk.File("eval.json")],
        ];
        foreach (string[] args in runs)
        {
            var (exit, _, err) = Cli.Run(args);
            Assert.True(exit == 1, $"{args[0]}: exit {exit}, {err}");
            Assert.Contains("Read-only file system", OneErrorLine(err));
        }
        Assert.Equal(before, Snapshot(disk.Path));
    }

    [SmallDiskFact]
    public void NoteCache_OnAFullDisk_TheReadGoesOnWithOneWarningAndTheOldCacheIntact()
    {
        using var disk = new SmallDisk(4);
        using var corpus = new TempDir();
        foreach (string f in Directory.GetFiles(Paths.Demo, "*.mid")) File.Copy(f, System.IO.Path.Combine(corpus.Path, System.IO.Path.GetFileName(f)));
        string cache = disk.File("cache");
        var info = Cli.StartInfo("corpus", corpus.Path);
        info.Environment["CADENZA_CACHE"] = cache;
        Assert.Equal(0, Cli.Run(info).Exit);
        var before = Snapshot(cache);
        Assert.Single(before);
        disk.Fill();
        File.SetLastWriteTimeUtc(Directory.GetFiles(corpus.Path)[0], DateTime.UtcNow.AddMinutes(1));   // the cache must be written again

        var (exit, stdout, err) = Cli.Run(info);
        Assert.Equal(0, exit);
        Assert.Contains("13", stdout);
        string warning = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("warning: "));
        Assert.Contains("the note cache was not saved (No space left on device", warning);
        Assert.Equal(before, Snapshot(cache));
    }

    [SmallDiskFact]
    public async Task Download_OnAFullDisk_StopsAtOnceWithOneLineAndKeepsThePartForAResume()
    {
        using var disk = new SmallDisk(1);
        byte[] file = new byte[3 << 20];   // larger than the disk
        new Random(5).NextBytes(file);
        using var server = new LoopbackServer(file);
        using var http = DatasetFetch.CreateClient();
        var options = new DownloadOptions { Attempts = 3, RetryDelay = TimeSpan.Zero, StallTimeout = TimeSpan.FromSeconds(10) };
        string target = disk.File("maestro.zip");
        var e = await Assert.ThrowsAsync<DatasetException>(() => new Downloader(http).DownloadAsync(server.Url, target, file.Length, null, options));
        Assert.StartsWith($"{target}{Downloader.PartSuffix}: cannot write the download (No space left on device", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Single(server.Ranges);   // not retried: a full disk is not a network error
        Assert.False(File.Exists(target));
        Assert.True(new FileInfo(target + Downloader.PartSuffix).Length > 0, "the bytes saved are kept for a resume");
    }
}
