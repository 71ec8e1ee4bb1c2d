using Mnist.Tests.Infrastructure;
using Mnist.Augmentation;

namespace Mnist.Tests.Augmentation;

/// <summary>Hand-checkable results of the ImageSharp-based transform.</summary>
public class AffineOracleTests
{
    private static readonly byte[] ThreeByThree = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

    private static float[] Warp(byte[] image, int width, int height, AffineParameters p, Interpolation interpolation = Interpolation.Nearest, FillMode fill = FillMode.Nearest, double fillValue = 0)
    {
        var augmenter = new RandomAffineAugmenter(new AugmentationOptions { Interpolation = interpolation, FillMode = fill, FillValue = fillValue });
        return augmenter.Apply(image, width, height, p);
    }

    [Theory]
    [InlineData(Interpolation.Nearest)]
    [InlineData(Interpolation.Bilinear)]
    public void Rotating_by_90_degrees_turns_the_image_counter_clockwise_about_its_centre(Interpolation interpolation)
    {
        // np.rot90([[1,2,3],[4,5,6],[7,8,9]]) = [[3,6,9],[2,5,8],[1,4,7]]
        var result = Warp(ThreeByThree, 3, 3, AffineParameters.Identity with { RotationDegrees = 90 }, interpolation);

        result.Select(v => MathF.Round(v, 3)).Should().Equal(3, 6, 9, 2, 5, 8, 1, 4, 7);
    }

    [Fact]
    public void Rotating_a_4x4_image_by_minus_90_degrees_turns_it_clockwise()
    {
        byte[] image = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();

        var result = Warp(image, 4, 4, AffineParameters.Identity with { RotationDegrees = -90 }, Interpolation.Bilinear);

        // np.rot90(m, -1): first row is the first column read bottom-up
        result.Select(v => MathF.Round(v, 3)).Should().Equal(13, 9, 5, 1, 14, 10, 6, 2, 15, 11, 7, 3, 16, 12, 8, 4);
    }

    [Fact]
    public void Keras1_convention_rotates_row_column_indices_about_the_off_centre_point()
    {
        byte[] image = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var augmenter = new RandomAffineAugmenter(new AugmentationOptions { Convention = TransformConvention.Keras1, Interpolation = Interpolation.Nearest });

        var result = augmenter.Apply(image, 4, 4, AffineParameters.Identity with { RotationDegrees = 90 });

        // Keras 1.x: (r_in, c_in) = (5 − c, r) about o = (2.5, 2.5), rows clamped to 3 (nearest fill)
        result.Should().Equal(13, 13, 13, 9, 14, 14, 14, 10, 15, 15, 15, 11, 16, 16, 16, 12);
    }

    [Theory]
    [InlineData(Interpolation.Nearest)]
    [InlineData(Interpolation.Bilinear)]
    public void One_pixel_shifts_sample_the_neighbouring_pixel_and_repeat_the_edge(Interpolation interpolation)
    {
        // Output (x, y) samples the input at (x + tx, y + ty); nearest fill repeats the border.
        Warp(ThreeByThree, 3, 3, AffineParameters.Identity with { ShiftX = 1 }, interpolation).Should().Equal(2, 3, 3, 5, 6, 6, 8, 9, 9);
        Warp(ThreeByThree, 3, 3, AffineParameters.Identity with { ShiftX = -1 }, interpolation).Should().Equal(1, 1, 2, 4, 4, 5, 7, 7, 8);
        Warp(ThreeByThree, 3, 3, AffineParameters.Identity with { ShiftY = 1 }, interpolation).Should().Equal(4, 5, 6, 7, 8, 9, 7, 8, 9);
        Warp(ThreeByThree, 3, 3, AffineParameters.Identity with { ShiftY = -1 }, interpolation).Should().Equal(1, 2, 3, 1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public void A_half_pixel_shift_averages_neighbours_bilinearly()
    {
        Warp(ThreeByThree, 3, 3, AffineParameters.Identity with { ShiftX = 0.5 }, Interpolation.Bilinear)
            .Should().Equal(new[] { 1.5f, 2.5f, 3f, 4.5f, 5.5f, 6f, 7.5f, 8.5f, 9f }, (a, e) => Math.Abs(a - e) <= 0.5f / 257); // 16-bit working precision
    }

    [Theory]
    [InlineData(FillMode.Constant, new float[] { 3, 4, 99, 99, 7, 8, 99, 99, 11, 12, 99, 99, 15, 16, 99, 99 })]
    [InlineData(FillMode.Nearest, new float[] { 3, 4, 4, 4, 7, 8, 8, 8, 11, 12, 12, 12, 15, 16, 16, 16 })]
    [InlineData(FillMode.Reflect, new float[] { 3, 4, 4, 3, 7, 8, 8, 7, 11, 12, 12, 11, 15, 16, 16, 15 })]
    [InlineData(FillMode.Wrap, new float[] { 3, 4, 1, 2, 7, 8, 5, 6, 11, 12, 9, 10, 15, 16, 13, 14 })]
    public void Fill_modes_extend_the_image_as_documented(FillMode mode, float[] expected)
    {
        byte[] image = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();

        Warp(image, 4, 4, AffineParameters.Identity with { ShiftX = 2 }, Interpolation.Bilinear, mode, fillValue: 99).Should().Equal(expected);
    }

    [Theory]
    [InlineData(Interpolation.Nearest, FillMode.Nearest)]
    [InlineData(Interpolation.Bilinear, FillMode.Constant)]
    [InlineData(Interpolation.Bilinear, FillMode.Reflect)]
    public void Identity_parameters_return_a_real_digit_unchanged(Interpolation interpolation, FillMode fill)
    {
        var digit = TestDigits.First(1).GetImage(0).ToArray();

        var result = Warp(digit, 28, 28, AffineParameters.Identity, interpolation, fill);

        result.Should().Equal(digit.Select(b => (float)b));
    }

    [Fact]
    public void Zoom_above_one_shrinks_the_digit_and_below_one_enlarges_it()
    {
        var digit = TestDigits.First(1).GetImage(0).ToArray();
        double original = InkSpread(digit.Select(b => (float)b).ToArray());

        double shrunk = InkSpread(Warp(digit, 28, 28, AffineParameters.Identity with { ZoomX = 1.3, ZoomY = 1.3 }, Interpolation.Bilinear));
        double enlarged = InkSpread(Warp(digit, 28, 28, AffineParameters.Identity with { ZoomX = 0.8, ZoomY = 0.8 }, Interpolation.Bilinear));

        shrunk.Should().BeApproximately(original / 1.3, original * 0.05);
        enlarged.Should().BeGreaterThan(original * 1.1, "an enlarged digit spreads further, though the frame clips it");
    }

    [Fact]
    public void Positive_rotation_moves_a_dot_right_of_centre_to_above_the_centre()
    {
        var image = new byte[28 * 28];
        image[(14 * 28) + 24] = 255; // right of the centre (x = 24, y = 14)

        var result = Warp(image, 28, 28, AffineParameters.Identity with { RotationDegrees = 90 });

        // about o = (13.5, 13.5): (24, 14) → (14, 3), i.e. up on screen
        int brightest = Array.IndexOf(result, result.Max());
        (brightest % 28, brightest / 28).Should().Be((14, 3));
    }

    /// <summary>Root-mean-square distance of the ink from its centroid.</summary>
    private static double InkSpread(float[] image)
    {
        double total = 0, cx = 0, cy = 0;
        for (int i = 0; i < image.Length; i++)
        {
            total += image[i];
            cx += image[i] * (i % 28);
            cy += image[i] * (i / 28);
        }

        cx /= total;
        cy /= total;
        double spread = 0;
        for (int i = 0; i < image.Length; i++)
        {
            double dx = (i % 28) - cx, dy = (i / 28) - cy;
            spread += image[i] * ((dx * dx) + (dy * dy));
        }

        return Math.Sqrt(spread / total);
    }
}
