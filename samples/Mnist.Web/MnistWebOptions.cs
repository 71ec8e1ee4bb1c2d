using System.Globalization;

namespace Mnist.Web;

/// <summary>
/// The app's settings, from the command line (<c>--model</c>, <c>--max-request-bytes</c>, …, see
/// <see cref="SwitchMappings"/>) or any other configuration source under the <c>Mnist</c> section. Validated at start-up.
/// </summary>
public sealed class MnistWebOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string Section = "Mnist";

    /// <summary>The default <see cref="MaxRequestBytes"/>: 4 MiB (a phone photo as JPEG; the page sends a few KB).</summary>
    public const long DefaultMaxRequestBytes = 4L * 1024 * 1024;

    /// <summary>The command-line switches and the keys they set.</summary>
    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--model"] = $"{Section}:{nameof(ModelPath)}",
        ["-m"] = $"{Section}:{nameof(ModelPath)}",
        ["--max-request-bytes"] = $"{Section}:{nameof(MaxRequestBytes)}",
        ["--request-timeout-seconds"] = $"{Section}:{nameof(RequestTimeoutSeconds)}",
        ["--max-batch"] = $"{Section}:{nameof(MaxBatchSize)}",
        ["--max-queued"] = $"{Section}:{nameof(MaxQueuedPredictions)}",
        ["--threads"] = $"{Section}:{nameof(Threads)}",
    };

    /// <summary>
    /// The classifier to serve: a <c>.mnistmodel</c> file, an ensemble folder or an <c>.onnx</c> file (run with ONNX
    /// Runtime, e.g. <c>out/ensemble.onnx</c>). <see langword="null"/>: <see cref="Classification.DefaultModel.RelativePath"/> when it exists.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>Where to look for a model when <see cref="ModelPath"/> is not given (default <see cref="Classification.DefaultModel.RelativePath"/>, relative to the current directory).</summary>
    public string DefaultModelPath { get; set; } = Classification.DefaultModel.RelativePath;

    /// <summary>The largest request body accepted, in bytes (413 beyond it). Also bounds an uploaded image file.</summary>
    public long MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

    /// <summary>Width or height above this is refused from the image header, before decoding (default 8,192).</summary>
    public int MaxImageSidePixels { get; set; } = 8192;

    /// <summary>Width × height above this is refused from the image header, before decoding (default 24,000,000: a 24 MP photo, about 120–240 MB while decoding).</summary>
    public long MaxImagePixels { get; set; } = 24_000_000;

    /// <summary>How many uploaded images are decoded at once (default: the number of cores); the others wait, within the request timeout.</summary>
    public int MaxConcurrentDecodes { get; set; } = Environment.ProcessorCount;

    /// <summary>How long one request may take, body upload included (default 10 s); 503 after it.</summary>
    public double RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// The most waiting images one forward pass of the classifier takes from the queue (default 1). With 1 every answer
    /// is, to the last bit, what the classifier gives for that image alone, whatever the load; above 1 concurrent requests
    /// share forward passes (more throughput under load), and since LibTorch's kernels round differently for different
    /// batch sizes, a probability may then differ from the single-image one in its 6th–7th significant digit.
    /// </summary>
    public int MaxBatchSize { get; set; } = 1;

    /// <summary>The most images waiting for the classifier (default 256); a request beyond it gets 503 at once.</summary>
    public int MaxQueuedPredictions { get; set; } = 256;

    /// <summary>LibTorch's intra-op threads (<c>torch.set_num_threads</c>), and ONNX Runtime's for an <c>.onnx</c> model; <see langword="null"/>: their own choice (all cores).</summary>
    public int? Threads { get; set; }

    /// <summary><see cref="RequestTimeoutSeconds"/> as a time span.</summary>
    public TimeSpan RequestTimeout => TimeSpan.FromSeconds(RequestTimeoutSeconds);

    /// <summary>Checks every value, naming the first bad one with its command-line switch.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        static void Check(bool ok, string setting, object value, string rule)
        {
            if (!ok) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{setting} must be {rule}; got {value}."));
        }

        Check(MaxRequestBytes is >= 1024 and <= 1L << 30, "--max-request-bytes", MaxRequestBytes, "between 1,024 and 1,073,741,824");
        Check(MaxImageSidePixels >= 28, nameof(MaxImageSidePixels), MaxImageSidePixels, "at least 28");
        Check(MaxImagePixels >= 28 * 28, nameof(MaxImagePixels), MaxImagePixels, "at least 784");
        Check(MaxConcurrentDecodes >= 1, nameof(MaxConcurrentDecodes), MaxConcurrentDecodes, "at least 1");
        Check(RequestTimeoutSeconds is > 0 and <= 3600, "--request-timeout-seconds", RequestTimeoutSeconds, "above 0 and at most 3,600");
        Check(MaxBatchSize is >= 1 and <= 1024, "--max-batch", MaxBatchSize, "between 1 and 1,024");
        Check(MaxQueuedPredictions is >= 1 and <= 100_000, "--max-queued", MaxQueuedPredictions, "between 1 and 100,000");
        Check(Threads is null or (>= 1 and <= TorchRuntimeOptions.MaximumThreads), "--threads", Threads ?? 0, $"between 1 and {TorchRuntimeOptions.MaximumThreads}");
    }
}
