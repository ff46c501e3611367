namespace Cadenza.Notes;

/// <summary>What reading one piece ignored, clamped or dropped so that its other notes are kept: one warning line per piece.</summary>
/// <remarks>
/// The rule: a piece is skipped only when its notes cannot be recovered. Events that do not change the notes are
/// ignored, values out of range are clamped, and a single impossible note is dropped; each is counted here.
/// Fields, not properties: readers count through a <c>ref</c> as they go.
/// </remarks>
public struct ReadRepairs : IEquatable<ReadRepairs>
{
    /// <summary>MIDI key signatures pretty_midi refuses (mode not 0 or 1, or more than 7 sharps or flats), ignored.</summary>
    public int KeySignatures;

    /// <summary>MIDI time signatures pretty_midi refuses (a numerator of 0), ignored.</summary>
    public int TimeSignatures;

    /// <summary>MIDI meta events (other than tempo) with fewer data bytes than their type needs, ignored.</summary>
    public int ShortMetaEvents;

    /// <summary>MIDI sysex events with data bytes above 127 (mido refuses them), skipped by their length as any sysex is.</summary>
    public int Sysex;

    /// <summary>Velocities outside 1..127 clamped into it.</summary>
    public int Velocities;

    /// <summary>Programs outside 0..127 (or instruments out of range) set to 0.</summary>
    public int Programs;

    /// <summary>Notes dropped for a pitch outside 0..127, a negative or non-finite time, or an end before the start.</summary>
    public int DroppedNotes;

    /// <summary>True when nothing was ignored, clamped or dropped.</summary>
    public readonly bool IsEmpty => KeySignatures == 0 && TimeSignatures == 0 && ShortMetaEvents == 0 && Sysex == 0 && Velocities == 0 && Programs == 0 && DroppedNotes == 0;

    /// <summary>The warning for the user, without the file name (e.g. "ignored 1 invalid key signature"); empty when nothing was repaired.</summary>
    public readonly string Describe()
    {
        if (IsEmpty) return "";
        var ignored = new List<string>();
        if (KeySignatures > 0) ignored.Add(Count(KeySignatures, "invalid key signature"));
        if (TimeSignatures > 0) ignored.Add(Count(TimeSignatures, "invalid time signature"));
        if (ShortMetaEvents > 0) ignored.Add(Count(ShortMetaEvents, "meta event too short to read", "meta events too short to read"));
        if (Sysex > 0) ignored.Add(Count(Sysex, "sysex event with data bytes above 127", "sysex events with data bytes above 127"));
        var parts = new List<string>();
        if (ignored.Count > 0) parts.Add("ignored " + string.Join(", ", ignored));
        if (Velocities > 0) parts.Add($"clamped {Count(Velocities, "velocity", "velocities")} into 1..127");
        if (Programs > 0) parts.Add($"set {Count(Programs, "program or instrument", "programs or instruments")} outside their range to 0");
        if (DroppedNotes > 0) parts.Add($"dropped {Count(DroppedNotes, "note", "notes")} with a pitch outside 0..127 or an impossible time");
        return string.Join("; ", parts);
    }

    private static string Count(int n, string one, string? many = null) => $"{n} {(n == 1 ? one : many ?? one + "s")}";

    /// <inheritdoc/>
    public readonly bool Equals(ReadRepairs other) =>
        KeySignatures == other.KeySignatures && TimeSignatures == other.TimeSignatures && ShortMetaEvents == other.ShortMetaEvents && Sysex == other.Sysex
        && Velocities == other.Velocities && Programs == other.Programs && DroppedNotes == other.DroppedNotes;

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is ReadRepairs r && Equals(r);

    /// <inheritdoc/>
    public override readonly int GetHashCode() => HashCode.Combine(KeySignatures, TimeSignatures, ShortMetaEvents, Sysex, Velocities, Programs, DroppedNotes);

    /// <inheritdoc/>
    public override readonly string ToString() => Describe();
}
