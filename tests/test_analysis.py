"""Statistics, plots, the HTML report (in headless chromium), recommend and estimate on a table."""

import json
import shutil
import subprocess
import tempfile

import numpy as np
import pandas as pd
import pytest

import mibench
from mibench.cli import main
from mibench.recommend import recommend
from mibench.records import describe_scaling
from mibench.stats import summarize, trends
from mibench.userdata import MIN_STDERR_N, estimate_table
from mibench.validation import infer_variable_type as infer_type


def tiny_records():
    """Two cells by hand: errors (0.1, -0.1, 0.3) at n = 10 and (0.05, -0.05, 0.0) at n = 100; truth 0.5."""
    rows = []
    for n, errors, seconds in ((10, [0.1, -0.1, 0.3], [1.0, 2.0, 4.0]), (100, [0.05, -0.05, 0.0], [10.0, 20.0, 40.0])):
        for rep, (e, s) in enumerate(zip(errors, seconds, strict=True)):
            rows.append(
                {
                    "task_id": f"{n}-{rep}",
                    "estimator": "est",
                    "scenario": "sc",
                    "x_type": "continuous",
                    "y_type": "continuous",
                    "dim_x": 1,
                    "dim_y": 1,
                    "n": n,
                    "rep": rep,
                    "seed": rep,
                    "true_mi": 0.5,
                    "estimate": 0.5 + e,
                    "error": e,
                    "seconds": s,
                    "cpu_seconds": s,
                    "status": "ok",
                    "message": "",
                    "worker": "w",
                }
            )
    rows.append({**rows[0], "task_id": "failed", "rep": 3, "status": "error", "estimate": np.nan, "error": np.nan})
    return pd.DataFrame(rows)


def test_summary_statistics_by_hand():
    summary = summarize(tiny_records()).set_index("n")
    small = summary.loc[10]
    assert small["reps"] == 3 and small["failures"] == 1
    assert small["bias"] == pytest.approx(0.1)
    assert small["std"] == pytest.approx(0.2)  # sample std of 0.6, 0.4, 0.8
    assert small["variance"] == pytest.approx(0.04)
    assert small["rmse"] == pytest.approx(np.sqrt((0.01 + 0.01 + 0.09) / 3))
    assert small["mae"] == pytest.approx(0.5 / 3)
    assert small["relative_error"] == pytest.approx(np.sqrt(0.11 / 3) / 0.5)
    assert small["median_seconds"] == 2.0 and small["iqr_seconds"] == pytest.approx(3.0 - 1.5)
    assert small["bias_low"] <= small["bias"] <= small["bias_high"]
    assert small["rmse_low"] <= small["rmse"] <= small["rmse_high"]
    again = summarize(tiny_records()).set_index("n")
    assert again.loc[10, "bias_low"] == small["bias_low"]  # the bootstrap is seeded
    bits = summarize(tiny_records(), units="bits").set_index("n")
    assert bits.loc[10, "bias"] == pytest.approx(0.1 / np.log(2))
    assert bits.loc[10, "variance"] == pytest.approx(0.04 / np.log(2) ** 2)


def test_a_trends_threshold_that_cannot_work_is_refused():
    # -1 and NaN were taken: no n is ever reliable, and the column read as if measured.
    for threshold in (-1.0, float("nan"), 0.0):
        with pytest.raises(ValueError, match="threshold \\(a relative error\\) must be a number in \\(0, inf\\)"):
            trends(summarize(tiny_records()), threshold=threshold)


def test_trends_by_hand():
    row = trends(summarize(tiny_records()), threshold=0.1).iloc[0]
    rmse_10, rmse_100 = np.sqrt(0.11 / 3), np.sqrt(0.005 / 3)
    assert row["rmse_exponent"] == pytest.approx(np.log(rmse_100 / rmse_10) / np.log(10))
    assert row["runtime_exponent"] == pytest.approx(1.0)  # median seconds 2 → 20
    assert row["reliable_n"] == 100  # relative error 0.38 at n = 10, 0.08 at n = 100
    # mibench.trends(records) raised KeyError: 'relative_error'
    pd.testing.assert_frame_equal(trends(tiny_records()), trends(summarize(tiny_records())))


@pytest.mark.parametrize("records, got", [("runs/demo", "got str"), ([1, 2], "got list holding int")])
def test_what_is_not_records_is_named(records, got):
    # pandas' own errors came out: "DataFrame constructor not properly called!", "Shape of passed values..."
    for analyse in (summarize, trends):
        with pytest.raises(TypeError, match=f"records must be a DataFrame or a list of record dicts.*{got}"):
            analyse(records)


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    mibench.run(
        ["ksg", "gaussian", "plugin", "mixed_ksg"],
        ["gaussian(rho=0.5)", "gaussian(rho=0.8)", "gaussian(rho=0.9)", "symmetric_channel"],
        [100, 300],
        reps=3,
        out=folder,
    )
    return folder


def test_every_plot_kind_is_written(small_run, tmp_path):
    from mibench.plots import KINDS, plot, sweeps
    from mibench.stats import summarize

    records = mibench.load_records(small_run)
    paths = plot(records, tmp_path, formats=("png", "svg"))
    expected = [k for k in KINDS if k != "sweep" or sweeps(summarize(records))]  # no empty sweep figure
    assert {p.name for p in paths} == {f"{k}.{f}" for k in expected for f in ("png", "svg")}
    assert all(p.stat().st_size > 5000 for p in paths)
    with pytest.raises(ValueError, match="unknown plot kind"):
        plot(mibench.load_records(small_run), tmp_path, kinds=["pie"])


@pytest.mark.filterwarnings("error::UserWarning")  # matplotlib's "No artists with labels" for an empty legend
def test_plot_and_report_draw_runs_of_one_repetition_or_only_failures(tmp_path, capsys):
    # Both stopped at "Data cannot be log-scaled because all values are <= 0" (std and RMSE panels
    # with no value to put on a log axis).
    for name, n, code in (("one", 100, 0), ("failed", 2, 1)):  # neither estimator takes 2 samples: all fail
        run = ["run", "-e", "ksg", "-e", "gaussian", "-s", "gaussian", "-n", str(n), "--reps", "1", "--quiet"]
        assert main([*run, "--jobs", "1", "--out", str(tmp_path / name)]) == code
        assert main(["plot", str(tmp_path / name)]) == 0
        assert main(["report", str(tmp_path / name)]) == 0
        assert (tmp_path / name / "figures" / "std.png").stat().st_size > 5000
    # the ranking headings of the all-failed report stood empty
    markdown = (tmp_path / "failed" / "report.md").read_text()
    assert markdown.count("Nothing to rank: no estimator has a successful estimate") == 2
    # and recommend from the failed run: a KeyError, 'estimator', before
    assert main(["recommend", "--x-type", "continuous", "--y-type", "continuous", "--run", str(tmp_path / name)]) == 1
    assert "no estimator finished an estimate on the matching scenarios at n = 2 in the run" in capsys.readouterr().err


def test_a_report_says_whether_the_estimators_saw_rescaled_columns(tmp_path):
    for name, scaled in (("drawn", []), ("rescaled", ["--standardize"])):
        run = ["run", "-e", "ksg", "-s", "gaussian", "-n", "100", "--reps", "2", "--jobs", "1", "--quiet", *scaled]
        assert main([*run, "--out", str(tmp_path / name)]) == 0
        assert main(["report", str(tmp_path / name)]) == 0
    drawn, rescaled = ((tmp_path / name / "report.md").read_text() for name in ("drawn", "rescaled"))
    assert "estimates (0 failed), continuous and mixed columns as drawn (mibench estimate divides" in drawn
    assert "each continuous or mixed column divided by its spread first, as mibench estimate does" in rescaled


def test_plot_and_report_say_what_they_cannot_draw_or_where_they_cannot_write(tmp_path, capsys):
    # --kind sweep on a run without a sweep wrote nothing, said nothing and exited 0
    run = str(tmp_path / "run")
    mibench.run(["gaussian"], ["gaussian(rho=0.5)", "gaussian(rho=0.8)"], [100], reps=2, out=run)
    assert main(["plot", run, "--kind", "sweep", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "no sweep figure: the run holds no sweep" in err and "no figure was drawn" in err
    assert main(["plot", run, "--kind", "sweep", "--kind", "rmse", "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(tmp_path / "rmse.png") and "no sweep figure" in err
    # --out report.html made a folder named report.html, holding report.html
    for command, out in (("report", tmp_path / "report.html"), ("plot", tmp_path / "run" / "records.csv")):
        assert main([command, run, "--out", str(out)]) == 1
        assert "names a file; name the folder to write into" in capsys.readouterr().err
    assert not (tmp_path / "report.html").exists()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless chromium is installed by .ci/run (apt-get install chromium)")
def test_report_loads_in_headless_chromium_with_every_figure(small_run, tmp_path):
    assert main(["report", str(small_run), "--out", str(tmp_path), "--title", "<b>escaped</b> & fine"]) == 0
    html = (tmp_path / "report.html").read_text()
    assert "&lt;b&gt;escaped&lt;/b&gt; &amp; fine" in html and "http://" not in html and "https://" not in html
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--enable-logging=stderr",
                "--v=0",
                "--virtual-time-budget=10000",
                "--dump-dom",
                (tmp_path / "report.html").as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert 'data-figures-loaded="8"' in result.stdout, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if "rror" in line or "Uncaught" in line], console
    markdown = (tmp_path / "report.md").read_text()
    assert "| rank |" in markdown and "![heatmap](figures/heatmap.png)" in markdown


def test_recommend_picks_the_clearly_best_estimator():
    rows = []
    for scenario in ("s1", "s2", "s3"):
        for estimator, spread in (("good", 0.01), ("bad", 0.3), ("ugly", 0.1)):
            for n in (100, 1000):
                rows.append(
                    {
                        "estimator": estimator,
                        "scenario": scenario,
                        "n": n,
                        "x_type": "continuous",
                        "y_type": "discrete",
                        "dim_x": 1,
                        "dim_y": 1,
                        "true_mi": 1.0,
                        "rmse": spread * (1 + (n == 100)),
                        "bias": spread / 2,
                        "median_seconds": 0.1,
                        "failures": 0,
                    }
                )
    rows.append({**rows[0], "x_type": "discrete", "estimator": "other-types", "rmse": 0.0})
    table = recommend("continuous", "discrete", 1, 1, 700, summary=pd.DataFrame(rows))
    assert table["estimator"].tolist() == ["good", "ugly", "bad"]
    assert table.attrs["scenarios"] == 3 and table.attrs["n"] == 1000
    with pytest.raises(ValueError, match="no scenarios with x mixed"):
        recommend("mixed", "mixed", summary=pd.DataFrame(rows))


def test_recommend_on_a_run(small_run, capsys):
    assert (
        main(
            [
                "recommend",
                "--x-type",
                "continuous",
                "--y-type",
                "continuous",
                "--n",
                "250",
                "--run",
                str(small_run),
                "--format",
                "json",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    ranked = json.loads(captured.out)
    assert {r["label"] for r in ranked} == {"ksg", "gaussian", "mixed_ksg"}
    assert "rests on 3 scenario(s)" in captured.err and "n = 300" in captured.err
    assert "continuous and mixed columns as drawn (mibench estimate divides yours by their spread" in captured.err


def test_type_inference():
    assert infer_type(pd.Series([1.5, 2.25, 3.0])) == "continuous"
    assert infer_type(pd.Series([1, 2, 3, 1])) == "discrete"
    assert infer_type(pd.Series(np.arange(100))) == "continuous"
    assert infer_type(pd.Series(["a", "b"])) == "discrete"
    assert infer_type(pd.Series([True, False])) == "discrete"


def test_expectations_for_columns_kept_as_given_come_with_a_warning(tmp_path, capsys):
    """The reference measured every estimator on rescaled columns: estimates on columns kept as
    given are told that its bias and RMSE may not hold for them (not for labels, which no rescaling touches)."""
    rng = np.random.default_rng(5)
    a = rng.normal(size=300)
    table = pd.DataFrame({"a": 100 * a, "b": a + rng.normal(size=300), "k": rng.integers(0, 3, 300)})
    table["j"] = (table["k"] + rng.integers(0, 2, 300)) % 3
    kept = estimate_table(table, ["a"], ["b"], "ksg", permutations=0, subsamples=0, standardize=False)
    assert "kept as given" in kept.warning and "relative spread" in kept.warning
    assert estimate_table(table, ["a"], ["b"], "ksg", permutations=0, subsamples=0).warning is None
    labels = estimate_table(table, ["k"], ["j"], "plugin", permutations=0, subsamples=0, standardize=False)
    assert labels.warning is None or "kept as given" not in labels.warning
    path = tmp_path / "data.csv"
    table.to_csv(path, index=False)
    args = ["estimate", str(path), "--x", "a", "--y", "b", "--permutations", "0", "--subsamples", "0"]
    assert main([*args, "--no-standardize"]) == 0
    assert "warning: the expected bias and RMSE were measured with each continuous column" in capsys.readouterr().out


def test_estimate_on_a_csv_with_known_dependence(tmp_path, capsys):
    rng = np.random.default_rng(3)
    a = rng.normal(size=600)
    table = pd.DataFrame(
        {"a": a, "b": a + rng.normal(size=600), "noise": rng.normal(size=600), "label": np.where(a > 0, "pos", "neg")}
    )
    path = tmp_path / "data.csv"
    table.to_csv(path, index=False)
    dependent = estimate_table(table, ["a"], ["b"], "ksg", permutations=50)
    assert dependent.estimate == pytest.approx(0.5 * np.log(2), abs=0.1)
    assert dependent.p_value == pytest.approx(1 / 51) and 0 < dependent.stderr < 0.1
    independent = estimate_table(table, ["a"], ["noise"], "ksg", permutations=50)
    assert independent.p_value > 0.05
    labelled = estimate_table(table, ["b"], ["label"], "ross", permutations=20)
    assert labelled.y_type == "discrete" and labelled.p_value == pytest.approx(1 / 21)
    assert (
        main(
            [
                "estimate",
                str(path),
                "--x",
                "a",
                "--y",
                "b",
                "-e",
                "gaussian",
                "--permutations",
                "20",
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["estimator"] == "gaussian"
    assert main(["estimate", str(path), "--x", "a", "--y", "missing", "-e", "ksg"]) == 1
    assert "no column 'missing'" in capsys.readouterr().err


def test_no_standard_error_where_half_samples_are_too_small(tmp_path, capsys):
    """At n = 8, ksg's halves (4 points, k = 3) all gave the same estimate, and the CLI printed
    "± 0.0000". Below MIN_STDERR_N the standard error is withheld, with the reason."""
    rng = np.random.default_rng(8)
    a = rng.normal(size=MIN_STDERR_N)
    table = pd.DataFrame({"a": a, "b": a + rng.normal(size=MIN_STDERR_N)})
    small = estimate_table(table.iloc[:8], ["a"], ["b"], "ksg", permutations=0)
    assert np.isnan(small.stderr) and small.subsamples == 0
    assert small.no_stderr_because == f"n = 8 is below {MIN_STDERR_N}, where half-samples understate the spread"
    given = estimate_table(table, ["a"], ["b"], "ksg", permutations=0)
    assert given.stderr > 0 and given.subsamples == 10 and given.no_stderr_because is None
    path = tmp_path / "small.csv"
    table.iloc[:8].to_csv(path, index=False)
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "-e", "ksg", "--permutations", "0"]) == 0
    out = capsys.readouterr().out
    assert f"nats (no standard error: n = 8 is below {MIN_STDERR_N}, where half-samples" in out and "±" not in out


def test_the_interval_for_the_estimators_mean_uses_students_t_on_the_half_sample_pairs(tmp_path, capsys):
    rng = np.random.default_rng(12)
    a = rng.normal(size=400)
    table = pd.DataFrame({"a": a, "b": a + rng.normal(size=400)})
    result = estimate_table(table, ["a"], ["b"], "ksg", permutations=0, subsamples=6)
    half = 2.446912 * result.stderr  # Student's t, 6 degrees of freedom, 97.5 % quantile (printed tables)
    assert result.stderr > 0
    assert result.interval == pytest.approx((result.estimate - half, result.estimate + half), rel=1e-6)
    assert np.isnan(estimate_table(table, ["a"], ["b"], "ksg", permutations=0, subsamples=0).interval).all()
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    assert (
        main(["estimate", str(path), "--x", "a", "--y", "b", "-e", "ksg", "--permutations", "0", "--units", "bits"])
        == 0
    )
    low, high = (value / np.log(2) for value in estimate_table(table, ["a"], ["b"], "ksg", permutations=0).interval)
    assert f"95 % interval for the estimator's mean at this n {low:.4f} to {high:.4f}" in capsys.readouterr().out


@pytest.mark.slow
def test_the_interval_holds_the_estimators_mean_in_about_95_percent_of_samples():
    """Simulated on fresh draws (benchmarks/estimate_coverage.py has more cases): plugin on a
    4-symbol channel at n = 300, 10 half-sample pairs. With ± 1.96 SE it held the mean in 92.5 %."""
    from mibench.estimator import get_estimator
    from mibench.userdata import _half_sample_stderr, sampling_interval

    source, chosen = mibench.get_scenario("symmetric_channel(k=4, error=0.2)"), get_estimator("plugin")
    estimates, intervals = [], []
    for sample in range(300):
        x, y = source.sample(300, 50_000 + sample)
        data = chosen.prepare(x, y, x_type="discrete", y_type="discrete")
        value = chosen.estimate_validated(data.x, data.y, **data.types)
        estimates.append(value)
        intervals.append(sampling_interval(value, _half_sample_stderr(chosen, data, 10, sample), 10))
    mean = np.mean(estimates)
    held = np.mean([low <= mean <= high for low, high in intervals])
    assert 0.92 <= held <= 0.99  # binomial sd 1.3 % at 95 %


def test_a_column_with_one_value_is_refused_by_name():
    """A constant column was read as discrete, and the estimate printed "0.0000 ± 0.0000 nats"."""
    rng = np.random.default_rng(9)
    table = pd.DataFrame(
        {"a": np.ones(200), "b": rng.normal(size=200), "c": rng.integers(0, 3, 200), "d": ["on"] * 200}
    )
    with pytest.raises(ValueError, match="x column 'a' is 1.0 in every row: its MI with anything is 0"):
        estimate_table(table, ["a"], ["b"], permutations=0)
    with pytest.raises(ValueError, match="y column 'd' is on in every row"):
        estimate_table(table, ["c"], ["d"], "plugin", permutations=0)
    with pytest.raises(ValueError, match="z column 'd' is on in every row: conditioning on it changes nothing"):
        estimate_table(table, ["b"], ["c"], z=["d"], permutations=0)
    with pytest.raises(ValueError, match="x column 'a' is 1.0 in every row"):
        estimate_table(table, ["a"], ["b"], "gaussian", history=1, permutations=0)


def test_estimate_says_what_it_skipped_and_writes_strict_json(tmp_path, capsys):
    # --permutations -1 ended in ZeroDivisionError; 0 printed "p = 1, 0 permutations", --subsamples 0
    # "± nan"; JSON held NaN, which JSON parsers refuse; n = 60 read "expected at this n" from n = 100.
    rng = np.random.default_rng(5)
    a = rng.normal(size=60)
    path = tmp_path / "data.csv"
    pd.DataFrame({"a": a, "b": a + rng.normal(size=60)}).to_csv(path, index=False)
    command = ["estimate", str(path), "--x", "a", "--y", "b", "-e", "gaussian"]
    assert main([*command, "--permutations", "-1"]) == 1
    assert "permutations must be a non-negative integer, got -1" in capsys.readouterr().err
    assert main([*command, "--permutations", "0", "--subsamples", "0"]) == 0
    out = capsys.readouterr().out
    assert "(no standard error: --subsamples 0; no permutation test: --permutations 0)" in out
    assert "nan" not in out and "expected at n = 100, the nearest measured (yours is outside their range)" in out

    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    assert main([*command, "--permutations", "0", "--subsamples", "0", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out, parse_constant=refuse)
    assert result["p_value"] is None and result["stderr"] is None and result["expected_n"] == 100
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "-e", "ksg(k=7)", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out, parse_constant=refuse)["expected_rmse_interval"] == [None, None]


def test_recommend_uses_the_committed_reference_results_by_default():
    table = recommend("discrete", "discrete", 1, 1, 1000)
    assert table.attrs["source"] == "reference results" and table.attrs["scenarios"] >= 5
    assert table.attrs["standardized"] is True  # the reference rescales as mibench estimate does; the header says so
    assert (
        describe_scaling(table.attrs["standardized"])
        == "each continuous or mixed column divided by its spread first, as mibench estimate does"
    )
    assert {"plugin", "nsb", "grassberger"} <= set(table["label"])
    assert table["median_rmse"].is_monotonic_increasing


@pytest.mark.parametrize("y_type", ["continuous", "discrete", "mixed"])
@pytest.mark.parametrize("x_type", ["continuous", "discrete", "mixed"])
def test_the_reference_ranks_estimators_for_every_pairing_of_variable_types(x_type, y_type):
    """``estimator="auto"`` can choose for any data: the standard suite has scenarios of each pairing."""
    table = recommend(x_type, y_type, 1, 1, 1000)
    assert table.attrs["types"] == (x_type, y_type, "") and table.attrs["scenarios"] >= 1
    assert {"mixed_ksg(k=5)", "mesner_shalizi(k=5)"} <= set(table["estimator"])  # they take any types
    if {x_type, y_type} == {"continuous", "discrete"}:  # class labels against continuous features, both ways
        assert table.attrs["scenarios"] >= 4


def test_recommend_keeps_a_reference_ranking_until_the_reference_files_change(monkeypatch):
    """The reference run is read and ranked once per question (a delay scan asks once per delay);
    callers get copies, and a changed reference file (its stamp) is read again."""
    import mibench.recommend as module

    reads = []
    real_summary = module.reference_summary
    monkeypatch.setattr(module, "reference_summary", lambda quantity: reads.append(quantity) or real_summary(quantity))
    request = ("discrete", "discrete", 1, 1, 417)  # an n no other test asks for
    first = recommend(*request)
    first.loc[:, "median_rmse"] = -1.0
    first.attrs["scenario_labels"].append("changed by a caller")
    second = recommend(*request)
    assert reads == ["mi"]
    assert (second["median_rmse"] > 0).all() and "changed by a caller" not in second.attrs["scenario_labels"]
    assert len(recommend(*request[:-1], 418)) and reads == ["mi", "mi"]  # another question
    stamp = module._reference_stamp("mi")
    assert len(stamp) == 2 and all(isinstance(part, int) for part in stamp[0])
    monkeypatch.setattr(module, "_reference_stamp", lambda quantity: (*stamp, "rewritten"))
    third = recommend(*request)
    assert reads == ["mi", "mi", "mi"]
    pd.testing.assert_frame_equal(third, second)
    assert third.attrs == second.attrs


def test_recommend_ranks_discrete_data_on_scenarios_with_as_many_samples_per_value():
    """At n = 400, 100 samples per value: of the discrete reference scenarios, only those within a factor 2
    of 100 count. Their cells, by hand: binary_symmetric 2 × 2 (400 / 4 = 100), erasure_channel
    (0, 0), (0, e), (1, 1), (1, e) (100), z_channel (0, 0), (1, 0), (1, 1) (133); symmetric_channel(k=4)
    fills 16 cells (25) and the rest more."""
    every = recommend("discrete", "discrete", 1, 1, 400)
    assert every.attrs["scenarios"] == 10 and "samples_per_value" not in every.attrs
    table = recommend("discrete", "discrete", 1, 1, 400, discrete_samples_per_value=100)
    assert table.attrs["scenario_labels"] == ["binary_symmetric", "erasure_channel", "z_channel"]
    low, high = table.attrs["samples_per_value"]
    assert low == 100 and high == pytest.approx(400 / 3, rel=1e-12) and table.attrs["counted_at"] == 400
    sparse = recommend("discrete", "discrete", 1, 1, 400, discrete_samples_per_value=1.5)
    assert not {"binary_symmetric", "z_channel"} & set(sparse.attrs["scenario_labels"])
    assert sparse.attrs["samples_per_value"][1] <= 3  # within a factor 2 of the nearest: at most 1.5 × 2 or so
    with pytest.raises(ValueError, match="is for discrete variables; x is continuous, y continuous"):
        recommend("continuous", "continuous", 1, 1, 400, discrete_samples_per_value=100)
    with pytest.raises(ValueError, match="discrete_samples_per_value must be"):
        recommend("discrete", "discrete", 1, 1, 400, discrete_samples_per_value=0.5)


def test_a_sweep_figure_shows_the_swept_quantity_and_plots_do_not_touch_the_backend(tmp_path):
    import matplotlib

    backend = matplotlib.get_backend()
    from mibench.plots import figures, sweeps
    from mibench.stats import summarize

    scenarios = [f"gaussian(mi={mi})" for mi in (0.5, 1.0, 2.0)] + [f"gaussian(dim={d}, rho=0.5)" for d in (1, 2, 3)]
    records = mibench.run(["gaussian"], scenarios, [100, 300], reps=2)
    found = {(family, parameter) for family, parameter, _ in sweeps(summarize(records))}
    assert found == {("gaussian", "dim"), ("gaussian", "true MI")}  # mi= and rho= together sweep the true MI
    drawn = figures(records, kinds=["sweep", "bias"])
    sweep = drawn["sweep"]
    assert len([ax for ax in sweep.axes if ax.get_visible()]) == 2 * len(sweeps(summarize(records)))  # a panel per n
    assert matplotlib.get_backend() == backend
    only_gaussian = mibench.run(["gaussian"], ["gaussian(rho=0.5)"], [100], reps=2)
    assert "sweep" not in figures(only_gaussian)


def test_recommend_matches_dimensions_names_its_basis_and_interpolates_n():
    from mibench.recommend import expected_at

    rows = []
    for dims, rmse in (((1, 1), {"good": 0.01, "bad": 0.2}), ((4, 4), {"good": 0.3, "bad": 0.05})):
        for estimator, value in rmse.items():
            for n in (100, 10_000):
                rows.append(
                    {
                        "estimator": estimator,
                        "scenario": f"s{dims[0]}",
                        "n": n,
                        "x_type": "continuous",
                        "y_type": "continuous",
                        "dim_x": dims[0],
                        "dim_y": dims[1],
                        "true_mi": 1.0,
                        "rmse": value * (100 / n) ** 0.5,
                        "rmse_low": 0.5 * value * (100 / n) ** 0.5,
                        "rmse_high": 2 * value * (100 / n) ** 0.5,
                        "bias": value,
                        "bias_low": 0.0,
                        "bias_high": 2 * value,
                        "median_seconds": 0.1,
                        "failures": 0,
                    }
                )
    summary = pd.DataFrame(rows)
    four = recommend("continuous", "continuous", 4, 4, 1000, summary=summary)
    assert four["estimator"].tolist() == ["bad", "good"] and four.attrs["scenario_labels"] == ["s4"]
    assert four.attrs["close"] and not four.attrs["extrapolated"]
    # RMSE ∝ n^-1/2 between n = 100 and 10,000: at n = 1,000, exactly value × 10^-1/2 (ln-ln interpolation)
    assert four.set_index("estimator").loc["bad", "expected_rmse"] == pytest.approx(0.05 / np.sqrt(10))
    far = recommend("continuous", "continuous", 40, 40, 1000, summary=summary)
    assert not far.attrs["close"] and far.attrs["dims"] == (4, 4)
    assert expected_at(summary[summary["scenario"] == "s1"], 10**6)["extrapolated"].all()
    from mibench.cli.recommend import describe_basis

    beyond = recommend("continuous", "continuous", 4, 4, 10**6, summary=summary)
    basis = describe_basis(beyond, 4, 4, 10**6).splitlines()
    assert basis[1].startswith("expected_bias and expected_rmse: medians over those scenarios at n = 10,000 ")
    assert basis[2] == (
        "warning: n = 1,000,000 is outside the measured sample sizes; the expected values are those at the nearest, "
        "n = 10,000"
    )
    assert "at n = 1,000 " in describe_basis(four, 4, 4, 1000).splitlines()[1]


def test_estimate_says_which_estimator_it_chose_why_and_what_to_expect(tmp_path, capsys):
    rng = np.random.default_rng(8)
    a = rng.normal(size=800)
    pd.DataFrame({"a": a, "b": a + rng.normal(size=800)}).to_csv(tmp_path / "t.csv", index=False)
    assert main(["estimate", str(tmp_path / "t.csv"), "--x", "a", "--y", "b", "--permutations", "10"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("I(a; b) = ")  # the quantity in the table's own column names
    assert "chosen: top ranked by median RMSE on the reference's" in out and "scenario(s) with" in out
    assert "expected at this n there: bias" in out and "sampling noise only" in out
    # tied data: an estimator that refuses ties is passed over, and the output says so
    pd.DataFrame({"a": np.round(a * 2), "b": np.round(a * 2 + rng.normal(size=800))}).to_csv(
        tmp_path / "r.csv", index=False
    )
    assert (
        main(
            [
                "estimate",
                str(tmp_path / "r.csv"),
                "--x",
                "a",
                "--y",
                "b",
                "--x-type",
                "continuous",
                "--y-type",
                "continuous",
                "--permutations",
                "5",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    chosen = out.split("estimator ", 1)[1].split(";")[0]
    assert not mibench.get_estimator(chosen).refuses_ties, out


def test_a_named_estimator_works_on_types_the_reference_results_do_not_hold():
    """The reference holds every pairing of types for MI, not for conditional MI: none given a discrete z
    with a mixed x."""
    rng = np.random.default_rng(9)
    labels, given = rng.integers(0, 3, 300), rng.integers(0, 2, 300)
    atoms = np.where(rng.random(300) < 0.3, 0.0, labels + rng.normal(size=300))
    table = pd.DataFrame({"a": atoms, "b": labels, "c": given})
    types = {"x_type": "mixed", "y_type": "discrete", "z_type": "discrete", "permutations": 0}
    result = estimate_table(table, ["a"], ["b"], "mesner_shalizi", z=["c"], **types)
    assert result.estimate > 0 and "no reference results to compare with" in result.chosen_because
    assert np.isnan(result.expected_rmse)
    with pytest.raises(
        ValueError,
        match=r"cannot choose an estimator.*name one with -e \(of those that accept these types: mesner_shalizi\)",
    ):
        estimate_table(table, ["a"], ["b"], z=["c"], **types)
