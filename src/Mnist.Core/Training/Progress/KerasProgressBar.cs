using System.Globalization;
using System.Text;

namespace Mnist.Training;

/// <summary>
/// Keras-style progress display:
/// <c>60000/60000 [==============================] - 54s - loss: 0.1234 - acc: 0.9612 - val_loss: 0.0456 - val_acc: 0.9850</c>.
/// On an interactive terminal the line is redrawn in place (at most every <see cref="RefreshInterval"/>); when output is
/// redirected to a file or pipe it writes one plain line per finished epoch.
/// </summary>
public sealed class KerasProgressBar : IProgress<TrainingProgress>
{
    private const int BarWidth = 30;
    private readonly TextWriter _writer;
    private readonly bool _inPlace;
    private readonly object _gate = new();
    private DateTime _lastDraw = DateTime.MinValue;
    private int _lastLength;

    /// <summary>Writes to the console, in place unless standard output is redirected.</summary>
    public KerasProgressBar()
        : this(Console.Out, !Console.IsOutputRedirected)
    {
    }

    /// <summary>Writes to <paramref name="writer"/>.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="inPlace">Redraw one line with carriage returns (terminals) instead of writing plain lines (logs).</param>
    public KerasProgressBar(TextWriter writer, bool inPlace)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _inPlace = inPlace;
    }

    /// <summary>Minimum time between two redraws of the in-place line; default 100 ms.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc />
    public void Report(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            switch (value.Stage)
            {
                case TrainingStage.EpochStarted:
                    _writer.WriteLine((value.Label is null ? string.Empty : value.Label + " - ") + $"Epoch {value.Epoch}/{value.Epochs}");
                    _lastLength = 0;
                    break;
                case TrainingStage.BatchCompleted or TrainingStage.Validating when _inPlace:
                    var now = DateTime.UtcNow;
                    if (now - _lastDraw < RefreshInterval && value.SamplesSeen < value.SampleCount) return;
                    _lastDraw = now;
                    Draw(Format(value));
                    break;
                case TrainingStage.EpochCompleted:
                    string line = Format(value);
                    if (_inPlace) Draw(line);
                    else _writer.Write(line);
                    _writer.WriteLine();
                    _writer.Flush();
                    break;
            }
        }
    }

    private void Draw(string line)
    {
        _writer.Write('\r');
        _writer.Write(line);
        if (line.Length < _lastLength) _writer.Write(new string(' ', _lastLength - line.Length));
        _lastLength = line.Length;
        _writer.Flush();
    }

    /// <summary>Formats one report as Keras does (used for both display modes).</summary>
    public static string Format(TrainingProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var inv = CultureInfo.InvariantCulture;
        int total = Math.Max(value.SampleCount, 1);
        int seen = Math.Clamp(value.SamplesSeen, 0, total);
        int filled = (int)((long)BarWidth * seen / total);
        var bar = new StringBuilder(BarWidth);
        if (filled >= BarWidth) bar.Append('=', BarWidth);
        else bar.Append('=', filled).Append('>').Append('.', BarWidth - filled - 1);

        var sb = new StringBuilder();
        string width = total.ToString(inv);
        sb.Append(seen.ToString(inv).PadLeft(width.Length)).Append('/').Append(width).Append(" [").Append(bar).Append("] - ");
        sb.Append(((int)Math.Round(value.Elapsed.TotalSeconds)).ToString(inv)).Append('s');
        var m = value.Metrics;
        sb.Append(" - loss: ").Append((m?.Loss ?? value.Loss).ToString("F4", inv));
        sb.Append(" - acc: ").Append((m?.Accuracy ?? value.Accuracy).ToString("F4", inv));
        if (m?.ValidationLoss is { } vl) sb.Append(" - val_loss: ").Append(vl.ToString("F4", inv));
        if (m?.ValidationAccuracy is { } va) sb.Append(" - val_acc: ").Append(va.ToString("F4", inv));
        return sb.ToString();
    }
}
