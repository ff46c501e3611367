namespace Cadenza.Tests;

/// <summary>Where the repository, its reference fixtures and the demo corpus are, seen from the test binary; nothing
/// outside the clone is read.</summary>
internal static class Paths
{
    public static string Repo { get; } = FindRepo();

    /// <summary>tests/fixtures: reference data made by other tools (see its README).</summary>
    public static string Fixtures => Path.Combine(Repo, "tests", "fixtures");

    public static string MidiFixtures => Path.Combine(Fixtures, "midi");
    public static string KerasFixtures => Path.Combine(Fixtures, "keras");
    public static string Demo => Path.Combine(Repo, "data", "demo");

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Cadenza.slnx"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository root (Cadenza.slnx) above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cadenza-test-" + Guid.NewGuid().ToString("N")[..12]);
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
