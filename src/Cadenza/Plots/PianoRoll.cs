using Cadenza.Notes;
using ScottPlot;

namespace Cadenza.Plots;

/// <summary>The piano roll (the paper's Figure 5): each note a bar at its pitch, from its start to its end.</summary>
public static class PianoRoll
{
    /// <summary>Writes the piano roll of <paramref name="notes"/> to <paramref name="path"/>; <paramref name="seedNotes"/> leading notes are drawn in grey.</summary>
    public static void Write(string path, IReadOnlyList<Note> notes, string title, int seedNotes = 0)
    {
        var plot = new Plot();
        var generated = Colors.C0;
        var seed = Colors.Gray;
        for (int i = 0; i < notes.Count; i++)
        {
            Note n = notes[i];
            double end = Math.Max(n.End, n.Start + 0.01);   // a zero-length note still shows
            var r = plot.Add.Rectangle(n.Start, end, n.Pitch - 0.4, n.Pitch + 0.4);
            r.FillColor = (i < seedNotes ? seed : generated).WithAlpha(0.85);
            r.LineColor = (i < seedNotes ? seed : generated).Darken(0.3);
            r.LineWidth = 0.5f;
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
