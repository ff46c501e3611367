using Cadenza.Notes;
using ScottPlot;

namespace Cadenza.Plots;

/// <summary>The piano roll (the paper's Figure 5): each note a bar at its pitch, from its start to its end.</summary>
public static class PianoRoll
{
    /// <summary>Writes the piano roll of <paramref name="notes"/> to <paramref name="path"/>; <paramref name="seedNotes"/> leading notes are drawn in grey.</summary>
    /// <param name="instrumentNames">For an ensemble: the name of each instrument number (<see cref="Note.Instrument"/>); notes are
    /// coloured by instrument with a legend. Null: one colour.</param>
    public static void Write(string path, IReadOnlyList<Note> notes, string title, int seedNotes = 0, IReadOnlyList<string>? instrumentNames = null)
    {
        var plot = new Plot();
        var generated = Colors.C0;
        var seed = Colors.Gray;
        var palette = new ScottPlot.Palettes.Category10();
        // colours by rank among the instruments that play, so two instruments of one piece never share one
        int[] used = instrumentNames is null ? [] : notes.Skip(seedNotes).Select(n => n.Instrument).Distinct().Order().ToArray();
        Color ColorOf(int instrument) => palette.GetColor(Math.Max(0, Array.IndexOf(used, instrument)));
        for (int i = 0; i < notes.Count; i++)
        {
            Note n = notes[i];
            double end = Math.Max(n.End, n.Start + 0.01);   // a zero-length note still shows
            var r = plot.Add.Rectangle(n.Start, end, n.Pitch - 0.4, n.Pitch + 0.4);
            Color color = i < seedNotes ? seed : instrumentNames is null ? generated : ColorOf(n.Instrument);
            r.FillColor = color.WithAlpha(0.85);
            r.LineColor = color.Darken(0.3);
            r.LineWidth = 0.5f;
        }
        if (instrumentNames != null && used.Length > 0)
        {
            foreach (int k in used)
                plot.Legend.ManualItems.Add(new LegendItem
                {
                    LabelText = k >= 0 && k < instrumentNames.Count ? instrumentNames[k] : $"instrument {k}",
                    FillColor = ColorOf(k),
                    LineColor = ColorOf(k).Darken(0.3),
                });
            plot.ShowLegend(Edge.Right);
        }
        plot.Title(title);
        plot.XLabel("time (s)");
        plot.YLabel("pitch (MIDI note)");
        if (notes.Count > 0)
        {
            double low = notes.Min(n => n.Pitch) - 2, high = notes.Max(n => n.Pitch) + 2;
            plot.Axes.SetLimits(notes.Min(n => n.Start), Math.Max(notes.Max(n => n.End), notes.Min(n => n.Start) + 1), low, high);
        }
        PlotFile.SavePng(plot, path, 1100, 500);
    }
}
