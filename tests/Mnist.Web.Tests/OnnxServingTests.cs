using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mnist.Data;
using Mnist.Ensemble;
using Mnist.Models;
using Mnist.Onnx;
using Mnist.OnnxRuntime;
using Mnist.Web.Classification;
using Mnist.Web.Tests.Infrastructure;

namespace Mnist.Web.Tests;

/// <summary>
/// <c>--model x.onnx</c>: the app serves an exported model or ensemble through ONNX Runtime (the default loaders'
/// <see cref="OnnxRuntimeClassifierLoader"/>) and answers what the TorchSharp model it came from answers.
/// </summary>
public sealed class OnnxServingTests : IClassFixture<TrainedAppFixture>, IDisposable
{
    private readonly HttpClient _torchClient;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mnist-web-onnx-tests-" + Guid.NewGuid().ToString("N"));

    public OnnxServingTests(TrainedAppFixture app)
    {
        _torchClient = app.Client;
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float[] ProbabilitiesOf(JsonElement answer) =>
        answer.GetProperty("probabilities").EnumerateArray().Select(p => p.GetProperty("probability").GetSingle()).ToArray();

    private string ExportConvnet()
    {
        string onnx = Path.Combine(_dir, "convnet.onnx");
        using var model = SequentialModel.Load(TestModels.ConvnetPath);
        model.ExportOnnx(onnx);
        return onnx;
    }

    [Fact]
    public async Task An_exported_model_is_served_with_onnx_runtime_and_answers_a_json_pixel_request_as_the_torchsharp_model_does()
    {
        string onnx = ExportConvnet();
        using var factory = WebAppFactory.Serving(onnx);
        using var client = factory.CreateClient();
        factory.Services.GetRequiredService<ModelHost>().Classifier.Should().BeOfType<OnnxClassifier>();
        using var model = SequentialModel.Load(TestModels.ConvnetPath);

        foreach (int index in new[] { 0, 1, 2, 3, 4 })
        {
            var digit = TestModels.TestDigit(index);
            using var viaOnnx = await client.PostAsync("/api/predict", PredictApiTests.Json(PredictApiTests.PixelsJson(digit)));
            using var viaTorch = await _torchClient.PostAsync("/api/predict", PredictApiTests.Json(PredictApiTests.PixelsJson(digit)));

            viaOnnx.StatusCode.Should().Be(HttpStatusCode.OK, await viaOnnx.Content.ReadAsStringAsync());
            var onnxAnswer = await PredictApiTests.ReadJsonAsync(viaOnnx);
            var torchAnswer = await PredictApiTests.ReadJsonAsync(viaTorch);
            onnxAnswer.GetProperty("model").GetString().Should().Be("ONNX model convnet.onnx (10 classes, input 1×28×28, ONNX Runtime)");
            onnxAnswer.GetProperty("prediction").GetProperty("class").GetInt32().Should().Be(torchAnswer.GetProperty("prediction").GetProperty("class").GetInt32());
            onnxAnswer.GetProperty("top").EnumerateArray().First().GetProperty("class").GetInt32().Should().Be(TestModels.TestLabel(index));
            var expected = model.PredictProba(digit.Select(b => (float)b).ToArray(), 1).Row(0).ToArray();
            var actual = ProbabilitiesOf(onnxAnswer);
            actual.Should().HaveCount(10);
            for (int c = 0; c < 10; c++) actual[c].Should().BeApproximately(expected[c], 1e-5f, $"test digit {index}, class {c}");
            ProbabilitiesOf(torchAnswer).Should().Equal(expected);
        }

        using var info = await client.GetAsync("/api/model");
        var description = await PredictApiTests.ReadJsonAsync(info);
        description.GetProperty("ready").GetBoolean().Should().BeTrue();
        description.GetProperty("classNames").EnumerateArray().Select(n => n.GetString()).Should().Equal("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    }

    [Fact]
    public async Task An_uploaded_image_gets_the_same_answer_from_the_onnx_export_as_from_the_model_file()
    {
        string onnx = ExportConvnet();
        using var factory = WebAppFactory.Serving(onnx);
        using var client = factory.CreateClient();
        byte[] png = DigitImages.DarkOnLightPng(0);

        using var viaOnnx = await client.PostAsync("/api/predict?top=3", PredictApiTests.Body(png, "image/png"));
        using var viaTorch = await _torchClient.PostAsync("/api/predict?top=3", PredictApiTests.Body(png, "image/png"));

        viaOnnx.StatusCode.Should().Be(HttpStatusCode.OK, await viaOnnx.Content.ReadAsStringAsync());
        var onnxAnswer = await PredictApiTests.ReadJsonAsync(viaOnnx);
        var torchAnswer = await PredictApiTests.ReadJsonAsync(viaTorch);
        onnxAnswer.GetProperty("image").GetProperty("pngBase64").GetString().Should().Be(torchAnswer.GetProperty("image").GetProperty("pngBase64").GetString(), "the same preprocessing");
        onnxAnswer.GetProperty("prediction").GetProperty("class").GetInt32().Should().Be(7);
        var p = ProbabilitiesOf(onnxAnswer);
        var q = ProbabilitiesOf(torchAnswer);
        for (int c = 0; c < 10; c++) p[c].Should().BeApproximately(q[c], 1e-5f);
    }

    [Fact]
    public async Task An_exported_ensemble_is_served_with_its_combined_probabilities()
    {
        string folder = Path.Combine(_dir, "ensemble"), onnx = Path.Combine(_dir, "ensemble.onnx");
        TorchRuntime.EnsureInitialized();
        using (var ensemble = Sequential.Input(1, 28, 28).Normalize(33f, 78f).Conv2D(4, 3, Activation.ReLU).MaxPool2D().Flatten().Dense(10, Activation.Softmax)
                   .ToEnsemble(members: 2, seed: 5).Build())
        {
            ensemble.Fit(TestModels.Mnist.Train.Slice(0, 2000));
            ensemble.Save(folder);
            ensemble.ExportOnnx(onnx);
        }

        using var factory = WebAppFactory.Serving(onnx);
        using var client = factory.CreateClient();
        var digit = TestModels.TestDigit(7);

        using var response = await client.PostAsync("/api/predict", PredictApiTests.Json(PredictApiTests.PixelsJson(digit)));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var answer = await PredictApiTests.ReadJsonAsync(response);
        answer.GetProperty("model").GetString().Should().Be("ONNX ensemble ensemble.onnx (2 members, ArithmeticMean, 10 classes, input 1×28×28, ONNX Runtime)");
        using var loaded = ModelEnsemble.Load(folder);
        var expected = loaded.PredictProba(digit.Select(b => (float)b).ToArray(), 1).Row(0).ToArray();
        var actual = ProbabilitiesOf(answer);
        for (int c = 0; c < 10; c++) actual[c].Should().BeApproximately(expected[c], 1e-5f, $"class {c}");
    }
}
