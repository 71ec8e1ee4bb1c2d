using Mnist.Tests.Infrastructure;
using Mnist.Augmentation;
using Xunit.Abstractions;

namespace Mnist.Tests.Augmentation;

/// <summary>
/// The ImageSharp transform against the independent <see cref="ReferenceAffineTransform"/> on real MNIST digits for
/// many random parameter draws.
/// </summary>
public class ReferenceAgreementTests(ITestOutputHelper output)
{
    private const int Draws = 400;

    public static TheoryData<Interpolation, FillMode, string> Cases => new()
    {
        { Interpolation.Bilinear, FillMode.Nearest, "notebook2017" },
        { Interpolation.Bilinear, FillMode.Constant, "notebook2017" },
        { Interpolation.Nearest, FillMode.Nearest, "notebook2017" },
        { Interpolation.Nearest, FillMode.Constant, "notebook2017" },
        { Interpolation.Bilinear, FillMode.Nearest, "strong" },
        { Interpolation.Bilinear, FillMode.Constant, "strong" },
        { Interpolation.Nearest, FillMode.Constant, "strong" },
        { Interpolation.Nearest, FillMode.Nearest, "notebook2017-keras1" },
        { Interpolation.Nearest, FillMode.Constant, "notebook2017-keras1" },
        { Interpolation.Bilinear, FillMode.Nearest, "strong-keras1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImageSharp_output_agrees_with_the_reference_formula(Interpolation interpolation, FillMode fill, string ranges)
    {
        var options = ranges.StartsWith("strong", StringComparison.Ordinal)
            ? new AugmentationOptions { RotationRangeDegrees = 45, WidthShiftRange = 0.2, HeightShiftRange = 0.2, ShearRangeDegrees = 30, ZoomFactorRange = (0.6, 1.5) }
            : KnownAugmentations.KerasNotebook2017;
        options.Convention = ranges.EndsWith("keras1", StringComparison.Ordinal) ? TransformConvention.Keras1 : TransformConvention.Modern;
        options.Interpolation = interpolation;
        options.FillMode = fill;
        options.FillValue = fill == FillMode.Constant ? 37 : 0; // a non-zero cval exposes border handling
        var augmenter = new RandomAffineAugmenter(options);
        var digits = TestDigits.First(Draws);
        using var warper = augmenter.CreateWarper(28, 28);
        var actual = new float[28 * 28];
        double sum = 0, max = 0;
        long equal = 0, total = 0;

        for (int i = 0; i < Draws; i++)
        {
            var p = augmenter.Draw(seed: 2017, epoch: 0, index: i, 28, 28);
            var image = digits.GetImage(i).ToArray();
            warper.Warp(image, p, actual);
            var expected = ReferenceAffineTransform.Apply(image, 28, 28, p, interpolation == Interpolation.Nearest ? 0 : 1, fill, options.FillValue, keras1: options.Convention == TransformConvention.Keras1);
            for (int k = 0; k < actual.Length; k++)
            {
                double d = Math.Abs(actual[k] - expected[k]);
                sum += d;
                max = Math.Max(max, d);
                if (d < 1e-3) equal++;
                total++;
            }
        }

        double mean = sum / total, agreement = (double)equal / total;
        output.WriteLine(FormattableString.Invariant($"{interpolation}/{fill}/{ranges}: mean |Δ| = {mean:0.00000}, max |Δ| = {max:0.0000} grey levels, identical pixels = {agreement:P3} over {Draws} digits"));
        if (interpolation == Interpolation.Nearest)
        {
            agreement.Should().BeGreaterThanOrEqualTo(0.99);
            mean.Should().BeLessThan(0.5);
        }
        else
        {
            mean.Should().BeLessThan(0.01);
            max.Should().BeLessThan(1.0);
        }
    }
}
