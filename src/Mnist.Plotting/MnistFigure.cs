using ScottPlot;
using SkiaSharp;

namespace Mnist;

/// <summary>
/// A figure made by <see cref="MnistPlotExtensions"/>: an optional title above a grid of ScottPlot 5 panels, rendered to PNG
/// with SkiaSharp. The panels are real <see cref="Plot"/>s and may be customised (colours, labels, limits) before
/// rendering. Dispose it when done: ScottPlot plots hold native SkiaSharp resources.
/// </summary>
public sealed class MnistFigure : IDisposable
{
    /// <summary>Height of the title strip above the panels, in logical pixels (0 when there is no title).</summary>
    public const int TitleHeight = 44;

    /// <summary>Font size of the figure title, in logical pixels.</summary>
    public const float TitleFontSize = 20;

    private readonly Plot[] _panels;
    private bool _disposed;

    internal MnistFigure(string title, IReadOnlyList<Plot> panels, int columns, int width, int height, double scale)
    {
        _panels = panels.ToArray();
        Title = title;
        Columns = Math.Min(columns, _panels.Length);
        Rows = (_panels.Length + Columns - 1) / Columns;
        Width = width;
        Height = height;
        Scale = scale;
    }

    /// <summary>The figure title drawn above the panels; empty for none.</summary>
    public string Title { get; }

    /// <summary>The panels, row after row (left to right).</summary>
    public IReadOnlyList<Plot> Panels => _panels;

    /// <summary>Number of panel columns.</summary>
    public int Columns { get; }

    /// <summary>Number of panel rows.</summary>
    public int Rows { get; }

    /// <summary>Width in logical pixels.</summary>
    public int Width { get; }

    /// <summary>Height in logical pixels (title strip included).</summary>
    public int Height { get; }

    /// <summary>The DPI scale (see <see cref="PlotOptions.Scale"/>).</summary>
    public double Scale { get; }

    /// <summary>Width of the PNG in pixels: <see cref="Width"/> × <see cref="Scale"/>, rounded.</summary>
    public int PixelWidth => (int)Math.Round(Width * Scale);

    /// <summary>Height of the PNG in pixels: <see cref="Height"/> × <see cref="Scale"/>, rounded.</summary>
    public int PixelHeight => (int)Math.Round(Height * Scale);

    /// <summary>Renders the figure and encodes it as PNG.</summary>
    /// <exception cref="ObjectDisposedException">The figure was disposed.</exception>
    public byte[] ToPngBytes()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var info = new SKImageInfo(PixelWidth, PixelHeight, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {PixelWidth}×{PixelHeight} drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);

        int titlePixels = string.IsNullOrEmpty(Title) ? 0 : (int)Math.Round(TitleHeight * Scale);
        if (titlePixels > 0)
        {
            using var header = CreateTitlePlot(Title);
            DrawPlot(canvas, header, 0, 0, PixelWidth, titlePixels);
        }

        int cellWidth = PixelWidth / Columns;
        int cellHeight = (PixelHeight - titlePixels) / Rows;
        for (int i = 0; i < _panels.Length; i++)
        {
            int row = i / Columns, column = i % Columns;
            DrawPlot(canvas, _panels[i], column * cellWidth, titlePixels + row * cellHeight, cellWidth, cellHeight);
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the figure as PNG.");
        return png.ToArray();
    }

    /// <summary>Renders the figure and writes it as a PNG file (replacing an existing file).</summary>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="ObjectDisposedException">The figure was disposed.</exception>
    public void SavePng(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, ToPngBytes());
    }

    /// <summary>Releases the panels' native resources.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var panel in _panels) panel.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"{(string.IsNullOrEmpty(Title) ? "figure" : Title)}: {Rows}×{Columns} panels, {PixelWidth}×{PixelHeight} px";

    private void DrawPlot(SKCanvas canvas, Plot plot, int x, int y, int width, int height)
    {
        if (width <= 0 || height <= 0) return;
        plot.ScaleFactor = Scale;
        // Plot.Render clears its whole canvas, so each panel gets its own surface that is then composed.
        using var panelSurface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}×{height} panel surface.");
        plot.Render(panelSurface);
        using var panelImage = panelSurface.Snapshot();
        canvas.DrawImage(panelImage, x, y);
    }

    private static Plot CreateTitlePlot(string title)
    {
        var plot = new Plot();
        plot.Axes.Frameless();
        plot.HideGrid();
        var text = plot.Add.Text(title, 0, 0);
        text.Alignment = Alignment.MiddleCenter;
        text.LabelFontSize = TitleFontSize;
        text.LabelBold = true;
        plot.Axes.SetLimits(-1, 1, -1, 1);
        return plot;
    }
}
