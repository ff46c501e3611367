using Cadenza.Midi;
using Cadenza.Notes;

namespace Cadenza.Corpus.Sources;

/// <summary>Turns the notes of one piece into a <see cref="CorpusFile"/>: the instrument selection, the order, and whether it can be trained on.</summary>
internal static class PieceBuilder
{
    /// <summary>
    /// Selects the notes of a NoteSequence the way MIDI files are read (drums left out unless asked for; all instruments merged, or only
    /// the lowest-numbered non-drum instrument for <see cref="InstrumentSelection.First"/>), sorts them by start then
    /// pitch and classifies the piece.
    /// </summary>
    public static CorpusFile FromNoteSequence(string path, List<Note> all, long bytes, DataSplit? split, CorpusOptions options, ReadRepairs repairs)
    {
        int first = int.MaxValue;
        int pitched = 0;
        foreach (Note n in all)
        {
            if (n.IsDrum) continue;
            pitched++;
            first = Math.Min(first, n.Instrument);
        }
        bool firstOnly = options.Midi.Instruments == InstrumentSelection.First, drums = options.Midi.Drums && !firstOnly;
        bool Selected(in Note n) => drums ? true : !n.IsDrum && (!firstOnly || n.Instrument == first);
        var selected = new Note[all.Count(n => Selected(n))];
        int k = 0;
        foreach (Note n in all)
            if (Selected(n)) selected[k++] = n;
        MidiReader.SortByStartThenPitch(selected);
        return Classify(path, selected, drumsOnly: all.Count > 0 && pitched == 0, bytes, split, options, repairs.Describe());
    }

    /// <summary>Classifies a piece whose notes are already selected and sorted: usable, or unusable with the reason; <paramref name="warning"/> says what reading repaired.</summary>
    public static CorpusFile Classify(string path, Note[] notes, bool drumsOnly, long bytes, DataSplit? split, CorpusOptions options, string warning = "")
    {
        if (notes.Length == 0)
            return new CorpusFile(path, notes, CorpusFileStatus.Unusable, drumsOnly ? "drums only" : "no notes", bytes, split) { Warning = warning };
        if (notes.Length < options.MinNotes)
            return new CorpusFile(path, notes, CorpusFileStatus.Unusable, $"{notes.Length} notes, fewer than the {options.MinNotes} a training window needs", bytes, split) { Warning = warning };
        return new CorpusFile(path, notes, CorpusFileStatus.Usable, "", bytes, split) { Warning = warning };
    }

    /// <summary>
    /// Reads one MIDI piece through <paramref name="read"/> and classifies it; never throws for a bad piece: a
    /// <see cref="MidiFormatException"/> (or anything else NAudio raises) becomes a skipped entry with its reason.
    /// </summary>
    public static CorpusFile FromMidi(string path, long bytes, DataSplit? split, CorpusOptions options, Func<MidiNotes> read)
    {
        try
        {
            MidiNotes midi = read();
            return Classify(path, midi.Notes, midi.DrumsOnly && !options.Midi.Drums, bytes, split, options, midi.Repairs.Describe());
        }
        catch (MidiFormatException e)
        {
            return Skipped(path, e.Problem, bytes, split);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // only a zip entry can fail this way: a disk file's read errors arrive as MidiFormatException
            return Skipped(path, $"damaged zip entry: {e.Message.ReplaceLineEndings(" ")}", bytes, split);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // NAudio can fail in ways its documentation does not list; one bad file must not stop a corpus
            return Skipped(path, $"unreadable: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}", bytes, split);
        }
    }

    /// <summary>A piece that could not be read.</summary>
    public static CorpusFile Skipped(string path, string reason, long bytes, DataSplit? split = null) =>
        new(path, [], CorpusFileStatus.Skipped, reason, bytes, split);
}
