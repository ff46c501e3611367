using Cadenza.Instruments;

namespace Cadenza.Notes;

/// <summary>The one conversion between notes and the model's per-note features (pitch, step, duration).</summary>
/// <remarks>
/// step = start − previous start (0 for the first note), duration = end − start, both in seconds.
/// Features are stored row-major, <see cref="Width"/> floats per note, pitch as the raw MIDI number;
/// normalisation (pitch / 128) is the model's business, not the notes'.
/// </remarks>
public static class NoteFeatures
{
    /// <summary>Floats per note: pitch, step, duration.</summary>
    public const int Width = 3;

    /// <summary>Feature columns: pitch, step, duration.</summary>
    public const int PitchColumn = 0, StepColumn = 1, DurationColumn = 2;

    /// <summary>The features' names, in column order, as a model's config names its inputs and heads.</summary>
    public static readonly string[] Names = ["pitch", "step", "duration"];

    /// <summary>Every note feature a model may read or predict: the three above, the note's velocity, and its instrument (a class of an <see cref="InstrumentVocabulary"/>).</summary>
    public static readonly string[] Known = ["pitch", "step", "duration", "velocity", "instrument"];

    /// <summary>
    /// The features named by <paramref name="names"/> (each one of <see cref="Known"/>) of <paramref name="notes"/>
    /// (already sorted by start), as a new [n × names] array: pitch and velocity as MIDI numbers, step and duration in
    /// seconds, instrument as its class in <paramref name="instruments"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a known feature, or instrument is asked for without a vocabulary.</exception>
    public static float[] ToFeatures(ReadOnlySpan<Note> notes, IReadOnlyList<string> names, InstrumentVocabulary? instruments = null)
    {
        int width = names.Count;
        int[] kinds = Kinds(names, instruments);
        var features = new float[notes.Length * width];
        double previousStart = notes.Length > 0 ? notes[0].Start : 0;
        for (int i = 0; i < notes.Length; i++)
        {
            ref readonly Note n = ref notes[i];
            float step = (float)(n.Start - previousStart);
            for (int j = 0; j < width; j++) features[i * width + j] = Value(kinds[j], n, step, instruments);
            previousStart = n.Start;
        }
        return features;
    }

    /// <summary>Each name's index in <see cref="Known"/>: what <see cref="Value"/> reads.</summary>
    /// <exception cref="ArgumentException">A name is not a known feature, or instrument is asked for without a vocabulary.</exception>
    public static int[] Kinds(IReadOnlyList<string> names, InstrumentVocabulary? instruments)
    {
        int[] kinds = names.Select(n => Array.IndexOf(Known, n) is var k and >= 0 ? k : throw new ArgumentException($"'{n}' is not a note feature ({string.Join(", ", Known)})", nameof(names))).ToArray();
        if (instruments is null && kinds.Contains(4)) throw new ArgumentException("the instrument feature needs the model's instrument vocabulary", nameof(instruments));
        return kinds;
    }

    /// <summary>Feature <paramref name="kind"/> (see <see cref="Kinds"/>) of note <paramref name="n"/>, whose step is <paramref name="step"/>.</summary>
    public static float Value(int kind, in Note n, float step, InstrumentVocabulary? instruments) => kind switch
    {
        0 => n.Pitch,
        1 => step,
        2 => (float)(n.End - n.Start),
        3 => n.Velocity,
        _ => instruments!.ClassOf(n),
    };

    /// <summary>Returns the features of <paramref name="notes"/> (already sorted by start) as a new [n × 3] array: pitch, step, duration.</summary>
    public static float[] ToFeatures(ReadOnlySpan<Note> notes) => ToFeatures(notes, Names);

    /// <summary>Rebuilds notes from features: start = previous start + step, end = start + duration.</summary>
    /// <param name="features">[n × 3] pitch, step, duration.</param>
    /// <param name="firstStart">Start time of the first note, in seconds.</param>
    /// <param name="velocity">Velocity given to every note.</param>
    public static Note[] FromFeatures(ReadOnlySpan<float> features, double firstStart = 0, int velocity = Note.DefaultVelocity)
    {
        int n = features.Length / Width;
        var notes = new Note[n];
        double start = firstStart;
        for (int i = 0; i < n; i++)
        {
            if (i > 0) start += features[i * Width + StepColumn];
            double end = start + features[i * Width + DurationColumn];
            notes[i] = new Note(Math.Clamp((int)MathF.Round(features[i * Width + PitchColumn]), 0, 127), start, end, velocity);
        }
        return notes;
    }

    /// <summary>Step (start − previous start) of note <paramref name="i"/> in <paramref name="notes"/>, in double precision.</summary>
    public static double Step(ReadOnlySpan<Note> notes, int i) => i == 0 ? 0 : notes[i].Start - notes[i - 1].Start;
}
