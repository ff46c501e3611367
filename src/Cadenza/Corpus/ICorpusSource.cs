namespace Cadenza.Corpus;

/// <summary>Where the pieces of a corpus come from: a MIDI folder, MAESTRO, Bach Doodle shards or NoteSequence TFRecords.</summary>
/// <remarks>
/// A source gives its pieces in a stable order, and the streamed ones (Bach Doodle, TFRecord) one at a time, so that a
/// huge dataset is never held whole: only the pieces a caller keeps stay in memory. A piece that cannot be read is given as a <see cref="CorpusFileStatus.Skipped"/>
/// entry whose path names the file and position, never as an exception.
/// </remarks>
public interface ICorpusSource
{
    /// <summary>The path the source was opened from.</summary>
    string Root { get; }

    /// <summary>What kind of source this is.</summary>
    CorpusSourceKind Kind { get; }

    /// <summary>One line for the user: the kind, version and size ("MAESTRO v3.0.0 (zip), 1,276 pieces").</summary>
    string Description { get; }

    /// <summary>True when the pieces carry the dataset's own train/validation/test tags.</summary>
    bool HasSplits { get; }

    /// <summary>The number of pieces <see cref="Read"/> will give with these options, when known before reading (null for streams).</summary>
    int? ExpectedCount(CorpusOptions options);

    /// <summary>
    /// Reads the pieces in the source's order, restricted to <see cref="CorpusOptions.Split"/>: Bach Doodle and TFRecord
    /// sources stream them one at a time; MIDI sources parse their files in parallel through the note cache first.
    /// </summary>
    /// <param name="options">Reading options (instrument selection, minimum notes, split, part, cache).</param>
    /// <param name="progress">Receives the number of pieces given so far.</param>
    /// <exception cref="CorpusException">The source as a whole cannot be read (missing, no metadata, unreadable archive).</exception>
    IEnumerable<CorpusFile> Read(CorpusOptions options, IProgress<int>? progress = null);
}
