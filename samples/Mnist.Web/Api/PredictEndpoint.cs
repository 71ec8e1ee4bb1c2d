using System.Globalization;
using Microsoft.Extensions.Options;
using Mnist.Preprocessing;
using Mnist.Web.Classification;
using Mnist.Web.Prediction;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Mnist.Web.Api;

/// <summary>
/// <c>POST /api/predict</c>: reads and checks the body (<see cref="PredictRequestReader"/>), preprocesses an uploaded image
/// the MNIST way (at most <see cref="MnistWebOptions.MaxConcurrentDecodes"/> at once), queues it for the one classifier
/// (<see cref="PredictionQueue"/>) and answers with the probabilities, the top classes and the image the classifier saw —
/// all within <see cref="MnistWebOptions.RequestTimeout"/>. Every refusal is a ProblemDetails answer naming the problem.
/// </summary>
public sealed class PredictEndpoint
{
    private readonly ModelHost _model;
    private readonly PredictionQueue _queue;
    private readonly MnistWebOptions _options;
    private readonly SemaphoreSlim _decodes;
    private readonly ILogger<PredictEndpoint> _logger;

    /// <summary>Creates the endpoint's handler.</summary>
    /// <param name="model">The classifier's host.</param>
    /// <param name="queue">The prediction queue.</param>
    /// <param name="options">Limits and timeout.</param>
    /// <param name="logger">For unexpected failures.</param>
    public PredictEndpoint(ModelHost model, PredictionQueue queue, IOptions<MnistWebOptions> options, ILogger<PredictEndpoint> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _model = model;
        _queue = queue;
        _options = options.Value;
        _decodes = new SemaphoreSlim(_options.MaxConcurrentDecodes);
        _logger = logger;
    }

    /// <summary>Handles one request.</summary>
    /// <param name="context">The request.</param>
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.CacheControl = "no-store";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            return (await PredictAsync(context.Request, timeout.Token).ConfigureAwait(false)).Match();
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty; // the client left
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return ApiProblem.Unavailable("timeout", string.Create(CultureInfo.InvariantCulture,
                $"The request did not complete within {_options.RequestTimeoutSeconds:0.###} s (--request-timeout-seconds); the server is busy or the upload too slow. Try again.")).ToResult();
        }
        catch (ClassifierFailedException ex)
        {
            return ApiProblem.ClassifierFailed(ex.InnerException is ArgumentException
                ? "The classifier's output is not a finite probability (its weights are probably NaN or infinite)."
                : "The classifier failed on this image; the server log has the details.").ToResult();
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Unexpected failure of POST /api/predict");
            return ApiProblem.ClassifierFailed("Unexpected failure; the server log has the details.").ToResult();
        }
    }

    private async Task<Outcome> PredictAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (_model.Loaded is not { } loaded) return ApiProblem.Unavailable("no-model", _model.Problem!);
        var (top, inversion, queryProblem) = ReadQuery(request, loaded.Classifier.ClassCount);
        if (queryProblem is not null) return queryProblem;

        var (input, problem) = await PredictRequestReader.ReadAsync(request, _options.MaxRequestBytes, loaded.ImageSize, cancellationToken).ConfigureAwait(false);
        if (problem is not null) return problem;

        float[] pixels;
        if (input is PredictInput.EncodedImage encoded)
        {
            byte[] digit;
            await _decodes.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                digit = _model.PreprocessorFor(inversion).Preprocess(new MemoryStream(encoded.Bytes, writable: false), "image");
            }
            catch (DigitImageException ex)
            {
                return ProblemOf(ex);
            }
            finally
            {
                _decodes.Release();
            }

            pixels = new float[digit.Length];
            for (int i = 0; i < digit.Length; i++) pixels[i] = digit[i];
        }
        else
        {
            pixels = ((PredictInput.PixelArray)input!).Pixels;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var pending = _queue.TryEnqueue(pixels, cancellationToken);
        if (pending is null)
        {
            return ApiProblem.Unavailable("busy", string.Create(CultureInfo.InvariantCulture,
                $"{_options.MaxQueuedPredictions} images are already waiting for the classifier (--max-queued); try again shortly."));
        }

        var probabilities = await pending.ConfigureAwait(false);
        return new PredictionResponseBuilder(loaded, _model.ClassNames).Build(probabilities, top, pixels);
    }

    private static (int Top, DigitInversion Inversion, ApiProblem? Problem) ReadQuery(HttpRequest request, int classCount)
    {
        int top = Math.Min(3, classCount);
        if (request.Query.TryGetValue("top", out var topValues))
        {
            if (topValues.Count != 1 || !int.TryParse(topValues[0], NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > classCount)
                return (0, default, ApiProblem.BadRequest("bad-query", $"top must be a whole number from 1 to {classCount} (the number of classes)."));
        }

        var inversion = DigitInversion.Auto;
        if (request.Query.TryGetValue("invert", out var invertValues))
        {
            if (invertValues.Count != 1 || !Enum.TryParse(invertValues[0], ignoreCase: true, out inversion) || !Enum.IsDefined(inversion)
                || invertValues[0]!.Any(char.IsDigit))
                return (0, default, ApiProblem.BadRequest("bad-query", "invert must be auto, always (dark ink on light paper) or never (light ink on black, like MNIST)."));
        }

        return (top, inversion, null);
    }

    private static ApiProblem ProblemOf(DigitImageException ex)
    {
        // The preprocessor's messages start with the name it was given ("image: …") and never hold a path.
        string detail = ex.Message;
        return ex.Problem switch
        {
            DigitImageProblem.TooLarge => ApiProblem.BadRequest("image-too-large", detail),
            DigitImageProblem.Blank => ApiProblem.BadRequest("blank", detail),
            _ => ApiProblem.BadRequest("undecodable", detail),
        };
    }

    /// <summary>Either an answer or a refusal.</summary>
    private readonly record struct Outcome(PredictionResponse? Response, ApiProblem? Problem)
    {
        public static implicit operator Outcome(PredictionResponse response) => new(response, null);

        public static implicit operator Outcome(ApiProblem problem) => new(null, problem);

        public IResult Match() => Problem is { } problem ? problem.ToResult() : TypedResults.Ok(Response!);
    }
}

/// <summary>Builds <see cref="PredictionResponse"/>s for one classifier.</summary>
/// <param name="Loaded">The classifier.</param>
/// <param name="ClassNames">Its class names.</param>
internal sealed record PredictionResponseBuilder(LoadedClassifier Loaded, IReadOnlyList<string> ClassNames)
{
    /// <summary>The answer for one image's probabilities.</summary>
    public PredictionResponse Build(float[] probabilities, int top, float[] pixels)
    {
        var all = new ClassScore[probabilities.Length];
        for (int c = 0; c < all.Length; c++) all[c] = new ClassScore(c, ClassNames[c], probabilities[c]);
        var ranked = all.OrderByDescending(s => s.Probability).ThenBy(s => s.Class).Take(top).ToArray();
        int size = Loaded.ImageSize;
        return new PredictionResponse(Loaded.Description, ranked[0], ranked, all, new PreprocessedImage(size, size, pixels, ToPngBase64(pixels, size)));
    }

    private static string ToPngBase64(float[] pixels, int size)
    {
        var bytes = new byte[pixels.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)Math.Clamp(MathF.Round(pixels[i]), 0, 255);
        using var image = Image.LoadPixelData<L8>(bytes, size, size);
        using var png = new MemoryStream();
        image.SaveAsPng(png);
        return Convert.ToBase64String(png.GetBuffer(), 0, (int)png.Length);
    }
}
