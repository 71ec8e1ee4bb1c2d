using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Mnist.Web.Api;
using Mnist.Web.Classification;
using Mnist.Web.Prediction;
using Mnist.Web.Web;

namespace Mnist.Web;

/// <summary>Builds the app: services (options, loaders, the model, the queue), the page, the API and the OpenAPI description.</summary>
public static class MnistWebApp
{
    /// <summary>The builder for <paramref name="args"/>: the command-line switches of <see cref="MnistWebOptions.SwitchMappings"/> and the app's services.</summary>
    /// <param name="args">The command line.</param>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(MnistWebOptions.SwitchMappings, StringComparer.Ordinal));
        AddServices(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>Registers the app's services on <paramref name="services"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">Where <see cref="MnistWebOptions"/> is bound from (section <see cref="MnistWebOptions.Section"/>).</param>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MnistWebOptions>().Bind(configuration.GetSection(MnistWebOptions.Section));
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<MnistWebOptions>>((kestrel, web) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = web.Value.MaxRequestBytes; // the endpoint also counts while it reads
        });
        services.AddSingleton(provider => ClassifierLoaders.CreateDefault(provider.GetRequiredService<IOptions<MnistWebOptions>>().Value.Threads));
        services.AddSingleton<ModelHost>();
        services.AddSingleton<PredictionQueue>();
        services.AddHostedService(provider => provider.GetRequiredService<PredictionQueue>());
        services.AddSingleton<PredictEndpoint>();
        services.AddProblemDetails();
        services.AddOpenApi(OpenApiDescription.Configure);
    }

    /// <summary>Adds the middleware and endpoints to a built app.</summary>
    /// <param name="app">The app.</param>
    public static void Configure(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            return next(context);
        });

        app.MapPost("/api/predict", (HttpContext context, PredictEndpoint endpoint) => endpoint.HandleAsync(context))
            .WithName("Predict")
            .WithSummary("Classify one handwritten digit")
            .WithDescription(OpenApiDescription.PredictDescription)
            .DisableAntiforgery()
            .Produces<PredictionResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer(OpenApiDescription.DescribePredictRequest);
        app.MapGet("/api/model", (ModelHost model, IOptions<MnistWebOptions> options) => TypedResults.Ok(new ModelInfo(
                model.Loaded is not null, model.Loaded?.Description, model.Loaded?.ImageSize, model.ClassNames, model.Problem, options.Value.MaxRequestBytes)))
            .WithName("GetModel")
            .WithSummary("What the app serves: the classifier, its class names and image size, or why there is none");
        app.MapOpenApi();
        StaticAssets.Map(app);
    }

    /// <summary>
    /// Opens the model (<see cref="ModelHost"/>) and logs what is served, or why nothing is, and where to point a browser
    /// once the server listens.
    /// </summary>
    /// <param name="app">The built app.</param>
    /// <exception cref="ClassifierLoadException">The model cannot be opened.</exception>
    public static ModelHost OpenModel(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var model = app.Services.GetRequiredService<ModelHost>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mnist.Web");
        if (model.Loaded is { } loaded) logger.LogInformation("Serving {Model} from {Path}", loaded.Description, model.ModelPath);
        else logger.LogWarning("{Problem}", model.Problem);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
            if (addresses is { Count: > 0 }) logger.LogInformation("Draw a digit at {Addresses}", string.Join(", ", addresses));
        });
        return model;
    }
}
