using System.Net;
using System.Text.Json;
using Mnist.Models;
using Mnist.Web.Classification;
using Mnist.Web.Tests.Infrastructure;

namespace Mnist.Web.Tests;

/// <summary>The page's files, the OpenAPI description and the classifier loaders.</summary>
public sealed class PageAndDescriptionTests : IClassFixture<TrainedAppFixture>, IDisposable
{
    private readonly HttpClient _client;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mnist-web-tests-" + Guid.NewGuid().ToString("N"));

    public PageAndDescriptionTests(TrainedAppFixture app)
    {
        _client = app.Client;
        Directory.CreateDirectory(_dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_page_and_its_files_are_served_from_memory_with_a_strict_content_security_policy()
    {
        using var page = await _client.GetAsync("/");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.ToString().Should().Be("text/html; charset=utf-8");
        string html = await page.Content.ReadAsStringAsync();
        html.Should().Contain("<canvas id=\"pad\"").And.Contain("id=\"clear\"").And.Contain("id=\"bars\"").And.Contain("id=\"seen\"");
        string csp = page.Headers.GetValues("Content-Security-Policy").Single();
        csp.Should().Contain("script-src 'self'").And.Contain("default-src 'none'").And.Contain("frame-ancestors 'none'");
        page.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");

        using var script = await _client.GetAsync("/app.js");
        script.Content.Headers.ContentType!.MediaType.Should().Be("text/javascript");
        (await script.Content.ReadAsStringAsync()).Should().Contain("pointerdown").And.Contain("/api/predict");
        using var style = await _client.GetAsync("/app.css");
        style.Content.Headers.ContentType!.MediaType.Should().Be("text/css");

        var etag = page.Headers.ETag!;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await _client.SendAsync(again);
        notModified.StatusCode.Should().Be(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task The_openapi_description_names_the_four_body_forms_the_answer_and_the_refusals()
    {
        using var response = await _client.GetAsync("/openapi/v1.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        document.GetProperty("info").GetProperty("title").GetString().Should().Be("Mnist.Web");
        var predict = document.GetProperty("paths").GetProperty("/api/predict").GetProperty("post");
        predict.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(p => p.Name)
            .Should().BeEquivalentTo("image/png", "image/jpeg", "multipart/form-data", "application/json");
        predict.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Should().Contain(["top", "invert"]);
        predict.GetProperty("responses").EnumerateObject().Select(p => p.Name).Should().Contain(["200", "400", "413", "415", "500", "503"]);
        var schemas = document.GetProperty("components").GetProperty("schemas");
        schemas.GetProperty("PredictionResponse").GetProperty("properties").EnumerateObject().Select(p => p.Name)
            .Should().BeEquivalentTo("model", "prediction", "top", "probabilities", "image");
        predict.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema")
            .GetProperty("properties").TryGetProperty("pixels", out _).Should().BeTrue();
        document.GetProperty("paths").TryGetProperty("/app.js", out _).Should().BeFalse("the page's files are not part of the API");
    }

    [Fact]
    public void Corrupt_and_missing_onnx_files_are_refused_by_the_onnx_runtime_loader_with_one_line_naming_the_file()
    {
        var loaders = ClassifierLoaders.CreateDefault();
        loaders.Loaders[0].Should().BeOfType<OnnxRuntimeClassifierLoader>("an .onnx path goes to ONNX Runtime first");
        string onnx = Path.Combine(_dir, "digits.onnx");
        File.WriteAllBytes(onnx, [1, 2, 3]);

        var error = loaders.Invoking(l => l.Load(onnx)).Should().Throw<ClassifierLoadException>().Which;
        error.Message.Should().StartWith(onnx + ": cannot load the ONNX model: not a valid ONNX model").And.NotContain("\n");
        error.Path.Should().Be(onnx);

        string missing = Path.Combine(_dir, "missing.onnx");
        loaders.Invoking(l => l.Load(missing)).Should().Throw<ClassifierLoadException>().WithMessage($"{missing}: no such file or folder.");
    }

    [Fact]
    public void A_registered_loader_is_asked_first_so_a_new_kind_of_classifier_plugs_in()
    {
        var fake = new FakeClassifier();
        var loaders = new ClassifierLoaders([new OnnxLoaderStandIn(fake), .. ClassifierLoaders.CreateDefault().Loaders]);

        using var loaded = new LoadedHolder(loaders.Load(Path.Combine(_dir, "digits.onnx")));

        loaded.Value.Classifier.Should().BeSameAs(fake);
        loaded.Value.Description.Should().Be("stand-in digits.onnx");
        loaded.Value.ImageSize.Should().Be(28);
    }

    [Fact]
    public void Missing_corrupt_and_non_digit_models_are_refused_with_one_line_naming_the_file()
    {
        var loaders = ClassifierLoaders.CreateDefault();
        string missing = Path.Combine(_dir, "missing.mnistmodel");
        loaders.Invoking(l => l.Load(missing)).Should().Throw<ClassifierLoadException>().WithMessage($"{missing}: no such file or folder.");

        string corrupt = Path.Combine(_dir, "corrupt.mnistmodel");
        File.WriteAllText(corrupt, "not a model");
        var error = loaders.Invoking(l => l.Load(corrupt)).Should().Throw<ClassifierLoadException>().Which;
        error.Message.Should().StartWith(corrupt + ": cannot load the model: ").And.NotContain("\n");

        string rgb = Path.Combine(_dir, "rgb.mnistmodel");
        using (var model = Sequential.Input(3, 28, 28).Flatten().Dense(10, Activation.Softmax).Build(new ModelOptions { Seed = 1 })) model.Save(rgb);
        loaders.Invoking(l => l.Load(rgb)).Should().Throw<ClassifierLoadException>().WithMessage("*one channel of square images*");
    }

    private sealed class OnnxLoaderStandIn(IClassifier classifier) : IClassifierLoader
    {
        public string Kind => "ONNX stand-in";

        public bool CanLoad(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

        public IClassifier Load(string path) => classifier;

        public string Describe(IClassifier classifier, string path) => "stand-in " + Path.GetFileName(path);
    }

    private sealed class LoadedHolder(LoadedClassifier value) : IDisposable
    {
        public LoadedClassifier Value { get; } = value;

        public void Dispose() => Value.Classifier.Dispose();
    }
}
