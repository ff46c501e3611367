using Cadenza.Common;
using ScottPlot;
using SkiaSharp;

namespace Cadenza.Plots;

/// <summary>Lays several ScottPlot figures side by side in one PNG (SkiaSharp canvas, one rectangle per plot).</summary>
internal static class Panels
{
    /// <summary>Renders <paramref name="plots"/> in one row, each <paramref name="panelWidth"/> × <paramref name="height"/>, and writes the PNG atomically.</summary>
    public static void SavePng(IReadOnlyList<Plot> plots, string path, int panelWidth, int height)
    {
        int width = panelWidth * plots.Count;
        using SKSurface surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < plots.Count; i++)
        {
            // each plot renders to its own image: ScottPlot's canvas rendering clears the whole canvas it is given
            using SKBitmap panel = SKBitmap.Decode(plots[i].GetImageBytes(panelWidth, height, ImageFormat.Png));
            surface.Canvas.DrawBitmap(panel, i * panelWidth, 0);
        }
        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, png.AsSpan());
    }
}
