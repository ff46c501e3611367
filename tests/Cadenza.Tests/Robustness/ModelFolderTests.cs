using System.Diagnostics;
using Cadenza.Common;
using Cadenza.Model;
using Cadenza.Tests.Nn;

namespace Cadenza.Tests.Robustness;

/// <summary>One model folder used by several processes at once: one writer, and readers that always see a whole model.</summary>
[Collection(TrainingProcessesCollection.Name)]
public class ModelFolderTests
{
    [Fact]
    public void Acquire_WhileHeld_RefusedWithOneLineNamingTheHolder()
    {
        using var dir = new TempDir();
        using (FolderLock held = FolderLock.Acquire(dir.Path, "cadenza train"))
        {
            Assert.Null(held.TakenOverFrom);
            var e = Assert.Throws<FolderLockedException>(() => FolderLock.Acquire(dir.Path, "cadenza train"));
            Assert.StartsWith($"{dir.Path}: in use by cadenza train (process {Environment.ProcessId}, started ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        using FolderLock again = FolderLock.Acquire(dir.Path, "cadenza train");   // released: free again
        Assert.Null(again.TakenOverFrom);
    }

    [Fact]
    public void LockFailure_OnlyEnolckMeansTheFilesystemCannotLock()
    {
        // .NET reports a failed fcntl lock as an IOException whose HResult is the errno: a lock held elsewhere is
        // EAGAIN (11) or EACCES (13) and stays "in use"; ENOLCK (37, NFS without a lock daemon) is not a holder
        Assert.Equal(OperatingSystem.IsLinux(), FolderLock.LocksUnavailable(new IOException("no locks available", 37)));
        Assert.False(FolderLock.LocksUnavailable(new IOException("in use", 11)));
        Assert.False(FolderLock.LocksUnavailable(new IOException("in use", 13)));
    }

    [Fact]
    public void Acquire_TheSameFolderByASymlink_IsTheSameLock()
    {
        using var dir = new TempDir();
        string real = Path.Combine(dir.Path, "model"), link = Path.Combine(dir.Path, "link");
        Directory.CreateDirectory(real);
        Directory.CreateSymbolicLink(link, real);
        using FolderLock held = FolderLock.Acquire(real, "cadenza train");
        Assert.Throws<FolderLockedException>(() => FolderLock.Acquire(link, "cadenza train"));
    }

    [Fact]
    public void Acquire_LockFileOfADeadProcess_TakenOver()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, FolderLock.FileName), "cadenza train (process 999999, started 2026-01-01 00:00:00 UTC)\n");
        using FolderLock held = FolderLock.Acquire(dir.Path, "cadenza train");
        Assert.Equal("cadenza train (process 999999, started 2026-01-01 00:00:00 UTC)", held.TakenOverFrom);
        Assert.Contains($"process {Environment.ProcessId}", File.ReadAllText(Path.Combine(dir.Path, FolderLock.FileName)));
    }

    [Fact]
    public void Train_SecondRunIntoTheSameFolder_RefusesWhileTheFirstWrites_AndTakesOverAfterItIsKilled()
    {
        using var dir = new TempDir();
        string config = dir.File("long.json");
        File.WriteAllText(config, """{"model": {"sequenceLength": 10, "lstmUnits": [24]}, "training": {"epochs": 500, "threads": 1, "patience": 1000}}""");
        string model = dir.File("model");
        using Process first = Process.Start(Cli.StartInfo("train", Paths.Demo, "--out", model, "--config", config, "--preset", "paper"))!;
        first.StandardOutput.ReadToEndAsync();
        first.StandardError.ReadToEndAsync();
        try
        {
            string lockFile = Path.Combine(model, FolderLock.FileName);
            var clock = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(model, ModelStore.ConfigFile)) && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(100);
            Assert.False(first.HasExited, "the first run ended before the second could meet it");

            var (exit, stdout, err) = Cli.Run("train", Paths.Demo, "--out", model, "--config", config, "--preset", "paper");
            Assert.Equal(1, exit);
            string line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error: "));
            Assert.StartsWith($"error: {model}: in use by cadenza train (process {first.Id}, started ", line);
            Assert.Contains($"process {first.Id}", File.ReadAllText(lockFile));
            // the refused run wrote nothing: the folder is the first run's, and still loads
            ModelStore.Load(model);
        }
        finally
        {
            if (!first.HasExited) first.Kill();
            first.WaitForExit();
        }
        using FolderLock taken = FolderLock.Acquire(model, "test");   // the kernel released the killed run's lock
        Assert.Contains($"process {first.Id}", taken.TakenOverFrom);
    }

    [Fact]
    public void Load_WhileAnotherThreadSavesEpochAfterEpoch_AlwaysGivesOneWholeModel()
    {
        using var dir = new TempDir();
        MusicModel a = KerasFixtures.Model();
        ModelStore.Save(a, dir.Path);
        MusicModel b = ModelStore.Load(dir.Path);   // a copy of its own, then another epoch's weights
        for (int i = 0; i < b.Parameters.Values.Length; i++) b.Parameters.Values[i] += 1f;
        using var stop = new CancellationTokenSource();
        int saves = 0;
        Exception? failed = null;
        var writer = new Thread(() =>   // a thread of its own: a pool task may not start before the reader is done
        {
            try { for (; !stop.IsCancellationRequested; saves++) ModelStore.Save(saves % 2 == 0 ? b : a, dir.Path); }
            catch (Exception e) { failed = e; }
        });
        writer.Start();
        int sawA = 0, sawB = 0;
        try
        {
            for (int i = 0; i < 300; i++)
            {
                float[] loaded = ModelStore.Load(dir.Path).Parameters.Values;
                if (loaded.AsSpan().SequenceEqual(a.Parameters.Values)) sawA++;
                else if (loaded.AsSpan().SequenceEqual(b.Parameters.Values)) sawB++;
                else Assert.Fail($"load {i} gave weights of neither saved model");
            }
        }
        finally
        {
            stop.Cancel();
            writer.Join();
        }
        Assert.Null(failed);
        Assert.True(sawA > 0 && sawB > 0, $"{sawA} loads of one model, {sawB} of the other while {saves} saves: the writer should have raced the reader");
    }
}
