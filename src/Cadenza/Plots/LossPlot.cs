using Cadenza.Training;
using ScottPlot;

namespace Cadenza.Plots;

/// <summary>The loss curve (the paper's Figure 3): total and per-head losses per epoch, validation dashed, pitch on its own axis.</summary>
public static class LossPlot
{
    /// <summary>Writes the curve of <paramref name="history"/> to <paramref name="path"/> as PNG.</summary>
    public static void Write(string path, IReadOnlyList<EpochRecord> history, IReadOnlyList<string> heads)
    {
        var plot = new Plot();
        double[] epochs = history.Select(r => (double)r.Epoch).ToArray();
        Color[] palette = [Colors.Black, Colors.C0, Colors.C1, Colors.C2, Colors.C3, Colors.C4];
        void Line(double[] ys, string label, Color color, bool dashed, bool right)
        {
            if (ys.Length == 0) return;
            var s = plot.Add.Scatter(epochs, ys);
            s.LegendText = label;
            s.Color = color;
            s.LineWidth = dashed ? 1.5f : 2f;
            s.MarkerSize = epochs.Length > 40 ? 0 : 5;
            if (dashed) s.LinePattern = LinePattern.Dashed;
            if (right) s.Axes.YAxis = plot.Axes.Right;
        }
        bool val = history.Any(r => r.HasValidation);
        Line(history.Select(r => r.Loss).ToArray(), "loss (total)", palette[0], false, false);
        if (val) Line(history.Select(r => r.ValLoss).ToArray(), "val_loss", palette[0], true, false);
        for (int h = 0; h < heads.Count; h++)
        {
            bool right = heads[h] == "pitch";   // cross-entropy in nats: another scale than the regression losses
            Color color = palette[(h + 1) % palette.Length];
            Line(history.Select(r => r.HeadLosses[h]).ToArray(), $"{heads[h]}_loss{(right ? " (right axis)" : "")}", color, false, right);
            if (val) Line(history.Select(r => r.HasValidation ? r.ValHeadLosses[h] : double.NaN).ToArray(), $"val_{heads[h]}_loss", color, true, right);
        }
        plot.Title("Training loss per epoch (validation dashed)");
        plot.XLabel("epoch");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };   // no epoch 1.2
        plot.YLabel("total and regression-head losses");
        plot.Axes.Right.Label.Text = "pitch loss (nats)";
        plot.ShowLegend(Edge.Bottom);   // below the axes: inside them it covered the curves' right end
        if (epochs.Length == 1) plot.Axes.SetLimitsX(0.5, 1.5);
        PlotFile.SavePng(plot, path, 900, 620);
    }
}
