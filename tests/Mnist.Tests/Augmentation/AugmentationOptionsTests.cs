using Mnist.Augmentation;
using Mnist.Data;

namespace Mnist.Tests.Augmentation;

public class AugmentationOptionsTests
{
    public static TheoryData<Action<AugmentationOptions>, string> InvalidSettings => new()
    {
        { o => o.RotationRangeDegrees = -1, nameof(AugmentationOptions.RotationRangeDegrees) },
        { o => o.RotationRangeDegrees = double.NaN, nameof(AugmentationOptions.RotationRangeDegrees) },
        { o => o.WidthShiftRange = -0.1, nameof(AugmentationOptions.WidthShiftRange) },
        { o => o.HeightShiftRange = double.PositiveInfinity, nameof(AugmentationOptions.HeightShiftRange) },
        { o => o.ShearRangeDegrees = -5, nameof(AugmentationOptions.ShearRangeDegrees) },
        { o => o.ShearRangeDegrees = 90, nameof(AugmentationOptions.ShearRangeDegrees) },
        { o => o.ZoomRange = 1, nameof(AugmentationOptions.ZoomRange) },
        { o => o.ZoomRange = double.NaN, nameof(AugmentationOptions.ZoomRange) },
        { o => o.ZoomFactorRange = (0, 1.2), nameof(AugmentationOptions.ZoomFactorRange) },
        { o => o.ZoomFactorRange = (1.2, 0.9), nameof(AugmentationOptions.ZoomFactorRange) },
        { o => o.FillValue = double.NaN, nameof(AugmentationOptions.FillValue) },
        { o => o.FillMode = (FillMode)17, nameof(AugmentationOptions.FillMode) },
        { o => o.Interpolation = (Interpolation)5, nameof(AugmentationOptions.Interpolation) },
        { o => o.Convention = (TransformConvention)9, nameof(AugmentationOptions.Convention) },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Invalid_settings_are_rejected_with_the_option_named(Action<AugmentationOptions> configure, string option)
    {
        var options = new AugmentationOptions();
        configure(options);

        var act = () => new RandomAffineAugmenter(options);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(option);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*{option}*");
    }

    [Fact]
    public void Defaults_are_Keras_defaults_and_draw_the_identity()
    {
        var options = new AugmentationOptions();

        options.FillMode.Should().Be(FillMode.Nearest);
        options.Interpolation.Should().Be(Interpolation.Bilinear);
        new RandomAffineAugmenter(options).Draw(seed: 3, epoch: 1, index: 7, 28, 28).Should().Be(AffineParameters.Identity);
    }

    [Fact]
    public void The_2017_notebook_preset_reads_the_shear_range_as_radians()
    {
        var preset = KnownAugmentations.KerasNotebook2017;

        preset.ShearRangeDegrees.Should().BeApproximately(17.188733853924695, 1e-12);
        preset.RotationRangeDegrees.Should().Be(8);
        preset.WidthShiftRange.Should().Be(0.08);
        preset.HeightShiftRange.Should().Be(0.08);
        preset.ZoomRange.Should().Be(0.08);
        preset.Convention.Should().Be(TransformConvention.Keras1);
        preset.Interpolation.Should().Be(Interpolation.Nearest, "Keras 1.x sampled with scipy order 0");
        KnownAugmentations.KerasNotebookModern.Convention.Should().Be(TransformConvention.Modern);
        KnownAugmentations.KerasNotebookModern.Interpolation.Should().Be(Interpolation.Bilinear);
        KnownAugmentations.KerasNotebookModern.ShearRangeDegrees.Should().Be(0.3);
    }

    [Fact]
    public void Draws_stay_within_their_ranges_and_cover_them()
    {
        var augmenter = new RandomAffineAugmenter(KnownAugmentations.KerasNotebook2017);
        var draws = Enumerable.Range(0, 5000).Select(i => augmenter.Draw(seed: 11, epoch: 0, index: i, 28, 28)).ToList();

        ShouldSpan(draws.Select(d => d.RotationDegrees), 8);
        ShouldSpan(draws.Select(d => d.ShiftX), 0.08 * 28);
        ShouldSpan(draws.Select(d => d.ShiftY), 0.08 * 28);
        ShouldSpan(draws.Select(d => d.ShearDegrees), KnownAugmentations.Notebook2017ShearRangeDegrees);
        ShouldSpan(draws.Select(d => d.ZoomX - 1), 0.08);
        ShouldSpan(draws.Select(d => d.ZoomY - 1), 0.08);
        MathNet.Numerics.Statistics.Correlation.Pearson(draws.Select(d => d.ZoomX), draws.Select(d => d.ZoomY))
            .Should().BeInRange(-0.05, 0.05, "zx and zy are drawn independently");
    }

    [Fact]
    public void Shift_ranges_of_one_or_more_are_pixels()
    {
        var augmenter = new RandomAffineAugmenter(new AugmentationOptions { WidthShiftRange = 3, HeightShiftRange = 0.5 });
        var draws = Enumerable.Range(0, 2000).Select(i => augmenter.Draw(seed: 1, epoch: 0, index: i, 28, 20)).ToList();

        ShouldSpan(draws.Select(d => d.ShiftX), 3);
        ShouldSpan(draws.Select(d => d.ShiftY), 10);
    }

    [Fact]
    public void Draws_depend_only_on_seed_epoch_and_index()
    {
        var augmenter = new RandomAffineAugmenter(KnownAugmentations.KerasNotebook2017);

        augmenter.Draw(5, 2, 40, 28, 28).Should().Be(augmenter.Draw(5, 2, 40, 28, 28));
        augmenter.Draw(5, 2, 40, 28, 28).Should().NotBe(augmenter.Draw(5, 3, 40, 28, 28));
        augmenter.Draw(5, 2, 40, 28, 28).Should().NotBe(augmenter.Draw(6, 2, 40, 28, 28));
        augmenter.Draw(5, 2, 40, 28, 28).Should().NotBe(augmenter.Draw(5, 2, 41, 28, 28));
    }

    [Fact]
    public void Every_preset_call_returns_a_fresh_instance_so_the_catalogue_cannot_be_altered()
    {
        var first = KnownAugmentations.KerasNotebook2017;
        first.RotationRangeDegrees = 45;
        first.FillMode = FillMode.Constant;

        var second = KnownAugmentations.KerasNotebook2017;

        second.Should().NotBeSameAs(first);
        second.RotationRangeDegrees.Should().Be(8);
        second.FillMode.Should().Be(FillMode.Nearest);
        KnownAugmentations.KerasNotebookModern.Should().NotBeSameAs(KnownAugmentations.KerasNotebookModern);
    }

    [Fact]
    public void Execution_defaults_are_one_worker_and_three_prefetched_batches()
    {
        var execution = new AugmentationExecutionOptions();

        execution.WorkerCount.Should().Be(AugmentationExecutionOptions.DefaultWorkerCount).And.Be(1);
        execution.PrefetchBatches.Should().Be(AugmentationExecutionOptions.DefaultPrefetchBatches).And.Be(3);
        execution.Invoking(e => e.Validate()).Should().NotThrow();
    }

    [Theory]
    [InlineData(0, 3, nameof(AugmentationExecutionOptions.WorkerCount))]
    [InlineData(-1, 3, nameof(AugmentationExecutionOptions.WorkerCount))]
    [InlineData(AugmentationExecutionOptions.MaxWorkerCount + 1, 3, nameof(AugmentationExecutionOptions.WorkerCount))]
    [InlineData(1, 0, nameof(AugmentationExecutionOptions.PrefetchBatches))]
    public void Invalid_execution_settings_are_rejected_by_Flow_with_the_setting_named(int workers, int prefetch, string setting)
    {
        var augmented = new MnistDataset(new byte[28 * 28], new byte[1]).Augment(new AugmentationOptions());
        var execution = new AugmentationExecutionOptions { WorkerCount = workers, PrefetchBatches = prefetch };

        var act = () => augmented.Flow(1, seed: 1, execution: execution);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(setting);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*{setting}*");
    }

    [Fact]
    public void Flow_copies_the_execution_settings()
    {
        var execution = new AugmentationExecutionOptions { WorkerCount = 2, PrefetchBatches = 5 };
        var source = new MnistDataset(new byte[28 * 28], new byte[1]).Augment(new AugmentationOptions()).Flow(1, seed: 1, execution: execution);

        execution.WorkerCount = 7;
        execution.PrefetchBatches = 0;

        source.WorkerCount.Should().Be(2);
        source.PrefetchBatches.Should().Be(5);
        new MnistDataset(new byte[28 * 28], new byte[1]).Augment(new AugmentationOptions()).Flow(1, seed: 1)
            .Should().Match<AugmentingBatchSource>(s => s.WorkerCount == 1 && s.PrefetchBatches == 3);
    }

    [Fact]
    public void The_augmenter_snapshots_the_options()
    {
        var options = new AugmentationOptions { RotationRangeDegrees = 10 };
        var augmenter = new RandomAffineAugmenter(options);

        options.RotationRangeDegrees = 50;

        augmenter.RotationRangeDegrees.Should().Be(10);
    }

    private static void ShouldSpan(IEnumerable<double> values, double range)
    {
        var list = values.ToList();
        list.Should().OnlyContain(v => Math.Abs(v) <= range + 1e-12);
        list.Min().Should().BeLessThan(-0.95 * range);
        list.Max().Should().BeGreaterThan(0.95 * range);
    }
}
