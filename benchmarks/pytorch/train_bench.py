"""PyTorch reference for docs/benchmarks.md: the improved miniNet trained and run the same way as the .NET benchmark.

Run with Debian's PyTorch (apt-get install python3-torch python3-numpy libopenblas0-openmp):
    /usr/bin/python3 benchmarks/pytorch/train_bench.py [--samples N] [--repeats R] [--precision float32|bfloat16]

--precision bfloat16 runs forward and loss under torch.autocast("cpu", dtype=torch.bfloat16) (PyTorch's own CPU mixed
precision: float32 weights, bfloat16 matrix multiplies and convolutions). benchmarks/compare.py runs this script and the
.NET benchmark side by side, alternating processes.
"""
import argparse
import contextlib
import gzip
import os
import time

import numpy as np
import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "data", "mnist")


def load(images, labels, count):
    with gzip.open(os.path.join(ROOT, images)) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16)[: count * 784].reshape(-1, 1, 28, 28)
    with gzip.open(os.path.join(ROOT, labels)) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)[:count]
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.int64)


class Normalize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.mean, self.std = mean, std

    def forward(self, x):
        return (x - self.mean) / self.std


def net(mean, std):
    """KnownModels.ImprovedMiniNet: the notebook's layer order, batch norm over channels before Flatten."""
    bn = dict(eps=1e-3, momentum=0.1)
    return nn.Sequential(
        Normalize(mean, std),
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(32, **bn),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(64, **bn),
        nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.BatchNorm2d(64, **bn),
        nn.Flatten(), nn.BatchNorm1d(3136, **bn), nn.Linear(3136, 512), nn.ReLU(), nn.BatchNorm1d(512, **bn),
        nn.Dropout(0.4), nn.Linear(512, 10))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=3200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--precision", choices=["float32", "bfloat16"], default="float32")
    parser.add_argument("--threads", type=int, default=2)
    a = parser.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x, y = load("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", a.samples)
    xt, _ = load("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 1000)
    model = net(33.31842, 78.56749)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def autocast():
        if a.precision == "bfloat16":
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def train(batch):
        model.train()
        perm = torch.randperm(a.samples)
        steps = a.samples // batch
        for s in range(steps):
            idx = perm[s * batch:(s + 1) * batch]
            opt.zero_grad()
            with autocast():
                loss = loss_fn(model(x.index_select(0, idx)), y.index_select(0, idx))
            loss.backward()
            opt.step()
            loss.item()
        return steps * batch

    def infer(batch_images, times):
        model.eval()
        with torch.no_grad(), autocast():
            for _ in range(times):
                model(batch_images).float().softmax(1).sum().item()
        return times * batch_images.shape[0]

    def median_rate(fn):
        rates = []
        for _ in range(a.repeats):
            t = time.perf_counter()
            n = fn()
            rates.append(n / (time.perf_counter() - t))
        return sorted(rates)[len(rates) // 2]

    train(64)  # warm-up (allocator pools, oneDNN primitives)
    infer(xt, 1)
    one = xt[:1]
    print(f"# PyTorch {torch.__version__}, {a.precision}, threads {torch.get_num_threads()}, {a.samples} samples, median of {a.repeats}")
    print(f"training samples/s, batch 64: {median_rate(lambda: train(64)):.0f}")
    print(f"training samples/s, batch 256: {median_rate(lambda: train(256)):.0f}")
    print(f"inference samples/s, batch 1000: {median_rate(lambda: infer(xt, 3)):.0f}")
    print(f"inference latency, batch 1 (ms): {1000 / median_rate(lambda: infer(one, 200)):.3f}")


if __name__ == "__main__":
    main()
