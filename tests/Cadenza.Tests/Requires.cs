using Cadenza.Audio;

namespace Cadenza.Tests;

/// <summary>What a test needs from the machine (Debian packages the launcher and CI install); a test that cannot have
/// it is reported as skipped with a one-line reason, never as passed.</summary>
internal static class Requires
{
    /// <summary>Why FluidSynth cannot render here, or null when libfluidsynth and a SoundFont are both present.</summary>
    public static string? FluidSynthMissing { get; } = FindFluidSynthProblem();

    /// <summary>Why lame cannot encode here, or null when it is on the PATH.</summary>
    public static string? LameMissing { get; } = OnPath("lame") ? null : "lame is not installed (apt-get install lame)";

    private static string? FindFluidSynthProblem()
    {
        if (FluidSynthLibrary.TryLoad(null) is null) return "libfluidsynth is not installed (apt-get install fluidsynth)";
        return SoundFontLocator.Find() is null ? "no SoundFont is installed (apt-get install timgm6mb-soundfont)" : null;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));
}

/// <summary>A fact that renders through the real FluidSynth with a SoundFont; skipped, saying why, where they are missing.</summary>
public sealed class FluidSynthFactAttribute : FactAttribute
{
    /// <summary>Skips the test when FluidSynth or a SoundFont is missing.</summary>
    public FluidSynthFactAttribute() { if (Requires.FluidSynthMissing is { } why) Skip = why; }
}

/// <summary>A fact that encodes or decodes MP3 with lame (and renders with FluidSynth); skipped, saying why, where either is missing.</summary>
public sealed class LameFactAttribute : FactAttribute
{
    /// <summary>Skips the test when lame, FluidSynth or a SoundFont is missing.</summary>
    public LameFactAttribute() { if ((Requires.LameMissing ?? Requires.FluidSynthMissing) is { } why) Skip = why; }
}
