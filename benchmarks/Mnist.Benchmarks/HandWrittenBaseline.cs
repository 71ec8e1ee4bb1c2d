using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Benchmarks;

/// <summary>
/// The reference point: a minimal hand-written TorchSharp training loop with no library code — the improved miniNet
/// written with torch.nn directly, the whole dataset resident as one float tensor, batches taken with index_select,
/// Adam, cross-entropy, one dispose scope per batch.
/// </summary>
internal sealed class HandWrittenBaseline : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _net;
    private readonly optim.Optimizer _optimizer;

    public HandWrittenBaseline(float mean, float std, int seed)
    {
        torch.manual_seed(seed);
        _net = nn.Sequential(
            ("norm", new Normalize(mean, std)),
            ("c1", nn.Conv2d(1, 32, 3, padding: 1)), ("r1", nn.ReLU()), ("b1", nn.BatchNorm2d(32, eps: 1e-3, momentum: 0.1)),
            ("c2", nn.Conv2d(32, 32, 3, padding: 1)), ("r2", nn.ReLU()), ("p1", nn.MaxPool2d(2)),
            ("c3", nn.Conv2d(32, 64, 3, padding: 1)), ("r3", nn.ReLU()), ("b2", nn.BatchNorm2d(64, eps: 1e-3, momentum: 0.1)),
            ("c4", nn.Conv2d(64, 64, 3, padding: 1)), ("r4", nn.ReLU()), ("p2", nn.MaxPool2d(2)),
            ("b3", nn.BatchNorm2d(64, eps: 1e-3, momentum: 0.1)),
            ("flat", nn.Flatten()), ("b4", nn.BatchNorm1d(3136, eps: 1e-3, momentum: 0.1)),
            ("d1", nn.Linear(3136, 512)), ("r5", nn.ReLU()), ("b5", nn.BatchNorm1d(512, eps: 1e-3, momentum: 0.1)),
            ("drop", nn.Dropout(0.4)), ("d2", nn.Linear(512, 10)));
        _optimizer = optim.Adam(_net.parameters(), 0.001);
    }

    /// <summary>Trains on <paramref name="images"/> (N,1,28,28 float32 0–255) for <paramref name="steps"/> batches.</summary>
    public int Train(Tensor images, Tensor labels, int batchSize, int steps, int seed)
    {
        _net.train();
        long n = images.shape[0];
        using var permutation = torch.randperm(n, generator: new Generator((ulong)seed));
        int done = 0;
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            long start = (long)step * batchSize % Math.Max(n - batchSize + 1, 1);
            var index = permutation.narrow(0, start, batchSize);
            var x = images.index_select(0, index);
            var y = labels.index_select(0, index);
            _optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(_net.forward(x), y);
            loss.backward();
            _optimizer.step();
            loss.item<float>();
            done += batchSize;
        }

        return done;
    }

    /// <summary>Eval-mode forward without gradients.</summary>
    public void Infer(Tensor images)
    {
        _net.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        _net.forward(images).softmax(1).sum().item<float>();
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _net.Dispose();
    }

    private sealed class Normalize(float mean, float std) : nn.Module<Tensor, Tensor>("norm")
    {
        public override Tensor forward(Tensor input) => input.sub(mean).div_(std);
    }
}
