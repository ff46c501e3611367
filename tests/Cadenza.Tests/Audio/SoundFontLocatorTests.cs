using Cadenza.Audio;

namespace Cadenza.Tests.Audio;

public class SoundFontLocatorTests
{
    [Fact]
    public void Find_Requested_WinsOverEnvironmentAndCandidates()
    {
        using var dir = new TempDir();
        string a = dir.File("a.sf2"), b = dir.File("b.sf2"), c = dir.File("c.sf2");
        foreach (string f in new[] { a, b, c }) File.WriteAllText(f, "");
        Assert.Equal(a, SoundFontLocator.Find(a, b, [c]));
        Assert.Equal(b, SoundFontLocator.Find(null, b, [c]));
        Assert.Equal(c, SoundFontLocator.Find(null, null, [dir.File("missing.sf2"), c]));
        Assert.Null(SoundFontLocator.Find(null, "", [dir.File("missing.sf2")]));
    }

    [Fact]
    public void Find_MissingRequestedOrEnvironmentFile_IsAnErrorNamingIt()
    {
        using var dir = new TempDir();
        string missing = dir.File("nope.sf2");
        Assert.Contains("nope.sf2", Assert.Throws<AudioException>(() => SoundFontLocator.Find(missing, null, [])).Message);
        var e = Assert.Throws<AudioException>(() => SoundFontLocator.Find(null, missing, []));
        Assert.Contains(SoundFontLocator.EnvironmentVariable, e.Message);
    }

    [Fact]
    public void Candidates_StartWithTheSmallTimGM6mb()
    {
        Assert.EndsWith("TimGM6mb.sf2", SoundFontLocator.Candidates().First());
    }
}
