"""``mibench.run``: plan an experiment, execute it, store and summarise its records."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .checks import positive_int
from .estimator import Estimator
from .executors import make_executor
from .harness import Experiment, plan
from .provenance import now, provenance
from .records import records_frame
from .registry import loaded_plugin_files
from .scenario import Scenario
from .stats import summarize
from .store import open_run

__all__ = ["run", "RunResult", "NothingToRunError"]


class NothingToRunError(ValueError):
    """An experiment in which no estimator fits any scenario (types or dimensions)."""


class RunResult(pd.DataFrame):
    """Records of a run (a DataFrame) with ``skipped`` pairs and the run ``folder``."""

    _metadata = ["skipped", "folder"]

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame


def run(
    estimators: Iterable[str | Estimator],
    scenarios: Iterable[str | Scenario],
    sample_sizes: Iterable[int],
    reps: int = 10,
    seed: int = 0,
    jobs: int | None = 1,
    out: str | Path | None = None,
    *,
    executor: str | None = None,
    scheduler: str | None = None,
    timeout: float | None = None,
    warmup: bool = False,
    standardize: bool = False,
    threads: int | None = 1,
    force: bool = False,
    progress: bool = False,
) -> RunResult:
    """Run every compatible estimator × scenario × sample size × repetition.

    Each sample is drawn from a seed derived from (``seed``, canonical scenario
    spec, n, rep), so all estimators in a cell see the same sample and records
    are identical whichever executor runs them. With ``out``, records are
    committed to ``out/mibench.sqlite`` as they finish, a rerun resumes, and
    ``records.csv`` and ``summary.csv`` are written at the end.

    Parameters
    ----------
    executor
        ``"serial"``, ``"processes"`` or ``"dask"``. Default: serial when
        ``jobs == 1`` and no timeout, processes otherwise; dask if ``scheduler``.
    timeout
        Seconds after which a task's worker is killed (status ``timeout``).
    standardize
        Divide each continuous or mixed column of every sample by its spread before the estimate,
        as :func:`mibench.estimate` does (records say so in ``standardized``); by default each
        estimator sees the sample as drawn.
    threads
        BLAS/OpenMP threads per worker (``None``: leave as is).
    force
        Replace ``out`` if it holds records of a different experiment (they are discarded); resume
        it even if its records were made by other code versions (records say which).

    Returns
    -------
    RunResult
        The records, one row per estimate, with ``.skipped`` (incompatible pairs).
    """
    for name, value in (("jobs", jobs), ("threads", threads)):
        if value is not None:
            positive_int(value, name)
    experiment = Experiment.resolve(estimators, scenarios, sample_sizes, reps, seed, timeout, warmup, standardize)
    tasks, skipped = plan(experiment)
    if not tasks:
        shown = "; ".join(skipped[:3]) + ("; ..." if len(skipped) > 3 else "")
        raise NothingToRunError(f"nothing to run: no estimator fits any scenario of the experiment ({shown})")
    if executor is None:
        executor = "dask" if scheduler else ("serial" if jobs == 1 and timeout is None else "processes")
    store = None
    if out is not None:
        metadata = {"experiment": experiment.as_dict(), "provenance": provenance()}
        store = open_run(out, experiment.fingerprint, experiment.code_versions, metadata, force)
    rows: list[dict[str, Any]] = []
    try:
        if store is not None:
            done = store.finished_task_ids()
            todo = [task for task in tasks if task.task_id not in done]
            store.set_meta("started", store.get_meta("started") or now())
        else:
            todo = tasks
        runner = make_executor(
            executor,
            jobs=jobs,
            timeout=timeout,
            scheduler=scheduler,
            plugin_files=loaded_plugin_files(),
            threads=threads,
        )
        bar = _progress_bar(len(tasks), len(tasks) - len(todo), progress)
        journal = _RunLog(Path(out) / "run.log" if out is not None else None)
        journal.write(
            f"start: {len(tasks)} tasks, {len(tasks) - len(todo)} already done, executor {executor}, "
            f"jobs {jobs}, timeout {timeout}"
        )
        for line in skipped:
            journal.write(f"skipped {line}")
        failed = 0
        for record in runner.map(todo):
            if store is not None:
                store.add(record)
            else:
                rows.append(record)
            failed += record["status"] != "ok"
            if record["status"] != "ok":
                journal.write(
                    f"{record['status']}: {record['estimator']} × {record['scenario']} n={record['n']} "
                    f"rep={record['rep']}: {record['message']}"
                )
            if bar is not None:
                bar.update(1)
                bar.set_postfix(ok=bar.n - failed, failed=failed, refresh=False)
        if bar is not None:
            bar.close()
        journal.write(f"end: {len(todo) - failed} ok, {failed} failed")
        if store is not None:
            store.set_meta("finished", now())
            records = store.records()
            _write_outputs(Path(out), records)
        else:
            records = records_frame(rows)
    finally:
        if store is not None:
            store.close()
    result = RunResult(records)
    result.skipped = skipped
    result.folder = Path(out) if out is not None else None
    return result


class _RunLog:
    """Timestamped lines appended to the run folder's run.log (nothing without a folder)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def write(self, line: str) -> None:
        if self.path is not None:
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(f"{now()} {line}\n")


def _write_outputs(folder: Path, records: pd.DataFrame) -> None:
    records.to_csv(folder / "records.csv", index=False)
    summarize(records).to_csv(folder / "summary.csv", index=False)


def _progress_bar(total: int, initial: int, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, unit="task", file=sys.stderr, dynamic_ncols=True, smoothing=0.05)
