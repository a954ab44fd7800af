"""Neural estimators: each bound against a direct numpy computation, MINE's corrected gradient,
batching that cannot change an estimate, and mibench without PyTorch."""

import math
import subprocess
import sys

import numpy as np
import pytest
from scipy.special import softplus

import mibench
from mibench.estimator import ESTIMATORS, get_estimator
from mibench.executors import start_method
from mibench.harness import Experiment, plan
from mibench.seeding import derived_generator

torch = pytest.importorskip("torch")
training = pytest.importorskip("mibench.estimators._neural_training")

SCORES = np.array(
    [
        [2.0, -1.0, 0.5, 7.0],
        [0.3, 1.5, -2.0, 0.0],
        [-6.5, 0.2, 3.0, 1.0],
        [1.1, -0.4, 0.9, 0.8],
    ]
)
CLIP = 1.0


def numpy_bounds(scores: np.ndarray, clip: float) -> dict[str, float]:
    """Each bound written out from its paper's formula, over an m × m score matrix."""
    m = len(scores)
    diagonal = np.diag(scores)
    off = scores[~np.eye(m, dtype=bool)]
    return {
        "infonce": float(np.mean([diagonal[i] - np.log(np.mean(np.exp(scores[i]))) for i in range(m)])),
        "dv": float(diagonal.mean() - np.log(np.mean(np.exp(off)))),
        "mine": float(diagonal.mean() - np.log(np.mean(np.exp(off)))),
        "nwj": float(diagonal.mean() - np.mean(np.exp(off - 1.0))),
        "smile": float(diagonal.mean() - np.log(np.mean(np.exp(np.clip(off, -clip, clip))))),
    }


@pytest.mark.parametrize("bound", training.BOUNDS)
def test_each_bound_equals_a_direct_numpy_computation(bound):
    scores = torch.tensor(np.stack([SCORES, SCORES.T * 0.5]))
    value = training.bound_value(bound, training.bound_terms(scores, CLIP))
    expected = [numpy_bounds(SCORES, CLIP)[bound], numpy_bounds(SCORES.T * 0.5, CLIP)[bound]]
    np.testing.assert_allclose(value.numpy(), expected, rtol=1e-12)


def test_the_held_out_bound_in_row_blocks_equals_the_whole_matrix():
    rng = np.random.default_rng(1)
    scores = torch.tensor(rng.normal(size=(3, 11, 11)) * 3)
    whole = training.bound_terms(scores, CLIP)
    terms = None
    for start in range(0, 11, 4):
        block = training.bound_terms(scores[:, start : start + 4], CLIP, first_row=start, size=11)
        terms = block if terms is None else terms.combine(block)
    for bound in training.BOUNDS:
        np.testing.assert_allclose(
            training.bound_value(bound, terms).numpy(), training.bound_value(bound, whole).numpy(), rtol=1e-12
        )


def test_the_infonce_ceiling_is_ln_m():
    # perfectly separated pairs: each row's positive dominates, the bound reaches ln m
    scores = torch.tensor(np.eye(8) * 100.0)[None]
    value = training.bound_value("infonce", training.bound_terms(scores, CLIP))
    assert value.item() == pytest.approx(math.log(8), abs=1e-12)


def test_smile_trains_on_the_jensen_shannon_bound():
    m = len(SCORES)
    off = SCORES[~np.eye(m, dtype=bool)]
    expected = -softplus(-np.diag(SCORES)).mean() - softplus(off).mean()
    value = training.jensen_shannon_objective(torch.tensor(SCORES)[None])
    assert value.item() == pytest.approx(expected, rel=1e-12)


def test_mine_gradient_is_divided_by_the_moving_average():
    m, smoothing, previous = len(SCORES), 0.9, math.log(2.5)
    settings = training.Settings("mine", "joint", (4,), 4, 0.1, m, 1, 0.5, 1, False, "final", True, 5.0, smoothing)
    scores = torch.tensor(SCORES[None], requires_grad=True)
    objective, log_average = training._objective(settings, scores, torch.tensor([previous], dtype=torch.float64))
    objective.sum().backward()
    off = ~np.eye(m, dtype=bool)
    batch_mean = np.exp(SCORES[off]).mean()
    average = smoothing * 2.5 + (1 - smoothing) * batch_mean
    expected = np.where(off, -np.exp(SCORES) / (m * (m - 1)) / average, 1.0 / m)
    np.testing.assert_allclose(scores.grad[0].numpy(), expected, rtol=1e-12)
    assert log_average.item() == pytest.approx(math.log(average), rel=1e-12)


def samples(count: int, n: int = 400) -> tuple[list[np.ndarray], list[np.ndarray]]:
    xs, ys = [], []
    for seed in range(count):
        x, y = mibench.get_scenario("gaussian(rho=0.6, dim=2)").sample(n, seed)
        xs.append(x)
        ys.append(y)
    return xs, ys


QUICK = "steps=120, batch_size=32, eval_every=40"
#: Bit-for-bit claims hold on the CPU; on a GPU (float32 kernels that depend on the batch's shape)
#: estimates alone and in a batch differed by about 1e-6 relative (H200, 2026-11-26).
ON_CPU = "device='cpu'"


@pytest.mark.parametrize(
    "spec",
    [
        f"infonce({QUICK}, {ON_CPU})",
        f"mine({QUICK}, critic='separable', {ON_CPU})",
        f"smile({QUICK}, {ON_CPU})",
        f"nwj({QUICK}, {ON_CPU})",
    ],
)
def test_an_estimate_is_the_same_bit_for_bit_alone_or_in_any_batch(spec):
    xs, ys = samples(4)
    estimator = get_estimator(spec)

    def run(indices: list[int]) -> list[float]:
        rngs = [derived_generator(i, 1) for i in indices]
        return estimator.estimate_batch(
            [xs[i] for i in indices], [ys[i] for i in indices], x_type="continuous", y_type="continuous", rngs=rngs
        )

    together = run([0, 1, 2, 3])
    assert together == [run([i])[0] for i in range(4)] == run([0, 1, 2, 3])
    assert run([2, 3]) == together[2:]
    assert len(set(together)) == 4


def test_compute_settings_stay_out_of_the_identity():
    on_cpu = get_estimator("dv(device='cpu', max_batch=2, steps=5)")
    assert "device" not in on_cpu.spec and "max_batch" not in on_cpu.spec
    assert on_cpu.spec == get_estimator("dv(steps=5)").spec and on_cpu.batch_limit == 2
    assert on_cpu.compute_label == "device='cpu', max_batch=2"


@pytest.mark.parametrize(
    "spec, message",
    [
        ("infonce(critic='bilinear')", "critic must be 'joint' or 'separable'"),
        ("nwj(select='best')", "select must be 'final' or 'max'"),
        ("dv(hidden=(16, 0))", "hidden must be a tuple of positive layer widths"),
        ("smile(clip=-1.0)", "clip must be a number"),
        ("mine(smoothing=1.0)", "smoothing must be a number"),
        ("infonce(batch_size=1)", "batch_size must be at least 2"),
        # torch's "value cannot be converted to type float without overflow", from inside Adam
        ("infonce(learning_rate=1e300)", r"learning_rate must be a number in \(0, 3.40282e\+38\)"),
        ("smile(clip=1e300)", r"clip must be a number in \(0, 3.40282e\+38\)"),
        # torch's "Expected one of cpu, cuda, ipu, ... device type at start of device string: tpu", at the first task
        ("infonce(device='tpu')", "device must be 'auto' or a PyTorch device name"),
    ],
)
def test_bad_settings_are_refused_before_anything_runs(spec, message):
    with pytest.raises(ValueError, match=message):
        get_estimator(spec)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_a_gpu_that_this_pytorch_cannot_use_is_named():
    x, y = samples(1, n=600)
    with pytest.raises(RuntimeError, match="device='cuda' cannot be used here .*device='auto' trains on a GPU"):
        mibench.estimate(x[0], y[0], f"infonce({QUICK}, device='cuda')")  # "Torch not compiled with CUDA enabled"


def test_too_few_samples_for_the_batch_size_are_refused():
    x, y = samples(1, n=100)
    with pytest.raises(
        ValueError,
        match=r"got 100, infonce\(batch_size=256, .*\) needs at least 512 \(batch_size=256 .*a smaller batch_size lowers it\)",
    ):
        mibench.estimate(x[0], y[0], "infonce")
    assert math.isfinite(mibench.estimate(x[0], y[0], f"infonce({QUICK})"))  # batch_size=32: 64 ≤ 100


def test_select_max_is_never_below_the_final_value():
    xs, ys = samples(3)
    values = {}
    for select in ("final", "max"):
        estimator = get_estimator(f"dv({QUICK}, select={select!r}, early_stopping=False)")
        rngs = [derived_generator(i, 1) for i in range(3)]
        values[select] = estimator.estimate_batch(xs, ys, x_type="continuous", y_type="continuous", rngs=rngs)
    assert all(best >= final for best, final in zip(values["max"], values["final"]))


@pytest.mark.slow
@pytest.mark.parametrize("name", training.BOUNDS)
def test_each_bound_comes_near_a_gaussian_truth(name):
    scenario = mibench.get_scenario("gaussian(rho=0.8)")
    x, y = scenario.sample(2000, 0)
    value = mibench.estimate(x, y, f"{name}(steps=600, learning_rate=0.01)")
    assert abs(value - scenario.mi) < 0.12, (name, value, scenario.mi)


@pytest.mark.slow
def test_infonce_saturates_at_high_mi_where_the_truth_is_far_above_ln_m():
    scenario = mibench.get_scenario("gaussian(dim=5, mi=10.0)")
    x, y = scenario.sample(600, 0)
    value = mibench.estimate(x, y, "infonce(steps=300, batch_size=64, learning_rate=0.01)")
    assert value <= math.log(300) + 1e-9 < scenario.mi


def test_a_run_hands_every_repetition_to_one_call():
    records = mibench.run([f"infonce({QUICK})"], ["gaussian(rho=0.6, dim=2)"], [400], reps=3, seed=2)
    assert (records["status"] == "ok").all() and set(records["batch"]) == {3}
    row = records.iloc[1]
    x, y = mibench.get_scenario(row["scenario"]).sample(400, int(row["seed"]))
    alone = get_estimator(f"infonce({QUICK})").estimate_validated(
        x, y, x_type="continuous", y_type="continuous", rng=derived_generator(int(row["seed"]), 1)
    )
    assert row["estimate"] == alone


def test_mibench_works_without_pytorch_and_says_how_to_get_it():
    script = """
import sys

class NoTorch:  # as if PyTorch were not installed
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}")

sys.meta_path.insert(0, NoTorch())
import numpy as np, mibench
assert "infonce" in mibench.list_estimators()
x = np.random.default_rng(0).normal(size=(300, 1))
print(round(mibench.estimate(x, x + np.random.default_rng(1).normal(size=(300, 1)), "ksg"), 3))
try:
    mibench.get_estimator("infonce")
except ImportError as exc:
    print("refused:", exc)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "refused: the neural estimators need PyTorch" in result.stdout
    assert "pip install" in result.stdout and "mibench[neural]" in result.stdout


@pytest.mark.parametrize("gpu_seen", [False, True])
def test_records_are_the_same_serially_and_on_two_processes(monkeypatch, gpu_seen):
    """Where PyTorch sees a GPU the workers are spawned, not forked: autograd refuses to run in a
    child forked after a backward pass there, and on an H200 (2026-11-27) every CPU critic in such
    a worker failed. Here the GPU is simulated."""
    if gpu_seen:
        monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    options = {
        "estimators": [f"smile({QUICK}, {ON_CPU})"],
        "scenarios": ["gaussian(rho=0.6, dim=2)"],
        "sample_sizes": [400],
    }
    serial = mibench.run(**options, reps=3, seed=4, executor="serial")
    parallel = mibench.run(**options, reps=3, seed=4, executor="processes", jobs=2)
    columns = ["task_id", "seed", "estimate", "status", "batch"]
    assert serial[columns].equals(parallel[columns])


def test_workers_are_spawned_only_where_a_fork_could_not_train_a_critic(monkeypatch):
    def start(*estimators: str) -> str:
        tasks, _ = plan(Experiment.resolve(list(estimators), ["gaussian(rho=0.6, dim=2)"], [400], reps=1))
        return start_method([[task] for task in tasks])

    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    assert start("ksg", f"smile({QUICK})") == "fork"
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert start("ksg") == "fork"
    assert start("ksg", f"smile({QUICK})") == "spawn"

    ESTIMATORS.load()
    monkeypatch.setattr(ESTIMATORS, "_entries", dict(ESTIMATORS._entries))  # the registration ends with the test

    def defined_in_a_notebook(x: np.ndarray, y: np.ndarray) -> float:
        return 0.0

    defined_in_a_notebook.__module__ = "__main__"
    mibench.register_estimator("defined_in_a_notebook")(defined_in_a_notebook)
    assert start("defined_in_a_notebook", f"smile({QUICK})") == "spawn"  # a script: spawn imports it again
    monkeypatch.delattr(sys.modules["__main__"], "__file__", raising=False)
    assert start("defined_in_a_notebook") == "fork"
    with pytest.raises(
        RuntimeError, match="cannot see what this interactive session registered: 'defined_in_a_notebook'"
    ):
        start("defined_in_a_notebook", f"smile({QUICK})")


def test_cuda_in_a_badly_forked_worker_is_refused_with_a_clear_message(monkeypatch):
    """A worker forked after its parent initialised CUDA cannot use it: say so, do not crash inside PyTorch."""
    resolve_device = training.resolve_device
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "_is_in_bad_fork", lambda: False)
    assert resolve_device("auto") == "cuda" and resolve_device("cpu") == "cpu"
    monkeypatch.setattr(torch.cuda, "_is_in_bad_fork", lambda: True)
    assert resolve_device("cpu") == "cpu"
    for device in ("auto", "cuda", "cuda:0"):
        with pytest.raises(RuntimeError, match="forked from a process that had already initialised CUDA"):
            resolve_device(device)
    records = mibench.run([f"smile({QUICK})"], ["gaussian(rho=0.6, dim=2)"], [400], reps=1)
    assert records["status"].tolist() == ["error"] and "--jobs 1" in records["message"].iloc[0]


def test_training_on_the_cpu_never_asks_a_gpu(monkeypatch):
    """In a worker forked from a process that had initialised CUDA, PyTorch still sees a GPU but any
    question to it fails. On an H100 (2026-11-27) every CPU critic in such a worker failed inside
    Adam's step, which asked whether a CUDA graph was being captured; here that worker is simulated."""
    xs, ys = samples(1)
    estimator = get_estimator(f"smile({QUICK}, {ON_CPU})")
    expected = estimator.estimate(xs[0], ys[0], rng=3)

    def unreachable(*args: object, **kwargs: object) -> None:
        raise RuntimeError("CUDA error: initialization error")

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "_is_in_bad_fork", lambda: True)
    monkeypatch.setattr(torch.accelerator, "current_accelerator", lambda check_available=False: torch.device("cuda"))
    monkeypatch.setattr(torch.accelerator, "current_stream", unreachable)
    monkeypatch.setattr(torch.cuda, "is_current_stream_capturing", unreachable)
    assert estimator.estimate(xs[0], ys[0], rng=3) == expected
