namespace Cadenza.Corpus;

/// <summary>
/// How one raw note feature (MIDI pitch, seconds, MIDI velocity) becomes a float of a window: divided by a scale (the
/// paper's inputs and regression labels), or replaced by the index of its bin among time edges (a class index for an
/// embedding or a class head).
/// </summary>
/// <param name="Scale">The divisor when there are no edges.</param>
/// <param name="Edges">Ascending bin edges in seconds (bin k = [edge k−1, edge k)); null for a scaled value.</param>
public readonly record struct FeatureEncoding(float Scale, IReadOnlyList<double>? Edges = null)
{
    /// <summary>The raw value as is (a class index such as a MIDI pitch, or seconds).</summary>
    public static FeatureEncoding Identity => new(1f);

    /// <summary>The class a padding row (a raw NaN: no note, before a piece's first) is written as: no class, so no embedding and nothing to copy.</summary>
    public const float Pad = -1f;

    /// <summary>The float a window holds for <paramref name="raw"/>; <see cref="Pad"/> for a padding row's NaN.</summary>
    public float Encode(float raw) => float.IsNaN(raw) ? Pad : Edges is null ? (Scale == 1f ? raw : raw / Scale) : TimeBins.Index(Edges, raw);
}
