using Mnist.Data;

namespace Mnist.Train;

/// <summary>Finds the requested dataset, downloading it when asked (<c>--download</c>, optionally from <c>--mirror</c>).</summary>
internal static class DatasetLoading
{
    public static MnistSplits Load(TrainSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var descriptor = KnownDatasets.Get(settings.Dataset);
        if (!settings.Download) return MnistDataset.LoadSplits(descriptor, settings.DataDirectory);

        if (settings.Mirror is { } mirror) descriptor = descriptor with { Mirrors = [new Uri(mirror.EndsWith('/') ? mirror : mirror + "/")] };
        var location = DatasetLocator.Default.Locate(descriptor, settings.DataDirectory);
        if (!location.Found)
        {
            string target = string.IsNullOrWhiteSpace(settings.DataDirectory) ? DatasetLocator.Default.GetCacheDirectory(descriptor) : settings.DataDirectory;
            log.WriteLine($"{descriptor.DisplayName} is not on this machine: downloading it into {Path.GetFullPath(target)} from {string.Join(" or ", descriptor.Mirrors)}");
        }

        var progress = new DownloadProgressBar(log);
        return MnistDataset.LoadSplitsAsync(descriptor, settings.DataDirectory, progress: progress, cancellationToken: cancellationToken)
            .GetAwaiter().GetResult();
    }
}
