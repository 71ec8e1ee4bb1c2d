using Mnist.Augmentation;
using Mnist.Data;
using Mnist.Tests.Infrastructure;

namespace Mnist.Tests.Augmentation;

/// <summary>
/// Elastic distortion and random erasing: the batch generator's images equal an independent reconstruction — the affine
/// warp, then the library's displacement field applied by the plain bilinear sampler below, then the drawn rectangle.
/// </summary>
public sealed class ElasticAndErasingTests
{
    private const int Size = 28;

    private static readonly AugmentationOptions Elastic = new() { RotationRangeDegrees = 8, WidthShiftRange = 0.08, ElasticAlphaPixels = 8, ElasticSigmaPixels = 3 };

    /// <summary>Bilinear sampling of <paramref name="image"/> at (x + dx, y + dy), <paramref name="fill"/> outside: written from the definition.</summary>
    private static float[] ReferenceSample(float[] image, float[] dx, float[] dy, double fill)
    {
        double At(int x, int y) => x >= 0 && x < Size && y >= 0 && y < Size ? image[(y * Size) + x] : fill;
        var result = new float[Size * Size];
        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                double sx = x + dx[(y * Size) + x], sy = y + dy[(y * Size) + x];
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                double u = sx - x0, v = sy - y0;
                result[(y * Size) + x] = (float)((At(x0, y0) * (1 - u) * (1 - v)) + (At(x0 + 1, y0) * u * (1 - v)) + (At(x0, y0 + 1) * (1 - u) * v) + (At(x0 + 1, y0 + 1) * u * v));
            }
        }

        return result;
    }

    private static List<float[]> Epoch(IBatchSource source, int epoch)
    {
        var images = new List<float[]>();
        foreach (var batch in source.GetBatches(epoch))
        {
            using (batch)
            {
                var values = batch.Images.data<float>().ToArray();
                for (int j = 0; j < batch.Count; j++) images.Add(values.AsSpan(j * Size * Size, Size * Size).ToArray());
            }
        }

        return images;
    }

    [Fact]
    public void The_generator_applies_the_affine_warp_then_the_drawn_displacement_field()
    {
        var digits = TestDigits.First(20);
        var source = digits.Augment(Elastic).Flow(batchSize: 8, shuffle: false, seed: 5);
        var augmenter = new RandomAffineAugmenter(Elastic);
        augmenter.Elastic.Should().NotBeNull();

        var images = Epoch(source, 2);

        for (int i = 0; i < digits.Count; i++)
        {
            var affine = augmenter.Apply(digits.GetImage(i), Size, Size, augmenter.Draw(5, 2, i, Size, Size));
            var (dx, dy) = augmenter.Elastic!.DrawField(5, 2, i, Size, Size);
            var expected = ReferenceSample(affine, dx, dy, Elastic.FillValue);
            for (int p = 0; p < expected.Length; p++) images[i][p].Should().BeApproximately(expected[p], 1e-3f, $"image {i}, pixel {p}");
        }
    }

    [Fact]
    public void The_displacement_field_is_smooth_scaled_by_alpha_and_determined_by_seed_epoch_and_index()
    {
        var mild = new ElasticDistortion(alphaPixels: 4, sigmaPixels: 4);
        var strong = new ElasticDistortion(alphaPixels: 8, sigmaPixels: 4);

        var (dx, dy) = mild.DrawField(1, 0, 7, Size, Size);
        var (dx2, _) = strong.DrawField(1, 0, 7, Size, Size);

        for (int i = 0; i < dx.Length; i++) dx2[i].Should().BeApproximately(2 * dx[i], 1e-5f, "the field is linear in alpha");
        mild.DrawField(1, 0, 7, Size, Size).Dx.Should().Equal(dx, "the same (seed, epoch, index) gives the same field");
        mild.DrawField(1, 1, 7, Size, Size).Dx.Should().NotEqual(dx);
        mild.DrawField(1, 0, 8, Size, Size).Dx.Should().NotEqual(dx);
        mild.DrawField(2, 0, 7, Size, Size).Dx.Should().NotEqual(dx);
        // Smoothness: neighbouring displacements are strongly correlated, unlike the raw uniform noise.
        double Correlation(float[] f)
        {
            double sxy = 0, sxx = 0;
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x + 1 < Size; x++)
                {
                    sxy += f[(y * Size) + x] * f[(y * Size) + x + 1];
                    sxx += f[(y * Size) + x] * f[(y * Size) + x];
                }
            }

            return sxy / sxx;
        }

        Correlation(dx).Should().BeGreaterThan(0.9);
        Correlation(dy).Should().BeGreaterThan(0.9);
        dx.Select(v => Math.Abs(v)).Max().Should().BeLessThan(4, "a smoothed field in [−1, 1] scaled by 4 stays well within ±4 pixels");
    }

    [Fact]
    public void Erasing_fills_one_rectangle_of_the_drawn_size_and_leaves_the_rest_of_the_image_alone()
    {
        var options = new AugmentationOptions { WidthShiftRange = 0.1, ErasingProbability = 1, ErasingAreaRange = (0.05, 0.2), ErasingValue = 255 };
        var digits = TestDigits.First(16);
        var augmenter = new RandomAffineAugmenter(options);

        var images = Epoch(digits.Augment(options).Flow(batchSize: 16, shuffle: false, seed: 9), 0);

        for (int i = 0; i < digits.Count; i++)
        {
            var affine = augmenter.Apply(digits.GetImage(i), Size, Size, augmenter.Draw(9, 0, i, Size, Size));
            var r = augmenter.Erasing!.DrawRectangle(9, 0, i, Size, Size)!.Value;
            (r.Width * r.Height / (double)(Size * Size)).Should().BeInRange(0.03, 0.23, "the area fraction is drawn from [0.05, 0.2], up to rounding");
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x < Size; x++)
                {
                    bool inside = x >= r.Left && x < r.Left + r.Width && y >= r.Top && y < r.Top + r.Height;
                    images[i][(y * Size) + x].Should().BeApproximately(inside ? 255f : affine[(y * Size) + x], 1e-4f);
                }
            }
        }
    }

    [Fact]
    public void Erasing_happens_with_the_given_probability()
    {
        var erasing = new RandomErasing(probability: 0.3, minArea: 0.02, maxArea: 0.2);

        int erased = Enumerable.Range(0, 2000).Count(i => erasing.DrawRectangle(1, 0, i, Size, Size) is not null);

        erased.Should().BeInRange(540, 660, "0.3 × 2000 = 600, ± about 4.6 standard deviations");
    }

    [Fact]
    public void Out_of_range_settings_name_the_option()
    {
        foreach (var (options, name) in new (AugmentationOptions, string)[]
                 {
                     (new() { ElasticAlphaPixels = -1 }, nameof(AugmentationOptions.ElasticAlphaPixels)),
                     (new() { ElasticSigmaPixels = 0 }, nameof(AugmentationOptions.ElasticSigmaPixels)),
                     (new() { ErasingProbability = 1.5 }, nameof(AugmentationOptions.ErasingProbability)),
                     (new() { ErasingAreaRange = (0.3, 0.2) }, nameof(AugmentationOptions.ErasingAreaRange)),
                     (new() { ErasingMaxAspectRatio = 0.5 }, nameof(AugmentationOptions.ErasingMaxAspectRatio)),
                 })
        {
            options.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithParameterName(name);
        }
    }
}
