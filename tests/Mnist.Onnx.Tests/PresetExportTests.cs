using Mnist.Models;
using Mnist.Onnx.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mnist.Onnx.Tests;

/// <summary>The two presets, trained briefly on real MNIST, agree with ONNX Runtime on 1,000 test images.</summary>
public sealed class PresetExportTests(ITestOutputHelper output)
{
    [Fact]
    public void The_notebook_preset_with_its_width_batch_norm_agrees_with_TorchSharp()
    {
        using var model = Trainer.Trained(KnownModels.NotebookMiniNet(TestData.Normalizer), seed: 11, images: 640);
        model.ShouldHaveTrainedBatchNormStatistics();
        // The Keras-1 quirk: the batch norm before Flatten normalises the 7 columns of (64, 7, 7).
        model.Layers.Single(l => l.Layer is BatchNormLayer { Axis: -1 }).NonTrainableParameters.Should().Be(14);
        using var dir = new TempDirectory();
        string path = dir.File("notebook.onnx");
        model.ExportOnnx(path);
        Agreement.Compare(model, path, output, "notebook preset").ShouldAgree();
    }

    [Fact]
    public void The_improved_preset_agrees_with_TorchSharp()
    {
        using var model = Trainer.Trained(KnownModels.ImprovedMiniNet(TestData.Normalizer), seed: 12, images: 640);
        model.ShouldHaveTrainedBatchNormStatistics();
        using var dir = new TempDirectory();
        string path = dir.File("improved.onnx");
        model.ExportOnnx(path);
        var comparison = Agreement.Compare(model, path, output, "improved preset");
        comparison.ShouldAgree();
        comparison.OnnxClasses.Zip(TestData.Test1000.Labels.ToArray()).Count(p => p.First == p.Second).Should().BeGreaterThan(300, "20 steps leave the improved preset far above chance (about 53 % here), so the comparison runs on a trained network");
    }
}
