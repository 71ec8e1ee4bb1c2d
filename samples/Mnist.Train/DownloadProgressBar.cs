using System.Globalization;
using Mnist.Data;

namespace Mnist.Train;

/// <summary>
/// Writes download progress as one line per file, redrawn in place on a terminal
/// (<c>train-images-idx3-ubyte.gz [=========&gt;....] 45% 11.9/26.4 MB</c>) and printed once per 25 % otherwise.
/// Reports arrive synchronously from the downloader, one file at a time.
/// </summary>
internal sealed class DownloadProgressBar(TextWriter output) : IProgress<DownloadProgress>
{
    private const int Width = 30;
    private string? _file;
    private int _lastQuarter = -1;

    private bool Interactive => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    public void Report(DownloadProgress value)
    {
        if (value.FileName != _file)
        {
            if (_file is not null && Interactive) output.WriteLine();
            _file = value.FileName;
            _lastQuarter = -1;
        }

        double? fraction = value.Fraction;
        string sizes = value.TotalBytes is { } total
            ? string.Create(CultureInfo.InvariantCulture, $"{value.BytesReceived / 1e6:F1}/{total / 1e6:F1} MB")
            : string.Create(CultureInfo.InvariantCulture, $"{value.BytesReceived / 1e6:F1} MB");
        int filled = (int)Math.Round((fraction ?? 0) * Width);
        string bar = new string('=', Math.Max(0, filled - 1)) + (filled > 0 ? ">" : string.Empty) + new string('.', Width - filled);
        string percent = fraction is { } f ? string.Create(CultureInfo.InvariantCulture, $"{f * 100,3:F0}%") : "  ?%";
        string line = $"{value.FileName} [{bar}] {percent} {sizes}";

        if (Interactive)
        {
            output.Write("\r" + line);
            if (fraction >= 1) { output.WriteLine(); _file = null; }
            return;
        }

        int quarter = fraction is { } g ? (int)Math.Floor(g * 4) : 0;
        if (quarter == _lastQuarter) return;
        _lastQuarter = quarter;
        output.WriteLine(line);
    }
}
