using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Mnist.Web.Classification;

namespace Mnist.Web.Prediction;

/// <summary>
/// Funnels every forward pass of the one classifier through a single worker: requests enqueue their preprocessed image
/// and await its probabilities; the worker takes whatever is waiting (up to <see cref="MnistWebOptions.MaxBatchSize"/>)
/// and predicts it in one call. Under load that batches concurrent requests (more throughput, no added latency when
/// idle); and as only one thread ever calls the classifier, no request can race another inside it. The queue is bounded
/// (<see cref="MnistWebOptions.MaxQueuedPredictions"/>): when it is full, <see cref="TryEnqueue"/> refuses at once.
/// </summary>
public sealed class PredictionQueue : BackgroundService
{
    private readonly ModelHost _model;
    private readonly int _maxBatch;
    private readonly Channel<Job> _channel;
    private readonly ILogger<PredictionQueue> _logger;

    /// <summary>Creates the queue for the app's classifier.</summary>
    /// <param name="model">The classifier's host.</param>
    /// <param name="options">Batch and queue sizes.</param>
    /// <param name="logger">Where failures of the classifier are logged.</param>
    public PredictionQueue(ModelHost model, IOptions<MnistWebOptions> options, ILogger<PredictionQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        _model = model;
        _maxBatch = options.Value.MaxBatchSize;
        _logger = logger;
        _channel = Channel.CreateBounded<Job>(new BoundedChannelOptions(options.Value.MaxQueuedPredictions)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full; nothing is dropped silently
        });
    }

    /// <summary>
    /// Queues one image (S × S floats on the 0–255 scale) for prediction; the task gives its class probabilities. Returns
    /// <see langword="null"/> when the queue is full.
    /// </summary>
    /// <param name="image">The preprocessed image; not copied, not to be changed afterwards.</param>
    /// <param name="cancellationToken">Cancels the wait (the request timed out or the client left); the image is then skipped if not yet predicted.</param>
    public Task<float[]>? TryEnqueue(float[] image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var job = new Job(image, cancellationToken);
        if (!_channel.Writer.TryWrite(job)) return null;
        return job.Result.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var reader = _channel.Reader;
        var batch = new List<Job>(_maxBatch);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _maxBatch && reader.TryRead(out var job))
                {
                    if (job.Cancellation.IsCancellationRequested) job.Result.TrySetCanceled(job.Cancellation);
                    else batch.Add(job);
                }

                if (batch.Count > 0) Predict(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _channel.Writer.TryComplete();
            while (reader.TryRead(out var left)) left.Result.TrySetCanceled(stoppingToken);
        }
    }

    private void Predict(List<Job> batch)
    {
        try
        {
            var classifier = _model.Classifier;
            int pixels = batch[0].Image.Length, classes = classifier.ClassCount;
            var images = new float[batch.Count * pixels];
            for (int i = 0; i < batch.Count; i++) batch[i].Image.CopyTo(images, i * pixels);
            var probabilities = classifier.PredictProba(images, batch.Count);
            for (int i = 0; i < batch.Count; i++) batch[i].Result.TrySetResult(probabilities.Row(i).ToArray());
        }
        catch (Exception ex)
        {
            _logger.LogError("The classifier failed on a batch of {Count} image(s): {Message}", batch.Count, ClassifierLoaders.OneLine(ex.Message));
            var failure = new ClassifierFailedException(ex);
            foreach (var job in batch) job.Result.TrySetException(failure);
        }
    }

    private sealed record Job(float[] Image, CancellationToken Cancellation)
    {
        public TaskCompletionSource<float[]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The classifier threw while predicting (e.g. its output was not a finite probability: NaN or infinite weights).</summary>
public sealed class ClassifierFailedException : Exception
{
    /// <summary>Wraps the classifier's exception.</summary>
    /// <param name="innerException">What the classifier threw.</param>
    public ClassifierFailedException(Exception innerException)
        : base("The classifier failed: " + ClassifierLoaders.OneLine(innerException.Message), innerException)
    {
    }
}
