"""asv benchmarks: time and peak memory of every built-in estimator over n, and its accuracy on fixed seeds.

    asv machine --yes && asv run --python=same --quick     # the development loop
    asv continuous main HEAD                               # compare two commits
    asv publish && asv preview                             # history, in .asv/html

``track_`` benchmarks record bias and RMSE on fixed seeds, so accuracy has a history across
commits just like speed.
"""

from __future__ import annotations

import numpy as np

import mibench
from mibench.testing import REFERENCE_SCENARIOS

#: Every built-in estimator that needs no optional package.
ESTIMATORS = sorted(
    name
    for name in mibench.list_estimators()
    if not mibench.get_estimator(name).info.requires and not name.startswith(("bench_", "test_", "fault_"))
)


def _scenario(estimator: str) -> mibench.Scenario:
    info = mibench.get_estimator(estimator).info
    pair = next(p for p in info.types if p in REFERENCE_SCENARIOS)
    return mibench.get_scenario(REFERENCE_SCENARIOS[pair][0])


class Estimate:
    """Wall time and peak memory of one estimate on the estimator's reference scenario."""

    params = (ESTIMATORS, [1000, 10000])
    param_names = ["estimator", "n"]
    timeout = 300

    def setup(self, estimator: str, n: int) -> None:
        self.estimator = mibench.get_estimator(estimator)
        self.scenario = _scenario(estimator)
        self.x, self.y = self.scenario.sample(n, 2024)
        # as benchmark runs call it: on the sample as drawn
        self.options = {"x_type": self.scenario.x_type, "y_type": self.scenario.y_type, "standardize": False}

    def time_estimate(self, estimator: str, n: int) -> None:
        self.estimator.estimate(self.x, self.y, **self.options)

    def peakmem_estimate(self, estimator: str, n: int) -> None:
        self.estimator.estimate(self.x, self.y, **self.options)


class Accuracy:
    """Bias and RMSE over 10 fixed-seed repetitions at n = 1000 on the reference scenario (nats)."""

    params = ESTIMATORS
    param_names = ["estimator"]
    unit = "nats"
    timeout = 300

    def setup(self, estimator: str) -> None:
        scenario = _scenario(estimator)
        records = mibench.run([estimator], [scenario.spec], [1000], reps=10, seed=0)
        errors = records.loc[records["status"] == "ok", "error"].to_numpy()
        self.bias = float(errors.mean())
        self.rmse = float(np.sqrt(np.mean(errors**2)))

    def track_bias(self, estimator: str) -> float:
        return self.bias

    def track_rmse(self, estimator: str) -> float:
        return self.rmse


def _best_seconds(function, repeat: int = 3) -> float:  # noqa: ANN001
    import time

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


class SpeedRatios:
    """Ratios measured side by side in one process (issue 16's targets), tracked across commits."""

    unit = "ratio"
    timeout = 300

    def setup(self) -> None:
        self.x, self.y = mibench.get_scenario("gaussian(rho=0.6)").sample(10_000, 12345)
        self.ksg = mibench.get_estimator("ksg")

    def track_kde_binned_over_ksg_1e4(self) -> float:
        kde = mibench.get_estimator("kde")
        return _best_seconds(lambda: kde.estimate(self.x, self.y, standardize=False)) / _best_seconds(
            lambda: self.ksg.estimate(self.x, self.y, standardize=False)
        )

    def track_sklearn_over_ksg_1e4(self) -> float:
        from sklearn.feature_selection import mutual_info_regression

        peer = _best_seconds(lambda: mutual_info_regression(self.x, self.y[:, 0], n_neighbors=3, random_state=0))
        return peer / _best_seconds(lambda: self.ksg.estimate(self.x, self.y, standardize=False))

    def track_npeet_over_ksg_5d_1e4(self) -> float:
        try:
            from npeet_plus import mi
        except ImportError:
            raise NotImplementedError("NPEET is not installed (pip install 'mibench[peers]')") from None
        x, y = mibench.get_scenario("gaussian(rho=0.6, dim=5)").sample(10_000, 12345)
        return _best_seconds(lambda: mi(x, y, k=3)) / _best_seconds(lambda: self.ksg.estimate(x, y, standardize=False))

    def track_two_threads_speedup_1e5(self) -> float:
        x, y = mibench.get_scenario("gaussian(rho=0.6)").sample(100_000, 12345)
        threaded = mibench.get_estimator("ksg", workers=2)
        return _best_seconds(lambda: self.ksg.estimate(x, y, standardize=False)) / _best_seconds(
            lambda: threaded.estimate(x, y, standardize=False)
        )

    def track_two_threads_ceiling(self) -> float:
        """What 2 threads give on this machine at the time (a compiled loop, ``ceiling.py``): the
        most the speed-up above could be."""
        from .ceiling import SPIN_PER_SECOND, spin, spin_threads

        iterations = SPIN_PER_SECOND // 10
        spin(1)
        return _best_seconds(lambda: spin(iterations)) / _best_seconds(lambda: spin_threads(iterations, 2))


class Harness:
    """The harness's own costs (issue 16's targets), as ``harness_throughput.py`` measures them, on smaller runs."""

    unit = "ratio"
    timeout = 600
    work = {"estimators": ["ksg"], "scenarios": ["gaussian(rho=0.5, dim=2)"], "sample_sizes": [20000], "reps": 40}

    def setup_cache(self) -> dict[str, list[float]]:
        from .harness_throughput import estimator_bound_rounds

        return estimator_bound_rounds(self.work)

    def track_serial_overhead(self, _: dict[str, list[float]]) -> float:
        from .harness_throughput import TRIVIAL, serial_overhead

        return serial_overhead({**TRIVIAL, "reps": 1000})[0][0]

    track_serial_overhead.unit = "ms per task"

    def track_two_processes_speedup(self, rounds: dict[str, list[float]]) -> float:
        return float(np.median([one / many for one, many in zip(rounds["one"], rounds["many"])]))

    def track_two_processes_ceiling(self, rounds: dict[str, list[float]]) -> float:
        return float(np.median(rounds["ceiling"]))

    def track_dask_over_processes(self, rounds: dict[str, list[float]]) -> float:
        return float(np.median([dask / many for dask, many in zip(rounds["dask"], rounds["many"])]))

    def track_dask_over_processes_small_tasks(self, _: dict[str, list[float]]) -> float:
        from .harness_throughput import dask_over_processes

        return float(np.median(dask_over_processes()[0]))


class LocalPermutation:
    """One of Runge's local permutations given a continuous 2-D z: a conditional MI's or a transfer
    entropy's permutation p-value draws one per permutation (compiled; the loop it replaced took
    6.1 ms at n = 2,000 and 45 ms at 10,000 on a 2-core AMD EPYC VM, 2026-11-28)."""

    params = [2000, 10000]
    param_names = ["n"]

    def setup(self, n: int) -> None:
        from mibench.userdata import null_permutations

        self.permute = null_permutations(np.random.default_rng(0).normal(size=(n, 2)), "continuous")
        self.permute(np.random.default_rng(0))  # compiled before the timing

    def time_local_permutation(self, n: int) -> None:
        self.permute(np.random.default_rng(1))


class EstimateTable:
    """``mibench.estimate_table`` on a table of 1,000 rows as a loop over pairs of columns calls it: the
    estimate with its standard error, after the reference ranking behind the expected bias has been
    asked once (it is kept per question; ranking anew took 0.2-0.9 s, 2026-11-28); and a 6-delay
    transfer-entropy scan with 19 permutations, whose delays share that question."""

    timeout = 300

    def setup(self) -> None:
        import pandas as pd

        from mibench.userdata import estimate_table

        noise = np.random.default_rng(0).normal(size=(1001, 2))
        series = np.zeros_like(noise)
        for t in range(1, len(series)):  # y follows x three steps later
            series[t, 0] = 0.5 * series[t - 1, 0] + noise[t, 0]
            series[t, 1] = 0.5 * series[t - 1, 1] + 0.3 * series[t - 3, 0] * (t >= 3) + noise[t, 1]
        self.table = pd.DataFrame(series, columns=["source", "target"])
        estimate_table(self.table, ["source"], ["target"], "ksg", permutations=0)  # ranked and compiled
        self.time_delay_scan()

    def time_estimate_again(self) -> None:
        from mibench.userdata import estimate_table

        estimate_table(self.table, ["source"], ["target"], "ksg", permutations=0)

    def time_delay_scan(self) -> None:
        from mibench.userdata import scan_delays

        scan_delays(self.table, ["source"], ["target"], range(1, 7), "gaussian", permutations=19, subsamples=0)
