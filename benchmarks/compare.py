#!/usr/bin/env python3
"""Side-by-side comparison of the library (TorchSharp, .NET) and PyTorch on this machine, alternating processes.

    /usr/bin/python3 benchmarks/compare.py [--rounds 3] [--samples 3200]

Each round runs, one after the other: PyTorch float32, PyTorch bfloat16 autocast, then the .NET benchmark
(benchmarks/Mnist.Benchmarks --compare), which measures the hand-written TorchSharp loop, the library in float32 and the
library with bfloat16 compute in one process. Every process gets the same glibc allocator settings (the MALLOC_*_
variables below, the values TorchRuntime.Configure(TuneAllocator = true) sets with mallopt) and 2 threads. The script
prints the medians over the rounds and the ratios the performance goals are stated in. Needs Debian's python3-torch
(with libopenblas0-openmp) and a built benchmark (dotnet build -c Release benchmarks/Mnist.Benchmarks).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BENCH_DLL = os.path.join(ROOT, "benchmarks", "Mnist.Benchmarks", "bin", "Release", "net10.0", "Mnist.Benchmarks.dll")
FIGURES = ["training samples/s, batch 64", "training samples/s, batch 256", "inference samples/s, batch 1000", "inference latency, batch 1 (ms)"]
ALLOCATOR = {"MALLOC_MMAP_THRESHOLD_": str(32 << 20), "MALLOC_TRIM_THRESHOLD_": str(1 << 30), "MALLOC_TOP_PAD_": str(256 << 20)}


def run(cmd):
    env = dict(os.environ, **ALLOCATOR, OMP_NUM_THREADS="2")
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    return out


def pytorch(precision, samples):
    out = run(["/usr/bin/python3", "benchmarks/pytorch/train_bench.py", "--samples", str(samples), "--repeats", "1", "--precision", precision])
    values = {}
    for figure in FIGURES:
        m = re.search(re.escape(figure) + r": ([0-9.]+)", out)
        values[figure] = float(m.group(1))
    return values


def dotnet(samples):
    out = run(["dotnet", BENCH_DLL, "--samples", str(samples), "--repeats", "1", "--compare"])
    columns = {"hand-written TorchSharp fp32": 1, "library fp32": 2, "library bf16": 4}
    values = {name: {} for name in columns}
    for figure in FIGURES:
        m = re.search(r"^\| " + re.escape(figure) + r" \|(.*)$", out, re.MULTILINE)
        cells = [c.strip() for c in m.group(1).split("|")]
        for name, index in columns.items():
            values[name][figure] = float(cells[index - 1])
    return values


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=3200)
    a = parser.parse_args()
    if not os.path.exists(BENCH_DLL):
        sys.exit(f"error: {BENCH_DLL} is missing; build it with: dotnet build -c Release benchmarks/Mnist.Benchmarks")
    results = {}
    for r in range(a.rounds):
        for name, values in [("PyTorch fp32", pytorch("float32", a.samples)), ("PyTorch bf16 autocast", pytorch("bfloat16", a.samples))] + list(dotnet(a.samples).items()):
            for figure, value in values.items():
                results.setdefault(name, {}).setdefault(figure, []).append(value)
        print(f"round {r + 1}/{a.rounds} done", file=sys.stderr)

    names = ["PyTorch fp32", "PyTorch bf16 autocast", "library fp32", "library bf16", "hand-written TorchSharp fp32"]
    print(f"# {a.rounds} rounds alternating processes, {a.samples} training samples, 2 threads, same glibc allocator settings; medians (min–max)")
    print("| figure | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    med = {n: {f: statistics.median(results[n][f]) for f in FIGURES} for n in names}
    for figure in FIGURES:
        cells = [f"{med[n][figure]:.3f}" if "ms" in figure else f"{med[n][figure]:.0f}" for n in names]
        spans = [f" ({min(results[n][figure]):.0f}–{max(results[n][figure]):.0f})" if "ms" not in figure else "" for n in names]
        print(f"| {figure} | " + " | ".join(c + s for c, s in zip(cells, spans)) + " |")
    print()
    print("| ratio | value |")
    print("|---|---|")
    for figure in FIGURES[:2]:
        print(f"| library bf16 / PyTorch bf16 autocast, {figure} | {med['library bf16'][figure] / med['PyTorch bf16 autocast'][figure]:.3f} |")
        print(f"| library fp32 / PyTorch fp32, {figure} | {med['library fp32'][figure] / med['PyTorch fp32'][figure]:.3f} |")
    f = FIGURES[2]
    print(f"| library bf16 / PyTorch bf16 autocast, {f} | {med['library bf16'][f] / med['PyTorch bf16 autocast'][f]:.3f} |")
    print(f"| library fp32 / PyTorch fp32, {f} | {med['library fp32'][f] / med['PyTorch fp32'][f]:.3f} |")
    f = FIGURES[3]
    print(f"| hand-written / library latency, batch 1 (above 1: the library is faster) | {med['hand-written TorchSharp fp32'][f] / med['library fp32'][f]:.3f} |")


if __name__ == "__main__":
    main()
