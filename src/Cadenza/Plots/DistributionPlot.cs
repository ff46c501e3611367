using Cadenza.Corpus;
using ScottPlot;

namespace Cadenza.Plots;

/// <summary>Histograms of pitch, step and duration (the paper's Figure 6), generated notes beside a reference such as the training corpus.</summary>
public static class DistributionPlot
{
    /// <summary>Writes three panels (pitch, step, duration) as shares of notes; <paramref name="reference"/> is drawn as outlined bars when given.</summary>
    public static void Write(string path, NoteStatistics generated, NoteStatistics? reference, string generatedLabel = "generated", string referenceLabel = "training corpus")
    {
        var pitch = Panel("pitch", "MIDI pitch", Enumerable.Range(0, 128).Select(i => (double)i).ToArray(), Share(generated.Pitch), reference is null ? null : Share(reference.Pitch),
                          generatedLabel, referenceLabel, 1.0, null);
        double[] bins = Enumerable.Range(0, TimeBins.Count).Select(i => (double)i).ToArray();
        string[] labels = Enumerable.Range(0, TimeBins.Count).Select(TimeBins.Label).ToArray();
        var step = Panel("step", "step (s)", bins, Share(generated.Step), reference is null ? null : Share(reference.Step), generatedLabel, referenceLabel, 0.9, labels);
        var duration = Panel("duration", "duration (s)", bins, Share(generated.Duration), reference is null ? null : Share(reference.Duration), generatedLabel, referenceLabel, 0.9, labels);
        Panels.SavePng([pitch, step, duration], path, 560, 420);
    }

    /// <summary>Counts as shares of their total (all zero when empty).</summary>
    internal static double[] Share(long[] counts)
    {
        double total = Math.Max(1, counts.Sum());
        return counts.Select(c => c / total).ToArray();
    }

    /// <summary>One histogram panel: <paramref name="reference"/> as wide grey bars behind <paramref name="generated"/>; every <paramref name="tickEvery"/>-th tick label shown.</summary>
    internal static Plot Panel(string title, string xLabel, double[] xs, double[] generated, double[]? reference, string generatedLabel, string referenceLabel, double width, string[]? tickLabels,
                               int tickEvery = 3)
    {
        var plot = new Plot();
        if (reference != null)
        {
            var r = plot.Add.Bars(xs, reference);
            r.LegendText = referenceLabel;
            foreach (Bar bar in r.Bars) { bar.FillColor = Colors.Gray.WithAlpha(0.35); bar.LineColor = Colors.Gray; bar.Size = width; }
        }
        var g = plot.Add.Bars(xs, generated);
        g.LegendText = generatedLabel;
        foreach (Bar bar in g.Bars) { bar.FillColor = Colors.C0.WithAlpha(0.6); bar.LineWidth = 0; bar.Size = width * 0.6; }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("share of notes");
        plot.ShowLegend(Alignment.UpperRight);
        if (tickLabels != null)
        {
            var ticks = xs.Select((x, i) => new Tick(x, i % tickEvery == 0 || i == xs.Length - 1 ? tickLabels[i] : "")).ToArray();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        }
        plot.Axes.Margins(bottom: 0);
        return plot;
    }
}
