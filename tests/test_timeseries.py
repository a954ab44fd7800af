"""Transfer entropy on the user's own series: the embedding against a loop written here, TE's direction, and
the same on a table and on the command line."""

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

import mibench
from mibench import transfer_entropy_variables
from mibench.estimator import UserData
from mibench.recommend import recommend, reference_summary
from mibench.userdata import _half_sample_stderr, estimate_table, lagged_table, scan_delays


def embed_by_loop(source, target, k, m, u, conditions=()):
    """Row by row from the definition: x_t = (X_{t-u}, ..., X_{t-u-m+1}), y_t = Y_t, z_t = (Y_{t-1}, ..., Y_{t-k},
    then each condition series W_{t-1}, ..., W_{t-k} in turn)."""
    rows = [t for t in range(len(target)) if t - k >= 0 and t - u - m + 1 >= 0]
    x = [[source[t - u - j] for j in range(m)] for t in rows]
    z = [[series[t - j] for series in (target, *conditions) for j in range(1, k + 1)] for t in rows]
    return np.array(x), np.array([[target[t]] for t in rows]), np.array(z)


@pytest.mark.parametrize(("k", "m", "u"), [(1, 1, 1), (2, 2, 1), (1, 1, 3), (3, 2, 2), (2, 4, 1)])
def test_the_embedding_is_the_definitions(k, m, u):
    source, target = np.arange(12.0), 100 + np.arange(12.0)
    got = transfer_entropy_variables(source, target, history=k, source_history=m, delay=u)
    for mine, expected in zip(got, embed_by_loop(source, target, k, m, u), strict=True):
        np.testing.assert_array_equal(mine, expected)
    got = transfer_entropy_variables(source, target, history=k, source_history=m, delay=u, conditions=-source)
    for mine, expected in zip(got, embed_by_loop(source, target, k, m, u, conditions=[-source]), strict=True):
        np.testing.assert_array_equal(mine, expected)


def common_driver(steps: int = 3000, seed: int = 5) -> pd.DataFrame:
    """W drives X and Y one step later (VAR(1)): X's past tells of W's, so TE X → Y > 0, but given W's
    past, Y_t depends on nothing else: the conditional TE X → Y | W is exactly 0."""
    rng = np.random.default_rng(seed)
    w, x, y = np.zeros(steps), np.zeros(steps), np.zeros(steps)
    for t in range(1, steps):
        w[t] = 0.8 * w[t - 1] + rng.standard_normal()
        x[t] = 0.5 * x[t - 1] + 0.8 * w[t - 1] + rng.standard_normal()
        y[t] = 0.5 * y[t - 1] + 0.8 * w[t - 1] + rng.standard_normal()
    return pd.DataFrame({"x": x, "y": y, "w": w})


def test_conditioning_on_a_common_driver_removes_its_transfer_entropy(tmp_path, capsys):
    from mibench.cli import main

    table = common_driver()
    plain = transfer_entropy_variables(table["x"], table["y"], history=2)
    given = transfer_entropy_variables(table["x"], table["y"], history=2, conditions=table["w"])
    assert given[2].shape == (2998, 4)
    assert mibench.estimate(plain[0], plain[1], "gaussian", z=plain[2]) > 0.015
    assert abs(mibench.estimate(given[0], given[1], "gaussian", z=given[2])) < 0.003
    result = estimate_table(table, ["x"], ["y"], "gaussian", z=["w"], history=2, permutations=19)
    assert result.estimate == pytest.approx(mibench.estimate(given[0], given[1], "gaussian", z=given[2]), abs=1e-12)
    table.to_csv(tmp_path / "series.csv", index=False)
    common = ["estimate", str(tmp_path / "series.csv"), "--x", "x", "--y", "y", "--te", "-e", "ksg", "--z", "w"]
    assert main([*common, "--permutations", "19"]) == 0
    out = capsys.readouterr().out
    assert "transfer entropy x → y given w (history 1" in out and "the target's and z's past continuous" in out
    table.assign(w=(table["w"] > 0).astype(int)).to_csv(tmp_path / "series.csv", index=False)
    assert main(common) == 1
    assert "z must be of the target's type (continuous), not discrete" in capsys.readouterr().err


def test_a_multivariate_series_keeps_its_components_side_by_side_at_each_lag():
    source = np.column_stack([np.arange(6), 10 + np.arange(6)])
    x, y, z = transfer_entropy_variables(source, np.arange(6) * 2, history=1, source_history=2)
    np.testing.assert_array_equal(x[0], [1, 11, 0, 10])  # t = 2: X_{t-1} then X_{t-2}, both components
    assert y.shape == (4, 1) and z.shape == (4, 1)


def test_transfer_entropy_has_a_direction():
    """A VAR(1) pair simulated here step by step: TE X → Y is var1_te's truth, TE Y → X is 0."""
    a, b, c, steps = 0.5, 0.5, 0.5, 20_001
    rng = np.random.default_rng(7)
    x, y = np.zeros(steps), np.zeros(steps)
    for t in range(1, steps):
        x[t] = a * x[t - 1] + rng.standard_normal()
        y[t] = b * y[t - 1] + c * x[t - 1] + rng.standard_normal()
    truth = mibench.get_scenario(f"var1_te(a={a}, b={b}, c={c}, history=2)").mi
    forward = transfer_entropy_variables(x, y, history=2)
    backward = transfer_entropy_variables(y, x, history=2)
    assert mibench.estimate(forward[0], forward[1], "gaussian", z=forward[2]) == pytest.approx(truth, abs=0.01)
    assert abs(mibench.estimate(backward[0], backward[1], "gaussian", z=backward[2])) < 0.01


@pytest.mark.parametrize(
    ("source", "target", "params", "message"),
    [
        (np.arange(10), np.arange(9), {}, "same length"),
        (np.arange(3), np.arange(3), {"history": 3}, "3 time points, and history=3"),
        (np.arange(5), np.arange(5), {"delay": 3, "source_history": 3}, "need the 5 before"),
        (np.arange(5), np.arange(5), {"history": 0}, "history"),
        (np.arange(5), np.arange(5), {"delay": 1.5}, "delay"),
        (np.zeros((4, 2, 2)), np.arange(4), {}, "source must be 1-D"),
        ({1, 2, 3}, np.arange(3), {}, "got a set"),
    ],
)
def test_bad_series_are_refused_by_name(source, target, params, message):
    with pytest.raises((ValueError, TypeError), match=message):
        transfer_entropy_variables(source, target, **params)


def driven_series(steps: int = 2000, seed: int = 1) -> pd.DataFrame:
    """The target follows the source two steps later: TE ½ ln 2 at delay 2, 0 at delay 1."""
    rng = np.random.default_rng(seed)
    source = rng.standard_normal(steps)
    return pd.DataFrame({"source": source, "target": np.roll(source, 2) + rng.standard_normal(steps)})


def test_a_table_of_series_gives_the_same_transfer_entropy_as_the_python_embedding():
    table = driven_series()
    result = estimate_table(table, ["source"], ["target"], "gaussian", history=2, delay=2, permutations=19)
    x, y, z = transfer_entropy_variables(table["source"], table["target"], history=2, delay=2)
    assert result.estimate == pytest.approx(mibench.estimate(x, y, "gaussian", z=z), abs=1e-12)
    assert result.estimate == pytest.approx(0.5 * np.log(2), abs=0.05) and result.p_value == 0.05
    assert (result.n, result.history, result.source_history, result.delay, result.z_type) == (
        1998,
        2,
        1,
        2,
        "continuous",
    )
    assert "var1_cte" in result.chosen_because  # from the transfer-entropy scenario nearest in z's dimension (2)


def test_the_lagged_table_names_each_lag_and_keeps_each_columns_dtype():
    table = pd.DataFrame({"spikes": [0, 1, 1, 0, 1], "state": ["a", "b", "a", "a", "b"]})
    lagged, x, y, z = lagged_table(table, ["spikes"], ["state"], history=2, source_history=1, delay=1)
    assert (x, y, z) == (["spikes[t-1]"], ["state[t]"], ["state[t-1]", "state[t-2]"])
    assert lagged["spikes[t-1]"].tolist() == [1, 1, 0] and lagged["state[t-2]"].tolist() == ["a", "b", "a"]
    assert lagged["spikes[t-1]"].dtype == table["spikes"].dtype and lagged["state[t]"].dtype == table["state"].dtype
    lagged, x, y, z = lagged_table(table.assign(w=[5, 6, 7, 8, 9]), ["spikes"], ["state"], 2, 1, 1, z=["w"])
    assert z == ["state[t-1]", "state[t-2]", "w[t-1]", "w[t-2]"]  # as transfer_entropy_variables orders them
    assert lagged["w[t-2]"].tolist() == [5, 6, 7]


def test_the_standard_error_of_a_transfer_entropy_comes_from_stretches_of_time():
    """Random halves of serially dependent rows interleave neighbours and understate the spread:
    each half takes 5 of 10 stretches of time, whole."""
    seen = []

    class Recorder:
        def estimate_validated(self, x, y, **kwargs):
            seen.append(set(x[:, 0].astype(int)))
            return 0.0

    n = 100
    data = UserData(np.arange(n).reshape(-1, 1), np.zeros((n, 1)), "continuous", "continuous", None)
    _half_sample_stderr(Recorder(), data, repeats=6, seed=0, in_time=True)
    stretches = [set(range(start, start + 10)) for start in range(0, n, 10)]
    for a, b in zip(seen[::2], seen[1::2], strict=True):
        assert a | b == set(range(n)) and not a & b
        assert all(stretch <= a or stretch <= b for stretch in stretches) and len(a) == len(b) == 50
    assert len({frozenset(half) for half in seen}) > 4  # stretches drawn at random


def test_transfer_entropy_on_the_command_line(tmp_path, capsys):
    from mibench.cli import main

    path = tmp_path / "series.csv"
    driven_series().to_csv(path, index=False)
    common = ["estimate", str(path), "--x", "source", "--y", "target", "-e", "gaussian", "--permutations", "19"]
    assert main([*common, "--te", "--delay", "2", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["estimate"] == pytest.approx(0.5 * np.log(2), abs=0.05)
    assert (result["history"], result["delay"], result["n"]) == (1, 2, 1998)
    assert main([*common, "--te"]) == 0
    out = capsys.readouterr().out
    assert "transfer entropy source → target (history 1, source history 1, delay 1)" in out and "time points" in out
    assert main([*common, "--history", "2"]) == 1
    assert "--history: only with --te" in capsys.readouterr().err
    assert main([*common, "--te", "--z", "source"]) == 1
    assert "x and z both hold column 'source'" in capsys.readouterr().err


def lag_coupled_series(lag: int, c: float, steps: int = 1500, seed: int = 23) -> pd.DataFrame:
    """X_t = 0.6 X_{t-1} + e, Y_t = 0.5 Y_{t-1} + c X_{t-lag} + e', simulated step by step."""
    noise = np.random.default_rng(seed).standard_normal((steps, 2))
    x, y = np.zeros(steps), np.zeros(steps)
    for t in range(lag, steps):
        x[t] = 0.6 * x[t - 1] + noise[t, 0]
        y[t] = 0.5 * y[t - 1] + c * x[t - lag] + noise[t, 1]
    return pd.DataFrame({"source": x, "target": y})


def gaussian_te_by_regression(source: np.ndarray, target: np.ndarray, delay: int, first: int) -> float:
    """½ ln of the residual variances of Y_t on Y_{t-1}, then on X_{t-delay} too, over t = first, ..."""
    now = np.arange(first, len(target))
    y, past, lagged = target[now], target[now - 1], source[now - delay]

    def residual_variance(*regressors):
        design = np.column_stack([np.ones(len(y)), *regressors])
        return float(np.var(y - design @ np.linalg.lstsq(design, y, rcond=None)[0]))

    return 0.5 * np.log(residual_variance(past) / residual_variance(past, lagged))


def test_a_delay_scan_finds_the_coupling_lag_on_the_same_time_points():
    table = lag_coupled_series(lag=3, c=0.6)
    scan = scan_delays(table, ["source"], ["target"], [5, 1, 2, 3, 4, 3], "gaussian", permutations=19, subsamples=0)
    assert scan.delays == (1, 2, 3, 4, 5) and scan.best_delay == 3
    for delay, result in zip(scan.delays, scan.results):
        assert result.n == len(table) - 5  # every delay at t = 5, ...: those with a full history at delay 5
        expected = gaussian_te_by_regression(table["source"].to_numpy(), table["target"].to_numpy(), delay, first=5)
        assert result.estimate == pytest.approx(expected, abs=1e-9) and result.delay == delay
    assert scan.p_value == 1 / 20  # no permutation's largest TE over the delays comes near 0.1 nats
    assert scan.results[2].estimate > 0.1 > max(r.estimate for i, r in enumerate(scan.results) if i != 2)


def test_a_delay_scan_tests_the_largest_te_against_each_permutations_largest():
    """Without coupling: p for the largest TE counts the permutations whose largest over the delays
    (the same permutation of the target given its past at every delay) reaches it."""
    table = lag_coupled_series(lag=1, c=0.0, steps=400)
    scan = scan_delays(table, ["source"], ["target"], range(1, 5), "gaussian", permutations=49, subsamples=0, seed=3)
    observed = max(result.estimate for result in scan.results)
    largest_nulls = np.max([result.null_estimates for result in scan.results], axis=0)
    assert len(largest_nulls) == 49
    assert scan.p_value == (np.sum(largest_nulls >= observed) + 1) / 50
    best = scan.results[scan.delays.index(scan.best_delay)]
    assert scan.p_value >= best.p_value  # picking the largest costs significance
    alone = estimate_table(
        table, ["source"], ["target"], "gaussian", history=1, delay=2, start=4, permutations=49, seed=3
    )
    assert alone.null_estimates == scan.results[1].null_estimates  # the scan's delay 2 is that estimate, paired
    for bad, message in ((2, "a list or a range"), ("12", "a list or a range"), ([], "empty"), ([0, 1], "delay")):
        with pytest.raises(ValueError, match=message):
            scan_delays(table, ["source"], ["target"], bad, "gaussian")
    with pytest.raises(ValueError, match="400 time points, and history=1, source_history=1, delay=400 need the 400"):
        scan_delays(table, ["source"], ["target"], np.array([1, 400]), "gaussian")
    for lags in ({"delay": 2}, {"start": 3}):
        with pytest.raises(ValueError, match="describe a transfer entropy: give its history too"):
            estimate_table(table, ["source"], ["target"], "gaussian", **lags)


def test_a_delay_scan_refuses_to_pick_the_largest_past_a_value_that_is_not_finite(monkeypatch):
    """np.argmax takes NaN as the largest: a plugin's NaN at one delay became the interaction delay."""
    import mibench.userdata

    real = mibench.userdata.estimate_table

    def nan_at_delay_2(*args, **kwargs):
        result = real(*args, **kwargs)
        return dataclasses.replace(result, estimate=float("nan")) if kwargs["delay"] == 2 else result

    monkeypatch.setattr(mibench.userdata, "estimate_table", nan_at_delay_2)
    table = lag_coupled_series(lag=3, c=0.6, steps=300)
    with pytest.raises(ValueError, match=r"gaussian gave no finite TE at delay\(s\) \[2\]: no largest to pick"):
        scan_delays(table, ["source"], ["target"], [1, 2, 3], "gaussian", permutations=0, subsamples=0)


def test_a_delay_scan_on_the_command_line(tmp_path, capsys):
    from mibench.cli import main

    path = tmp_path / "series.csv"
    lag_coupled_series(lag=3, c=0.6).to_csv(path, index=False)
    common = ["estimate", str(path), "--x", "source", "--y", "target", "--te", "-e", "gaussian", "--permutations", "9"]
    assert main([*common, "--delay", "1-3,5"]) == 0
    out = capsys.readouterr().out
    assert (
        "at delays 1, 2, 3, 5, on the same time points" in out and "largest at delay 3: p = 0.1 for the largest" in out
    )
    assert main([*common, "--delay", "2,4", "--format", "json", "--units", "bits"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["delays"] == [2, 4] and result["best_delay"] == 2 and result["units"] == "bits"
    nats = scan_delays(pd.read_csv(path), ["source"], ["target"], [2, 4], "gaussian", permutations=9)
    assert result["results"][0]["estimate"] == pytest.approx(nats.results[0].estimate / np.log(2))
    for bad in ("0-2", "a", "3-1"):
        with pytest.raises(SystemExit, match="2"):
            main([*common, "--delay", bad])
        assert "argument --delay" in capsys.readouterr().err


def test_a_gap_in_a_series_is_to_be_filled_not_dropped():
    """Dropping a row of a series joins the time points either side of it, shifting every lag across it."""
    table = lag_coupled_series(lag=1, c=0.5, steps=300)
    table.loc[40, "source"] = np.nan
    with pytest.raises(ValueError, match=r"column 'source' has missing values \(first at row 40\); impute them \(in a"):
        estimate_table(table, ["source"], ["target"], "gaussian", history=1)
    with pytest.raises(ValueError, match="drop or impute them first"):  # rows of a table that are not a series
        estimate_table(table, ["source"], ["target"], "gaussian")
    table["source"] = table["source"].astype(object)
    table.loc[40, "source"] = "n/a"
    with pytest.raises(ValueError, match=r"numeric except 1 cell\(s\), first at row 40: 'n/a'; impute them"):
        estimate_table(table, ["source"], ["target"], "gaussian", history=1)


def test_recommend_for_a_transfer_entropy_ranks_on_transfer_entropy_scenarios():
    table = recommend("discrete", "discrete", 1, 1, 1000, dim_z=2, transfer_entropy=True)
    assert table.attrs["scenario_labels"] and all("markov_te" in label for label in table.attrs["scenario_labels"])
    conditional = recommend("continuous", "continuous", 1, 1, 1000, z_type="continuous")
    assert not any("_te" in label for label in conditional.attrs["scenario_labels"])
    with pytest.raises(ValueError, match="its type is y's"):
        recommend("continuous", "continuous", z_type="discrete", transfer_entropy=True)
    with pytest.raises(ValueError, match="those of these types measure transfer entropy: ask with"):
        recommend("continuous", "continuous", z_type="continuous", summary=reference_summary("te"))
    with pytest.raises(ValueError, match="those of these types measure conditional MI"):
        recommend("continuous", "continuous", transfer_entropy=True, summary=reference_summary("cmi"))
    spikes = recommend("discrete", "continuous", 1, 1, 1000, transfer_entropy=True)  # a spike train drives a signal
    assert spikes["estimator"].tolist() == ["mesner_shalizi(k=5)"]
    assert all(label.startswith("spike_te") for label in spikes.attrs["scenario_labels"])
    driven = recommend("continuous", "discrete", 1, 1, 1000, transfer_entropy=True)  # an input drives a binary unit
    assert all(label.startswith("logistic_te") for label in driven.attrs["scenario_labels"])
    events = recommend("mixed", "continuous", 1, 1, 1000, transfer_entropy=True)  # events of random amplitude
    assert events["estimator"].tolist() == ["mesner_shalizi(k=5)"]
    assert all(label.startswith("event_amplitude_te") for label in events.attrs["scenario_labels"])


def test_jitter_breaks_a_series_ties_once_per_time_point_not_once_per_lag(monkeypatch):
    """A time point keeps one value in every lag it appears at: y_{t-1} in z is row t−1's y."""
    from mibench.estimator import Estimator

    seen = []
    estimate_validated = Estimator.estimate_validated

    def recording(self, x, y, **kwargs):
        seen.append((x, y, kwargs["z"]))
        return estimate_validated(self, x, y, **kwargs)

    monkeypatch.setattr(Estimator, "estimate_validated", recording)
    table = driven_series(600).round(1)  # ties, which ksg refuses without jitter
    options = {"history": 2, "jitter": 1e-3, "permutations": 0, "subsamples": 0}
    result = estimate_table(table, ["source"], ["target"], "ksg", standardize=False, **options)
    (x, y, z), expected = seen[0], transfer_entropy_variables(table["source"], table["target"], history=2)
    assert np.isfinite(result.estimate) and len(seen) == 1
    assert (z[1:, 0] == y[:-1, 0]).all() and (z[2:, 1] == y[:-2, 0]).all()  # the same noisy value at every lag
    for noisy, plain in zip((x, y, z), expected, strict=True):
        assert (noisy != plain).all() and np.abs(noisy - plain).max() < 0.01  # jittered, by about 1e-3 sd
    estimate_table(table, ["source"], ["target"], "ksg", **options)  # each series rescaled once, before the lags
    (x, y, z), spread = seen[1], (table.quantile(0.75) - table.quantile(0.25)) / 1.3489795003921634
    assert (z[1:, 0] == y[:-1, 0]).all() and (z[2:, 1] == y[:-2, 0]).all()
    for noisy, plain, column in zip((x, y, z), expected, ("source", "target", "target"), strict=True):
        assert np.abs(noisy - plain / spread[column]).max() < 0.01 / spread[column]
    discrete = pd.DataFrame({"a": [0, 1] * 50, "b": [1, 0, 0, 1] * 25})
    assert np.isfinite(estimate_table(discrete, ["a"], ["b"], "plugin", history=1, jitter=0.1, permutations=0).estimate)
