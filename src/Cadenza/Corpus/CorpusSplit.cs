using Cadenza.Common;

namespace Cadenza.Corpus;

/// <summary>Splits a corpus into training and validation files (by file, never by window, so no piece is on both sides).</summary>
public static class CorpusSplit
{
    /// <summary>True when the usable pieces carry the source's own split with both a train and a validation part (MAESTRO).</summary>
    public static bool HasSourceSplit(IReadOnlyList<CorpusFile> files) =>
        files.Any(f => f.Status == CorpusFileStatus.Usable && f.Split == DataSplit.Train)
        && files.Any(f => f.Status == CorpusFileStatus.Usable && f.Split == DataSplit.Validation);

    /// <summary>The source's own split: usable pieces tagged train, and those tagged validation; test pieces are left out of both. Both lists keep corpus order.</summary>
    public static (List<CorpusFile> Train, List<CorpusFile> Validation) BySource(IReadOnlyList<CorpusFile> files) =>
        (files.Where(f => f.Status == CorpusFileStatus.Usable && f.Split == DataSplit.Train).ToList(),
         files.Where(f => f.Status == CorpusFileStatus.Usable && f.Split == DataSplit.Validation).ToList());

    /// <summary>
    /// Holds out round(fraction × usable files) files, at least one when the fraction is positive and there are two
    /// or more usable files, chosen by a shuffle from <paramref name="seed"/>. Both lists keep corpus order.
    /// </summary>
    public static (List<CorpusFile> Train, List<CorpusFile> Validation) ByFile(IReadOnlyList<CorpusFile> files, double fraction, ulong seed)
    {
        var usable = files.Where(f => f.Status == CorpusFileStatus.Usable).ToList();
        if (fraction <= 0 || usable.Count < 2) return (usable, []);
        int held = Math.Clamp((int)Math.Round(usable.Count * fraction), 1, usable.Count - 1);
        int[] order = Enumerable.Range(0, usable.Count).ToArray();
        new Rng(seed ^ 0x5EED_5B11_7000_0001UL).Shuffle(order.AsSpan());
        var validation = new HashSet<int>(order.Take(held));
        return (usable.Where((_, i) => !validation.Contains(i)).ToList(), usable.Where((_, i) => validation.Contains(i)).ToList());
    }
}
