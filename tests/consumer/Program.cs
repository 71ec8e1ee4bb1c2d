using Mnist.Runtime;
using TorchSharp;

// Runs only if libLibTorchSharp.so loads: on Debian 12 that needs Mnist.Core's buildTransitive step.
TorchRuntime.EnsureInitialized();
using var model = torch.nn.Sequential(
    ("conv", torch.nn.Conv2d(1, 4, 3)),
    ("relu", torch.nn.ReLU()),
    ("flatten", torch.nn.Flatten()),
    ("dense", torch.nn.Linear(4 * 26 * 26, 10)));
using var input = torch.zeros(2, 1, 28, 28);
using var output = model.forward(input);
Console.WriteLine($"CONSUMER-OK ({string.Join(", ", output.shape)})");
