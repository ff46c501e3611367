namespace Cadenza.Corpus.Sources;

/// <summary>One performance listed in MAESTRO's metadata.</summary>
/// <param name="MidiFilename">The MIDI file, relative to the metadata file's folder ("2018/MIDI-Unprocessed_….midi").</param>
/// <param name="Split">train, validation or test; null when the row names another split.</param>
/// <param name="Composer">canonical_composer.</param>
/// <param name="Title">canonical_title.</param>
internal sealed record MaestroRow(string MidiFilename, DataSplit? Split, string Composer, string Title);
