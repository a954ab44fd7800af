"""Throughput of the neural estimators: critic-steps per second when 1, 16, 64 or 256 critics train as one model.

    python benchmarks/neural_throughput.py                       # the CPU (and the GPU when present)
    python benchmarks/neural_throughput.py --devices cuda --critics 1 16 64 256 --steps 200

The workload is the Beyond-Normal benchmark's: a joint critic (MLP 16-8) on 10,000 samples of a
2 × 2 Gaussian, minibatches of 256. Each figure is the time of ``--steps`` training steps, taken
as the difference between a run of 2 × steps and one of steps, so that setting up and the final
held-out evaluation cancel; the best of ``--repeat`` such differences. Goal on a GPU: 64 critics
at least 10× the throughput of one.
"""

from __future__ import annotations

import argparse
import platform
import time
from datetime import date

import numpy as np
import pandas as pd
from mibench.estimators._neural_training import Settings, train_critics

import mibench
from mibench.tables import render_table


def seconds_of(count: int, steps: int, device: str, critic: str, samples: list) -> float:
    settings = Settings(
        bound="infonce",
        critic=critic,
        hidden=(16, 8),
        embedding=8,
        learning_rate=0.1,
        batch_size=256,
        steps=steps,
        train_fraction=0.5,
        eval_every=10 * steps,
        early_stopping=False,
        select="final",
        standardize=True,
        clip=5.0,
        smoothing=0.9,
    )
    rngs = [np.random.default_rng(index) for index in range(count)]
    start = time.perf_counter()
    train_critics(samples[:count], rngs, settings, device)
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()
    return time.perf_counter() - start


def main() -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", nargs="+", default=["cpu"] + (["cuda"] if torch.cuda.is_available() else []))
    parser.add_argument("--critics", nargs="+", type=int, default=[1, 16, 64, 256])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--critic", default="joint", choices=["joint", "separable"])
    parser.add_argument("--n", type=int, default=1000, help="samples per critic (default 1000; BMI: 10000)")
    arguments = parser.parse_args()
    largest = max(arguments.critics)
    scenario = mibench.get_scenario("gaussian_dense(dim_x=2, dim_y=2, rho=0.5)")
    samples = [scenario.sample(arguments.n, seed) for seed in range(largest)]
    rows = []
    for device in arguments.devices:
        seconds_of(1, 2, device, arguments.critic, samples)  # warm-up: kernels, allocator
        for count in arguments.critics:
            differences = []
            for _ in range(arguments.repeat):
                short = seconds_of(count, arguments.steps, device, arguments.critic, samples)
                long = seconds_of(count, 2 * arguments.steps, device, arguments.critic, samples)
                differences.append(max(long - short, 1e-9))
            per_step = min(differences) / arguments.steps
            rows.append(
                {
                    "device": torch.cuda.get_device_name() if device.startswith("cuda") else "cpu",
                    "critics": count,
                    "ms per step": 1000 * per_step,
                    "critic-steps per s": count / per_step,
                }
            )
    table = pd.DataFrame(rows)
    single = table[table["critics"] == 1].set_index("device")["critic-steps per s"]
    table["vs 1 critic"] = table["critic-steps per s"] / table["device"].map(single)
    print(
        f"# Neural critic throughput, {date.today()}, {platform.node()} ({platform.processor() or platform.machine()}), "
        f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, {arguments.critic} critic, "
        f"batch 256, n = {arguments.n}\n"
    )
    print(render_table(table, "markdown"))


if __name__ == "__main__":
    main()
