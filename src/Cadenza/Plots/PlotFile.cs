using Cadenza.Common;

namespace Cadenza.Plots;

/// <summary>Saves a ScottPlot figure as PNG atomically.</summary>
internal static class PlotFile
{
    /// <summary>Renders <paramref name="plot"/> at the given size and writes it to <paramref name="path"/> (temp + rename).</summary>
    public static void SavePng(ScottPlot.Plot plot, string path, int width, int height)
    {
        byte[] png = plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, png);
    }
}
