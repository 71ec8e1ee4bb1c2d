using Mnist.Runtime;
using TorchSharp;

TorchRuntime.EnsureInitialized();
using var model = torch.nn.Sequential(
    ("conv", torch.nn.Conv2d(1, 8, 3)),
    ("relu", torch.nn.ReLU()),
    ("flatten", torch.nn.Flatten()),
    ("dense", torch.nn.Linear(8 * 26 * 26, 10)));
using var x = torch.zeros(4, 1, 28, 28);
using var y = model.forward(x);
Console.WriteLine($"Forward pass OK: output shape ({string.Join(", ", y.shape)})");
