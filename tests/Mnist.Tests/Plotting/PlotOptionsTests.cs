
namespace Mnist.Tests.Plotting;

public class PlotOptionsTests
{
    [Fact]
    public void Defaults_are_figure_sizes_scale_one_and_figure_titles()
    {
        var options = new PlotOptions();
        options.Width.Should().BeNull();
        options.Height.Should().BeNull();
        options.Scale.Should().Be(1);
        options.Title.Should().BeNull();
        options.Columns.Should().BeNull();
        options.Invoking(o => o.Validate()).Should().NotThrow();
    }

    [Theory]
    [InlineData(99, null, 1.0, null, "Width")]
    [InlineData(null, 10_001, 1.0, null, "Height")]
    [InlineData(null, null, 0.0, null, "Scale")]
    [InlineData(null, null, double.NaN, null, "Scale")]
    [InlineData(null, null, 9.0, null, "Scale")]
    [InlineData(null, null, 1.0, 0, "Columns")]
    public void Validate_names_the_bad_property(int? width, int? height, double scale, int? columns, string property)
    {
        var options = new PlotOptions { Width = width, Height = height, Scale = scale, Columns = columns };
        options.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithParameterName(property);
    }

    [Fact]
    public void Plots_validate_their_options()
    {
        FluentActions.Invoking(() => MnistCharts.DigitAndNormalized(new byte[784], 0, 1, options: new PlotOptions { Scale = -1 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Scale");
    }
}
