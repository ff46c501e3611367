using NAudio.Midi;

namespace Cadenza.Instruments;

/// <summary>General MIDI's instrument names and families, and the names a user may give an instrument by.</summary>
public static class GeneralMidi
{
    /// <summary>The 16 families of eight programs each, in program order.</summary>
    public static readonly string[] Families =
    [
        "piano", "chromatic percussion", "organ", "guitar", "bass", "strings", "ensemble", "brass",
        "reed", "pipe", "synth lead", "synth pad", "synth effects", "ethnic", "percussive", "sound effects",
    ];

    /// <summary>Name of the percussion kit (channel 10).</summary>
    public const string DrumsName = "Drums";

    /// <summary>The GM name of <paramref name="program"/> 0..127 (NAudio's table), e.g. 32 → "Acoustic Bass".</summary>
    public static string Name(int program) => PatchChangeEvent.GetPatchName(Math.Clamp(program, 0, 127));

    /// <summary>The name of an instrument: the GM program's, or <see cref="DrumsName"/>.</summary>
    public static string Name(int program, bool isDrum) => isDrum ? DrumsName : Name(program);

    /// <summary>The family of <paramref name="program"/>: program / 8.</summary>
    public static string Family(int program) => Families[Math.Clamp(program, 0, 127) / 8];

    // the program a family name alone means: its first program, except where musicians mean another by the word
    private static readonly Dictionary<string, int> FamilyDefaults = new()
    {
        ["strings"] = 48, ["ensemble"] = 48, ["choir"] = 52, ["voice"] = 52, ["brass"] = 61, ["sax"] = 65, ["flute"] = 73,
    };

    /// <summary>
    /// The program a user means by <paramref name="name"/>: a number 0..127, a GM name ("Acoustic Bass", spaces and case
    /// ignored), or a family ("bass" → 32, "strings" → 48); null for "drums"; throws for anything else.
    /// </summary>
    /// <exception cref="ArgumentException">Not a program, GM name or family.</exception>
    public static int? ParseProgram(string name)
    {
        string key = Key(name);
        if (key is "drums" or "drum" or "percussion") return null;
        if (int.TryParse(key, out int number))
            return number is >= 0 and <= 127 ? number : throw new ArgumentException($"program {number} is outside 0..127");
        for (int p = 0; p < 128; p++) if (Key(Name(p)) == key) return p;
        if (FamilyDefaults.TryGetValue(key, out int d)) return d;
        int family = Array.FindIndex(Families, f => Key(f) == key);
        if (family >= 0) return family * 8;
        throw new ArgumentException($"'{name}' is not a General MIDI program, instrument name or family (e.g. 0, \"Acoustic Bass\", piano, strings, drums)");
    }

    /// <summary>A name reduced for comparison: lower case, letters and digits only.</summary>
    public static string Key(string name) => new(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}
