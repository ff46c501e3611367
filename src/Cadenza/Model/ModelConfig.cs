using System.Text.Json;
using System.Text.Json.Serialization;
using Cadenza.Corpus;
using Cadenza.Instruments;
using Cadenza.Notes;

namespace Cadenza.Model;

/// <summary>How a head's output is trained and read: as class logits, or as one regressed value.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HeadKind>))]
public enum HeadKind
{
    /// <summary>Logits over classes (pitch 0..127, or time bins), trained with sparse categorical cross-entropy.</summary>
    Classes,

    /// <summary>One value (step, duration), trained with MSE plus positive pressure.</summary>
    Regression,
}

/// <summary>One output head: a Dense layer on the last LSTM state that predicts one feature of the next note.</summary>
/// <param name="Name">Layer name, also the feature it predicts (pitch, step, duration, velocity).</param>
/// <param name="Units">Outputs: classes for a class head, 1 for a regression head.</param>
/// <param name="Kind">Classes or regression.</param>
/// <param name="LossWeight">Weight in the total loss (the tutorial: pitch 0.05, step 1, duration 1).</param>
public sealed record HeadConfig(string Name, int Units, HeadKind Kind, float LossWeight)
{
    /// <summary>
    /// A copy path: the head's distribution is a learned mixture of its softmax with a pointer over the window's values
    /// of the same feature (pointer-sentinel mixture, Merity et al. 2016). Needs the feature as an embedded input.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Copy { get; init; }

    /// <summary>
    /// Features of the same note this head also reads (their input embeddings): the true values in training, the drawn
    /// ones in generation, so the note's features are drawn one after another (e.g. duration knowing the note's step
    /// and pitch) instead of independently. Each must be an embedded input predicted by a class head; null: none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? Given { get; init; }

    /// <summary>
    /// For a copy path: point only at the window's notes whose value of this feature (one of <see cref="Given"/>) is the
    /// note's own, e.g. "instrument": a bass note copies the bass line's pitches, not the melody's. Null: every note.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CopyWithin { get; init; }

    /// <summary>For a time class head: the value played for each class, in seconds (the median of the training notes in the bin), set by training.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float[]? Values { get; init; }

    /// <summary>
    /// For a time class head: added to the logit of its exact-zero class when sampling, not in training or the held-out
    /// loss. Set after training by <see cref="Cadenza.Generation.ChordCalibration"/>, so the pieces the model composes
    /// strike as many notes together as its training notes do; 0: the network's own odds.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public float ZeroLogitOffset { get; init; }
}

/// <summary>A learned embedding of an input feature: the feature enters as a class index and is looked up in a [classes × Dim] table.</summary>
/// <param name="Feature">pitch, step or duration (time as its bin among <see cref="ModelConfig.TimeBinEdges"/>).</param>
/// <param name="Dim">Floats per embedded value.</param>
public sealed record EmbeddingConfig(string Feature, int Dim);

/// <summary>The network's architecture and input normalisation; the paper's model is the default.</summary>
/// <remarks>Nothing in the engine hard-codes 25, 3 or 128: every size comes from here.</remarks>
public sealed record ModelConfig
{
    /// <summary>The paper's model: 25 notes of (pitch/128, step, duration) → LSTM(128) → pitch, step, duration.</summary>
    public static ModelConfig Paper { get; } = new();

    /// <summary>
    /// Cadenza's own model: a 50-note window, pitch, step and duration as learned embeddings (time as bins with an
    /// exact-zero bin), an LSTM(128) with dropout, and three class heads, each mixing its softmax with a copy of the window's values; the
    /// pitch is drawn knowing the note's step (so a chord's notes are drawn as chords are written). Each choice was
    /// measured on the development split (bench/quality/README.md).
    /// </summary>
    public static ModelConfig Cadenza { get; } = new()
    {
        SequenceLength = 50,   // 25 notes of this music last about a second, too short to hold a tempo (bench/quality, session 9)
        Embeddings = [new("pitch", 48), new("step", 16), new("duration", 16)],
        TimeBinEdges = TimeBins.Refine(2),
        LstmUnits = [128],
        Dropout = 0.2f,
        Heads =
        [
            new("pitch", 128, HeadKind.Classes, 1f) { Copy = true, Given = ["step"] },
            new("step", TimeBins.Refine(2).Length + 1, HeadKind.Classes, 1f) { Copy = true },
            new("duration", TimeBins.Refine(2).Length + 1, HeadKind.Classes, 1f) { Copy = true },
        ],
    };

    /// <summary>The configuration a preset names: paper or cadenza.</summary>
    /// <exception cref="ArgumentException">Another name.</exception>
    public static ModelConfig Preset(string name) => name switch
    {
        "paper" => Paper,
        "cadenza" => Cadenza,
        _ => throw new ArgumentException($"unknown preset '{name}' (paper or cadenza)"),
    };

    /// <summary>Notes in one input window.</summary>
    public int SequenceLength { get; init; } = 25;

    /// <summary>The longest window a model may read: past it the per-window buffers of training would run to gigabytes.</summary>
    public const int MaxSequenceLength = 1000;

    /// <summary>
    /// Training windows may start before a piece's first note: every note from the second on is a label, the notes
    /// missing before the piece read as padding (no embedding, never copied), so a piece shorter than the window is
    /// learned from and a seed may be shorter too. False: every window is T of the piece's notes (the paper's
    /// windows). Needs every input embedded.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool PadStart { get; init; }

    /// <summary>The fewest notes a piece needs to be trained on: two with <see cref="PadStart"/> (one to read, one to predict), else a window and its label.</summary>
    [JsonIgnore]
    public int MinNotes => WindowSet.FirstLabel(SequenceLength, PadStart) + 1;

    /// <summary>The fewest notes a seed may have: one with <see cref="PadStart"/>, else a whole window.</summary>
    [JsonIgnore]
    public int MinSeedNotes => PadStart ? 1 : SequenceLength;

    /// <summary>Input columns per note, in order; each is a note feature (pitch, step, duration, velocity).</summary>
    public string[] Features { get; init; } = ["pitch", "step", "duration"];

    /// <summary>The pitch input is divided by this (the tutorial's vocab size, 128).</summary>
    public float PitchScale { get; init; } = 128f;

    /// <summary>Units of each stacked LSTM layer, bottom first.</summary>
    public int[] LstmUnits { get; init; } = [128];

    /// <summary>The output heads, in output order.</summary>
    public HeadConfig[] Heads { get; init; } =
    [
        new("pitch", 128, HeadKind.Classes, 0.05f),
        new("step", 1, HeadKind.Regression, 1f),
        new("duration", 1, HeadKind.Regression, 1f),
    ];

    /// <summary>Input features fed as learned embeddings instead of scaled values (none in the paper's model).</summary>
    public EmbeddingConfig[]? Embeddings { get; init; }

    /// <summary>
    /// Bin edges in seconds for time fed or predicted as classes (bin k = [edge k−1, edge k), so bin 0 is "together");
    /// null when step and duration are plain seconds, as in the paper.
    /// </summary>
    public double[]? TimeBinEdges { get; init; }

    /// <summary>
    /// Dropout rate in training on the LSTM's input (the encoded notes) and on its last hidden state before the heads;
    /// 0 (the paper) for none. Only a model with an embedded input uses it.
    /// </summary>
    public float Dropout { get; init; }

    /// <summary>
    /// Each copy path adds a learned score per window position to its pointer's scores (s_t += r_t), so it can prefer
    /// the last notes (a chord's steps, a repeated figure) whatever the hidden states say; false: the scores are the
    /// hidden states' alone, as in every model before it.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool CopyPositions { get; init; }

    /// <summary>
    /// Read and predict each note's instrument: training builds the corpus's <see cref="InstrumentClasses"/> and adds an
    /// instrument input (embedding), an instrument class head with a copy path, and the instrument to what the pitch
    /// head is given (<see cref="WithInstruments"/>). Off in both presets; needs an embedded model (not the paper's).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Instruments { get; init; }

    /// <summary>Most programs (or voices) the instrument vocabulary keeps, besides drums and "other"; null: 16.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? InstrumentLimit { get; init; }

    /// <summary>The instrument vocabulary, set by training from its corpus: class k of the instrument feature is entry k.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InstrumentClass[]? InstrumentClasses { get; init; }

    /// <summary>Width of the instrument embedding <see cref="WithInstruments"/> adds.</summary>
    public const int InstrumentEmbeddingDim = 16;

    /// <summary>
    /// The instrument head's weight in the loss: which instruments a piece uses is the piece's own choice, so its
    /// validation loss rises first; at full weight it stopped training before pitch had learned (bench/quality/README.md).
    /// </summary>
    public const float InstrumentLossWeight = 0.3f;

    /// <summary>The instrument vocabulary, or null for a model that does not read instruments.</summary>
    public InstrumentVocabulary? Vocabulary() => InstrumentClasses is { Length: > 0 } c ? new InstrumentVocabulary(c) : null;

    /// <summary>The model's input features of <paramref name="notes"/> (sorted by start) as a new [n × features] array: see <see cref="NoteFeatures.ToFeatures(ReadOnlySpan{Note}, IReadOnlyList{string}, InstrumentVocabulary?)"/>.</summary>
    public float[] ToFeatures(ReadOnlySpan<Note> notes) => NoteFeatures.ToFeatures(notes, Features, Vocabulary());

    /// <summary>
    /// A seed of <paramref name="features"/> (raw rows, the model's inputs, at most T) as the T rows generation reads:
    /// as it is when whole, else after NaN padding rows (see <see cref="PadStart"/>).
    /// </summary>
    public float[] PadSeed(float[] features)
    {
        int whole = SequenceLength * InputSize;
        if (features.Length == whole) return features;
        var padded = new float[whole];
        padded.AsSpan(0, whole - features.Length).Fill(float.NaN);
        features.CopyTo(padded, whole - features.Length);
        return padded;
    }

    /// <summary>
    /// This configuration reading and predicting instruments over <paramref name="classes"/>: the instrument feature
    /// with its embedding, a class head with a copy path (the window's instruments are the likeliest next ones), and
    /// the pitch head given the note's instrument and copying only from that instrument's notes (a bass note is drawn as
    /// a bass note, from the bass line). Parts already configured are
    /// kept; the head's units follow the vocabulary.
    /// </summary>
    public ModelConfig WithInstruments(InstrumentClass[] classes)
    {
        const string f = "instrument";
        HeadConfig head = Heads.FirstOrDefault(h => h.Name == f) is { } h0 ? h0 with { Units = classes.Length } : new HeadConfig(f, classes.Length, HeadKind.Classes, InstrumentLossWeight) { Copy = true };
        return this with
        {
            Instruments = true,
            InstrumentClasses = classes,
            Features = Features.Contains(f) ? Features : [.. Features, f],
            Embeddings = EmbeddingDim(f) > 0 ? Embeddings : [.. Embeddings ?? [], new EmbeddingConfig(f, InstrumentEmbeddingDim)],
            Heads = Heads.Any(h => h.Name == f)
                ? Heads.Select(h => h.Name == f ? head : h).ToArray()
                : [.. Heads.Select(h => h.Name is "pitch" or "duration" && h.Kind == HeadKind.Classes && !(h.Given ?? []).Contains(f)
                    ? h with { Given = [.. h.Given ?? [], f], CopyWithin = h.Copy ? f : null } : h), head],
        };
    }

    /// <summary>Floats per input note in a window (one per feature).</summary>
    [JsonIgnore]
    public int InputSize => Features.Length;

    /// <summary>Floats per note entering the first LSTM: an embedding's width for an embedded feature, 1 for a scaled one.</summary>
    [JsonIgnore]
    public int EncodedSize => Features.Sum(f => EmbeddingDim(f) is var d and > 0 ? d : 1);

    /// <summary>The embedding width of input <paramref name="feature"/>, or 0 when it enters as a scaled value.</summary>
    public int EmbeddingDim(string feature) => Embeddings?.FirstOrDefault(e => e.Feature == feature)?.Dim ?? 0;

    /// <summary>True for step and duration, the features measured in seconds.</summary>
    public static bool IsTime(string feature) => feature is "step" or "duration";

    /// <summary>The classes of <paramref name="feature"/> as a class index: 128 MIDI pitches, the time bins, or the instrument vocabulary.</summary>
    public int Classes(string feature) => IsTime(feature) ? (TimeBinEdges?.Length ?? -1) + 1 : feature == "instrument" ? InstrumentClasses?.Length ?? 0 : 128;

    /// <summary>How input <paramref name="feature"/> is written into a window: its class index when embedded, else divided by its scale.</summary>
    public FeatureEncoding InputEncoding(string feature) =>
        EmbeddingDim(feature) > 0 ? ClassEncoding(feature) : new FeatureEncoding(InputScale(feature));

    /// <summary>How a head's label is written: the class index for a class head, the value divided by its input scale for a regression head.</summary>
    public FeatureEncoding LabelEncoding(HeadConfig head) =>
        head.Kind == HeadKind.Classes ? ClassEncoding(head.Name) : new FeatureEncoding(InputScale(head.Name));

    private FeatureEncoding ClassEncoding(string feature) =>
        IsTime(feature) && TimeBinEdges != null ? new FeatureEncoding(1f, TimeBinEdges) : FeatureEncoding.Identity;

    /// <summary>What a velocity input is divided by (and a velocity regression head predicts on the same scale).</summary>
    public const float VelocityScale = 127f;

    /// <summary>What input <paramref name="feature"/> is divided by: pitch by <see cref="PitchScale"/>, velocity by 127, the rest by 1.</summary>
    public float InputScale(string feature) => feature switch { "pitch" => PitchScale, "velocity" => VelocityScale, _ => 1f };


    /// <summary>
    /// Why this model cannot learn from or compose notes, or null when it can: its inputs must be note features
    /// (pitch, step and duration, optionally velocity), each once, and each predicted by its own head (generation
    /// feeds every prediction back), pitch by a class head of at least 128 classes, velocity by a regression head, and
    /// step and duration by regression heads or by class heads over the time bins.
    /// </summary>
    public string? NoteModelProblem()
    {
        string inputs = $"this model's inputs are ({string.Join(", ", Features)})";
        if (Features.Distinct().Count() != Features.Length || Features.Any(f => Array.IndexOf(NoteFeatures.Known, f) < 0))
            return $"the inputs must be note features ({string.Join(", ", NoteFeatures.Known)}), each once; {inputs}";
        if (NoteFeatures.Names.Any(f => Array.IndexOf(Features, f) < 0))
            return $"the inputs must include pitch, step and duration; {inputs}";
        foreach (string f in Features)
        {
            HeadConfig? head = Heads.FirstOrDefault(h => h.Name == f);
            if (head is null) return $"input '{f}' has no head predicting it, so a composed note could not be fed back";
            if (f == "pitch" && (head.Kind != HeadKind.Classes || head.Units < 128))
                return $"the pitch head must be a class head of at least 128 classes (MIDI pitches), not {head.Kind.ToString().ToLowerInvariant()} with {head.Units}";
            if (IsTime(f) && head.Kind == HeadKind.Classes && (TimeBinEdges is null || head.Units != Classes(f)))
                return $"the {f} class head needs one class per time bin ({(TimeBinEdges is null ? "the model has no timeBinEdges" : $"{Classes(f)} bins, not {head.Units}")})";
            if (f == "velocity" && head.Kind != HeadKind.Regression)
                return $"the {f} head must be a regression head";
            if (f == "instrument" && (head.Kind != HeadKind.Classes || head.Units != Classes(f)))
                return $"the instrument head must be a class head with one class per instrument ({Classes(f)})";
        }
        return null;
    }

    /// <summary>How training windows feed this model: each input's encoding, and per head the input column it predicts and the label's encoding.</summary>
    public (FeatureEncoding[] Inputs, int[] LabelColumns, FeatureEncoding[] Labels) WindowLayout() =>
        (Features.Select(InputEncoding).ToArray(), Heads.Select(h => Array.IndexOf(Features, h.Name)).ToArray(), Heads.Select(LabelEncoding).ToArray());

    /// <summary>True when <paramref name="other"/> has the same layers and encodings (a checkpoint fits it), whatever the learned time values.</summary>
    public bool SameArchitecture(ModelConfig other)
    {
        static string Shape(ModelConfig c) => JsonSerializer.Serialize(c with { Heads = c.Heads.Select(h => h with { Values = null }).ToArray() });
        return Shape(this) == Shape(other);
    }

    /// <summary>
    /// This configuration with each time class head's <see cref="HeadConfig.Values"/> learned from
    /// <paramref name="pieces"/>: the median step or duration of the notes in each bin (an empty bin plays the middle
    /// of its edges in log time), so that a sampled class is played at a value real music uses.
    /// </summary>
    public ModelConfig WithTimeValues(IEnumerable<Note[]> pieces)
    {
        if (TimeBinEdges is not { } edges || !Heads.Any(h => h.Kind == HeadKind.Classes && IsTime(h.Name))) return this;
        var steps = new List<float>[edges.Length + 1];
        var durations = new List<float>[edges.Length + 1];
        for (int b = 0; b <= edges.Length; b++) { steps[b] = []; durations[b] = []; }
        foreach (Note[] piece in pieces)
        for (int i = 0; i < piece.Length; i++)
        {
            float step = (float)NoteFeatures.Step(piece, i), duration = (float)piece[i].Duration;
            steps[TimeBins.Index(edges, step)].Add(step);
            durations[TimeBins.Index(edges, duration)].Add(duration);
        }
        // an empty zero bin plays a step of 0 (a chord) but never a note of length 0: half the bin's edge
        float[] Medians(List<float>[] bins, float emptyZero) => bins.Select((values, b) =>
        {
            if (values.Count == 0)
                return b == 0 ? emptyZero : b == edges.Length ? (float)(edges[^1] * 1.5) : (float)Math.Sqrt(edges[b - 1] * edges[b]);
            values.Sort();
            return values[values.Count / 2];
        }).ToArray();
        float[] stepValues = Medians(steps, 0f), durationValues = Medians(durations, (float)(edges[0] / 2));
        durationValues[0] = Math.Max(durationValues[0], (float)(edges[0] / 2));   // notes cut at once in the corpus still sound
        return this with
        {
            Heads = Heads.Select(h => h.Kind == HeadKind.Classes && IsTime(h.Name) ? h with { Values = h.Name == "step" ? stepValues : durationValues } : h).ToArray(),
        };
    }

    /// <summary>Floats a head's Dense layer reads: the top LSTM's <paramref name="top"/> units and the embeddings of its given features.</summary>
    public int HeadInputSize(HeadConfig head, int top) => top + (head.Given ?? []).Sum(EmbeddingDim);

    /// <summary>
    /// The heads in the order a note's features are drawn: each after the ones it is given, pitch first among the
    /// ready ones (as the paper draws it), else in config order; null when the given features form a cycle.
    /// </summary>
    public int[]? DrawingOrder()
    {
        var order = new List<int>();
        var done = new HashSet<string>();
        while (order.Count < Heads.Length)
        {
            int[] ready = Enumerable.Range(0, Heads.Length)
                .Where(h => !order.Contains(h) && (Heads[h].Given ?? []).All(done.Contains)).ToArray();
            if (ready.Length == 0) return null;
            int next = ready.FirstOrDefault(h => Heads[h].Name == "pitch", ready[0]);
            order.Add(next);
            done.Add(Heads[next].Name);
        }
        return order.ToArray();
    }

    /// <summary>Name of the embedding table of input <paramref name="feature"/>.</summary>
    public static string EmbeddingName(string feature) => feature + "_embedding";

    /// <summary>Name of the copy path of head <paramref name="head"/>.</summary>
    public static string CopyName(string head) => head + "_copy";

    /// <summary>Keras's automatic name of LSTM layer <paramref name="index"/>: lstm, lstm_1, lstm_2, ….</summary>
    public static string LstmName(int index) => index == 0 ? "lstm" : $"lstm_{index}";

    /// <summary>Checks the configuration; throws <see cref="ModelFormatException"/> naming the problem.</summary>
    public void Validate(string source)
    {
        // a config.json may say null where a list belongs: refused here, not by the first code that reads it
        if (Features is null || LstmUnits is null || Heads is null || Heads.Any(h => h is null || h.Name is null) || Features.Any(f => f is null))
            throw new ModelFormatException(source, "features, lstmUnits and heads (each with a name) must be given, not null");
        if (SequenceLength is < 1 or > MaxSequenceLength) throw new ModelFormatException(source, $"sequence length {SequenceLength} must be in 1..{MaxSequenceLength}");
        if (Features.Length == 0) throw new ModelFormatException(source, "no input features");
        if (LstmUnits.Length == 0 || LstmUnits.Any(u => u < 1)) throw new ModelFormatException(source, "LSTM units must be a non-empty list of positive sizes");
        if (Heads.Length == 0) throw new ModelFormatException(source, "no output heads");
        if (Features.Distinct().Count() != Features.Length) throw new ModelFormatException(source, $"a feature is listed twice ({string.Join(", ", Features)})");
        if (Heads.Select(h => h.Name).Distinct().Count() != Heads.Length) throw new ModelFormatException(source, $"two heads predict one feature ({string.Join(", ", Heads.Select(h => h.Name))})");
        foreach (HeadConfig h in Heads)
        {
            if (h.Units < 1) throw new ModelFormatException(source, $"head '{h.Name}' has {h.Units} units");
            if (h.Kind == HeadKind.Regression && h.Units != 1) throw new ModelFormatException(source, $"regression head '{h.Name}' must have 1 unit");
            if (Array.IndexOf(Features, h.Name) < 0) throw new ModelFormatException(source, $"head '{h.Name}' predicts no input feature ({string.Join(", ", Features)})");
            if (h.Copy && (h.Kind != HeadKind.Classes || EmbeddingDim(h.Name) == 0 || h.Units != Classes(h.Name)))
                throw new ModelFormatException(source, $"head '{h.Name}' copies from the window, so it must be a class head over the classes of an embedded input '{h.Name}'");
            if (h.CopyWithin != null && (!h.Copy || !(h.Given ?? []).Contains(h.CopyWithin)))
                throw new ModelFormatException(source, $"head '{h.Name}' copies within '{h.CopyWithin}', so it must copy and be given '{h.CopyWithin}'");
            if (h.Values != null && h.Values.Length != h.Units) throw new ModelFormatException(source, $"head '{h.Name}' has {h.Values.Length} class values for {h.Units} classes");
            foreach (string g in h.Given ?? [])
                if (g == h.Name || EmbeddingDim(g) == 0 || Heads.FirstOrDefault(x => x.Name == g) is not { Kind: HeadKind.Classes })
                    throw new ModelFormatException(source, $"head '{h.Name}' reads '{g}' of the same note, which must be another embedded input predicted by a class head");
        }
        if (Heads.Any(h => h.Given is { Length: > 0 }) && DrawingOrder() is null)
            throw new ModelFormatException(source, "the heads' given features form a cycle: no head could be drawn first");
        foreach (EmbeddingConfig e in Embeddings ?? [])
        {
            if (e.Dim < 1) throw new ModelFormatException(source, $"embedding of '{e.Feature}' has width {e.Dim}");
            if (Array.IndexOf(Features, e.Feature) < 0 || e.Feature == "velocity")
                throw new ModelFormatException(source, $"embedding of '{e.Feature}': only pitch, step, duration and instrument inputs can be embedded");
            if (IsTime(e.Feature) && TimeBinEdges is null) throw new ModelFormatException(source, $"embedding of '{e.Feature}' needs timeBinEdges");
        }
        if (Embeddings != null && Embeddings.Select(e => e.Feature).Distinct().Count() != Embeddings.Length)
            throw new ModelFormatException(source, "a feature is embedded twice");
        if (TimeBinEdges != null && (TimeBinEdges.Length == 0 || TimeBinEdges.Zip(TimeBinEdges.Skip(1)).Any(p => !(p.Second > p.First)) || !(TimeBinEdges[0] > 0)))
            throw new ModelFormatException(source, "timeBinEdges must be positive and ascending");
        if (Instruments && Embeddings is not { Length: > 0 })
            throw new ModelFormatException(source, "instruments need a model with embedded inputs (the cadenza preset), not the paper's");
        if (InstrumentLimit is < 1) throw new ModelFormatException(source, $"instrumentLimit {InstrumentLimit} must be at least 1");
        if (Features.Contains("instrument"))
        {
            if (InstrumentClasses is not { Length: > 0 } classes)
                throw new ModelFormatException(source, "the instrument input needs the model's instrumentClasses (set \"instruments\": true and let training build them)");
            if (classes.Any(c => c is null || c.Name is null || c.Program is < 0 or > 127) || classes.Count(c => c.Other) != 1)
                throw new ModelFormatException(source, "instrumentClasses must each have a name and a program 0..127, and exactly one must be \"other\"");
            if (EmbeddingDim("instrument") == 0) throw new ModelFormatException(source, "the instrument input must be embedded");
        }
        if (PadStart && Features.Any(f => EmbeddingDim(f) == 0))
            throw new ModelFormatException(source, $"padStart needs every input embedded (padding has no embedding); {string.Join(", ", Features.Where(f => EmbeddingDim(f) == 0))} enters as a value");
        if (CopyPositions && !Heads.Any(h => h.Copy)) throw new ModelFormatException(source, "copyPositions needs a head that copies from the window");
        if (!(PitchScale > 0)) throw new ModelFormatException(source, "pitch scale must be positive");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ModelFormatException(source, $"dropout {Dropout} must be in [0, 1)");
        if (Dropout > 0 && Embeddings is not { Length: > 0 }) throw new ModelFormatException(source, "dropout needs an embedded input (the paper's model has none)");
    }

    /// <summary>The weight tensors in Keras order with their shapes.</summary>
    public IEnumerable<(string Name, int[] Shape)> WeightShapes()
    {
        foreach (string f in Features)
            if (EmbeddingDim(f) > 0) yield return ($"{EmbeddingName(f)}/embeddings", [Classes(f), EmbeddingDim(f)]);
        int input = EncodedSize;
        for (int l = 0; l < LstmUnits.Length; l++)
        {
            int h = LstmUnits[l];
            string name = LstmName(l);
            yield return ($"{name}/kernel", [input, 4 * h]);
            yield return ($"{name}/recurrent_kernel", [h, 4 * h]);
            yield return ($"{name}/bias", [4 * h]);
            input = h;
        }
        foreach (HeadConfig head in Heads)
        {
            yield return ($"{head.Name}/kernel", [HeadInputSize(head, input), head.Units]);
            yield return ($"{head.Name}/bias", [head.Units]);
        }
        foreach (HeadConfig head in Heads.Where(h => h.Copy))
        {
            yield return ($"{CopyName(head.Name)}/kernel", [input, input]);
            yield return ($"{CopyName(head.Name)}/sentinel_kernel", [input, 1]);
            yield return ($"{CopyName(head.Name)}/sentinel_bias", [1]);
            if (CopyPositions) yield return ($"{CopyName(head.Name)}/position_bias", [SequenceLength]);
        }
    }
}
