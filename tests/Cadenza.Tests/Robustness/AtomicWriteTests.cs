using Cadenza.Common;
using Cadenza.Model;
using Cadenza.Tests.Nn;
using Cadenza.Training;

namespace Cadenza.Tests.Robustness;

public class AtomicWriteTests
{
    [Fact]
    public void Write_FailureMidway_LeavesPreviousFileIntactAndNoTemporary()
    {
        using var dir = new TempDir();
        string path = dir.File("checkpoint.safetensors");
        File.WriteAllText(path, "previous");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[4096]);
            throw new IOException("No space left on device");   // what a full disk raises
        }));
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Write_TargetUnwritable_PreviousCheckpointIntact()
    {
        using var dir = new TempDir();
        MusicModel model = KerasFixtures.Model();
        var cp = new Checkpoint
        {
            CompletedEpochs = 1, RngAtEpochStart = [1, 2, 3, 4], EpochSums = [0, 0, 0, 0], ModelConfig = model.Config,
            Weights = model.Parameters.Values, BestWeights = model.Parameters.Values, AdamM = new float[model.ParameterCount], AdamV = new float[model.ParameterCount],
        };
        cp.Save(dir.Path, model.Parameters);
        byte[] before = File.ReadAllBytes(dir.File(Checkpoint.FileName));
        // a rename onto a non-empty directory fails: stand-in for a write that cannot complete
        string blocked = dir.File("blocked");
        Directory.CreateDirectory(Path.Combine(blocked, Checkpoint.FileName, "x"));
        Assert.ThrowsAny<IOException>(() => cp.Save(blocked, model.Parameters));
        Assert.Equal(before, File.ReadAllBytes(dir.File(Checkpoint.FileName)));
        Assert.Empty(Directory.GetFiles(blocked, "*.tmp"));
    }

    [Fact]
    public void RemoveStaleTemporaries_DeletesOnlyThoseOfDeadProcesses()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File(".weights.safetensors.999999.abc.tmp"), "x");   // no such pid
        File.WriteAllText(dir.File($".weights.safetensors.{Environment.ProcessId}.abc.tmp"), "x");
        Assert.Equal(1, AtomicFile.RemoveStaleTemporaries(dir.Path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
