using Mnist;
using Mnist.Predict;

// Process-wide LibTorch settings are the application's choice, made once, before the first TorchSharp model is opened.
// An .onnx model runs on ONNX Runtime and never loads LibTorch.
PredictApp.BeforeTorchSharpModel = () => TorchRuntime.Configure(new TorchRuntimeOptions { TuneAllocator = true });
return PredictApp.Run(args);
