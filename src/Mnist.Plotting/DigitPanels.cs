using ScottPlot;
using ScottPlot.Plottables;

namespace Mnist;

/// <summary>Builds the ScottPlot panels shared by the figures: a greyscale image heatmap and an empty-state panel.</summary>
internal static class DigitPanels
{
    /// <summary>Font size of panel titles in digit grids, logical pixels.</summary>
    public const float GridTitleSize = 13;

    /// <summary>A <paramref name="height"/> × <paramref name="width"/> heatmap of <paramref name="values"/> (row-major), row 0 at the top.</summary>
    public static (Plot Plot, Heatmap Heatmap) Image(ReadOnlySpan<float> values, int height, int width, ScottPlot.Range? range, bool withAxes)
    {
        var intensities = new double[height, width];
        for (int r = 0; r < height; r++)
        {
            for (int c = 0; c < width; c++) intensities[r, c] = values[r * width + c];
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Grayscale();
        if (range is { } manual) heatmap.ManualRange = manual;
        plot.HideGrid();
        // ScottPlot puts row 0 at the top, at y = height − 1; cell centres sit on whole coordinates.
        plot.Axes.SetLimits(-0.5, width - 0.5, -0.5, height - 0.5);
        if (withAxes)
        {
            var xTicks = Enumerable.Range(0, width).Where(c => c % 5 == 0).ToArray();
            var yTicks = Enumerable.Range(0, height).Where(r => r % 5 == 0).ToArray();
            plot.Axes.Bottom.SetTicks(xTicks.Select(c => (double)c).ToArray(), xTicks.Select(Invariant).ToArray());
            plot.Axes.Left.SetTicks(yTicks.Select(r => (double)(height - 1 - r)).ToArray(), yTicks.Select(Invariant).ToArray());
            plot.XLabel("column (px)", 13);
            plot.YLabel("row (px)", 13);
        }
        else
        {
            plot.Axes.Frameless();
        }

        plot.Axes.SquareUnits();
        return (plot, heatmap);
    }

    /// <summary>A panel that only says <paramref name="message"/>.</summary>
    public static Plot Message(string message)
    {
        var plot = new Plot();
        plot.Axes.Frameless();
        plot.HideGrid();
        var text = plot.Add.Text(message, 0, 0);
        text.Alignment = Alignment.MiddleCenter;
        text.LabelFontSize = 16;
        plot.Axes.SetLimits(-1, 1, -1, 1);
        return plot;
    }

    public static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
