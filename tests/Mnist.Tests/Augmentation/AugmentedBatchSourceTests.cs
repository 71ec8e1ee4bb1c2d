using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Tests.Infrastructure;
using TorchSharp;

namespace Mnist.Tests.Augmentation;

/// <summary>Augmentation over any <see cref="IBatchSource"/> (<c>source.Augment(options, seed)</c>).</summary>
public class AugmentedBatchSourceTests
{
    private const int ImageSize = 28 * 28;

    private static (List<float[]> Images, List<long[]> Labels) Collect(IBatchSource source, int epoch, CancellationToken cancellationToken = default)
    {
        var images = new List<float[]>();
        var labels = new List<long[]>();
        foreach (var batch in source.GetBatches(epoch, cancellationToken))
        {
            using (batch)
            {
                batch.Images.dtype.Should().Be(torch.ScalarType.Float32);
                batch.Labels.dtype.Should().Be(torch.ScalarType.Int64);
                batch.Images.shape.Should().Equal(batch.Count, 1, 28, 28);
                images.Add(batch.Images.data<float>().ToArray());
                labels.Add(batch.Labels.data<long>().ToArray());
            }
        }

        return (images, labels);
    }

    public static TheoryData<string> Presets => new() { nameof(KnownAugmentations.KerasNotebook2017), nameof(KnownAugmentations.KerasNotebookModern) };

    private static AugmentationOptions Preset(string name) =>
        name == nameof(KnownAugmentations.KerasNotebook2017) ? KnownAugmentations.KerasNotebook2017 : KnownAugmentations.KerasNotebookModern;

    [Theory]
    [MemberData(nameof(Presets))]
    public void Over_an_unshuffled_dataset_source_it_gives_exactly_the_pixels_of_Flow_without_shuffling(string preset)
    {
        var digits = TestDigits.First(75);

        var decorated = Collect(digits.Batches(32).Augment(Preset(preset), seed: 13), epoch: 2);
        var flowed = Collect(digits.Augment(Preset(preset)).Flow(32, shuffle: false, seed: 13), epoch: 2);

        decorated.Images.Select(i => i.Length).Should().Equal(32 * ImageSize, 32 * ImageSize, 11 * ImageSize);
        for (int b = 0; b < flowed.Images.Count; b++)
        {
            decorated.Images[b].Should().Equal(flowed.Images[b]);
            decorated.Labels[b].Should().Equal(flowed.Labels[b]);
        }

        decorated.Images[0].Should().NotEqual(Collect(digits.Batches(32), 2).Images[0], "the images really are augmented");
    }

    [Fact]
    public void Over_a_shuffled_source_the_draws_follow_the_position_within_the_epoch_and_match_the_reference_formula()
    {
        var digits = TestDigits.First(50);
        var source = digits.Batches(16, shuffle: true, seed: 9).Augment(KnownAugmentations.KerasNotebook2017, seed: 4);
        var order = DatasetBatchSource.GetEpochOrder(50, seed: 9, epoch: 1);

        var images = Collect(source, epoch: 1).Images.SelectMany(i => i).ToArray();

        long identical = 0;
        for (int position = 0; position < 50; position++)
        {
            var image = digits.GetImage(order[position]).ToArray();
            var p = source.Augmenter.Draw(seed: 4, epoch: 1, index: position, 28, 28);
            var actual = images.AsSpan(position * ImageSize, ImageSize).ToArray();
            actual.Should().Equal(source.Augmenter.Apply(image, 28, 28, p), "position {0} is warped by the draw of (seed, epoch, position)", position);
            var reference = ReferenceAffineTransform.Apply(image, 28, 28, p, order: 0, FillMode.Nearest, keras1: true);
            identical += actual.Zip(reference).Count(x => Math.Abs(x.First - x.Second) < 1e-3);
        }

        ((double)identical / (50 * ImageSize)).Should().BeGreaterThanOrEqualTo(0.99, "nearest sampling agrees with the independent formula up to rounding ties");
    }

    [Theory]
    [InlineData(Interpolation.Bilinear)]
    [InlineData(Interpolation.Nearest)]
    public void Fractional_grey_levels_are_kept_not_truncated_to_bytes(Interpolation interpolation)
    {
        // With edge-repeating fill every output pixel is a convex combination of input pixels (weights summing to 1),
        // so the warp commutes with x ↦ a·x + c. The source holds a·digit + c with a = 254/255 and c = 0.25: values
        // that are not bytes, all inside [0, 255].
        const float a = 254f / 255, c = 0.25f;
        var digits = TestDigits.First(20);
        var options = new AugmentationOptions { RotationRangeDegrees = 20, WidthShiftRange = 0.1, HeightShiftRange = 0.1, ZoomRange = 0.1, Interpolation = interpolation };
        var plain = Collect(digits.Batches(10).Augment(options, seed: 3), 0).Images.SelectMany(i => i).ToArray();
        var scaled = new FakeSource(digits, 10, pixel => (a * pixel) + c);

        var actual = Collect(scaled.Augment(options, seed: 3), 0).Images.SelectMany(i => i).ToArray();

        var error = actual.Zip(plain, (x, y) => Math.Abs(x - ((a * y) + c))).ToArray();
        error.Max().Should().BeLessThanOrEqualTo(2f / 257, "inputs and outputs are held to 1/257 of a grey level, nothing coarser");
        actual.Count(v => Math.Abs(v - MathF.Round(v)) > 0.1f).Should().BeGreaterThan(actual.Length / 2, "the quarter grey level survives the warp");
    }

    [Fact]
    public void The_same_seed_gives_the_same_batches_and_a_different_seed_different_ones()
    {
        var digits = TestDigits.First(60);
        var inner = digits.Batches(25, shuffle: true, seed: 2);

        var first = Collect(inner.Augment(KnownAugmentations.KerasNotebook2017, seed: 8), 3);
        var again = Collect(inner.Augment(KnownAugmentations.KerasNotebook2017, seed: 8), 3);
        var other = Collect(inner.Augment(KnownAugmentations.KerasNotebook2017, seed: 9), 3);
        var nextEpoch = Collect(inner.Augment(KnownAugmentations.KerasNotebook2017, seed: 8), 4);

        for (int b = 0; b < first.Images.Count; b++)
        {
            again.Images[b].Should().Equal(first.Images[b]);
            other.Images[b].Should().NotEqual(first.Images[b]);
            other.Labels[b].Should().Equal(first.Labels[b], "the seed of the augmentation does not touch the inner order");
        }

        nextEpoch.Images[0].Should().NotEqual(first.Images[0]);
    }

    [Fact]
    public void Without_a_seed_a_random_one_is_picked_and_reported()
    {
        var inner = TestDigits.First(10).Batches(10);
        var options = new AugmentationOptions { RotationRangeDegrees = 20 };

        var picked = inner.Augment(options);

        Collect(inner.Augment(options, picked.Seed), 0).Images[0].Should().Equal(Collect(picked, 0).Images[0]);
        Enumerable.Range(0, 8).Select(_ => inner.Augment(options).Seed).Distinct().Should().HaveCountGreaterThan(1);
    }

    [Fact]
    public void Labels_batch_sizes_and_order_are_the_inner_sources()
    {
        var digits = TestDigits.First(70);
        var inner = digits.Batches(32, shuffle: true, seed: 5);
        var augmented = inner.Augment(KnownAugmentations.KerasNotebook2017, seed: 1);
        var identity = inner.Augment(new AugmentationOptions(), seed: 1);

        var expected = Collect(inner, 1);
        var actual = Collect(augmented, 1);

        augmented.SampleCount.Should().Be(70);
        augmented.BatchSize.Should().Be(32, "the inner source's batch size");
        augmented.Inner.Should().BeSameAs(inner);
        actual.Labels.Should().HaveCount(3);
        for (int b = 0; b < 3; b++) actual.Labels[b].Should().Equal(expected.Labels[b]);
        Collect(identity, 1).Images.SelectMany(i => i).Should().Equal(expected.Images.SelectMany(i => i), "zero ranges leave every image, in order, unchanged");
    }

    [Fact]
    public void Every_inner_batch_is_disposed_and_only_the_batches_handed_out_hold_tensors()
    {
        var inner = new FakeSource(TestDigits.First(45), 10);
        var source = inner.Augment(KnownAugmentations.KerasNotebook2017, seed: 1);
        Mnist.TorchRuntime.EnsureInitialized();
        long liveBefore = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        var taken = new List<Batch>();

        foreach (var batch in source.GetBatches(0)) taken.Add(batch);

        inner.Yielded.Should().HaveCount(5);
        inner.Yielded.Should().OnlyContain(b => b.Images.IsInvalid && b.Labels.IsInvalid);
        inner.EnumerationsClosed.Should().Be(1);
        DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount.Should().Be(liveBefore + (2 * taken.Count));
        taken.ForEach(b => b.Dispose());
        DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount.Should().Be(liveBefore);
    }

    [Fact]
    public void Breaking_out_early_disposes_the_inner_batches_and_closes_the_inner_enumeration()
    {
        var inner = new FakeSource(TestDigits.First(45), 10);

        foreach (var batch in inner.Augment(KnownAugmentations.KerasNotebook2017, seed: 1).GetBatches(0))
        {
            batch.Dispose();
            break;
        }

        inner.Yielded.Should().ContainSingle().Which.Images.IsInvalid.Should().BeTrue();
        inner.EnumerationsClosed.Should().Be(1);
    }

    [Fact]
    public void Cancellation_stops_the_enumeration_even_when_the_inner_source_ignores_it()
    {
        var inner = new FakeSource(TestDigits.First(60), 10); // never looks at the token
        var source = inner.Augment(KnownAugmentations.KerasNotebook2017, seed: 1);
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
        inner.Yielded.Should().HaveCount(3, "the batch fetched after cancellation is dropped");
        inner.Yielded.Should().OnlyContain(b => b.Images.IsInvalid && b.Labels.IsInvalid);
        inner.EnumerationsClosed.Should().Be(1);
        inner.Tokens.Should().Equal(cts.Token);
        source.Invoking(s => Collect(s, 0, cts.Token)).Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        var inner = TestDigits.First(10).Batches(5);

        FluentActions.Invoking(() => ((IBatchSource)null!).Augment(new AugmentationOptions())).Should().Throw<ArgumentNullException>().WithParameterName("source");
        inner.Invoking(s => s.Augment(null!)).Should().Throw<ArgumentNullException>().WithParameterName("options");
        inner.Invoking(s => s.Augment(new AugmentationOptions { ZoomRange = 2 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ZoomRange");
        inner.Augment(new AugmentationOptions(), 1).Invoking(s => s.GetBatches(-1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    /// <summary>
    /// Batches of a dataset in order, with an optional per-pixel mapping; records every batch it yields and how often
    /// an enumeration was closed. It deliberately ignores the cancellation token (it only records it).
    /// </summary>
    private sealed class FakeSource(MnistDataset dataset, int batchSize, Func<float, float>? map = null) : IBatchSource
    {
        public List<Batch> Yielded { get; } = [];

        public List<CancellationToken> Tokens { get; } = [];

        public int EnumerationsClosed { get; private set; }

        public int SampleCount => dataset.Count;

        public int BatchSize => batchSize;

        public IEnumerable<Batch> GetBatches(int epoch, CancellationToken cancellationToken = default)
        {
            Tokens.Add(cancellationToken);
            return Enumerate();
        }

        private IEnumerable<Batch> Enumerate()
        {
            try
            {
                for (int start = 0; start < dataset.Count; start += batchSize)
                {
                    int count = Math.Min(batchSize, dataset.Count - start);
                    var pixels = new float[count * ImageSize];
                    var labels = new long[count];
                    for (int j = 0; j < count; j++)
                    {
                        var image = dataset.GetImage(start + j);
                        for (int k = 0; k < ImageSize; k++) pixels[(j * ImageSize) + k] = map is null ? image[k] : map(image[k]);
                        labels[j] = dataset.GetLabel(start + j);
                    }

                    var batch = DatasetBatchSource.CreateBatch(pixels, labels, 28, 28);
                    Yielded.Add(batch);
                    yield return batch;
                }
            }
            finally
            {
                EnumerationsClosed++;
            }
        }
    }
}
