using Cadenza.Model;
using Cadenza.Notes;

namespace Cadenza.Generation;

/// <summary>Generates one piece: the paper's sampling loop (see <see cref="BatchGenerator"/>) at batch 1.</summary>
/// <remarks>Each note reuses preallocated buffers: the per-note path allocates nothing.</remarks>
public sealed class Generator
{
    private readonly BatchGenerator _loop;

    /// <summary>Prepares batch-1 inference for <paramref name="model"/>.</summary>
    /// <exception cref="GenerationException">The model lacks a pitch, step or duration head or input.</exception>
    public Generator(MusicModel model) => _loop = new BatchGenerator(model, 1);

    /// <summary>Notes in a seed.</summary>
    public int SequenceLength => _loop.SequenceLength;

    /// <summary>
    /// Generates <see cref="GenerationOptions.Notes"/> notes after <paramref name="seed"/> (raw features [T × F], the model's inputs:
    /// MIDI pitch, step, duration). The first generated note starts at its predicted step, as in the paper.
    /// </summary>
    public Note[] Generate(ReadOnlySpan<float> seed, GenerationOptions options)
    {
        var notes = new Note[options.Notes];
        Generate(seed, options, notes);
        return notes;
    }

    /// <summary>As <see cref="Generate(ReadOnlySpan{float}, GenerationOptions)"/>, into a caller-owned span (no allocation).</summary>
    public void Generate(ReadOnlySpan<float> seed, GenerationOptions options, Span<Note> output) => _loop.Generate(seed, options, output, 1);
}
