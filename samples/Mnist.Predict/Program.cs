using Mnist;
using Mnist.Predict;
using Mnist.Samples;

// Process-wide LibTorch settings are the application's choice, made once at start-up.
try
{
    TorchRuntime.Configure(new TorchRuntimeOptions { TuneAllocator = true });
}
catch (TorchRuntimeException ex)
{
    Console.Error.WriteLine("error: LibTorch cannot be loaded: " + string.Join(' ', ex.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
    return ExitCodes.Environment;
}

return PredictApp.Run(args);
