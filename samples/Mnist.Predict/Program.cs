using Mnist.Predict;
using Mnist.Runtime;

// Process-wide LibTorch settings are the application's choice, made once at start-up.
TorchRuntime.Configure(new TorchRuntimeOptions { TuneAllocator = true });
return PredictApp.Run(args);
