namespace Mnist.Data;

/// <summary>
/// Describes an MNIST-format dataset: its four IDX files, class names, licence and download mirrors.
/// <see cref="KnownDatasets"/> holds the built-in ones; create your own (or use <c>with</c>) for other drop-ins
/// or private mirrors.
/// </summary>
public sealed record DatasetDescriptor
{
    /// <summary>A short, file-system-safe identifier, also the folder name under <c>data/</c> and the cache: e.g. "mnist".</summary>
    public required string Id { get; init; }

    /// <summary>The name to display, e.g. "Fashion-MNIST".</summary>
    public required string DisplayName { get; init; }

    /// <summary>Class names in label order (for KMNIST the hiragana characters).</summary>
    public required IReadOnlyList<string> ClassNames { get; init; }

    /// <summary>Class names in plain ASCII, for consoles and file names (for KMNIST the romanisations o, ki, su, ...).</summary>
    public required IReadOnlyList<string> AsciiClassNames { get; init; }

    /// <summary>Training images, u8 N×H×W.</summary>
    public required DatasetFile TrainImages { get; init; }

    /// <summary>Training labels, u8 N.</summary>
    public required DatasetFile TrainLabels { get; init; }

    /// <summary>Test images, u8 N×H×W.</summary>
    public required DatasetFile TestImages { get; init; }

    /// <summary>Test labels, u8 N.</summary>
    public required DatasetFile TestLabels { get; init; }

    /// <summary>
    /// Base URLs (ending in '/') that serve every file as <see cref="DatasetFile.DownloadName"/>, tried in order.
    /// </summary>
    public IReadOnlyList<Uri> Mirrors { get; init; } = [];

    /// <summary>The licence of the data (not of this library), e.g. "CC BY-SA 3.0".</summary>
    public string License { get; init; } = "";

    /// <summary>Who made the data and where it is described.</summary>
    public string Attribution { get; init; } = "";

    /// <summary>The four files: train images, train labels, test images, test labels.</summary>
    public IReadOnlyList<DatasetFile> Files => [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>The display name.</summary>
    public override string ToString() => DisplayName;
}
