namespace Cadenza.Audio;

/// <summary>Finds the SoundFont FluidSynth plays with: the one asked for, else $CADENZA_SOUNDFONT, else the usual system places.</summary>
public static class SoundFontLocator
{
    /// <summary>The environment variable naming a SoundFont.</summary>
    public const string EnvironmentVariable = "CADENZA_SOUNDFONT";

    private const string Sf2Folder = "/usr/share/sounds/sf2";        // Debian's SoundFont packages install here
    private const string SoundFontsFolder = "/usr/share/soundfonts"; // Arch, Fedora and the freedesktop convention
    private const int RiffHeaderBytes = 12;

    /// <summary>The usual places, best first: TimGM6mb (6 MB, loads and renders fast), then FluidR3 (141 MB, richer), then the distribution's default.</summary>
    public static IReadOnlyList<string> StandardPaths { get; } =
    [
        Path.Combine(Sf2Folder, "TimGM6mb.sf2"),
        Path.Combine(Sf2Folder, "FluidR3_GM.sf2"),
        Path.Combine(Sf2Folder, "default-GM.sf2"),
    ];

    /// <summary>Returns the SoundFont to use, or null when none is installed.</summary>
    /// <exception cref="AudioException">A SoundFont was named (argument or environment) but does not exist.</exception>
    public static string? Find(string? requested = null) =>
        Find(requested, Environment.GetEnvironmentVariable(EnvironmentVariable), Candidates());

    /// <summary>The search itself, with the environment value and the candidate list given (for tests).</summary>
    internal static string? Find(string? requested, string? environment, IEnumerable<string> candidates)
    {
        if (!string.IsNullOrEmpty(requested))
            return File.Exists(requested) ? Path.GetFullPath(requested) : throw new AudioException($"{requested}: no such SoundFont file");
        if (!string.IsNullOrEmpty(environment))
            return File.Exists(environment) ? Path.GetFullPath(environment)
                : throw new AudioException($"{environment}: no such SoundFont file (from ${EnvironmentVariable})");
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Checks that <paramref name="path"/> starts like a SoundFont (RIFF form <c>sfbk</c>, SF2 or SF3) or a DLS bank, the formats FluidSynth reads.</summary>
    /// <exception cref="AudioException">The file is unreadable or something else.</exception>
    /// <remarks>Checked here so that a wrong file gets one clear line instead of the warnings of FluidSynth's loaders.</remarks>
    public static void CheckHeader(string path)
    {
        Span<byte> header = stackalloc byte[RiffHeaderBytes];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
                throw new AudioException($"{path}: not a SoundFont (too short)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioException($"{path}: cannot read the SoundFont: {e.Message}", e);
        }
        // bytes 0-3 "RIFF", 4-7 the length, 8-11 the form type
        bool riff = header[..4].SequenceEqual("RIFF"u8);
        ReadOnlySpan<byte> form = header[8..12];
        if (!riff || !(form.SequenceEqual("sfbk"u8) || form.SequenceEqual("DLS "u8)))
            throw new AudioException($"{path}: not a SoundFont (expected a RIFF sfbk .sf2/.sf3 or DLS file)");
    }

    /// <summary>The standard paths, then any other .sf2 in /usr/share/soundfonts, by name.</summary>
    public static IEnumerable<string> Candidates()
    {
        foreach (string path in StandardPaths) yield return path;
        if (!Directory.Exists(SoundFontsFolder)) yield break;
        string[] others;
        try { others = Directory.GetFiles(SoundFontsFolder, "*.sf2"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        Array.Sort(others, StringComparer.Ordinal);
        foreach (string path in others) yield return path;
    }
}
