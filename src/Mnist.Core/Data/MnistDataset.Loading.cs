using System.Globalization;
using Mnist.Data;

namespace Mnist.Data;

public sealed partial class MnistDataset
{
    /// <summary>Loads one split from an image file (u8 N×H×W) and a label file (u8 N), each plain or gzip-compressed.</summary>
    /// <param name="imagesPath">The IDX image file.</param>
    /// <param name="labelsPath">The IDX label file.</param>
    /// <param name="classNames">Class names; "0".."9" when null.</param>
    /// <param name="name">A display name; the image file name when null.</param>
    /// <param name="limits">Bounds on the sizes the IDX headers may declare; <see cref="IdxReadLimits.Default"/> when null.</param>
    /// <exception cref="IdxFormatException">A file is not valid IDX, declares more than <paramref name="limits"/> allow,
    /// has the wrong type or rank, the counts differ (the message names both files and counts), or a label is outside
    /// the classes.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    public static MnistDataset Load(string imagesPath, string labelsPath, IReadOnlyList<string>? classNames = null, string? name = null, IdxReadLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        var images = IdxReader.ReadFile(imagesPath, limits);
        var labels = IdxReader.ReadFile(labelsPath, limits);
        return FromIdx(images, labels, classNames, name ?? Path.GetFileName(imagesPath));
    }

    /// <summary>Builds a split from IDX arrays already read (images u8 N×H×W, labels u8 N).</summary>
    /// <param name="images">The image array.</param>
    /// <param name="labels">The label array.</param>
    /// <param name="classNames">Class names; "0".."9" when null.</param>
    /// <param name="name">A display name.</param>
    /// <exception cref="IdxFormatException">Wrong type or rank, different counts, or a label outside the classes.</exception>
    public static MnistDataset FromIdx(IdxArray images, IdxArray labels, IReadOnlyList<string>? classNames = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.ElementType != IdxElementType.UnsignedByte || images.Rank != 3)
            throw new IdxFormatException(images.Source, $"holds {images.ShapeText}, but an image file must be u8 N×H×W");
        if (labels.ElementType != IdxElementType.UnsignedByte || labels.Rank != 1)
            throw new IdxFormatException(labels.Source, $"holds {labels.ShapeText}, but a label file must be u8 N");
        if (images.Dimensions[0] != labels.Dimensions[0])
        {
            throw new IdxFormatException(images.Source,
                $"holds {images.Dimensions[0].ToString("N0", CultureInfo.InvariantCulture)} images but '{labels.Source}' holds {labels.Dimensions[0].ToString("N0", CultureInfo.InvariantCulture)} labels; "
                + "the image and label files probably come from different splits or datasets");
        }

        var names = classNames ?? DefaultClassNames;
        byte[] labelBytes = labels.GetBytes();
        int bad = Array.FindIndex(labelBytes, l => l >= names.Count);
        if (bad >= 0)
        {
            throw new IdxFormatException(labels.Source, $"has label {labelBytes[bad]} at index {bad}, outside the {names.Count} classes");
        }

        return new MnistDataset(images.GetBytes(), labelBytes, images.Dimensions[1], images.Dimensions[2], names, name ?? Path.GetFileName(images.Source));
    }

    /// <summary>
    /// Loads the training and test splits of <paramref name="dataset"/> (MNIST by default) from disk, without
    /// downloading. The folder is found by <see cref="DatasetLocator"/>: <paramref name="directory"/>, then
    /// <c>$MNIST_DATA_ROOT/&lt;id&gt;</c>, the repository's <c>data/&lt;id&gt;</c>, <c>/usr/share/datasets/&lt;id&gt;</c> (Linux),
    /// then the per-user cache.
    /// </summary>
    /// <param name="dataset">The dataset; <see cref="KnownDatasets.Mnist"/> when null.</param>
    /// <param name="directory">An explicit folder holding the four files (plain or .gz), or null to search.</param>
    /// <param name="locator">The locator; <see cref="DatasetLocator.Default"/> when null.</param>
    /// <param name="limits">Bounds on the sizes the IDX headers may declare; <see cref="IdxReadLimits.Default"/> when null.</param>
    /// <exception cref="DatasetNotFoundException">The files are nowhere; the message lists the folders searched.</exception>
    /// <exception cref="IdxFormatException">A file is corrupt, declares more than <paramref name="limits"/> allow, or the
    /// files do not belong together: image and label counts differ, a label is outside the dataset's classes, or the test
    /// images' size (H×W) differs from the training images' (the message names both files and both shapes).</exception>
    public static MnistSplits LoadSplits(DatasetDescriptor? dataset = null, string? directory = null, DatasetLocator? locator = null, IdxReadLimits? limits = null)
    {
        dataset ??= KnownDatasets.Mnist;
        var location = (locator ?? DatasetLocator.Default).Locate(dataset, directory);
        if (!location.Found) throw new DatasetNotFoundException(dataset, location.SearchedDirectories);
        return LoadSplitsFrom(dataset, location.Directory!, limits);
    }

    /// <summary>
    /// Like <see cref="LoadSplits"/>, but downloads the dataset when it is found nowhere: into
    /// <paramref name="directory"/> when given, else into the per-user cache
    /// (<see cref="DatasetLocator.GetCacheDirectory"/>). Downloads are verified before they become visible.
    /// </summary>
    /// <param name="dataset">The dataset; <see cref="KnownDatasets.Mnist"/> when null.</param>
    /// <param name="directory">An explicit folder, or null to search.</param>
    /// <param name="locator">The locator; <see cref="DatasetLocator.Default"/> when null.</param>
    /// <param name="downloader">The downloader; a default one (own <see cref="HttpClient"/>) when null.</param>
    /// <param name="progress">Receives download progress; may be null.</param>
    /// <param name="limits">Bounds on the sizes the IDX headers may declare; <see cref="IdxReadLimits.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="DatasetDownloadException">Every mirror failed for some file.</exception>
    /// <exception cref="IdxFormatException">A file is corrupt, declares more than <paramref name="limits"/> allow, or the
    /// files do not belong together (as for <see cref="LoadSplits"/>).</exception>
    public static async Task<MnistSplits> LoadSplitsAsync(
        DatasetDescriptor? dataset = null,
        string? directory = null,
        DatasetLocator? locator = null,
        DatasetDownloader? downloader = null,
        IProgress<DownloadProgress>? progress = null,
        IdxReadLimits? limits = null,
        CancellationToken cancellationToken = default)
    {
        dataset ??= KnownDatasets.Mnist;
        locator ??= DatasetLocator.Default;
        var location = locator.Locate(dataset, directory);
        string folder;
        if (location.Found)
        {
            folder = location.Directory!;
        }
        else
        {
            string target = string.IsNullOrWhiteSpace(directory) ? locator.GetCacheDirectory(dataset) : directory;
            using var ownDownloader = downloader is null ? new DatasetDownloader() : null;
            folder = await (downloader ?? ownDownloader!).DownloadAsync(dataset, target, progress, cancellationToken).ConfigureAwait(false);
        }

        return await Task.Run(() => LoadSplitsFrom(dataset, folder, limits), cancellationToken).ConfigureAwait(false);
    }

    private static MnistSplits LoadSplitsFrom(DatasetDescriptor dataset, string directory, IdxReadLimits? limits)
    {
        string Find(DatasetFile file) => DatasetLocator.FindFile(directory, file)
                                         ?? throw new DatasetNotFoundException(dataset, [directory]);

        string trainImages = Find(dataset.TrainImages), testImages = Find(dataset.TestImages);
        var train = Load(trainImages, Find(dataset.TrainLabels), dataset.ClassNames, dataset.DisplayName + " train", limits);
        var test = Load(testImages, Find(dataset.TestLabels), dataset.ClassNames, dataset.DisplayName + " test", limits);
        if (test.Height != train.Height || test.Width != train.Width)
        {
            throw new IdxFormatException(testImages,
                $"holds test images of {Shape(test)} but the training images '{trainImages}' are {Shape(train)}; "
                + $"a model trained on {train.Height}×{train.Width} images cannot be evaluated on {test.Height}×{test.Width} ones (the files probably come from different datasets)");
        }

        return new MnistSplits(train, test, dataset, directory);
    }

    private static string Shape(MnistDataset split)
        => string.Create(CultureInfo.InvariantCulture, $"{split.Count}×{split.Height}×{split.Width} u8");
}
