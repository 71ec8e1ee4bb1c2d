using System.Globalization;

namespace Mnist.Training;

/// <summary>Writes one CSV row per epoch (Keras <c>CSVLogger</c>): epoch, loss, acc, val_loss, val_acc, lr, seconds.</summary>
public sealed class CsvLogger : Callback
{
    /// <summary>The header row.</summary>
    public const string Header = "epoch,loss,acc,val_loss,val_acc,lr,seconds";

    /// <summary>Creates the callback.</summary>
    /// <param name="path">CSV file.</param>
    /// <param name="append">Append to an existing file (default false: the file is started anew at each fit).</param>
    public CsvLogger(string path, bool append = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        Append = append;
    }

    /// <summary>CSV file.</summary>
    public string Path { get; }

    /// <summary>Whether rows are appended to an existing file.</summary>
    public bool Append { get; }

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context)
    {
        if (!Append || !File.Exists(Path)) File.WriteAllText(Path, Header + Environment.NewLine);
    }

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context, EpochMetrics metrics) =>
        File.AppendAllText(Path, FormatRow(metrics) + Environment.NewLine);

    /// <summary>One CSV row (invariant culture; empty cells when there was no validation).</summary>
    public static string FormatRow(EpochMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var inv = CultureInfo.InvariantCulture;
        return string.Join(',',
            metrics.Epoch.ToString(inv), metrics.Loss.ToString("R", inv), metrics.Accuracy.ToString("R", inv),
            metrics.ValidationLoss?.ToString("R", inv) ?? string.Empty, metrics.ValidationAccuracy?.ToString("R", inv) ?? string.Empty,
            metrics.LearningRate.ToString("R", inv), metrics.Seconds.ToString("F3", inv));
    }
}
