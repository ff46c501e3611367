namespace Cadenza.Corpus;

/// <summary>
/// Training windows addressed by index, however the notes are held: in memory (<see cref="WindowSet"/>) or streamed
/// from a memory-mapped note store (<see cref="Store.StoreWindows"/>). Each is <see cref="SequenceLength"/> notes of
/// one piece with the note after it as the label.
/// </summary>
public interface IWindowSource
{
    /// <summary>Notes per window.</summary>
    int SequenceLength { get; }

    /// <summary>The features of each note row, in order.</summary>
    string[] Features { get; }

    /// <summary>Number of windows.</summary>
    int Count { get; }

    /// <summary>Number of pieces.</summary>
    int Pieces { get; }

    /// <summary>
    /// Windows whose order a shuffle should keep together, so reads stay sequential: 1 for windows in memory, where any
    /// order is as cheap; a block of consecutive windows for a store on disk.
    /// </summary>
    int ShuffleBlock { get; }

    /// <summary>Where window <paramref name="index"/> comes from: piece and first note.</summary>
    (int Piece, int Start) Locate(int index);

    /// <summary>Gathers windows into caller-owned buffers, encoded, optionally transposed, stretched in time and articulated; see <see cref="WindowSet.Fill"/>.</summary>
    void Fill(ReadOnlySpan<int> windows, Span<float> inputs, Span<float> labels, ReadOnlySpan<FeatureEncoding> inputEncodings,
              ReadOnlySpan<int> labelColumns, ReadOnlySpan<FeatureEncoding> labelEncodings, ReadOnlySpan<int> transpose = default,
              ReadOnlySpan<float> stretch = default, ReadOnlySpan<float> articulation = default);
}
