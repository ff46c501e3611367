using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cadenza.Audio;
using Cadenza.Common;
using Cadenza.Corpus;
using Cadenza.Generation;
using Cadenza.Instruments;
using Cadenza.Midi;
using Cadenza.Model;
using Cadenza.Notes;
using Cadenza.Plots;

namespace Cadenza.Pipeline;

/// <summary>What to generate: a model, an output name, a seed source, sampling options and which files to write.</summary>
public sealed record GenerateRequest
{
    /// <summary>Model folder or TF.js model.json.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Output path without extension: NAME.mid, NAME.csv, NAME.pianoroll.png … are written.</summary>
    public required string Output { get; init; }

    /// <summary>Seed from the first notes of this MIDI file; null: a training window recorded with the model.</summary>
    public string? SeedMidi { get; init; }

    /// <summary>Seed with these notes (their last sequence-length notes: a piece continued); null: <see cref="SeedMidi"/> or a recorded window.</summary>
    public Note[]? SeedNotes { get; init; }

    /// <summary>Which of the model's recorded training windows seeds the piece (0-based); null: one drawn with the sampling seed.</summary>
    public int? SeedWindow { get; init; }

    /// <summary>How the seed file is read.</summary>
    public InstrumentSelection SeedInstrument { get; init; } = InstrumentSelection.Merged;

    /// <summary>Sampling settings.</summary>
    public GenerationOptions Options { get; init; } = new();

    /// <summary>Audio files to render (wav, mp3); empty for none.</summary>
    public string[] Audio { get; init; } = ["wav", "mp3"];

    /// <summary>Audio settings (SoundFont, engine); generated pieces are brought to a −1 dBFS peak, a listening level.</summary>
    public AudioOptions AudioOptions { get; init; } = AudioOptions.Default with { NormalizeDb = -1 };

    /// <summary>General MIDI program of the written track (0 = piano).</summary>
    public int Program { get; init; }

    /// <summary>Velocity of every written note (the paper: 100); a model that predicts velocity writes its own instead.</summary>
    public int Velocity { get; init; } = Note.DefaultVelocity;

    /// <summary>For a model with instruments: only these may be drawn (class names, GM names, families such as bass, programs, drums); null: all.</summary>
    public string[]? InstrumentSet { get; init; }

    /// <summary>For a model with instruments: <c>FROM=TO,…</c>, the program each instrument is written and played with instead (see <see cref="ProgramMap"/>).</summary>
    public string? ProgramMap { get; init; }
}

/// <summary>What generation produced.</summary>
/// <param name="Notes">The generated notes.</param>
/// <param name="Files">Every file written, in order.</param>
/// <param name="Seed">Where the seed came from.</param>
/// <param name="GenerationTime">Time spent in the sampling loop alone.</param>
/// <param name="Audio">Audio results (one per file).</param>
/// <param name="Warnings">One-line notes for the user (missing lame, fallback synth…).</param>
public sealed record GenerateOutcome(Note[] Notes, IReadOnlyList<string> Files, string Seed, TimeSpan GenerationTime, IReadOnlyList<AudioResult> Audio, IReadOnlyList<string> Warnings)
{
    /// <summary>The model predicted each note's velocity (else every note has the requested one).</summary>
    public bool PredictsVelocity { get; init; }

    /// <summary>The seed window as notes, its first note at 0; the generated notes' times count from its last note's start.</summary>
    public Note[] SeedNotes { get; init; } = [];

    /// <summary>The chord calibration the piece was sampled with (the step head's zero-class offset); 0 for none or uncalibrated.</summary>
    public float ChordOffset { get; init; }
}

/// <summary>The generate job: model + seed → notes → MIDI, notes CSV, piano roll, distributions, audio.</summary>
public static class GenerateJob
{
    /// <summary>Runs the request; every file is written atomically.</summary>
    public static GenerateOutcome Run(GenerateRequest request)
    {
        if (request.Options.Notes < 1) throw new GenerationException($"--notes must be at least 1, got {request.Options.Notes}");
        MusicModel model = ModelStore.Load(request.ModelPath);
        var generator = new Generator(model);
        JsonObject? corpus = ModelStore.ReadCorpusSection(request.ModelPath);
        var warnings = new List<string>();
        var (seed, description) = Seed(request, model, corpus, warnings);
        InstrumentVocabulary? instruments = model.Config.Vocabulary();
        GenerationOptions options = request.Options with { AllowedInstruments = AllowedInstruments(request, instruments) };
        (int Program, bool IsDrum)?[]? programs = null;
        if (request.ProgramMap != null)
        {
            if (instruments is null) throw new GenerationException("--program-map needs a model trained with --instruments; this one writes one track (use --program)");
            try { programs = Instruments.ProgramMap.Parse(request.ProgramMap, instruments); }
            catch (ArgumentException e) { throw new GenerationException($"--program-map: {e.Message}"); }
        }

        var clock = Stopwatch.StartNew();
        Note[] notes = generator.Generate(seed, options);
        TimeSpan elapsed = clock.Elapsed;
        if (programs != null) notes = Instruments.ProgramMap.Apply(notes, programs);

        string output = request.Output;
        string? folder = Path.GetDirectoryName(Path.GetFullPath(output));
        if (folder != null) Directory.CreateDirectory(folder);
        var files = new List<string>();
        string Out(string suffix) { string p = output + suffix; files.Add(p); return p; }

        // a model that predicts velocity plays its own dynamics; the paper's model writes every note at one velocity
        bool velocity = model.Config.Features.Contains("velocity");
        string[]? names = instruments?.Names;
        // a re-orchestrated instrument's track and CSV rows are named after what now plays it
        if (names != null && programs != null)
            for (int k = 0; k < names.Length; k++)
                if (programs[k] is { } to) names[k] = GeneralMidi.Name(to.Program, to.IsDrum);
        // an ensemble is written one track per instrument, each with its program; else one track with --program
        var midiSettings = new MidiWriteSettings { Program = request.Program, Velocity = velocity ? null : request.Velocity, Ensemble = instruments != null, TrackNames = names };
        MidiWriter.Write(Out(".mid"), notes, midiSettings);
        string[] columns = [.. NotesCsv.GeneratedColumns, .. velocity ? ["velocity"] : Array.Empty<string>(), .. instruments != null ? NotesCsv.InstrumentColumns : []];
        AtomicFile.Write(Out(".csv"), s => { using var w = new StreamWriter(s, leaveOpen: true); NotesCsv.Write(w, notes, columns, origin: 0, names); });
        string title = $"{Path.GetFileName(output)}: {notes.Length} notes, temperature {request.Options.Temperature}";
        PianoRoll.Write(Out(".pianoroll.png"), notes, title, instrumentNames: names);
        DistributionPlot.Write(Out(".distributions.png"), NoteStatistics.Of([notes]), TrainingStatistics(corpus));

        var audio = new List<AudioResult>();
        foreach (string format in request.Audio.Select(a => a.ToLowerInvariant()).Distinct())
        {
            try
            {
                AudioResult r = AudioRenderer.Render(notes, Out("." + format), request.AudioOptions, midiSettings);
                audio.Add(r);
                if (r.Warning != null && !warnings.Contains(r.Warning)) warnings.Add(r.Warning);
            }
            catch (AudioException e) when (format == "mp3")
            {
                files.RemoveAt(files.Count - 1);
                warnings.Add($"no MP3: {e.Message}");
            }
        }
        Note[] seedNotes = SeedNotes(seed, model.Config, instruments);
        return new GenerateOutcome(notes, files, description, elapsed, audio, warnings) {
            PredictsVelocity = velocity, SeedNotes = seedNotes,
            ChordOffset = ChordCalibration.InEffect(model.Config, request.Options),
        };
    }

    // the seed window as notes, its first note at 0: pitch, step and duration from their columns, velocity and
    // instrument where the model reads them
    private static Note[] SeedNotes(float[] seed, ModelConfig c, InstrumentVocabulary? instruments)
    {
        int f = c.InputSize, n = seed.Length / f;
        int pitch = Array.IndexOf(c.Features, "pitch"), step = Array.IndexOf(c.Features, "step"), duration = Array.IndexOf(c.Features, "duration");
        int velocity = Array.IndexOf(c.Features, "velocity"), instrument = Array.IndexOf(c.Features, "instrument");
        int pad = 0;
        while (pad < n && float.IsNaN(seed[pad * f])) pad++;   // padding rows are no notes
        var notes = new Note[n - pad];
        double start = 0;
        for (int i = pad; i < n; i++)
        {
            ReadOnlySpan<float> row = seed.AsSpan(i * f, f);
            if (i > pad) start += row[step];
            var note = new Note(Math.Clamp((int)MathF.Round(row[pitch]), 0, 127), start, start + row[duration],
                                velocity >= 0 ? (int)row[velocity] : Note.DefaultVelocity);
            notes[i - pad] = instrument >= 0 && instruments != null ? instruments.Play(note, (int)row[instrument]) : note;
        }
        return notes;
    }

    // the instrument head's mask for --instrument-set: the classes its names match
    private static bool[]? AllowedInstruments(GenerateRequest request, InstrumentVocabulary? instruments)
    {
        if (request.InstrumentSet is not { Length: > 0 } set) return null;
        if (instruments is null) throw new GenerationException("--instrument-set needs a model trained with --instruments; this one composes for one instrument");
        var allowed = new bool[instruments.Count];
        foreach (string name in set)
        {
            try { foreach (int k in instruments.Match(name)) allowed[k] = true; }
            catch (ArgumentException e) { throw new GenerationException($"--instrument-set: {e.Message}"); }
        }
        return allowed;
    }

    /// <summary>The seed window (raw features [T × F], the model's inputs) and a description of where it came from; <paramref name="corpus"/> is the model's recorded corpus section.</summary>
    /// <param name="warnings">Receives what reading a seed MIDI file ignored, if anything.</param>
    public static (float[] Seed, string Description) Seed(GenerateRequest request, MusicModel model, JsonObject? corpus, List<string>? warnings = null)
    {
        ModelConfig c = model.Config;
        int t = c.SequenceLength, least = c.MinSeedNotes;
        string needs = c.PadStart ? "a seed needs at least one note" : $"a seed needs the model's sequence length of {t}";
        if (request.SeedNotes is { } given)
        {
            if (given.Length < least) throw new GenerationException($"the seed has {given.Length} notes, but {needs}");
            int k = Math.Min(t, given.Length);
            return (c.PadSeed(c.ToFeatures(given.AsSpan(given.Length - k, k))), $"the last {k} notes of the piece continued");
        }
        if (request.SeedMidi != null)
        {
            bool drums = corpus?["drums"]?.GetValue<bool>() ?? false;   // a model that plays drums is seeded with them
            MidiNotes midi = MidiReader.Read(request.SeedMidi, new MidiReadSettings { Instruments = request.SeedInstrument, Drums = drums && request.SeedInstrument == InstrumentSelection.Merged });
            if (!midi.Repairs.IsEmpty) warnings?.Add($"{request.SeedMidi}: {midi.Repairs.Describe()}");
            Note[] notes = midi.Notes;
            if (notes.Length < least)
                throw new GenerationException($"{request.SeedMidi}: {notes.Length} notes, but {needs}");
            int k = Math.Min(t, notes.Length);
            return (c.PadSeed(c.ToFeatures(notes.AsSpan(0, k))), $"the first {k} notes of {request.SeedMidi}");
        }
        JsonArray? seeds = corpus?["seeds"]?.AsArray();
        if (seeds is null || seeds.Count == 0)
            throw new GenerationException($"{request.ModelPath}: the model has no recorded training corpus to draw a seed from; give --seed-midi FILE");
        if (request.SeedWindow is { } w && (w < 0 || w >= seeds.Count))
            throw new GenerationException($"seed window {w} does not exist: {request.ModelPath} records windows 0–{seeds.Count - 1}");
        JsonNode pick = seeds[request.SeedWindow ?? new Rng(request.Options.Seed).NextInt(seeds.Count)]!;
        float[] features = pick["features"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        int rows = features.Length / c.InputSize;   // a padded model records the real notes of a window that starts before its piece
        if (features.Length % c.InputSize != 0 || rows > t || rows < least)
            throw new GenerationException($"{request.ModelPath}: recorded seed windows do not fit the model; give --seed-midi FILE");
        return (c.PadSeed(features), $"a training window: {pick["file"]}, notes {pick["note"]!.GetValue<int>() + 1}–{pick["note"]!.GetValue<int>() + rows}");
    }

    /// <summary>The training corpus's note statistics from a model's corpus section, or null.</summary>
    /// <remarks>A model trained by an earlier build counted time on other bins: its step and duration histograms are left empty.</remarks>
    public static NoteStatistics? TrainingStatistics(JsonObject? corpus)
    {
        NoteStatistics? s = corpus?["statistics"]?.Deserialize<NoteStatistics>(ModelStore.Json);
        if (s is null || (s.Step.Length == TimeBins.Count && s.Duration.Length == TimeBins.Count)) return s;
        return s with { Step = new long[TimeBins.Count], Duration = new long[TimeBins.Count] };
    }
}
