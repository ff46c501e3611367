using Cadenza.Common;
using ScottPlot;
using SkiaSharp;

namespace Cadenza.Plots;

/// <summary>Lays several ScottPlot figures side by side (or in a grid) in one PNG (SkiaSharp canvas, one rectangle per plot).</summary>
internal static class Panels
{
    /// <summary>Renders <paramref name="plots"/> in rows of <paramref name="columns"/> (0 = one row), each <paramref name="panelWidth"/> × <paramref name="height"/>, and writes the PNG atomically.</summary>
    public static void SavePng(IReadOnlyList<Plot> plots, string path, int panelWidth, int height, int columns = 0)
    {
        if (columns <= 0) columns = plots.Count;
        int rows = (plots.Count + columns - 1) / columns;
        using SKSurface surface = SKSurface.Create(new SKImageInfo(panelWidth * columns, height * rows));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < plots.Count; i++)
        {
            // each plot renders to its own image: ScottPlot's canvas rendering clears the whole canvas it is given
            using SKBitmap panel = SKBitmap.Decode(plots[i].GetImageBytes(panelWidth, height, ImageFormat.Png));
            surface.Canvas.DrawBitmap(panel, i % columns * panelWidth, i / columns * height);
        }
        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, png.AsSpan());
    }
}
