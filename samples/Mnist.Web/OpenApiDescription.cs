using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Mnist.Web.Api;

namespace Mnist.Web;

/// <summary>The OpenAPI description at <c>/openapi/v1.json</c> (Microsoft.AspNetCore.OpenApi), with the request forms the endpoint reads itself.</summary>
internal static class OpenApiDescription
{
    /// <summary>The description of <c>POST /api/predict</c>.</summary>
    public const string PredictDescription =
        "Send one image of one handwritten digit and get the class probabilities, the top classes and the image the classifier saw. "
        + "Four body forms: image/png or image/jpeg (the file itself as the body); multipart/form-data with the file in a part named 'image' "
        + "(curl -F image=@digit.png); or application/json {\"pixels\": …} with an image already in MNIST form (S rows of S numbers or S×S numbers, "
        + "0 = background to 255 = ink, S = 28 for MNIST models), which is classified as it is. Uploaded images get the MNIST preprocessing "
        + "(greyscale, inversion, crop to the ink, scale to 20 px, centre by mass in 28×28). Refusals are ProblemDetails with a 'code': "
        + "400 (content-mismatch, undecodable, image-too-large, blank, bad-multipart, bad-json, bad-shape, bad-value, bad-query), "
        + "413 too-large, 415 unsupported-content-type, 500 classifier-failed, 503 no-model, busy or timeout.";

    /// <summary>Sets the document's title and description.</summary>
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Mnist.Web",
                Version = "v1",
                Description = "Draw a digit in the browser and watch the model read it; the same classifier over HTTP. See docs/web.md.",
            };
            return Task.CompletedTask;
        });
    }

    /// <summary>Describes the query parameters and the four request body forms of <c>POST /api/predict</c>.</summary>
    public static Task DescribePredictRequest(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var number = new OpenApiSchema { Type = JsonSchemaType.Number, Description = "0 (background) to 255 (ink); finite." };
        var pixels = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string>(StringComparer.Ordinal) { "pixels" },
            Description = "An image already in MNIST form, classified as it is (no preprocessing).",
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
            {
                ["pixels"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Description = "S rows of S numbers, or S × S numbers row-major (S = 28 for MNIST models).",
                    Items = new OpenApiSchema { OneOf = [number, new OpenApiSchema { Type = JsonSchemaType.Array, Items = number }] },
                },
            },
        };
        var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "The digit: a PNG or JPEG file (body or multipart part 'image'), or a JSON pixel array. At most --max-request-bytes (default 4 MiB).",
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                ["image/png"] = new() { Schema = binary },
                ["image/jpeg"] = new() { Schema = binary },
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string>(StringComparer.Ordinal) { "image" },
                        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                        {
                            ["image"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "A PNG or JPEG file." },
                        },
                    },
                },
                ["application/json"] = new() { Schema = pixels },
            },
        };
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "top",
            In = ParameterLocation.Query,
            Description = "How many of the most probable classes to list in 'top' (1 to the number of classes; default 3).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
        });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "invert",
            In = ParameterLocation.Query,
            Description = "For uploads: auto (default; dark-on-light images are inverted, decided from the border), always (dark ink on light paper), never (light ink on black).",
            Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = [JsonValue.Create("auto"), JsonValue.Create("always"), JsonValue.Create("never")],
            },
        });
        return Task.CompletedTask;
    }
}
