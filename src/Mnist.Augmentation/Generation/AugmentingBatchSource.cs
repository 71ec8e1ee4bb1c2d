using System.Buffers;
using Mnist.Data;

namespace Mnist.Augmentation;

/// <summary>
/// The augmenting batch generator (Keras' <c>ImageDataGenerator.flow</c>) as an <see cref="IBatchSource"/>:
/// worker threads augment whole batches ahead of the consumer into a bounded prefetch queue, so augmentation
/// overlaps training; batches are yielded in order. Created by <see cref="AugmentedDataset.Flow"/>. To augment the
/// batches of any other <see cref="IBatchSource"/>, on the consumer's thread, see
/// <see cref="BatchSourceAugmentationExtensions.Augment(IBatchSource, AugmentationOptions, int?)"/>.
/// </summary>
/// <remarks>
/// <para>Deterministic: sample i of epoch e is transformed by <see cref="RandomAffineAugmenter.Draw(int, int, int, int, int)"/>
/// with (<see cref="Seed"/>, e, i) and the epoch order is that of <c>dataset.Batches(…, shuffle: true, seed)</c>, so
/// the same seed gives identical batches whatever <see cref="WorkerCount"/> and <see cref="PrefetchBatches"/>.</para>
/// <para>Workers hold only managed buffers; the tensors of a batch are created on the consumer's thread when the
/// batch is handed out, so batches prepared but never consumed own no native memory. Leaving the enumeration early
/// (break, exception, cancellation) stops and joins the workers before control returns. A worker's exception is
/// rethrown to the consumer when it reaches the failed batch.</para>
/// </remarks>
public sealed class AugmentingBatchSource : IBatchSource
{
    private readonly AugmentedDataset _source;
    private int _activeWorkers;
    private int _rentedBuffers;

    internal AugmentingBatchSource(AugmentedDataset source, int batchSize, bool shuffle, int seed, bool dropLast, AugmentationExecutionOptions? execution)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        var settings = execution?.Clone() ?? new AugmentationExecutionOptions();
        settings.Validate();
        WorkerCount = settings.WorkerCount;
        PrefetchBatches = settings.PrefetchBatches;
        _source = source;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
    }

    /// <summary>The samples.</summary>
    public MnistDataset Dataset => _source.Dataset;

    /// <summary>The augmentation.</summary>
    public RandomAffineAugmenter Augmenter => _source.Augmenter;

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <summary>Whether each epoch is reshuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>The seed of shuffling and draws (the one given, or the one picked at random).</summary>
    public int Seed { get; }

    /// <summary>Whether the last, smaller batch of an epoch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Worker threads augmenting ahead of the consumer (<see cref="AugmentationExecutionOptions.WorkerCount"/>).</summary>
    public int WorkerCount { get; }

    /// <summary>Maximum number of batches prepared ahead of the consumer (<see cref="AugmentationExecutionOptions.PrefetchBatches"/>).</summary>
    public int PrefetchBatches { get; }

    /// <inheritdoc />
    public int SampleCount => DropLast ? Dataset.Count / BatchSize * BatchSize : Dataset.Count;

    /// <summary>Number of batches per epoch.</summary>
    public int BatchCount => DatasetBatchSource.GetBatchCount(Dataset.Count, BatchSize, DropLast);

    /// <summary>Workers currently running (for tests and diagnostics).</summary>
    internal int ActiveWorkers => Volatile.Read(ref _activeWorkers);

    /// <summary>Pixel buffers rented and not yet returned (for tests and diagnostics).</summary>
    internal int RentedBuffers => Volatile.Read(ref _rentedBuffers);

    /// <summary>Called by a worker before it augments a batch (test hook for failure injection).</summary>
    internal Action<int>? BeforeBatch { get; set; }

    /// <inheritdoc />
    public IEnumerable<Batch> GetBatches(int epoch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        TorchRuntime.EnsureInitialized();
        return Enumerate(epoch, cancellationToken);
    }

    /// <summary>
    /// Augments the samples of epoch <paramref name="epoch"/> in order on the calling thread, without tensors or
    /// workers: the images (B × H × W floats) of each batch and their dataset indices. For benchmarks and checks.
    /// </summary>
    /// <param name="epoch">0-based epoch.</param>
    internal IEnumerable<(float[] Pixels, int[] Indices)> AugmentSequentially(int epoch)
    {
        var order = GetOrder(epoch);
        using var warper = Augmenter.CreateWarper(Dataset.Width, Dataset.Height);
        for (int b = 0; b < BatchCount; b++)
        {
            int count = CountOf(b);
            var pixels = new float[count * Dataset.ImageSize];
            Augment(warper, order, epoch, b, pixels);
            yield return (pixels, order.AsSpan(b * BatchSize, count).ToArray());
        }
    }

    private IEnumerable<Batch> Enumerate(int epoch, CancellationToken cancellationToken)
    {
        int[] order = GetOrder(epoch);
        int batchCount = BatchCount;
        if (batchCount == 0) yield break;

        var results = new TaskCompletionSource<float[]>[batchCount];
        for (int i = 0; i < results.Length; i++) results[i] = new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var freeSlots = new SemaphoreSlim(PrefetchBatches, PrefetchBatches);
        int nextBatch = -1;
        int consumed = 0;
        var workers = new Task[Math.Min(WorkerCount, batchCount)];
        for (int w = 0; w < workers.Length; w++)
        {
            Interlocked.Increment(ref _activeWorkers);
            workers[w] = Task.Factory.StartNew(
                () => RunWorker(order, epoch, results, freeSlots, () => Interlocked.Increment(ref nextBatch), stop.Token),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        try
        {
            for (; consumed < batchCount; consumed++)
            {
                var task = results[consumed].Task;
                Task.WaitAny(new Task[] { task }, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                float[] pixels = task.GetAwaiter().GetResult(); // rethrows a worker's exception as is
                Batch batch;
                try
                {
                    batch = CreateBatch(order, consumed, pixels);
                }
                finally
                {
                    ReturnBuffer(pixels);
                    results[consumed] = null!;
                    freeSlots.Release();
                }

                yield return batch;
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                Task.WaitAll(workers);
            }
            catch (AggregateException)
            {
                // Workers only end by cancellation here; batch failures travel through their result.
            }

            for (int k = consumed; k < batchCount; k++)
            {
                if (results[k] is { Task.IsCompletedSuccessfully: true } done) ReturnBuffer(done.Task.Result);
            }
        }
    }

    private void RunWorker(int[] order, int epoch, TaskCompletionSource<float[]>[] results, SemaphoreSlim freeSlots, Func<int> claim, CancellationToken stop)
    {
        try
        {
            using var warper = Augmenter.CreateWarper(Dataset.Width, Dataset.Height);
            while (true)
            {
                freeSlots.Wait(stop);
                int batch = claim();
                if (batch >= results.Length) return;
                float[]? pixels = null;
                try
                {
                    BeforeBatch?.Invoke(batch);
                    pixels = RentBuffer(CountOf(batch) * Dataset.ImageSize);
                    Augment(warper, order, epoch, batch, pixels);
                    if (stop.IsCancellationRequested || !results[batch].TrySetResult(pixels)) ReturnBuffer(pixels);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    if (pixels is not null) ReturnBuffer(pixels);
                    results[batch].TrySetException(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The consumer left or cancelled.
        }
        catch (Exception ex)
        {
            // The worker itself failed (e.g. creating its buffers): fail every pending batch so the consumer never waits in vain.
            foreach (var result in results) result?.TrySetException(ex);
        }
        finally
        {
            Interlocked.Decrement(ref _activeWorkers);
        }
    }

    private void Augment(AffineWarper warper, int[] order, int epoch, int batch, float[] pixels)
    {
        int imageSize = Dataset.ImageSize, count = CountOf(batch), start = batch * BatchSize;
        for (int j = 0; j < count; j++)
        {
            int index = order[start + j];
            var parameters = Augmenter.Draw(Seed, epoch, index, Dataset.Width, Dataset.Height);
            var destination = pixels.AsSpan(j * imageSize, imageSize);
            warper.Warp(Dataset.GetImage(index), parameters, destination);
            Augmenter.Finish(destination, Dataset.Width, Dataset.Height, Seed, epoch, index);
        }
    }

    private Batch CreateBatch(int[] order, int batch, float[] pixels)
    {
        int count = CountOf(batch), start = batch * BatchSize;
        var labels = new long[count];
        for (int j = 0; j < count; j++) labels[j] = Dataset.GetLabel(order[start + j]);
        return DatasetBatchSource.CreateBatch(pixels.AsSpan(0, count * Dataset.ImageSize), labels, Dataset.Height, Dataset.Width);
    }

    private int[] GetOrder(int epoch)
    {
        if (Shuffle) return DatasetBatchSource.GetEpochOrder(Dataset.Count, Seed, epoch);
        var order = new int[Dataset.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        return order;
    }

    private int CountOf(int batch) => Math.Min(BatchSize, Dataset.Count - (batch * BatchSize));

    private float[] RentBuffer(int length)
    {
        Interlocked.Increment(ref _rentedBuffers);
        return ArrayPool<float>.Shared.Rent(length);
    }

    private void ReturnBuffer(float[] buffer)
    {
        ArrayPool<float>.Shared.Return(buffer);
        Interlocked.Decrement(ref _rentedBuffers);
    }
}
