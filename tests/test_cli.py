import io
import os
import subprocess
import sys

import pandas as pd
import pytest

from mibench.cli import main


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "mibench.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def test_list_from_another_folder_shows_every_builtin(tmp_path):

    result = run_cli("list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    from mibench.estimator import ESTIMATORS
    from mibench.scenario import SCENARIOS

    for registry in (ESTIMATORS, SCENARIOS):
        for entry in registry.entries():
            if entry.source.startswith("mibench."):  # built-ins, not plugins that other tests registered
                assert entry.name in result.stdout
    assert "quick" in result.stdout


def test_describe(capsys):
    assert main(["describe", "ksg(k=5)"]) == 0
    out = capsys.readouterr().out
    assert "ksg(k=5, noise=0.0)" in out and "Kraskov" in out and "strict" in out
    assert "workers=1 (settings that cannot change the result)" in out
    assert main(["describe", "gaussian(rho=0.75)"]) == 0
    out = capsys.readouterr().out
    assert "0.413" in out and "closed form" in out
    assert main(["describe", "gaussian"]) == 0  # both an estimator and a scenario
    out = capsys.readouterr().out
    assert "estimator gaussian" in out and "scenario gaussian-v1" in out
    assert "collinear:    refused (linearly dependent continuous columns" in out
    assert "ties:         harmless" in out  # was "not handled", against its declaration


def test_describe_a_suite_shows_what_it_runs(capsys):
    # "unknown estimator 'quick'" before
    import tomllib
    from pathlib import Path

    suite = tomllib.loads((Path(__file__).parents[1] / "scenarios" / "suites" / "quick.toml").read_text())
    assert main(["describe", "quick"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"suite quick (v{suite.get('version', 1)}: {suite['description']})")
    assert f"  scenarios:    {len(suite['scenarios'])}\n" in out
    assert all(f"\n    {scenario}\n" in out for scenario in suite["scenarios"])
    assert f"  sample sizes: {', '.join(f'{n:,}' for n in suite['sample_sizes'])}\n" in out
    assert f"  repetitions:  {suite['reps']}; seed: {suite['seed']}\n" in out
    assert main(["describe", "quick(reps=2)"]) == 1
    assert "'quick' is a suite, and a suite takes no parameters" in capsys.readouterr().err


def test_run_writes_records_and_summary(tmp_path, capsys):
    out = tmp_path / "r"
    code = main(
        [
            "run",
            "-e",
            "ksg",
            "-e",
            "gaussian",
            "-s",
            "gaussian(rho=0.8)",
            "-n",
            "100",
            "-n",
            "200",
            "--reps",
            "2",
            "--seed",
            "0",
            "--jobs",
            "1",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    records = pd.read_csv(out / "records.csv")
    summary = pd.read_csv(out / "summary.csv")
    assert len(records) == 8 and len(summary) == 4
    assert str(out) in capsys.readouterr().out


def test_standardize_from_the_command_line_and_from_an_experiment_file(tmp_path):
    experiment = tmp_path / "scaled.toml"
    experiment.write_text('scenarios = ["gaussian"]\nsample_sizes = [100]\nreps = 1\nstandardize = true\n')
    assert main(["run", str(experiment), "-e", "ksg", "--jobs", "1", "--out", str(tmp_path / "a"), "--quiet"]) == 0
    args = ["run", "-e", "ksg", "-s", "gaussian", "-n", "100", "--reps", "1", "--jobs", "1", "--quiet"]
    assert main([*args, "--standardize", "--out", str(tmp_path / "b")]) == 0
    assert main([*args, "--out", str(tmp_path / "c")]) == 0
    flags = [pd.read_csv(tmp_path / run / "records.csv")["standardized"].tolist() for run in "abc"]
    assert flags == [[1], [1], [0]]
    experiment.write_text('scenarios = ["gaussian"]\nsample_sizes = [100]\nstandardize = "yes"\n')
    assert main(["run", str(experiment), "--out", str(tmp_path / "d"), "--quiet"]) == 1


def test_user_error_exits_1_without_traceback(capsys):
    assert main(["run", "-e", "ksgg", "-s", "gaussian", "-n", "10"]) == 1
    err = capsys.readouterr().err
    assert "Did you mean 'ksg'" in err and "Traceback" not in err


def test_failed_estimates_exit_1(tmp_path, capsys):
    # n = 3 is too few for ksg with k = 3: every task fails, the run still completes
    assert (
        main(["run", "-e", "ksg", "-s", "gaussian", "-n", "3", "--reps", "2", "--out", str(tmp_path / "f"), "--quiet"])
        == 1
    )
    assert "2 error" in capsys.readouterr().err


def test_usage_error_exits_2():
    with pytest.raises(SystemExit) as exc:
        main(["run", "--reps", "many"])
    assert exc.value.code == 2
    result = run_cli("bogus-command")
    assert result.returncode == 2


def test_help_has_examples():
    result = run_cli("run", "--help")
    assert result.returncode == 0 and "examples:" in result.stdout


def test_a_committed_results_folder_reads_as_a_run(tmp_path, capsys):
    import gzip
    import shutil

    import mibench

    records = mibench.run(["gaussian"], ["gaussian(rho=0.5)"], [100], reps=3)
    committed = tmp_path / "committed"
    committed.mkdir()
    records.to_csv(tmp_path / "records.csv", index=False)
    with open(tmp_path / "records.csv", "rb") as plain, gzip.open(committed / "records.csv.gz", "wb") as packed:
        shutil.copyfileobj(plain, packed)  # as results/*/ keep them: gzip-compressed CSV only
    assert mibench.load_records(committed)["estimate"].tolist() == records["estimate"].tolist()
    assert main(["summarize", str(committed), "--format", "csv"]) == 0
    assert pd.read_csv(io.StringIO(capsys.readouterr().out))["reps"].tolist() == [3]
    assert main(["info", str(committed)]) == 1
    assert "keeps its records only (records.csv.gz), not the run's store with its provenance" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["summarize", str(tmp_path / "empty")]) == 1
    assert "holds no mibench.sqlite, records.csv or records.csv.gz" in capsys.readouterr().err
