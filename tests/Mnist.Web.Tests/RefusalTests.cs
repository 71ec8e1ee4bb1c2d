using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mnist.Web.Tests.Infrastructure;
using static Mnist.Web.Tests.PredictApiTests;

namespace Mnist.Web.Tests;

/// <summary>What POST /api/predict refuses, and how: a ProblemDetails answer naming the problem, never a stack trace.</summary>
public sealed class RefusalTests : IClassFixture<TrainedAppFixture>
{
    private readonly HttpClient _client;

    public RefusalTests(TrainedAppFixture app) => _client = app.Client;

    /// <summary>Checks the status, the ProblemDetails form and the code; returns the detail.</summary>
    internal static async Task<string> ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        string text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.GetProperty("code").GetString().Should().Be(code, text);
        problem.GetProperty("title").GetString().Should().NotBeNullOrWhiteSpace();
        text.Should().NotContain("   at ").And.NotContain("Exception").And.NotContain(".cs:line");
        return problem.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_whether_or_not_it_declares_its_length()
    {
        using var factory = WebAppFactory.Serving(TestModels.ConvnetPath, ("MaxRequestBytes", "65536"));
        using var client = factory.CreateClient();
        var big = new byte[100_000];
        DigitImages.DarkOnLightPng(0).CopyTo(big, 0);

        using var declared = await client.PostAsync("/api/predict", Body(big, "image/png"));
        (await ShouldBeProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge, "too-large")).Should().Contain("65,536 bytes");

        var chunked = new StreamContent(new NonSeekableStream(big)); // no Content-Length: counted while read
        chunked.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var streamed = await client.PostAsync("/api/predict", chunked);
        await ShouldBeProblemAsync(streamed, HttpStatusCode.RequestEntityTooLarge, "too-large");

        using var json = await client.PostAsync("/api/predict", Json("{\"pixels\":[" + string.Join(',', Enumerable.Repeat("0.000000000000", 20_000)) + "]}"));
        await ShouldBeProblemAsync(json, HttpStatusCode.RequestEntityTooLarge, "too-large");

        using var small = await client.PostAsync("/api/predict", Body(DigitImages.DarkOnLightPng(0), "image/png"));
        small.StatusCode.Should().Be(HttpStatusCode.OK, "the limit is on the body only");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/octet-stream")]
    [InlineData("image/gif")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_content_type_other_than_png_jpeg_multipart_or_json_is_refused_with_415_naming_the_accepted_ones(string contentType)
    {
        using var response = await _client.PostAsync("/api/predict", Body(DigitImages.DarkOnLightPng(0), contentType));

        string detail = await ShouldBeProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-content-type");
        detail.Should().Contain(contentType).And.Contain("image/png").And.Contain("multipart/form-data").And.Contain("application/json");
    }

    [Fact]
    public async Task A_body_without_content_type_is_refused_with_415()
    {
        using var response = await _client.PostAsync("/api/predict", new ByteArrayContent(DigitImages.DarkOnLightPng(0)));

        (await ShouldBeProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-content-type")).Should().Contain("no Content-Type");
    }

    [Fact]
    public async Task A_body_that_is_not_what_its_content_type_says_is_refused_with_400_before_decoding()
    {
        using var text = await _client.PostAsync("/api/predict", Body(Encoding.UTF8.GetBytes("hello, I am not a picture"), "image/png"));
        (await ShouldBeProblemAsync(text, HttpStatusCode.BadRequest, "content-mismatch")).Should().Contain("declared image/png but is neither a PNG nor a JPEG");

        using var jpegAsPng = await _client.PostAsync("/api/predict", Body(DigitImages.DarkOnLightJpeg(0), "image/png"));
        (await ShouldBeProblemAsync(jpegAsPng, HttpStatusCode.BadRequest, "content-mismatch")).Should().Contain("is a JPEG file");

        using var empty = await _client.PostAsync("/api/predict", Body([], "image/jpeg"));
        (await ShouldBeProblemAsync(empty, HttpStatusCode.BadRequest, "undecodable")).Should().Contain("empty");

        using var form = new MultipartFormDataContent { { Body(Encoding.UTF8.GetBytes("GIF89a...."), "image/gif"), "image", "x.gif" } };
        using var gifPart = await _client.PostAsync("/api/predict", form);
        (await ShouldBeProblemAsync(gifPart, HttpStatusCode.BadRequest, "content-mismatch")).Should().Contain("image/gif");
    }

    [Fact]
    public async Task An_undecodable_image_is_refused_with_400_naming_the_problem()
    {
        var truncated = DigitImages.DarkOnLightPng(0)[..60]; // the signature and part of the header
        using var response = await _client.PostAsync("/api/predict", Body(truncated, "image/png"));
        (await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "undecodable")).Should().StartWith("image: ");

        var garbage = new byte[4000];
        new Random(5).NextBytes(garbage);
        new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }.CopyTo(garbage, 0);
        using var jpeg = await _client.PostAsync("/api/predict", Body(garbage, "image/jpeg"));
        await ShouldBeProblemAsync(jpeg, HttpStatusCode.BadRequest, "undecodable");
    }

    [Fact]
    public async Task An_image_larger_than_the_pixel_limits_is_refused_from_its_header_and_a_blank_one_for_having_no_ink()
    {
        using var wide = await _client.PostAsync("/api/predict", Body(DigitImages.Png(9000, 4), "image/png"));
        (await ShouldBeProblemAsync(wide, HttpStatusCode.BadRequest, "image-too-large")).Should().Contain("9,000×4").And.Contain("It was not decoded");

        using var white = await _client.PostAsync("/api/predict", Body(DigitImages.WhitePng(), "image/png"));
        await ShouldBeProblemAsync(white, HttpStatusCode.BadRequest, "blank");
    }

    [Fact]
    public async Task A_multipart_body_without_an_image_part_or_boundary_is_refused_with_400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("7"), "digit" } };
        using var noImage = await _client.PostAsync("/api/predict", form);
        (await ShouldBeProblemAsync(noImage, HttpStatusCode.BadRequest, "bad-multipart")).Should().Contain("no part named 'image'");

        using var noBoundary = await _client.PostAsync("/api/predict", Body(Encoding.UTF8.GetBytes("--x\r\n\r\n"), "multipart/form-data"));
        (await ShouldBeProblemAsync(noBoundary, HttpStatusCode.BadRequest, "bad-multipart")).Should().Contain("boundary");
    }

    public static TheoryData<string, string, string> WrongShapes => new()
    {
        { "{\"pixels\": []}", "bad-shape", "has 0 values" },
        { "{\"pixels\": [" + string.Join(',', Enumerable.Repeat(0, 783)) + "]}", "bad-shape", "has 783 values; it must hold 28 rows of 28 numbers, or 784 numbers" },
        { "{\"pixels\": [" + string.Join(',', Enumerable.Repeat("[" + string.Join(',', Enumerable.Repeat(0, 28)) + "]", 27)) + "]}", "bad-shape", "has 27 rows" },
        { "{\"pixels\": [" + string.Join(',', Enumerable.Repeat("[" + string.Join(',', Enumerable.Repeat(0, 28)) + "]", 27)) + ",[0,0]]}", "bad-shape", "pixels[27] has 2 values" },
        { "{\"pixels\": [" + string.Join(',', Enumerable.Repeat("[" + string.Join(',', Enumerable.Repeat("[0]", 28)) + "]", 28)) + "]}", "bad-shape", "pixels[0][0] is an array" },
        { "{\"image\": [1, 2, 3]}", "bad-shape", "{\"pixels\": …}" },
        { "[1, 2, 3]", "bad-shape", "{\"pixels\": …}" },
        { "{\"pixels\": \"0,0,0\"}", "bad-shape", "\"pixels\" is a string" },
    };

    [Theory]
    [MemberData(nameof(WrongShapes))]
    public async Task A_pixel_array_of_the_wrong_shape_is_refused_with_400_saying_what_the_shape_must_be(string json, string code, string expected)
    {
        using var response = await _client.PostAsync("/api/predict", Json(json));

        (await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, code)).Should().Contain(expected);
    }

    public static TheoryData<string, string, string> BadValues => new()
    {
        { "NaN", "bad-json", "not valid JSON" },
        { "Infinity", "bad-json", "not valid JSON" },
        { "\"NaN\"", "bad-value", "pixels[5] is a string, not a number from 0 to 255" },
        { "1e999", "bad-value", "pixels[5] is not a finite number" },
        { "256", "bad-value", "pixels[5] is 256; pixels must be from 0 (background) to 255 (ink)" },
        { "-0.5", "bad-value", "pixels[5] is -0.5" },
        { "null", "bad-value", "pixels[5] is null" },
        { "true", "bad-value", "pixels[5] is a boolean" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task NaN_infinite_out_of_range_and_non_numeric_pixels_are_refused_with_400_naming_the_pixel(string value, string code, string expected)
    {
        var values = Enumerable.Repeat("0", 784).ToArray();
        values[5] = value;
        using var response = await _client.PostAsync("/api/predict", Json("{\"pixels\":[" + string.Join(',', values) + "]}"));

        (await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, code)).Should().Contain(expected);
    }

    [Fact]
    public async Task Malformed_json_is_refused_with_400()
    {
        using var response = await _client.PostAsync("/api/predict", Json("{\"pixels\": [0, 0,"));

        (await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "bad-json")).Should().Contain("not valid JSON");
    }

    [Theory]
    [InlineData("top=0")]
    [InlineData("top=11")]
    [InlineData("top=three")]
    [InlineData("top=1&top=2")]
    [InlineData("invert=sideways")]
    [InlineData("invert=1")]
    public async Task Bad_query_parameters_are_refused_with_400(string query)
    {
        using var response = await _client.PostAsync("/api/predict?" + query, Body(DigitImages.DarkOnLightPng(0), "image/png"));

        await ShouldBeProblemAsync(response, HttpStatusCode.BadRequest, "bad-query");
    }

    [Fact]
    public async Task Other_methods_and_paths_get_problem_details_and_no_request_path_reaches_the_file_system()
    {
        using var get = await _client.GetAsync("/api/predict");
        get.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);

        foreach (string path in new[] { "/Mnist.Web.dll", "/wwwroot/index.html", "/..%2f..%2fMnist.sln", "/appsettings.json", "/api/../Mnist.Web.dll" })
        {
            using var response = await _client.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.NotFound, path);
            response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        }
    }

    [Fact]
    public async Task A_request_that_outlasts_the_timeout_gets_503_and_the_queue_skips_it()
    {
        var slow = new FakeClassifier(delay: TimeSpan.FromMilliseconds(3000));
        using var factory = new WebAppFactory(
            new Dictionary<string, string?> { ["ModelPath"] = "slow.fake", ["RequestTimeoutSeconds"] = "0.3" },
            services => services.AddSingleton(FakeClassifier.LoadersFor(slow)));
        using var client = factory.CreateClient();

        var started = System.Diagnostics.Stopwatch.StartNew();
        using var response = await client.PostAsync("/api/predict", Json(PixelsJson(TestModels.TestDigit(0))));

        (await ShouldBeProblemAsync(response, HttpStatusCode.ServiceUnavailable, "timeout")).Should().Contain("0.3 s");
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2.5), "the answer does not wait for the 3-second classifier");
    }

    [Fact]
    public async Task When_the_queue_is_full_further_requests_get_503_at_once()
    {
        var slow = new FakeClassifier(delay: TimeSpan.FromMilliseconds(400));
        using var factory = new WebAppFactory(
            new Dictionary<string, string?> { ["ModelPath"] = "slow.fake", ["MaxQueuedPredictions"] = "1", ["MaxBatchSize"] = "1" },
            services => services.AddSingleton(FakeClassifier.LoadersFor(slow)));
        using var client = factory.CreateClient();
        string body = PixelsJson(TestModels.TestDigit(0));

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostAsync("/api/predict", Json(body))));

        responses.Should().Contain(r => r.StatusCode == HttpStatusCode.OK);
        var busy = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToArray();
        busy.Should().NotBeEmpty();
        (await ShouldBeProblemAsync(busy[0], HttpStatusCode.ServiceUnavailable, "busy")).Should().Contain("--max-queued");
        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.ServiceUnavailable);
        foreach (var r in responses) r.Dispose();
    }

    [Fact]
    public async Task A_classifier_that_fails_gives_500_without_its_exception()
    {
        var poisoned = new FakeClassifier(failure: () => new ArgumentException("Probability [0, 3] = NaN is not a finite number ≥ 0."));
        using var factory = new WebAppFactory(new Dictionary<string, string?> { ["ModelPath"] = "nan.fake" },
            services => services.AddSingleton(FakeClassifier.LoadersFor(poisoned)));
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/api/predict", Json(PixelsJson(TestModels.TestDigit(0))));

        (await ShouldBeProblemAsync(response, HttpStatusCode.InternalServerError, "classifier-failed")).Should().Contain("not a finite probability");
    }

    [Fact]
    public async Task Without_a_model_the_page_data_and_the_api_name_the_command_that_makes_one()
    {
        string missing = Path.Combine(Path.GetTempPath(), "mnist-web-no-model-" + Guid.NewGuid().ToString("N"), "ensemble");
        using var factory = new WebAppFactory(new Dictionary<string, string?> { ["DefaultModelPath"] = missing });
        using var client = factory.CreateClient();

        var info = await ReadJsonAsync(await client.GetAsync("/api/model"));
        info.GetProperty("ready").GetBoolean().Should().BeFalse();
        info.GetProperty("problem").GetString().Should().Contain(missing).And.Contain("`dotnet run --project samples/Mnist.Train -c Release`");
        info.GetProperty("classNames").GetArrayLength().Should().Be(0);

        using var response = await client.PostAsync("/api/predict", Body(DigitImages.DarkOnLightPng(0), "image/png"));
        (await ShouldBeProblemAsync(response, HttpStatusCode.ServiceUnavailable, "no-model")).Should().Contain("dotnet run --project samples/Mnist.Train -c Release");
    }

    private sealed class NonSeekableStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 4096));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
