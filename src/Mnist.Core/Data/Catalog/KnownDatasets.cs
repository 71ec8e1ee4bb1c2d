namespace Mnist.Data;

/// <summary>
/// The built-in catalogue of MNIST-format datasets: same file names, same IDX layout, 28×28 u8 images, 10 classes,
/// 60,000 training and 10,000 test samples. Any of them can replace MNIST without code changes.
/// </summary>
public static class KnownDatasets
{
    private static readonly IReadOnlyList<string> Digits = MnistDataset.DefaultClassNames;

    /// <summary>
    /// MNIST handwritten digits (LeCun, Cortes, Burges; CC BY-SA 3.0). Uncompressed SHA-256s are the widely published
    /// ones; the repository ships the data in <c>data/mnist</c>.
    /// </summary>
    public static DatasetDescriptor Mnist { get; } = new()
    {
        Id = "mnist",
        DisplayName = "MNIST",
        ClassNames = Digits,
        AsciiClassNames = Digits,
        TrainImages = Images("train", 60000, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        TrainLabels = Labels("train", 60000, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        TestImages = Images("t10k", 10000, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        TestLabels = Labels("t10k", 10000, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        Mirrors =
        [
            new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/"),
        ],
        License = "CC BY-SA 3.0",
        Attribution = "Yann LeCun, Corinna Cortes and Christopher J.C. Burges, THE MNIST DATABASE of handwritten digits.",
    };

    /// <summary>
    /// Fashion-MNIST (Zalando Research; MIT). Uncompressed SHA-256s computed from Debian's <c>dataset-fashion-mnist</c>
    /// package (upstream git 55506a9; Debian re-compressed the .gz files, the uncompressed MD5s equal the ones torchvision
    /// publishes, and other projects publish the same uncompressed SHA-256s).
    /// </summary>
    public static DatasetDescriptor FashionMnist { get; } = new()
    {
        Id = "fashion-mnist",
        DisplayName = "Fashion-MNIST",
        ClassNames = FashionClasses,
        AsciiClassNames = FashionClasses,
        TrainImages = Images("train", 60000, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        TrainLabels = Labels("train", 60000, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        TestImages = Images("t10k", 10000, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        TestLabels = Labels("t10k", 10000, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        Mirrors =
        [
            new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            new Uri("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
        ],
        License = "MIT",
        Attribution = "Han Xiao, Kashif Rasul and Roland Vollgraf, Fashion-MNIST (Zalando SE), arXiv:1708.07747.",
    };

    /// <summary>
    /// Kuzushiji-MNIST (ROIS-DS Center for Open Data in the Humanities; CC BY-SA 4.0). The uncompressed SHA-256s have not
    /// been verified against the data, so they are <c>null</c>: a downloaded file is checked against the published
    /// SHA-256 of its <c>.gz</c> (<see cref="DatasetFile.CompressedSha256"/>); a local uncompressed copy gets a
    /// size and format check only.
    /// </summary>
    public static DatasetDescriptor Kmnist { get; } = new()
    {
        Id = "kmnist",
        DisplayName = "Kuzushiji-MNIST",
        ClassNames = ["お", "き", "す", "つ", "な", "は", "ま", "や", "れ", "を"],
        AsciiClassNames = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"],
        TrainImages = Images("train", 60000, null) with { CompressedSha256 = "51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4" },
        TrainLabels = Labels("train", 60000, null) with { CompressedSha256 = "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17" },
        TestImages = Images("t10k", 10000, null) with { CompressedSha256 = "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5" },
        TestLabels = Labels("t10k", 10000, null) with { CompressedSha256 = "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c" },
        Mirrors = [new Uri("https://codh.rois.ac.jp/kmnist/dataset/kmnist/")],
        License = "CC BY-SA 4.0",
        Attribution = "\"KMNIST Dataset\" (created by CODH), adapted from \"Kuzushiji Dataset\" (created by NIJL and others), doi:10.20676/00000341.",
    };

    /// <summary>All built-in datasets: MNIST, Fashion-MNIST, KMNIST.</summary>
    public static IReadOnlyList<DatasetDescriptor> All { get; } = [Mnist, FashionMnist, Kmnist];

    private static IReadOnlyList<string> FashionClasses =>
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Finds a built-in dataset by <see cref="DatasetDescriptor.Id"/> (case-insensitive).</summary>
    /// <param name="id">e.g. "mnist", "fashion-mnist", "kmnist".</param>
    /// <exception cref="ArgumentException">No built-in dataset has that id; the message lists the known ones.</exception>
    public static DatasetDescriptor Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return All.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase))
               ?? throw new ArgumentException($"Unknown dataset '{id}'. Known: {string.Join(", ", All.Select(d => d.Id))}.", nameof(id));
    }

    private static DatasetFile Images(string split, int count, string? sha256) => new()
    {
        FileName = $"{split}-images-idx3-ubyte",
        Dimensions = [count, 28, 28],
        Sha256 = sha256,
    };

    private static DatasetFile Labels(string split, int count, string? sha256) => new()
    {
        FileName = $"{split}-labels-idx1-ubyte",
        Dimensions = [count],
        Sha256 = sha256,
    };
}
