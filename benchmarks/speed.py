"""Speed of mibench's estimators against the libraries people use, measured side by side in one run.

Run from the repository root (peers are skipped when not installed: pip install 'mibench[peers]'):

    python benchmarks/speed.py                 # 1-D kNN, scaling exponent, memory, discrete
    python benchmarks/speed.py --highdim       # also 5-D x and 5-D y at n = 10^5 (a minute)
    python benchmarks/speed.py --output results/speed.md
    python benchmarks/speed.py --sections threads 5d --threads 2 4 8    # a subset, more threads

Every figure is the best of --repeat runs, single-threaded (BLAS pinned to one thread, kd-tree
workers=1), on data drawn once per size; mibench and its peers are timed in turn, round by round.
Timings are wall-clock seconds of the estimate call, on the data as drawn (``standardize=False``, as
benchmark runs call the estimators).
Not an asv benchmark: asv tracks mibench's own history; this script compares against peers.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial

import numpy as np
from threadpoolctl import threadpool_limits

import mibench

if __package__:  # imported with the benchmarks package (asv imports every module it finds)
    from .ceiling import SPIN_PER_SECOND, paired_ratio, spin, spin_threads
else:  # run as a script
    from ceiling import SPIN_PER_SECOND, paired_ratio, spin, spin_threads


def best_of(repeat: int, function: Callable[[], float]) -> tuple[float, float]:
    times, value = [], float("nan")
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return min(times), value


def interleaved_best(contenders: dict[str, tuple[int, Callable[[], object]]]) -> dict[str, float]:
    """Best time of each contender, given as name: (runs, function), timed in rounds that take
    every contender in turn, so that a slow spell of a shared machine hits them all alike."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for round_ in range(max(runs for runs, _ in contenders.values())):
        for name, (runs, function) in contenders.items():
            if round_ < runs:
                start = time.perf_counter()
                function()
                times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


def peers_1d() -> dict[str, Callable[[np.ndarray, np.ndarray], float]]:
    from sklearn.feature_selection import mutual_info_regression

    peers: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
        "sklearn mutual_info_regression": lambda x, y: mutual_info_regression(
            x, y[:, 0], n_neighbors=3, random_state=0
        )[0],
    }
    if importlib.util.find_spec("npeet_plus"):
        from npeet_plus import mi

        peers["NPEET (npeet-plus)"] = lambda x, y: mi(x, y, k=3, base=np.e)
    if importlib.util.find_spec("ennemi"):
        from ennemi import estimate_mi

        peers["ennemi"] = lambda x, y: estimate_mi(y[:, 0], x[:, 0], k=3, max_threads=1)[0, 0]
    if importlib.util.find_spec("infomeasure"):
        import infomeasure

        peers["infomeasure"] = lambda x, y: infomeasure.mutual_information(x, y, approach="ksg", k=3, base="e")
    return peers


#: Where kde's binned path is measured: 1-D and 2-D x and y, light and heavy tails, a mixture.
KDE_SCENARIOS = (
    "gaussian(rho=0.6)",
    "gaussian(rho=0.6, dim=2)",
    "student_t(dof=3, rho=0.5)",
    "student_t(dof=1, rho=0.5)",
    "gaussian_mixture",
)


SECTIONS = ["1d", "threads", "5d", "shared", "kde", "discrete"]


def sample(n: int, dim: int = 1) -> tuple[np.ndarray, np.ndarray]:
    return mibench.get_scenario("gaussian", rho=0.6, dim=dim).sample(n, 12345)


def ours(x: np.ndarray, y: np.ndarray) -> float:
    return mibench.get_estimator("ksg(k=3, workers=1)").estimate(x, y, standardize=False)


def peak_memory_mb(n: int) -> float:
    """Peak resident memory added by one ksg call at size n, in a fresh process (Linux).

    The process's high-water mark is reset (/proc/self/clear_refs) after the data are drawn, so
    the figure is the call's own peak above the memory held before it.
    """
    code = f"""
import numpy as np, mibench
x, y = mibench.get_scenario('gaussian', rho=0.6).sample({n}, 1)
estimator = mibench.get_estimator('ksg')
estimator.estimate(x[:100], y[:100])
def status(key):
    for line in open('/proc/self/status'):
        if line.startswith(key):
            return int(line.split()[1])
open('/proc/self/clear_refs', 'w').write('5')
before = status('VmRSS:')
estimator.estimate(x, y, standardize=False)
print((status('VmHWM:') - before) / 1024)
"""
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--highdim", action="store_true", help="also run 5-D x 5-D at n = 10^5")
    parser.add_argument("--max-peer-n", type=int, default=10**6, help="skip peers above this n")
    parser.add_argument("--output", help="write the tables as Markdown here")
    parser.add_argument("--json", help="write the raw figures as JSON here")
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=SECTIONS, help="which tables (default all)")
    parser.add_argument("--threads", nargs="+", type=int, default=[2], help="thread counts against 1 (default 2)")
    parser.add_argument("--pairs", type=int, default=5, help="alternating pairs per thread count (default 5)")
    args = parser.parse_args()
    lines: list[str] = []
    figures: dict[str, object] = {}

    def emit(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    with threadpool_limits(limits=1):
        peers = peers_1d()
        for workers in {1, *args.threads}:  # load the compiled kernels before any timing
            for dim in (1, 5):
                mibench.get_estimator(f"ksg(k=3, workers={workers})").estimate(*sample(2000, dim))
        spin(10)
        if "1d" in args.sections:
            emit(f"## kNN MI, 1-D x and 1-D y, k = 3 (seconds, best of {args.repeat})")
            emit()
            names = ["mibench ksg", *peers]
            emit("| n | " + " | ".join(names) + " | fastest peer / ksg |")
            emit("|---|" + "---|" * (len(names) + 1))
            ksg_times = {}
            for n in (10**4, 10**5, 10**6):
                x, y = sample(n)
                peer_runs = 1 if n >= 10**6 else args.repeat
                row = interleaved_best(
                    {
                        "mibench ksg": (args.repeat, partial(ours, x, y)),
                        **{
                            name: (peer_runs, partial(peer, x, y))
                            for name, peer in peers.items()
                            if n <= args.max_peer_n
                        },
                    }
                )
                ksg_times[n] = row["mibench ksg"]
                fastest = min((t for k, t in row.items() if k != "mibench ksg"), default=float("nan"))
                cells = [f"{row[k]:.3f}" if k in row else "–" for k in names]
                ratio = f"{fastest / row['mibench ksg']:.2f}×" if np.isfinite(fastest) else "–"
                emit(f"| {n:,} | " + " | ".join(cells) + f" | {ratio} |")
                figures[f"1d_{n}"] = row
            exponent = np.log(ksg_times[10**6] / ksg_times[10**4]) / np.log(100)
            memory = peak_memory_mb(10**6)
            emit()
            emit(
                f"ksg cost exponent between n = 10^4 and 10^6: {exponent:.2f}; "
                f"peak memory added at n = 10^6: {memory:.0f} MB"
            )
            figures["exponent"], figures["peak_mb_1e6"] = exponent, memory
            emit()
        if "threads" in args.sections:
            pairs = args.pairs
            emit(
                f"## ksg with threads (`workers`): speed-up over 1 thread, median (range) of {pairs} alternating pairs"
            )
            emit()
            emit(
                "The ceiling is a compiled loop with no memory traffic, split evenly over the same threads and "
                "timed in the same pairs: the most any code gets from this machine at that moment."
            )
            emit()
            emit("| case | 1 thread | threads | ksg speed-up | ceiling | ksg / ceiling |")
            emit("|---|---|---|---|---|---|")
            for n, dim in ((10**5, 1), (10**6, 1), (3 * 10**4, 5)):
                x, y = sample(n, dim)
                one = best_of(args.repeat, lambda x=x, y=y: ours(x, y))[0]
                iterations = int(one * SPIN_PER_SECOND)
                for threads in args.threads:
                    threaded = mibench.get_estimator(f"ksg(k=3, workers={threads})")
                    ksg_pair = (partial(ours, x, y), partial(threaded.estimate, x, y, standardize=False))
                    spin_pair = (partial(spin, iterations), partial(spin_threads, iterations, threads))
                    ratios, ceilings = [], []
                    for _ in range(pairs):
                        ratios.append(paired_ratio(*ksg_pair))
                        ceilings.append(paired_ratio(*spin_pair))
                    ratio, ceiling = np.median(ratios), np.median(ceilings)
                    emit(
                        f"| {dim}-D x and y, n = {n:,} | {one:.3f} s | {threads} | {ratio:.2f}× ({min(ratios):.2f}–"
                        f"{max(ratios):.2f}) | {ceiling:.2f}× ({min(ceilings):.2f}–{max(ceilings):.2f}) "
                        f"| {ratio / ceiling:.2f} |"
                    )
                    figures[f"threads_{dim}d_{n}_{threads}"] = {"one": one, "ratios": ratios, "ceilings": ceilings}
            emit()
        if "5d" in args.sections:
            sizes = (10**4, 3 * 10**4, 10**5) if args.highdim else (10**4, 3 * 10**4)
            emit(f"## kNN MI, 5-D x and 5-D y, k = 3 (seconds, best of {args.repeat}; peers one run above 10^4)")
            emit()
            # scikit-learn and ennemi estimate one MI per column of x: no joint 5-D × 5-D MI
            high = {k: v for k, v in peers.items() if k in ("NPEET (npeet-plus)", "infomeasure")}
            names = ["mibench ksg", *high]
            emit("| n | " + " | ".join(names) + " | NPEET / ksg |")
            emit("|---|" + "---|" * (len(names) + 1))
            for n in sizes:
                x, y = sample(n, dim=5)
                repeat = args.repeat if n <= 3 * 10**4 else 1
                peer_runs = 1 if n > 10**4 else repeat
                row = interleaved_best(
                    {
                        "mibench ksg": (repeat, partial(ours, x, y)),
                        **{
                            name: (peer_runs, partial(peer, x, y))
                            for name, peer in high.items()
                            if name != "infomeasure" or n <= 3 * 10**4  # infomeasure takes minutes at 10^5
                        },
                    }
                )
                npeet = row.get("NPEET (npeet-plus)", float("nan"))
                cells = [f"{row[k]:.3f}" if k in row else "–" for k in names]
                emit(f"| {n:,} | " + " | ".join(cells) + f" | {npeet / row['mibench ksg']:.2f}× |")
                figures[f"5d_{n}"] = row
            emit()
        if "shared" in args.sections:
            emit(
                f"## The kNN estimators that share ksg's searches, n = 10^5, 1-D x and y (seconds, best of {args.repeat})"
            )
            emit()
            x, y = sample(10**5)
            label = (x[:, 0] > 0).astype(int)
            emit("| estimator | seconds | / ksg | peer on the same data | peer / mibench |")
            emit("|---|---|---|---|---|")
            base = best_of(args.repeat, lambda: ours(x, y))[0]
            for name in ("ksg", "ksg2", "kl", "lnc", "mixed_ksg", "mesner_shalizi", "ross"):
                estimator = mibench.get_estimator(name)
                if name == "ross":  # continuous y against a discrete label: scikit-learn's mutual_info_classif
                    from sklearn.feature_selection import mutual_info_classif

                    seconds = best_of(
                        args.repeat,
                        lambda estimator=estimator: estimator.estimate(y, label, y_type="discrete", standardize=False),
                    )[0]
                    peer = best_of(args.repeat, lambda: mutual_info_classif(y, label, n_neighbors=3, random_state=0))[0]
                    emit(
                        f"| {name} | {seconds:.3f} | {seconds / base:.1f}× | scikit-learn mutual_info_classif {peer:.3f} "
                        f"| {peer / seconds:.1f}× |"
                    )
                else:
                    seconds = best_of(
                        args.repeat, lambda estimator=estimator: estimator.estimate(x, y, standardize=False)
                    )[0]
                    emit(f"| {name} | {seconds:.3f} | {seconds / base:.1f}× | | |")
                figures[f"shared_{name}"] = seconds
            emit()
        if "kde" in args.sections:
            emit(f"## kde at n = 10^4 against ksg on the same samples (seconds, best of {args.repeat})")
            emit()
            emit(
                "| scenario | ksg | kde (binned, default) | kde (exact) | binned / ksg | exact / ksg | |binned − exact| |"
            )
            emit("|---|---|---|---|---|---|---|")
            for spec in KDE_SCENARIOS:
                x, y = mibench.get_scenario(spec).sample(10**4, 12345)
                fast, ksg_value = best_of(args.repeat, lambda x=x, y=y: ours(x, y))
                binned, binned_value = best_of(args.repeat, lambda x=x, y=y: mibench.estimate(x, y, "kde"))
                exact, exact_value = best_of(1, lambda x=x, y=y: mibench.estimate(x, y, "kde", method="exact"))
                emit(
                    f"| {spec} | {fast:.3f} | {binned:.3f} | {exact:.2f} | {binned / fast:.1f}× | {exact / fast:.0f}× "
                    f"| {abs(binned_value - exact_value):.1e} |"
                )
                figures[f"kde_{spec}"] = {"ksg": fast, "binned": binned, "exact": exact}
            emit()
        if "discrete" in args.sections:
            emit(
                f"## Discrete estimators, n = 10^6 samples over 1,000 × 1,000 symbols (seconds, best of {args.repeat})"
            )
            emit()
            rng = np.random.default_rng(0)
            x = rng.integers(0, 1000, 10**6)
            y = (x + rng.integers(0, 50, 10**6)) % 1000
            emit("| estimator | seconds |")
            emit("|---|---|")
            for name in (
                "plugin",
                "miller_madow",
                "jackknife",
                "chao_shen",
                "grassberger",
                "james_stein",
                "nsb",
                "bayes",
            ):
                seconds = best_of(
                    args.repeat, lambda name=name: mibench.estimate(x, y, name, x_type="discrete", y_type="discrete")
                )[0]
                emit(f"| {name} | {seconds:.3f} |")
                figures[f"discrete_{name}"] = seconds
            emit()

    if args.output:
        with open(args.output, "w") as handle:
            handle.write("\n".join(lines) + "\n")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(figures, handle, indent=2)


if __name__ == "__main__":
    main()
