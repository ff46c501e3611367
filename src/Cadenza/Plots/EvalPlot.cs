using System.Globalization;
using Cadenza.Corpus;
using Cadenza.Evaluation;
using ScottPlot;

namespace Cadenza.Plots;

/// <summary>eval.png: histograms of pitch, pitch class, step and duration, generated notes over held-out ones, each panel titled with its Jensen–Shannon divergence.</summary>
public static class EvalPlot
{
    private const int PanelWidth = 640, PanelHeight = 400, Columns = 2;
    private const int PitchMargin = 2;   // semitones shown beyond the lowest and highest pitch played

    private static readonly string[] PitchClasses = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

    /// <summary>Writes the four panels in a 2 × 2 grid to <paramref name="path"/> as PNG.</summary>
    public static void Write(string path, MusicStatistics generated, MusicStatistics heldOut, DistributionDivergence jsd)
    {
        string g = $"generated ({generated.Notes:N0} notes)", h = $"held-out ({heldOut.Notes:N0} notes)";
        double[] pitchX = Enumerable.Range(0, 128).Select(i => (double)i).ToArray();
        Plot pitch = DistributionPlot.Panel(Title("pitch", jsd.Pitch), "MIDI pitch", pitchX,
            DistributionPlot.Share(generated.Histograms.Pitch), DistributionPlot.Share(heldOut.Histograms.Pitch), g, h, 1.0, null);
        var played = Enumerable.Range(0, 128).Where(p => generated.Histograms.Pitch[p] + heldOut.Histograms.Pitch[p] > 0).ToList();
        if (played.Count > 0) pitch.Axes.SetLimitsX(played.Min() - PitchMargin, played.Max() + PitchMargin);

        double[] classX = Enumerable.Range(0, 12).Select(i => (double)i).ToArray();
        Plot pitchClass = DistributionPlot.Panel(Title("pitch class", jsd.PitchClass), "pitch class", classX,
            DistributionPlot.Share(generated.PitchClass), DistributionPlot.Share(heldOut.PitchClass), g, h, 0.9, PitchClasses, tickEvery: 1);

        double[] bins = Enumerable.Range(0, TimeBins.Count).Select(i => (double)i).ToArray();
        string[] labels = Enumerable.Range(0, TimeBins.Count).Select(TimeBins.Label).ToArray();
        Plot step = DistributionPlot.Panel(Title("step", jsd.Step), "step (s), bin upper edge", bins,
            DistributionPlot.Share(generated.Histograms.Step), DistributionPlot.Share(heldOut.Histograms.Step), g, h, 0.9, labels);
        Plot duration = DistributionPlot.Panel(Title("duration", jsd.Duration), "duration (s), bin upper edge", bins,
            DistributionPlot.Share(generated.Histograms.Duration), DistributionPlot.Share(heldOut.Histograms.Duration), g, h, 0.9, labels);
        Panels.SavePng([pitch, pitchClass, step, duration], path, PanelWidth, PanelHeight, Columns);
    }

    private static string Title(string what, double jsd) =>
        double.IsFinite(jsd) ? $"{what}: JSD {jsd.ToString("0.000", CultureInfo.InvariantCulture)} bits" : what;
}
