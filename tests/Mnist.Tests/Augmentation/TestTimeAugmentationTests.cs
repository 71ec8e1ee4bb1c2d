using Mnist.Augmentation;
using Mnist.Models;

namespace Mnist.Tests.Augmentation;

/// <summary>Test-time augmentation: the mean over deterministic views, checked against predicting each view by hand.</summary>
public sealed class TestTimeAugmentationTests : IDisposable
{
    private const int Size = 8;
    private const int Count = 12;

    private static readonly AugmentationOptions Views = new() { RotationRangeDegrees = 10, WidthShiftRange = 0.15, HeightShiftRange = 0.15, ZoomRange = 0.1 };

    private readonly SequentialModel _model = Sequential.Input(1, Size, Size).Normalize(128f, 74f).Flatten().Dense(16, Activation.ReLU).Dense(4, Activation.Softmax).Build(new ModelOptions { Seed = 3 });
    private readonly byte[] _pixels = RandomImages();

    public void Dispose() => _model.Dispose();

    private static byte[] RandomImages()
    {
        var random = new Random(11);
        var pixels = new byte[Count * Size * Size];
        random.NextBytes(pixels);
        return pixels;
    }

    private float[] Floats() => _pixels.Select(b => (float)b).ToArray();

    [Fact]
    public void One_view_of_the_original_is_the_classifier_itself()
    {
        using var tta = _model.WithTestTimeAugmentation(Views, views: 1);

        tta.PredictProba(Floats(), Count).ToArray().Should().Equal(_model.PredictProba(Floats(), Count).ToArray());
        tta.ClassNames.Should().Equal(_model.ClassNames);
        tta.InputShape.Should().Be(_model.InputShape);
    }

    [Fact]
    public void The_probabilities_are_the_mean_of_the_views_predicted_one_by_one()
    {
        using var tta = _model.WithTestTimeAugmentation(Views, views: 5, seed: 7);
        var augmenter = new RandomAffineAugmenter(Views);
        var floats = Floats();

        var result = tta.PredictProba(floats, Count);

        for (int i = 0; i < Count; i++)
        {
            var image = floats.AsSpan(i * Size * Size, Size * Size);
            var bytes = _pixels.AsSpan(i * Size * Size, Size * Size);
            var expected = new double[4];
            for (int v = 0; v < 5; v++)
            {
                var parameters = tta.ViewTransform(image, v);
                if (v == 0) parameters.Should().Be(AffineParameters.Identity, "the first view is the original");
                else parameters.Should().NotBe(AffineParameters.Identity);
                var view = augmenter.Apply(bytes, Size, Size, parameters);
                var p = _model.PredictProba(view, 1);
                for (int c = 0; c < 4; c++) expected[c] += p[0, c] / 5.0;
            }

            for (int c = 0; c < 4; c++) ((double)result[i, c]).Should().BeApproximately(expected[c], 1e-6);
        }
    }

    [Fact]
    public void An_images_views_depend_on_the_image_and_the_seed_only()
    {
        using var tta = _model.WithTestTimeAugmentation(Views, views: 4, seed: 7);
        var floats = Floats();
        var all = tta.PredictProba(floats, Count);

        var reversed = new float[floats.Length];
        for (int i = 0; i < Count; i++) floats.AsSpan((Count - 1 - i) * Size * Size, Size * Size).CopyTo(reversed.AsSpan(i * Size * Size));
        var backwards = tta.PredictProba(reversed, Count);
        var single = tta.PredictProba(floats.AsSpan(5 * Size * Size, Size * Size), 1);

        for (int i = 0; i < Count; i++) backwards.Row(Count - 1 - i).ToArray().Should().Equal(all.Row(i).ToArray());
        single.Row(0).ToArray().Should().Equal(all.Row(5).ToArray());
        using var again = _model.WithTestTimeAugmentation(Views, views: 4, seed: 7);
        again.PredictProba(floats, Count).ToArray().Should().Equal(all.ToArray());
        using var otherSeed = _model.WithTestTimeAugmentation(Views, views: 4, seed: 8);
        otherSeed.PredictProba(floats, Count).ToArray().Should().NotEqual(all.ToArray());
    }

    [Fact]
    public void Evaluation_through_core_uses_the_augmented_views()
    {
        using var tta = _model.WithTestTimeAugmentation(Views, views: 3, seed: 1);
        var labels = Enumerable.Range(0, Count).Select(i => i % 4).ToArray();

        var scores = tta.Evaluate(Floats(), labels);

        scores.Loss.Should().BeApproximately(tta.PredictProba(Floats(), Count).CrossEntropy(labels), 1e-12);
        scores.Loss.Should().NotBe(_model.Evaluate(Floats(), labels).Loss);
    }

    [Fact]
    public void Invalid_arguments_are_refused()
    {
        var noViews = () => _model.WithTestTimeAugmentation(Views, views: 0);
        noViews.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("views");

        using var flat = Sequential.Input(new TensorShape(64)).Dense(4, Activation.Softmax).Build(new ModelOptions { Seed = 1 });
        var notImages = () => flat.WithTestTimeAugmentation(Views);
        notImages.Should().Throw<ArgumentException>().WithMessage("*needs image inputs*");
    }
}
