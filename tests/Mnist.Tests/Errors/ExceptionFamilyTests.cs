using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Training;

namespace Mnist.Tests.Errors;

/// <summary>The library's exceptions form families an application can catch by kind of failure.</summary>
public sealed class ExceptionFamilyTests
{
    [Fact]
    public void Every_file_error_is_a_MnistFileException_that_keeps_the_path()
    {
        var errors = new MnistFileException[]
        {
            new IdxFormatException("/d/train-images-idx3-ubyte.gz", "is truncated"),
            new DatasetIntegrityException("/d/t10k-labels-idx1-ubyte.gz", "the SHA-256 differs"),
            new ModelFileException("/m/model.zip", "weights.bin: NaN in dense_1.weight"),
            new EnsembleFileException("/e/ensemble", "ensemble.json is missing"),
        };

        errors.Select(e => e.FilePath).Should().Equal("/d/train-images-idx3-ubyte.gz", "/d/t10k-labels-idx1-ubyte.gz", "/m/model.zip", "/e/ensemble");
        errors.Should().OnlyContain(e => e.Message.Contains(e.FilePath, StringComparison.Ordinal) || e is DatasetIntegrityException);
        typeof(IOException).IsAssignableFrom(typeof(MnistFileException)).Should().BeFalse("an IOException from the library means the environment failed, not the input");
    }

    [Fact]
    public void Not_found_and_environment_errors_are_IO_exceptions_and_the_rest_have_fitting_BCL_bases()
    {
        var notFound = new DatasetNotFoundException(KnownDatasets.Kmnist, ["/nowhere"]);
        notFound.Should().BeAssignableTo<FileNotFoundException>();
        notFound.FileName.Should().Be("train-images-idx3-ubyte");

        new DatasetDownloadException("train-images-idx3-ubyte.gz", []).Should().BeAssignableTo<IOException>();
        new ModelBuildException("layer 3 cannot take its input").Should().BeAssignableTo<InvalidOperationException>();
        new TrainingDivergedException("loss NaN", new TrainingHistory()).Should().BeAssignableTo<ArithmeticException>();
    }
}
