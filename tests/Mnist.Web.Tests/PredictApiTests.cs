using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mnist.Models;
using Mnist.Web.Tests.Infrastructure;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Mnist.Web.Tests;

/// <summary>POST /api/predict in-process against the trained test convnet: the three body forms and what they answer.</summary>
public sealed class PredictApiTests : IClassFixture<TrainedAppFixture>
{
    private readonly HttpClient _client;

    public PredictApiTests(TrainedAppFixture app) => _client = app.Client;

    internal static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static ByteArrayContent Body(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    internal static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    internal static string PixelsJson(byte[] pixels, bool nested = true)
    {
        if (!nested) return "{\"pixels\":[" + string.Join(',', pixels) + "]}";
        var rows = Enumerable.Range(0, 28).Select(y => "[" + string.Join(',', pixels.Skip(y * 28).Take(28)) + "]");
        return "{\"pixels\":[" + string.Join(',', rows) + "]}";
    }

    private static float[] ProbabilitiesOf(JsonElement answer) =>
        answer.GetProperty("probabilities").EnumerateArray().Select(p => p.GetProperty("probability").GetSingle()).ToArray();

    [Fact]
    public async Task A_png_body_is_preprocessed_and_read_with_class_names_top_k_and_the_image_the_model_saw()
    {
        // Test digit 0 is a 7, drawn dark on light and upscaled, as a user's drawing would be.
        using var response = await _client.PostAsync("/api/predict?top=4", Body(DigitImages.DarkOnLightPng(0), "image/png"));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var answer = await ReadJsonAsync(response);
        answer.GetProperty("model").GetString().Should().StartWith("model tiny-convnet").And.Contain("10 classes, input 1×28×28");
        answer.GetProperty("prediction").GetProperty("class").GetInt32().Should().Be(7);
        answer.GetProperty("prediction").GetProperty("name").GetString().Should().Be("7");
        var probabilities = answer.GetProperty("probabilities").EnumerateArray().ToArray();
        probabilities.Select(p => p.GetProperty("name").GetString()).Should().Equal("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        probabilities.Select(p => p.GetProperty("class").GetInt32()).Should().Equal(Enumerable.Range(0, 10));
        ProbabilitiesOf(answer).Sum().Should().BeApproximately(1f, 1e-3f);
        var top = answer.GetProperty("top").EnumerateArray().Select(t => t.GetProperty("probability").GetSingle()).ToArray();
        top.Should().HaveCount(4).And.BeInDescendingOrder();
        top[0].Should().Be(answer.GetProperty("prediction").GetProperty("probability").GetSingle());

        var image = answer.GetProperty("image");
        image.GetProperty("width").GetInt32().Should().Be(28);
        image.GetProperty("height").GetInt32().Should().Be(28);
        var pixels = image.GetProperty("pixels").EnumerateArray().Select(p => p.GetSingle()).ToArray();
        pixels.Should().HaveCount(784).And.OnlyContain(p => p >= 0 && p <= 255 && p == MathF.Round(p));
        pixels.Max().Should().Be(255, "the preprocessing stretches the strongest ink to 255");
        using var png = Image.Load<L8>(Convert.FromBase64String(image.GetProperty("pngBase64").GetString()!));
        png.Width.Should().Be(28);
        var decoded = new byte[784];
        png.CopyPixelDataTo(decoded);
        decoded.Select(b => (float)b).Should().Equal(pixels, "the PNG is the same image as the numbers");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
    }

    [Fact]
    public async Task A_jpeg_body_and_a_multipart_upload_give_the_answers_of_their_image()
    {
        using var jpeg = await _client.PostAsync("/api/predict", Body(DigitImages.DarkOnLightJpeg(1), "image/jpeg"));
        jpeg.StatusCode.Should().Be(HttpStatusCode.OK, await jpeg.Content.ReadAsStringAsync());
        (await ReadJsonAsync(jpeg)).GetProperty("prediction").GetProperty("class").GetInt32().Should().Be(TestModels.TestLabel(1));

        byte[] png = DigitImages.DarkOnLightPng(2);
        using var form = new MultipartFormDataContent { { Body(png, "image/png"), "image", "digit.png" }, { new StringContent("ignored"), "note" } };
        using var multipart = await _client.PostAsync("/api/predict", form);
        using var raw = await _client.PostAsync("/api/predict", Body(png, "image/png"));

        multipart.StatusCode.Should().Be(HttpStatusCode.OK, await multipart.Content.ReadAsStringAsync());
        var fromForm = await ReadJsonAsync(multipart);
        fromForm.GetProperty("prediction").GetProperty("class").GetInt32().Should().Be(TestModels.TestLabel(2));
        ProbabilitiesOf(fromForm).Should().Equal(ProbabilitiesOf(await ReadJsonAsync(raw)), "the same file gives the same answer in either form");
    }

    [Fact]
    public async Task A_json_pixel_array_is_classified_as_it_is_with_the_probabilities_of_the_model_itself()
    {
        var digit = TestModels.TestDigit(3);
        using var nested = await _client.PostAsync("/api/predict", Json(PixelsJson(digit)));
        using var flat = await _client.PostAsync("/api/predict", Json(PixelsJson(digit, nested: false)));

        nested.StatusCode.Should().Be(HttpStatusCode.OK, await nested.Content.ReadAsStringAsync());
        flat.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await ReadJsonAsync(nested);
        answer.GetProperty("prediction").GetProperty("class").GetInt32().Should().Be(TestModels.TestLabel(3));
        answer.GetProperty("image").GetProperty("pixels").EnumerateArray().Select(p => (byte)p.GetSingle()).Should().Equal(digit, "a JSON array is not preprocessed");
        using var model = SequentialModel.Load(TestModels.ConvnetPath);
        var expected = model.PredictProba(digit.Select(b => (float)b).ToArray(), 1).Row(0).ToArray();
        ProbabilitiesOf(answer).Should().Equal(expected, "the server answers what the model file predicts, to the last bit");
        ProbabilitiesOf(await ReadJsonAsync(flat)).Should().Equal(expected);
    }

    [Fact]
    public async Task Reading_several_test_digits_gets_most_of_them_right()
    {
        int right = 0;
        for (int i = 0; i < 20; i++)
        {
            using var response = await _client.PostAsync("/api/predict", Body(DigitImages.DarkOnLightPng(i), "image/png"));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            if ((await ReadJsonAsync(response)).GetProperty("prediction").GetProperty("class").GetInt32() == TestModels.TestLabel(i)) right++;
        }

        right.Should().BeGreaterThanOrEqualTo(17);
    }

    [Fact]
    public async Task Many_parallel_requests_are_served_by_the_one_classifier_with_the_answers_of_sequential_requests()
    {
        var bodies = Enumerable.Range(0, 8).Select(DigitImages.DarkOnLightPng).ToArray();
        var sequential = new List<string>();
        foreach (var body in bodies)
        {
            using var response = await _client.PostAsync("/api/predict", Body(body, "image/png"));
            sequential.Add(await response.Content.ReadAsStringAsync());
        }

        var requests = Enumerable.Range(0, 96).Select(async i =>
        {
            using var response = await _client.PostAsync("/api/predict", Body(bodies[i % bodies.Length], "image/png"));
            return (i, response.StatusCode, Text: await response.Content.ReadAsStringAsync());
        });
        var answers = await Task.WhenAll(requests);

        answers.Should().OnlyContain(a => a.StatusCode == HttpStatusCode.OK);
        foreach (var (i, _, text) in answers) text.Should().Be(sequential[i % bodies.Length], $"request {i} must not see another request's image or probabilities");
    }

    [Fact]
    public async Task With_batching_on_parallel_requests_share_forward_passes_and_get_the_same_classes_and_probabilities_to_1e_5()
    {
        using var factory = WebAppFactory.Serving(TestModels.ConvnetPath, ("MaxBatchSize", "16"));
        using var client = factory.CreateClient();
        var digits = Enumerable.Range(0, 8).Select(TestModels.TestDigit).ToArray();
        using var model = SequentialModel.Load(TestModels.ConvnetPath);
        var alone = digits.Select(d => model.PredictProba(d.Select(b => (float)b).ToArray(), 1).Row(0).ToArray()).ToArray();

        var answers = await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
        {
            using var response = await client.PostAsync("/api/predict", Json(PixelsJson(digits[i % digits.Length])));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            return (i, Answer: await ReadJsonAsync(response));
        }));

        foreach (var (i, answer) in answers)
        {
            var expected = alone[i % digits.Length];
            answer.GetProperty("prediction").GetProperty("class").GetInt32().Should().Be(Array.IndexOf(expected, expected.Max()));
            var probabilities = ProbabilitiesOf(answer);
            for (int c = 0; c < 10; c++) probabilities[c].Should().BeApproximately(expected[c], 1e-5f, $"request {i}, class {c}");
        }
    }

    [Fact]
    public async Task The_model_endpoint_describes_what_is_served()
    {
        using var response = await _client.GetAsync("/api/model");

        var info = await ReadJsonAsync(response);
        info.GetProperty("ready").GetBoolean().Should().BeTrue();
        info.GetProperty("imageSize").GetInt32().Should().Be(28);
        info.GetProperty("classNames").EnumerateArray().Select(n => n.GetString()).Should().Equal("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        info.GetProperty("problem").ValueKind.Should().Be(JsonValueKind.Null);
        info.GetProperty("maxRequestBytes").GetInt64().Should().Be(4 * 1024 * 1024);
    }
}
