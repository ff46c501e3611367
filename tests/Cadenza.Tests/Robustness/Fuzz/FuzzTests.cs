using Cadenza.Tests.Datasets;

namespace Cadenza.Tests.Robustness.Fuzz;

/// <summary>
/// The fuzz harness over every input kind: a few hundred mutants per kind in the suite; the long mode
/// (<c>CADENZA_FUZZ_CASES=10000</c>, see bench/fuzz/run.sh) runs more and writes the report table to
/// <c>CADENZA_FUZZ_REPORT</c>.
/// </summary>
[Collection(SerialCollection.Name)]   // allocation is measured per thread, but timing a case needs the cores to itself
public class FuzzTests
{
    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("CADENZA_FUZZ_CASES"), out int n) && n > 0 ? n : 300;

    public static TheoryData<int> Kinds() => new(Enumerable.Range(0, FuzzKinds.All().Count));

    [Fact]
    public void Seeds_EveryKindsSeedFilesReadCleanly()
    {
        foreach (FuzzKind kind in FuzzKinds.All())
        {
            using var dir = new TempDir();
            for (int s = 0; s < kind.Seeds.Count; s++)
            {
                kind.Setup(dir.Path);
                string file = Path.Combine(dir.Path, kind.FileName);
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllBytes(file, kind.Seeds[s]);
                Assert.True(kind.Read(dir.Path) == 0, $"{kind.Name}: seed {s} has skipped pieces");   // throws if refused
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Mutants_OnlyCleanOneLineErrors_NoHangs_BoundedAllocation(int index)
    {
        FuzzKind kind = FuzzKinds.All()[index];
        FuzzReport report = FuzzHarness.Run(kind, Cases, 2026 + (ulong)index);
        if (Environment.GetEnvironmentVariable("CADENZA_FUZZ_REPORT") is { Length: > 0 } path)
            File.AppendAllText(path, FuzzHarness.Table([report]).Split('\n')[2] + "\n");
        Assert.True(report.Crashes == 0, $"{kind.Name}: {report.Crashes} crashes in {report.Cases} cases:\n{string.Join("\n", report.Failures.Take(10))}");
        Assert.True(report.Read > 0 && report.Refused + report.SkippedPieces > 0,
                    $"{kind.Name}: {report.Read} read, {report.Refused} refused, {report.SkippedPieces} pieces skipped: the mutations should reach both paths");
    }
}
