using Mnist;
using Mnist.Samples;
using Mnist.Web;
using Mnist.Web.Classification;

// Draw a digit in the browser and watch the model read it. docs/web.md has the options, the API and its limits.
WebApplication app;
try
{
    app = MnistWebApp.CreateBuilder(args).Build();
    MnistWebApp.Configure(app);
    var settings = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MnistWebOptions>>().Value;
    settings.Validate();
    // Process-wide LibTorch settings are the application's choice, made once at start-up (as in every sample).
    TorchRuntime.Configure(new TorchRuntimeOptions { TuneAllocator = true, Threads = settings.Threads });
    MnistWebApp.OpenModel(app);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine("error: " + ex.Message);
    return ExitCodes.Usage;
}
catch (TorchRuntimeException ex)
{
    Console.Error.WriteLine("error: LibTorch cannot be loaded: " + string.Join(' ', ex.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
    return ExitCodes.Environment;
}
catch (ClassifierLoadException ex)
{
    Console.Error.WriteLine("error: " + ex.Message);
    return ExitCodes.BadInput;
}

await app.RunAsync();
return ExitCodes.Success;

/// <summary>The app's entry point (public for the in-process tests' <c>WebApplicationFactory&lt;Program&gt;</c>).</summary>
public partial class Program;
