using Mnist.Tests.Infrastructure;
using Mnist.Augmentation;
using Mnist.Data;
using TorchSharp;

namespace Mnist.Tests.Augmentation;

public class AugmentingBatchSourceTests
{
    private static (List<float[]> Images, List<long[]> Labels, List<int> Sizes) Collect(IBatchSource source, int epoch)
    {
        var images = new List<float[]>();
        var labels = new List<long[]>();
        var sizes = new List<int>();
        foreach (var batch in source.GetBatches(epoch))
        {
            using (batch)
            {
                batch.Images.dtype.Should().Be(torch.ScalarType.Float32);
                batch.Labels.dtype.Should().Be(torch.ScalarType.Int64);
                batch.Images.shape.Should().Equal(batch.Count, 1, 28, 28);
                images.Add(batch.Images.data<float>().ToArray());
                labels.Add(batch.Labels.data<long>().ToArray());
                sizes.Add(batch.Count);
            }
        }

        return (images, labels, sizes);
    }

    private static AugmentationExecutionOptions Run(int workers, int prefetch) => new() { WorkerCount = workers, PrefetchBatches = prefetch };

    [Fact]
    public void An_epoch_yields_every_sample_once_in_batches_keeping_the_last_partial_one()
    {
        var digits = TestDigits.First(130);
        var source = digits.Augment(KnownAugmentations.KerasNotebook2017).Flow(batchSize: 32, seed: 1);

        var (_, labels, sizes) = Collect(source, 0);

        sizes.Should().Equal(32, 32, 32, 32, 2);
        source.SampleCount.Should().Be(130);
        var order = DatasetBatchSource.GetEpochOrder(130, seed: 1, epoch: 0);
        labels.SelectMany(l => l).Should().Equal(order.Select(i => (long)digits.GetLabel(i)));
        Collect(digits.Augment(KnownAugmentations.KerasNotebook2017).Flow(32, seed: 1, dropLast: true), 0).Sizes.Should().Equal(32, 32, 32, 32);
    }

    [Fact]
    public void Each_sample_is_augmented_by_its_own_draw_from_seed_epoch_and_index()
    {
        var digits = TestDigits.First(40);
        var augmented = digits.Augment(KnownAugmentations.KerasNotebook2017);
        var source = augmented.Flow(batchSize: 16, seed: 21);
        var order = DatasetBatchSource.GetEpochOrder(40, seed: 21, epoch: 3);

        var images = Collect(source, 3).Images.SelectMany(b => b).ToArray();

        for (int position = 0; position < 40; position++)
        {
            int index = order[position];
            var p = augmented.Augmenter.Draw(21, 3, index, 28, 28);
            var expected = augmented.Augmenter.Apply(digits.GetImage(index), 28, 28, p);
            images.AsSpan(position * 784, 784).ToArray().Should().Equal(expected);
        }
    }

    [Fact]
    public void The_same_seed_gives_identical_batches_whatever_the_worker_count_and_prefetch_depth()
    {
        var digits = TestDigits.First(300);
        var one = Collect(digits.Augment(KnownAugmentations.KerasNotebook2017).Flow(64, seed: 7, execution: Run(1, 1)), epoch: 1);
        var two = Collect(digits.Augment(KnownAugmentations.KerasNotebook2017).Flow(64, seed: 7, execution: Run(2, 4)), epoch: 1);
        var three = Collect(digits.Augment(KnownAugmentations.KerasNotebook2017).Flow(64, seed: 7, execution: Run(3, 2)), epoch: 1);

        two.Images.Should().HaveCount(one.Images.Count);
        for (int b = 0; b < one.Images.Count; b++)
        {
            two.Images[b].Should().Equal(one.Images[b]);
            three.Images[b].Should().Equal(one.Images[b]);
            two.Labels[b].Should().Equal(one.Labels[b]);
        }
    }

    [Fact]
    public void Epochs_are_reshuffled_and_redrawn()
    {
        var digits = TestDigits.First(100);
        var source = digits.Augment(KnownAugmentations.KerasNotebook2017).Flow(100, seed: 3);

        var epoch0 = Collect(source, 0);
        var epoch1 = Collect(source, 1);
        var epoch0Again = Collect(source, 0);

        epoch1.Labels[0].Should().NotEqual(epoch0.Labels[0]);
        epoch1.Labels[0].Should().BeEquivalentTo(epoch0.Labels[0]);
        epoch0Again.Images[0].Should().Equal(epoch0.Images[0]);
        epoch1.Images[0].Should().NotEqual(epoch0.Images[0]);
    }

    [Fact]
    public void Without_augmentation_or_shuffling_it_matches_the_plain_generator()
    {
        var digits = TestDigits.First(75);

        var augmented = Collect(digits.Augment(new AugmentationOptions()).Flow(32, shuffle: false, seed: 0), 0);
        var plain = Collect(digits.Batches(32), 0);

        augmented.Images.SelectMany(i => i).Should().Equal(plain.Images.SelectMany(i => i));
        augmented.Labels.SelectMany(i => i).Should().Equal(plain.Labels.SelectMany(i => i));
    }

    [Fact]
    public void The_seed_comes_from_Flow_and_without_one_a_random_seed_is_picked_and_reported()
    {
        var digits = TestDigits.First(10);
        var augmented = digits.Augment(new AugmentationOptions { RotationRangeDegrees = 20 });

        augmented.Flow(seed: 5).Seed.Should().Be(5);
        var picked = augmented.Flow(batchSize: 10);
        var again = augmented.Flow(batchSize: 10, seed: picked.Seed);
        Collect(again, 0).Images[0].Should().Equal(Collect(picked, 0).Images[0]);
        Enumerable.Range(0, 8).Select(_ => augmented.Flow().Seed).Distinct().Should().HaveCountGreaterThan(1, "each unseeded generator draws a fresh seed");
    }

    [Fact]
    public void A_worker_exception_surfaces_in_the_consumer_at_the_failed_batch()
    {
        var source = TestDigits.First(200).Augment(KnownAugmentations.KerasNotebook2017).Flow(20, seed: 1, execution: Run(2, 3));
        source.BeforeBatch = b =>
        {
            if (b == 3) throw new InvalidOperationException("augmentation failed on purpose");
        };
        int received = 0;

        var act = () =>
        {
            foreach (var batch in source.GetBatches(0))
            {
                batch.Dispose();
                received++;
            }
        };

        act.Should().Throw<InvalidOperationException>().WithMessage("augmentation failed on purpose");
        received.Should().Be(3);
        source.ActiveWorkers.Should().Be(0);
        source.RentedBuffers.Should().Be(0);
    }

    [Fact]
    public void Breaking_out_early_stops_the_workers_and_leaves_no_tensor_or_buffer_behind()
    {
        var source = TestDigits.First(600).Augment(KnownAugmentations.KerasNotebook2017).Flow(20, seed: 1, execution: Run(2, 4));
        Mnist.TorchRuntime.EnsureInitialized();
        long liveBefore = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        var taken = new List<Batch>();

        foreach (var batch in source.GetBatches(0))
        {
            taken.Add(batch);
            if (taken.Count == 2) break;
        }

        source.ActiveWorkers.Should().Be(0, "leaving the enumeration joins the workers");
        source.RentedBuffers.Should().Be(0, "prefetched batches are released");
        DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount.Should().Be(liveBefore + 4, "only the two batches handed out hold tensors");
        taken.ForEach(b => b.Dispose());
        DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount.Should().Be(liveBefore);
    }

    [Fact]
    public void Cancellation_stops_the_enumeration_and_the_workers()
    {
        var source = TestDigits.First(600).Augment(KnownAugmentations.KerasNotebook2017).Flow(20, seed: 1, execution: Run(2, 3));
        using var cts = new CancellationTokenSource();
        int received = 0;

        var act = () =>
        {
            foreach (var batch in source.GetBatches(0, cts.Token))
            {
                batch.Dispose();
                if (++received == 2) cts.Cancel();
            }
        };

        act.Should().Throw<OperationCanceledException>();
        received.Should().Be(2);
        source.ActiveWorkers.Should().Be(0);
        source.RentedBuffers.Should().Be(0);
    }

    [Fact]
    public void A_negative_epoch_or_batch_size_is_rejected()
    {
        var augmented = TestDigits.First(10).Augment(new AugmentationOptions());

        augmented.Invoking(a => a.Flow(batchSize: 0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("batchSize");
        augmented.Flow(5, seed: 1).Invoking(s => s.GetBatches(-1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Augment_with_a_configuration_callback_validates_the_options()
    {
        var digits = new MnistDataset(new byte[28 * 28], new byte[1]);

        digits.Invoking(d => d.Augment(o => o.ZoomRange = -0.1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ZoomRange");
        digits.Augment(o => o.RotationRangeDegrees = 12).Augmenter.RotationRangeDegrees.Should().Be(12);
    }
}
