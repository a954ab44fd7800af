"""Executors: run tasks and yield their records as they finish.

Every executor yields one record per task, whatever happens to the task:
``serial`` runs them in this process (for debugging; no timeouts), ``processes``
runs them in worker processes that are killed and replaced on a timeout or a
crash, and ``dask`` submits them to a Dask cluster. The unit of work is a call
(:func:`mibench.harness.batches`): one task, or several for a batched estimator.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
import uuid
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from .estimator import ESTIMATORS
from .harness import Task, batches, run_tasks
from .records import make_record
from .scenario import SCENARIOS
from .spec import parse_spec

__all__ = ["EXECUTORS", "Executor", "SerialExecutor", "ProcessExecutor", "DaskExecutor", "make_executor"]


class Executor(Protocol):
    def map(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]: ...


#: Read by BLAS and OpenMP libraries (PyTorch's among them) when they load: a worker process sets them
#: so that a library an estimator first imports mid-run starts with the worker's limit.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


class ThreadLimits:
    """BLAS/OpenMP thread pools held at ``threads`` threads each, so that timings are fair.

    ``renew`` extends the hold to pools of libraries loaded since (it costs nothing when no module
    was imported) and ``release`` gives every pool its own limit back. ``threads=None`` holds nothing.
    """

    def __init__(self, threads: int | None) -> None:
        self.threads = threads
        self._limiters: list[Any] = []
        self._modules = -1
        self.renew()

    def renew(self) -> None:
        if self.threads is None or len(sys.modules) == self._modules:
            return
        from threadpoolctl import threadpool_limits  # finding the libraries takes 10-30 ms

        self._limiters.append(threadpool_limits(limits=self.threads))
        self._modules = len(sys.modules)

    def release(self) -> None:
        for limiter in reversed(self._limiters):
            limiter.restore_original_limits()
        self._limiters.clear()


def _limit_worker_threads(threads: int | None) -> ThreadLimits:
    """Thread limits for the rest of a worker process's life, libraries it has yet to load included."""
    if threads is not None:
        os.environ.update(dict.fromkeys(THREAD_VARIABLES, str(threads)))
    return ThreadLimits(threads)


def _load_plugins(plugin_files: Iterable[str]) -> None:
    from .registry import load_plugin

    for path in plugin_files:
        load_plugin(path)


class SerialExecutor:
    """Run tasks one after another in this process."""

    def __init__(self, threads: int | None = 1, **_: Any) -> None:
        self.threads = threads

    def map(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        limits = ThreadLimits(self.threads)
        try:
            for call in batches(tasks):
                yield from run_tasks(call)
                limits.renew()
        finally:
            limits.release()


#: A worker's first message: it has started and loaded its plugins, so a later death is its call's doing.
_STARTED = "started"

#: Why fresh workers (spawned, or Dask's) die on start when a script started the run.
_MAIN_GUARD_HINT = (
    "if a script started the run: each fresh worker imports that script, so it must call mibench.run "
    'under `if __name__ == "__main__":`'
)


def _worker_main(connection: Connection, plugin_files: list[str], threads: int | None) -> None:
    import faulthandler

    faulthandler.disable()  # a crash is recorded as data; an inherited handler would only add a dump to stderr
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    _load_plugins(plugin_files)
    limits = _limit_worker_threads(threads)
    connection.send(_STARTED)
    while True:
        try:
            call = connection.recv()
        except EOFError:
            return
        if call is None:
            return
        connection.send(run_tasks(call))
        limits.renew()


def start_method(calls: list[list[Task]]) -> str:
    """How the ``processes`` executor starts its workers for these calls: fork on Linux, else spawn.

    Forked workers inherit the registry, so estimators defined in a notebook, a REPL or an
    unguarded script work, and nothing re-imports ``__main__``. But once a process has run a
    backward pass where PyTorch sees a GPU, autograd refuses to run in a child it forks ("Unable to
    handle autograd's threading in combination with fork-based multiprocessing"; every critic failed
    so on an H200, 2026-11-27). Whether a backward pass has run cannot be asked, so the workers are
    spawned wherever PyTorch is imported, sees a GPU and some estimator requires it. PyTorch counts
    GPUs through NVML here, which leaves later forks free to use CUDA. A spawned worker cannot see
    what an interactive session registered: that is refused here with a clear error.
    """
    if not sys.platform.startswith("linux"):
        return "spawn"
    torch = sys.modules.get("torch")
    if torch is None or torch.cuda.device_count() == 0:
        return "fork"
    used = {
        (registry, *parse_spec(spec)[:2])
        for call in calls
        for task in call
        for registry, spec in ((ESTIMATORS, task.run_spec), (SCENARIOS, task.scenario))
    }
    entries = [registry.entry(name, version) for registry, name, version in used]
    if not any("torch" in entry.metadata["info"].requires for entry in entries if entry.kind == "estimator"):
        return "fork"
    interactive = [
        e.name for e in entries if e.source == "__main__" and not hasattr(sys.modules["__main__"], "__file__")
    ]
    if interactive:
        raise RuntimeError(
            "the processes executor starts fresh workers for this run (PyTorch sees a GPU, and a forked worker "
            "could not train a neural critic), and they cannot see what this interactive session registered: "
            f"{', '.join(repr(name) for name in sorted(interactive))}. Define it in a file loaded with "
            "mibench.load_plugin(path), run it apart from the neural estimators, or use executor='serial'"
        )
    return "spawn"


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    call: list[Task] | None = None
    started: float = 0.0
    up: bool = False


class ProcessExecutor:
    """A pool of worker processes that survives tasks that hang or crash.

    A task running longer than ``timeout`` seconds has its worker killed and
    gets status ``timeout``; a worker that dies gets status ``crashed``. Either
    way a fresh worker takes its place and the run goes on. A batched call of k
    tasks has k × ``timeout`` seconds, and all its tasks share its fate.
    """

    def __init__(
        self,
        jobs: int | None = None,
        timeout: float | None = None,
        plugin_files: Iterable[str] = (),
        threads: int | None = 1,
        **_: Any,
    ) -> None:
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.timeout = timeout
        self.plugin_files = list(plugin_files)
        self.threads = threads

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child, self.plugin_files, self.threads), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _retire(self, worker: _Worker, kill: bool) -> None:
        if kill and worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.connection.close()

    def map(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        pending = deque(batches(tasks))
        self._context = multiprocessing.get_context(start_method(list(pending)))
        workers = [self._spawn() for _ in range(min(self.jobs, max(1, len(pending))))]
        try:
            while pending or any(w.call is not None for w in workers):
                for worker in workers:
                    if worker.call is None and pending:
                        worker.call = pending.popleft()
                        worker.started = time.monotonic()
                        worker.connection.send(worker.call)
                busy = [w for w in workers if w.call is not None]
                wait_for = None
                if self.timeout is not None:
                    wait_for = max(0.0, min(self._deadline(w) for w in busy) - time.monotonic())
                ready = set(wait([w.connection for w in busy] + [w.process.sentinel for w in busy], wait_for))
                for index, worker in enumerate(workers):
                    if worker.call is None:
                        continue
                    records = None
                    if worker.connection in ready:
                        try:
                            records = worker.connection.recv()
                        except (EOFError, OSError):
                            records = None
                        if records == _STARTED:
                            worker.up = True
                            worker.started = time.monotonic()  # a call's time counts from its worker's start
                            continue
                        if records is not None:
                            worker.call = None
                            yield from records
                            continue
                    if worker.process.sentinel in ready or worker.connection in ready:
                        worker.process.join(timeout=2)  # the pipe can close a moment before the exit status is known
                        code = worker.process.exitcode
                        self._retire(worker, kill=True)
                        if not worker.up:
                            raise RuntimeError(self._start_failure(code))
                        message = _death_message(code)
                        status = "crashed"
                    elif self.timeout is not None and time.monotonic() > self._deadline(worker):
                        self._retire(worker, kill=True)
                        message = f"killed after {self.timeout * len(worker.call):g} s"
                        status = "timeout"
                    else:
                        continue
                    for task in worker.call:
                        yield make_record(task, status, message=message, worker=f"pid {worker.process.pid}")
                    workers[index] = self._spawn()
        finally:
            for worker in workers:
                if worker.process.is_alive():
                    try:
                        worker.connection.send(None)
                    except OSError:
                        pass
            for worker in workers:
                worker.process.join(timeout=2)
                self._retire(worker, kill=True)

    def _start_failure(self, exit_code: int | None) -> str:
        message = f"a worker process did not start ({_death_message(exit_code)}; its error is printed above)"
        if self._context.get_start_method() != "fork" and hasattr(sys.modules["__main__"], "__file__"):
            message += "; " + _MAIN_GUARD_HINT
        return message

    def _deadline(self, worker: _Worker) -> float:
        assert self.timeout is not None and worker.call is not None
        return worker.started + self.timeout * len(worker.call)


def _death_message(exit_code: int | None) -> str:
    if exit_code is None:
        return "the worker process stopped answering"
    if exit_code < 0:
        import signal

        try:
            name = signal.Signals(-exit_code).name
        except ValueError:
            name = str(-exit_code)
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"the worker process died from signal {name}{hint}"
    return f"the worker process exited with code {exit_code}"


class DaskExecutor:
    """Submit tasks to a Dask cluster: a running scheduler, or a LocalCluster started here.

    Tasks travel in chunks of up to ``MAX_CHUNK`` (one Dask task each); a chunk whose worker dies
    is resubmitted call by call, and a call is recorded as crashed once it has failed twice alone,
    so a crash is recorded for the task that caused it, not for a bystander on the same worker.

    Dask cannot kill a running task, so ``timeout`` is not enforced here; use
    the ``processes`` executor for estimators that may hang.
    """

    def __init__(
        self,
        jobs: int | None = None,
        scheduler: str | None = None,
        plugin_files: Iterable[str] = (),
        threads: int | None = 1,
        **_: Any,
    ) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise ImportError("the dask executor needs Dask: pip install 'mibench[dask]'") from None
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.scheduler = scheduler
        self.plugin_files = list(plugin_files)
        self.threads = threads

    def map(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        from distributed import Client, LocalCluster, as_completed

        calls = batches(tasks)
        workers = self.jobs
        with ExitStack() as stack:
            if self.scheduler:
                client = stack.enter_context(Client(self.scheduler))
            else:
                import dask

                workers = min(self.jobs, max(1, len(calls)))  # a local worker with nothing to run costs its start

                # A worker death surfaces at once (mibench isolates and records it) instead of after retries,
                # and a worker holds only the task it runs, so that its death takes no queued bystander.
                # On Linux workers come from a fork server that has imported mibench's modules and loaded its
                # registries once, instead of each doing so in a fresh interpreter (most of the start-up). Not a plain fork:
                # Dask forks from a thread while its event loop runs, and a child could inherit a held lock.
                # The workers' statistical profiler is off: it wakes every 10 ms, and with no dashboard nobody reads it.
                # Dask's own variables for the workers are left out: its one-thread settings would override
                # `threads`, and MALLOC_TRIM_THRESHOLD_ made kNN estimates 8-17 % slower (memory handed back
                # to the system and faulted in again); the nannies would also leave them in this process.
                forkserver = sys.platform.startswith("linux")
                settings = {
                    "distributed.scheduler.allowed-failures": 0,
                    "distributed.scheduler.worker-saturation": 1.0,
                    "distributed.worker.multiprocessing-method": "forkserver" if forkserver else "spawn",
                    "distributed.worker.profile.enabled": False,
                    "distributed.nanny.pre-spawn-environ": {},
                }
                stack.enter_context(dask.config.set(settings))
                stack.enter_context(_environment_kept())
                if forkserver:
                    from distributed.utils import get_mp_context

                    loaded = sorted(name for name in sys.modules if name.partition(".")[0] == "mibench")
                    get_mp_context().set_forkserver_preload(["distributed", *loaded, "mibench._preload"])
                try:
                    cluster = LocalCluster(
                        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                    )
                except Exception as exc:
                    raise RuntimeError(_cluster_start_failure(exc)) from exc
                stack.callback(_close_started_cluster, cluster)
                client = stack.enter_context(Client(cluster))
            size = max(1, min(MAX_CHUNK, len(calls) // (workers * CHUNKS_PER_WORKER)))
            pending = {
                self._submit(client, calls[start : start + size]): calls[start : start + size]
                for start in range(0, len(calls), size)
            }
            queue = as_completed(list(pending))
            failures_alone: dict[str, int] = {}
            for future in queue:
                chunk = pending.pop(future)
                try:
                    records = future.result()
                except Exception as exc:  # the worker died or the chunk could not run
                    if len(chunk) == 1:
                        # a call running alone can still fall with a worker that another call killed:
                        # it is recorded as crashed only when it has failed alone ATTEMPTS_ALONE times
                        key = chunk[0][0].task_id
                        failures_alone[key] = failures_alone.get(key, 0) + 1
                        if failures_alone[key] >= ATTEMPTS_ALONE:
                            for task in chunk[0]:
                                yield make_record(task, "crashed", message=f"{type(exc).__name__}: {exc}")
                            continue
                    for call in chunk:  # run each call alone, so that a crash costs only its own tasks
                        retry = self._submit(client, [call])
                        pending[retry] = [call]
                        queue.add(retry)
                    continue
                yield from records
            if not self.scheduler:
                _await_restarts(client, workers)

    def _submit(self, client: Any, chunk: list[list[Task]]) -> Any:
        key = f"mibench-{chunk[0][0].task_id}-{len(chunk)}-{uuid.uuid4().hex[:8]}"
        return client.submit(
            _dask_run,
            chunk,
            plugin_files=self.plugin_files,
            threads=self.threads,
            own_worker=not self.scheduler,
            key=key,
            pure=False,
        )


@contextmanager
def _environment_kept() -> Iterator[None]:
    """This process's environment variables as they were: a Dask nanny sets some in the process that starts it."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        for name in set(os.environ) - set(saved):
            del os.environ[name]
        os.environ.update(saved)


def _await_restarts(client: Any, workers: int) -> None:
    """Wait (a few seconds at most) for the workers that a crash killed to be back, before the cluster closes.

    Dask's close fails ("can only join a started process") on a nanny that is still starting its worker
    again, and a run that ends with a crash ends in that state. An interrupted run does not wait.
    """
    try:
        client.wait_for_workers(workers, timeout=RESTART_WAIT)
    except Exception:  # a worker that does not come back is shut down anyway
        pass


def _close_started_cluster(cluster: Any) -> None:
    """Close a cluster this executor started. A failure of Dask's own shutdown is a warning: it must
    neither discard a run whose results are all in nor hide the error or interrupt that ended one."""
    try:
        cluster.close()
    except Exception as exc:
        warnings.warn(
            f"the Dask executor's local cluster did not close cleanly ({type(exc).__name__}: {exc})", stacklevel=2
        )


def _cluster_start_failure(exc: Exception) -> str:
    message = f"the Dask executor's local workers did not start ({type(exc).__name__}: {exc})"
    if hasattr(sys.modules["__main__"], "__file__"):
        message += "; " + _MAIN_GUARD_HINT
    return message


#: Calls per Dask task: at most MAX_CHUNK, and at least CHUNKS_PER_WORKER chunks per worker, so that
#: small tasks share the scheduler's overhead and large runs still balance across workers.
MAX_CHUNK = 16
CHUNKS_PER_WORKER = 8
#: Failures, each while running alone, after which a call is recorded as crashed.
ATTEMPTS_ALONE = 2
#: Seconds to wait for crashed workers to restart before the cluster that this executor started closes.
RESTART_WAIT = 10


#: In a worker of a cluster that this executor started: its thread limits, held until it ends with the run.
_worker_limits: ThreadLimits | None = None


def _dask_run(
    chunk: list[list[Task]], plugin_files: list[str], threads: int | None, own_worker: bool
) -> list[dict[str, Any]]:
    global _worker_limits
    _load_plugins(plugin_files)
    if own_worker:
        if _worker_limits is None:
            _worker_limits = _limit_worker_threads(threads)
        limits = _worker_limits
    else:  # a worker of someone else's cluster gets its own limits back after every chunk
        limits = ThreadLimits(threads)
    try:
        records = []
        for call in chunk:
            records += run_tasks(call)
            limits.renew()
        return records
    finally:
        if not own_worker:
            limits.release()


EXECUTORS = {"serial": SerialExecutor, "processes": ProcessExecutor, "dask": DaskExecutor}


def make_executor(name: str, **options: Any) -> Executor:
    if name not in EXECUTORS:
        raise ValueError(f"unknown executor {name!r}; choose one of {', '.join(EXECUTORS)}")
    return EXECUTORS[name](**options)
