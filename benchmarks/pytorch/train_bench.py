"""PyTorch reference for docs/benchmarks.md: the improved miniNet trained and run the same way as the .NET benchmark.

Run with Debian's PyTorch (apt-get install python3-torch python3-numpy):
    /usr/bin/python3 benchmarks/pytorch/train_bench.py [samples] [repeats]
"""
import gzip
import os
import sys
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
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 6400
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(2)
    torch.manual_seed(1)
    x, y = load("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", samples)
    xt, _ = load("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 1000)
    model = net(33.31842, 78.56749)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def train(batch):
        model.train()
        perm = torch.randperm(samples)
        steps = samples // batch
        for s in range(steps):
            idx = perm[s * batch:(s + 1) * batch]
            opt.zero_grad()
            loss = loss_fn(model(x.index_select(0, idx)), y.index_select(0, idx))
            loss.backward()
            opt.step()
            loss.item()
        return steps * batch

    def infer():
        model.eval()
        with torch.no_grad():
            for _ in range(3):
                model(xt).softmax(1).sum().item()
        return 3000

    def median_rate(fn):
        rates = []
        for _ in range(repeats):
            t = time.perf_counter()
            n = fn()
            rates.append(n / (time.perf_counter() - t))
        return sorted(rates)[len(rates) // 2]

    train(64)  # warm-up
    print(f"# PyTorch {torch.__version__}, threads {torch.get_num_threads()}, {samples} samples, median of {repeats}")
    print(f"training samples/s, batch 64: {median_rate(lambda: train(64)):.0f}")
    print(f"training samples/s, batch 256: {median_rate(lambda: train(256)):.0f}")
    print(f"inference samples/s, batch 1000: {median_rate(infer):.0f}")


if __name__ == "__main__":
    main()
