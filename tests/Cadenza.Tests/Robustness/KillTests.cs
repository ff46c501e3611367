using System.Diagnostics;
using Cadenza.Common;
using Cadenza.Model;
using Cadenza.Training;

namespace Cadenza.Tests.Robustness;

/// <summary>Training killed (SIGKILL) at random moments always leaves a loadable model and checkpoint, and --resume finishes the run.</summary>
[Collection(TrainingProcessesCollection.Name)]
public class KillTests
{
    [Fact]
    public void Train_KilledAtRandomPoints_FolderAlwaysLoadsAndResumeCompletes()
    {
        using var dir = new TempDir();
        string config = dir.File("tiny.json");
        File.WriteAllText(config, """{"model": {"sequenceLength": 10, "lstmUnits": [24]}, "training": {"epochs": 40, "threads": 1, "patience": 100}}""");
        string model = dir.File("model");
        var rng = new Rng(77);
        int kills = 0;
        for (int round = 0; round < 5; round++)
        {
            bool resume = File.Exists(Path.Combine(model, ModelStore.ConfigFile)) && File.Exists(Path.Combine(model, Checkpoint.FileName));
            string[] args = ["train", Paths.Demo, "--out", model, "--config", config, .. (resume ? new[] { "--resume" } : [])];
            using Process p = Process.Start(Cli.StartInfo(args))!;
            p.StandardOutput.ReadToEndAsync();
            p.StandardError.ReadToEndAsync();
            Thread.Sleep(600 + rng.NextInt(2500));
            if (!p.HasExited) { p.Kill(); kills++; }
            p.WaitForExit();

            if (File.Exists(Path.Combine(model, ModelStore.ConfigFile)))
            {
                MusicModel m = ModelStore.Load(model);   // never half-written
                if (File.Exists(Path.Combine(model, Checkpoint.FileName))) Checkpoint.Load(model, m.Parameters);
            }
        }
        Assert.True(kills >= 2, $"only {kills} runs were killed; the test did not exercise interruption");

        bool canResume = File.Exists(Path.Combine(model, Checkpoint.FileName));
        var (exit, _, err) = Cli.Run(["train", Paths.Demo, "--out", model, "--config", config, .. (canResume ? new[] { "--resume" } : [])]);
        Assert.True(exit == 0, err);
        MusicModel final = ModelStore.Load(model);
        Checkpoint cp = Checkpoint.Load(model, final.Parameters);
        Assert.Equal(40, cp.CompletedEpochs);
        Assert.Equal(Enumerable.Range(1, 40), cp.History.Select(r => r.Epoch));
        Assert.Empty(Directory.GetFiles(model, "*.tmp"));
    }

    [Fact]
    public void Train_CtrlC_WritesCheckpointAndExits130()
    {
        using var dir = new TempDir();
        string config = dir.File("tiny.json");
        File.WriteAllText(config, """{"model": {"sequenceLength": 10, "lstmUnits": [24]}, "training": {"epochs": 500, "threads": 1, "patience": 1000}}""");
        string model = dir.File("model");
        using Process p = Process.Start(Cli.StartInfo("train", Paths.Demo, "--out", model, "--config", config))!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        p.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(model, Checkpoint.FileName)) && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(100);
        Thread.Sleep(300);
        Process.Start("kill", ["-INT", p.Id.ToString()])!.WaitForExit();
        Assert.True(p.WaitForExit(30_000), "training did not stop after SIGINT");
        Assert.Equal(130, p.ExitCode);
        Assert.Contains("continue with --resume", stdout.Result);
        MusicModel m = ModelStore.Load(model);
        Checkpoint cp = Checkpoint.Load(model, m.Parameters);
        Assert.True(cp.CompletedEpochs >= 1);
        Assert.Empty(Directory.GetFiles(model, "*.tmp"));
    }
}
