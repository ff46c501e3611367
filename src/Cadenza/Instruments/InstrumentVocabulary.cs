using Cadenza.Notes;

namespace Cadenza.Instruments;

/// <summary>
/// The instruments a model reads and composes for, built from its training corpus: the most frequent programs, the
/// drum kit when the corpus has drums, and "other" for every program outside them. Maps a note to its class and a
/// class back to the program, drum flag and track it is written on.
/// </summary>
/// <remarks>
/// An instrument is pretty_midi's identity without the track: the program and the drum flag, so the bass of one file
/// is the bass of the next. A corpus of chorales whose voices share one program (Bach Doodle) gets one class per voice
/// instead (<see cref="InstrumentClass.Voice"/>).
/// </remarks>
public sealed class InstrumentVocabulary
{
    /// <summary>Programs kept when the user does not say (the issue's 16, plus other and drums).</summary>
    public const int DefaultLimit = 16;

    private readonly int[] _byProgram = new int[128];   // program → class (other when outside the vocabulary)
    private readonly Dictionary<int, int> _byVoice = [];
    private readonly int _drums;

    /// <summary>Wraps the classes a model saved.</summary>
    /// <exception cref="ArgumentException">No classes, or no "other" class.</exception>
    public InstrumentVocabulary(IReadOnlyList<InstrumentClass> classes)
    {
        if (classes.Count == 0) throw new ArgumentException("an instrument vocabulary needs at least one class", nameof(classes));
        Classes = classes;
        int other = -1;
        _drums = -1;
        for (int k = 0; k < classes.Count; k++)
        {
            if (classes[k].Other) other = k;
            else if (classes[k].IsDrum) _drums = k;
        }
        if (other < 0) throw new ArgumentException("an instrument vocabulary needs an \"other\" class", nameof(classes));
        Other = other;
        Array.Fill(_byProgram, other);
        for (int k = 0; k < classes.Count; k++)
        {
            InstrumentClass c = classes[k];
            if (c.Other || c.IsDrum) continue;
            if (c.Voice >= 0) _byVoice[c.Voice] = k;
            else if (c.Program is >= 0 and <= 127) _byProgram[c.Program] = k;
        }
        ByVoice = _byVoice.Count > 0;
    }

    /// <summary>The classes, in class-index order.</summary>
    public IReadOnlyList<InstrumentClass> Classes { get; }

    /// <summary>Number of classes.</summary>
    public int Count => Classes.Count;

    /// <summary>Index of the "other" class.</summary>
    public int Other { get; }

    /// <summary>The drum kit's class, or −1 when the vocabulary has none (a drum note's pitch is then its drum, not a pitch).</summary>
    public int Drums => _drums;

    /// <summary>True when classes are voices rather than programs.</summary>
    public bool ByVoice { get; }

    /// <summary>The class of <paramref name="note"/>: drums, its voice, its program, or other.</summary>
    public int ClassOf(in Note note)
    {
        if (note.IsDrum) return _drums >= 0 ? _drums : Other;
        if (ByVoice) return _byVoice.TryGetValue(note.Instrument, out int v) ? v : Other;
        return (uint)note.Program < 128 ? _byProgram[note.Program] : Other;
    }

    /// <summary><paramref name="note"/> as played by class <paramref name="k"/>: its program and drum flag, and the class as its instrument (its track).</summary>
    public Note Play(Note note, int k)
    {
        InstrumentClass c = Classes[Math.Clamp(k, 0, Count - 1)];
        return note with { Program = c.Program, IsDrum = c.IsDrum, Instrument = k };
    }

    /// <summary>The classes' names indexed by class: the names of the tracks a composed piece is written on.</summary>
    public string[] Names => Classes.Select(c => c.Name).ToArray();

    /// <summary>
    /// The classes a user means by <paramref name="name"/>: a class's own name, a GM name, a program number, a family
    /// ("bass": every class whose program is a bass), drums or other.
    /// </summary>
    /// <exception cref="ArgumentException">No class matches; the message lists the model's instruments.</exception>
    public int[] Match(string name)
    {
        string key = GeneralMidi.Key(name);
        int[] found = Enumerable.Range(0, Count).Where(k => GeneralMidi.Key(Classes[k].Name) == key).ToArray();
        if (found.Length == 0)
        {
            int family = Array.FindIndex(GeneralMidi.Families, f => GeneralMidi.Key(f) == key);
            found = Enumerable.Range(0, Count).Where(k =>
            {
                InstrumentClass c = Classes[k];
                if (c.Other) return false;
                if (key is "drums" or "drum" or "percussion") return c.IsDrum;
                if (c.IsDrum) return false;
                return family >= 0 ? c.Program / 8 == family : int.TryParse(key, out int p) && c.Program == p;
            }).ToArray();
        }
        if (found.Length == 0)
            throw new ArgumentException($"'{name}' matches none of the model's instruments ({string.Join(", ", Classes.Select(c => c.Name))})");
        return found;
    }

    /// <summary>
    /// Builds the vocabulary of <paramref name="pieces"/>: the <paramref name="limit"/> programs (or voices, with
    /// <paramref name="byVoice"/>) with the most notes, the drum kit if any note is a drum, and other; each with its
    /// note count and pitch range.
    /// </summary>
    public static InstrumentClass[] Build(IEnumerable<Note[]> pieces, int limit = DefaultLimit, bool byVoice = false)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), $"at least one instrument, got {limit}");
        var counts = new Dictionary<int, Tally>();   // program, or voice, or −1 for drums → notes and pitch range
        foreach (Note[] piece in pieces)
        foreach (Note n in piece)
        {
            int key = n.IsDrum ? -1 : byVoice ? n.Instrument : n.Program;
            counts[key] = counts.TryGetValue(key, out Tally r) ? r.Add(n.Pitch) : new Tally(1, n.Pitch, n.Pitch, n.Pitch);
        }
        var ranked = counts.Where(kv => kv.Key >= 0).OrderByDescending(kv => kv.Value.Notes).ThenBy(kv => kv.Key).ToList();
        var kept = ranked.Take(limit).ToList();
        var rest = ranked.Skip(limit).ToList();
        var classes = new List<InstrumentClass>();
        string[] voiceNames = VoiceNames(kept.Select(kv => kv.Value).ToList());
        for (int i = 0; i < kept.Count; i++)
        {
            var (key, r) = (kept[i].Key, kept[i].Value);
            classes.Add(byVoice
                ? new InstrumentClass(voiceNames[i], 0, Voice: key) { Notes = r.Notes, LowestPitch = r.Low, HighestPitch = r.High }
                : new InstrumentClass(GeneralMidi.Name(key), key) { Notes = r.Notes, LowestPitch = r.Low, HighestPitch = r.High });
        }
        if (counts.TryGetValue(-1, out Tally drums))
            classes.Add(new InstrumentClass(GeneralMidi.DrumsName, 0, IsDrum: true) { Notes = drums.Notes, LowestPitch = drums.Low, HighestPitch = drums.High });
        // other plays as the most frequent program left out (piano when nothing is): the nearest to what it stands for
        Tally all = rest.Aggregate(new Tally(0, 127, 0), (a, kv) => new Tally(a.Notes + kv.Value.Notes, Math.Min(a.Low, kv.Value.Low), Math.Max(a.High, kv.Value.High)));
        int otherProgram = byVoice || rest.Count == 0 ? 0 : rest[0].Key;
        classes.Add(new InstrumentClass("other", otherProgram, Other: true)
            { Notes = all.Notes, LowestPitch = all.Notes > 0 ? all.Low : 0, HighestPitch = all.Notes > 0 ? all.High : 127 });
        return classes.ToArray();
    }

    // four voices are named by their mean pitch, highest first, as a chorale's are; any other number by position
    private static string[] VoiceNames(List<Tally> voices)
    {
        if (voices.Count != 4) return voices.Select((_, i) => $"voice {i + 1}").ToArray();
        string[] satb = ["soprano", "alto", "tenor", "bass"];
        int[] byHeight = Enumerable.Range(0, 4).OrderByDescending(i => voices[i].Mean).ToArray();
        var names = new string[4];
        for (int rank = 0; rank < 4; rank++) names[byHeight[rank]] = satb[rank];
        return names;
    }

    private readonly record struct Tally(long Notes, int Low, int High, double Sum = 0)
    {
        public Tally Add(int pitch) => new(Notes + 1, Math.Min(Low, pitch), Math.Max(High, pitch), Sum + pitch);
        public double Mean => Notes > 0 ? Sum / Notes : 0;
    }
}
