using Mnist.Tests.Infrastructure;
using Mnist.Data;

namespace Mnist.Tests.Augmentation;

/// <summary>The plain (unaugmented) generator of Mnist.Core that evaluation uses.</summary>
public class DatasetBatchSourceTests
{
    [Fact]
    public void Unshuffled_batches_copy_the_dataset_in_order_and_keep_the_last_partial_batch()
    {
        var digits = TestDigits.First(70);
        var source = digits.Batches(batchSize: 32);
        var sizes = new List<int>();
        var pixels = new List<float>();
        var labels = new List<long>();

        foreach (var batch in source.GetBatches(epoch: 0))
        {
            using (batch)
            {
                batch.Images.shape.Should().Equal(batch.Count, 1, 28, 28);
                sizes.Add(batch.Count);
                pixels.AddRange(batch.Images.data<float>().ToArray());
                labels.AddRange(batch.Labels.data<long>().ToArray());
            }
        }

        sizes.Should().Equal(32, 32, 6);
        source.SampleCount.Should().Be(70);
        pixels.Should().Equal(digits.Pixels.ToArray().Select(b => (float)b));
        labels.Should().Equal(digits.Labels.ToArray().Select(b => (long)b));
    }

    [Fact]
    public void Drop_last_drops_the_partial_batch()
    {
        var source = TestDigits.First(70).Batches(batchSize: 32, dropLast: true);

        var sizes = source.GetBatches(0).Select(b => { using (b) return b.Count; }).ToList();

        sizes.Should().Equal(32, 32);
        source.SampleCount.Should().Be(64);
    }

    [Fact]
    public void Shuffled_epochs_are_seeded_permutations_that_change_every_epoch()
    {
        var epoch0 = DatasetBatchSource.GetEpochOrder(1000, seed: 4, epoch: 0);
        var epoch1 = DatasetBatchSource.GetEpochOrder(1000, seed: 4, epoch: 1);

        epoch0.Should().BeEquivalentTo(Enumerable.Range(0, 1000));
        epoch1.Should().BeEquivalentTo(Enumerable.Range(0, 1000));
        epoch0.Should().NotEqual(epoch1);
        DatasetBatchSource.GetEpochOrder(1000, seed: 4, epoch: 0).Should().Equal(epoch0);
        DatasetBatchSource.GetEpochOrder(1000, seed: 5, epoch: 0).Should().NotEqual(epoch0);
    }

    [Fact]
    public void Shuffled_batches_follow_the_epoch_order()
    {
        var digits = TestDigits.First(50);
        var order = DatasetBatchSource.GetEpochOrder(50, seed: 9, epoch: 2);

        var labels = digits.Batches(16, shuffle: true, seed: 9).GetBatches(epoch: 2)
            .SelectMany(b => { using (b) return b.Labels.data<long>().ToArray(); }).ToList();

        labels.Should().Equal(order.Select(i => (long)digits.GetLabel(i)));
    }
}
