namespace Mnist;

/// <summary>
/// Size, resolution and title of a figure made by <see cref="MnistPlotExtensions"/>. Every property has a documented default;
/// <c>null</c> sizes mean "the figure's own default", which fits its content (e.g. grows with the number of digits).
/// Mutable; every figure method clones and validates it.
/// </summary>
public sealed class PlotOptions
{
    /// <summary>The smallest accepted <see cref="Width"/> or <see cref="Height"/>, in logical pixels.</summary>
    public const int MinimumSize = 100;

    /// <summary>The largest accepted <see cref="Width"/> or <see cref="Height"/>, in logical pixels.</summary>
    public const int MaximumSize = 10_000;

    /// <summary>The largest accepted <see cref="Scale"/>.</summary>
    public const double MaximumScale = 8;

    /// <summary>Figure width in logical pixels; default <c>null</c> (the figure's own default). The PNG is <c>Width × Scale</c> pixels wide.</summary>
    public int? Width { get; set; }

    /// <summary>Figure height in logical pixels; default <c>null</c> (the figure's own default). The PNG is <c>Height × Scale</c> pixels high.</summary>
    public int? Height { get; set; }

    /// <summary>
    /// DPI scale: multiplies the pixel size of the PNG and of every font, line and margin, so 2 gives the same
    /// picture at twice the resolution (for high-DPI screens or print). Default 1.
    /// </summary>
    public double Scale { get; set; } = 1;

    /// <summary>The figure title; default <c>null</c> (the figure's own title). An empty string draws no title.</summary>
    public string? Title { get; set; }

    /// <summary>Number of columns of a grid of digits; default <c>null</c> (the figure's own choice). Ignored by single-panel figures.</summary>
    public int? Columns { get; set; }

    /// <summary>An independent copy (the options hold only values).</summary>
    public PlotOptions Clone() => (PlotOptions)MemberwiseClone();

    /// <summary>Checks the values, naming the first invalid one (<see cref="ArgumentException.ParamName"/> is the property's name).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is outside [<see cref="MinimumSize"/>, <see cref="MaximumSize"/>], <see cref="Scale"/> is not in (0, <see cref="MaximumScale"/>] or <see cref="Columns"/> is not positive.</exception>
    public void Validate()
    {
        if (Width is { } w && (w < MinimumSize || w > MaximumSize))
            throw new ArgumentOutOfRangeException(nameof(Width), w, $"Width must be in [{MinimumSize}, {MaximumSize}] logical pixels.");
        if (Height is { } h && (h < MinimumSize || h > MaximumSize))
            throw new ArgumentOutOfRangeException(nameof(Height), h, $"Height must be in [{MinimumSize}, {MaximumSize}] logical pixels.");
        if (!double.IsFinite(Scale) || Scale <= 0 || Scale > MaximumScale)
            throw new ArgumentOutOfRangeException(nameof(Scale), Scale, $"Scale must be in (0, {MaximumScale}].");
        if (Columns is { } c && c < 1)
            throw new ArgumentOutOfRangeException(nameof(Columns), c, "Columns must be at least 1.");
    }
}
