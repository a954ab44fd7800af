"""Issue 12: never a silently impossible number, and a newcomer's path without a stumble.

Each test names the defect it guards against; each failed on the behaviour before the fix."""

import json
import math
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mibench
from mibench.cli import main
from mibench.estimator import ESTIMATORS, CollinearDataError, NonFiniteEstimateError

ROOT = Path(__file__).resolve().parent.parent
LN5 = float(np.log(5))


def mibench_command(*args: str, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mibench", *args], capture_output=True, text=True, timeout=300, cwd=cwd, **kwargs
    )


# -- 1. types and ties -------------------------------------------------------------------------------
@pytest.mark.parametrize("estimator", ["ksg", "ksg2", "kl", "lnc", "kde"])
def test_integer_symbols_are_discrete_and_continuous_estimators_refuse_them(estimator):
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 5, 200), rng.integers(0, 5, 200)  # ksg returned 7.25 nats here (at most ln 5)
    with pytest.raises(ValueError, match=r"does not accept \(discrete, discrete\).*plugin"):
        mibench.estimate(x, y, estimator)
    assert 0 <= mibench.estimate(x, y, "plugin") <= LN5


def test_the_estimators_suggested_instead_accept_the_data_as_shaped():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(200, 2)), rng.normal(size=200)
    with pytest.raises(ValueError, match="one-dimensional variables only") as refused:
        mibench.estimate(x, y, "sklearn")
    suggested = str(refused.value).rsplit(": ", 1)[1].split(", ")
    assert "ksg" in suggested and "sklearn" not in suggested and "ennemi" not in suggested
    with pytest.raises(ValueError, match="tied values") as refused:
        mibench.estimate(np.round(x, 1), y, "ksg")
    handlers = str(refused.value).split("handle such data: ")[1].split(";")[0].split(", ")
    assert "mixed_ksg" in handlers and "mesner_shalizi" in handlers
    for name in suggested + handlers:
        try:
            estimator = mibench.get_estimator(name)
        except ImportError:  # suggested all the same: it runs once its package is installed
            continue
        assert estimator.supports("continuous", "continuous", 2, 1), name


def test_ties_in_continuous_data_are_refused_with_the_count_unless_jitter_is_asked_for():
    rng = np.random.default_rng(1)
    label = rng.integers(0, 3, 300)
    temperature = np.round(rng.normal(20, 4, 300) + 2 * label)  # whole degrees: ross gave -0.73 to -1.98 nats
    with pytest.raises(
        ValueError, match=r"y has \d+ tied values among 300 samples.*ross cannot handle ties.*mixed_ksg"
    ):
        mibench.estimate(label, temperature, "ross")
    with pytest.raises(ValueError, match="tied values"):
        mibench.estimate(temperature, temperature + rng.normal(size=300), "ksg")
    jittered = mibench.estimate(label, temperature, "ross", jitter=1e-3)
    dequantised = mibench.estimate(label, temperature + rng.uniform(-0.5, 0.5, 300), "ross")
    assert jittered > -0.05 and abs(jittered - mibench.estimate(label, temperature, "ross", jitter=1e-3)) == 0
    assert dequantised > 0
    assert mibench.estimate(label, temperature, "mixed_ksg") > 0


def test_benchmark_runs_still_measure_ties_and_records_say_so():
    records = mibench.run(["ksg", "mixed_ksg"], ["quantized(rho=0.8, step=0.5)", "gaussian(rho=0.5)"], [300], reps=2)
    tied = records[records["scenario"].str.startswith("quantized")]
    assert (tied["status"] == "ok").all() and (tied["ties"] > 250).all()
    assert (records[records["scenario"].str.startswith("gaussian")]["ties"] == 0).all()
    ksg = tied[tied["estimator"].str.startswith("ksg")]
    assert (ksg["estimate"] > 2 * ksg["true_mi"]).all()  # the failure the benchmark exists to show


DISCRETE = [e.name for e in ESTIMATORS.entries() if e.metadata["info"].types == (("discrete", "discrete"),)]


def _entropy(labels: np.ndarray, name: str) -> float:
    """The marginal entropy the estimator's own method gives, from counts made here."""
    from mibench.estimators import discrete as d

    counts = np.unique(labels, return_counts=True)[1]
    c = d.Counts(counts, len(counts))
    entropies = {
        "miller_madow": d.entropy_miller_madow,
        "jackknife": d.entropy_jackknife,
        "chao_shen": d.entropy_chao_shen,
        "grassberger": d.entropy_grassberger,
        "nsb": d.entropy_nsb,
        "bayes": lambda c: d.entropy_pseudocount(c, 0.5),
    }
    if name in entropies:
        return entropies[name](c)
    p = counts / counts.sum()  # plug-in (plugin; james_stein is the plug-in MI of a proper table)
    return float(-(p * np.log(p)).sum()) if name == "plugin" else float(np.log(len(counts)) + 1e-12)


@pytest.mark.parametrize("name", DISCRETE)
def test_no_discrete_estimator_exceeds_the_smaller_marginal_entropy(name):
    rng = np.random.default_rng(5)
    for trial in range(60):
        n, k = int(rng.integers(3, 50)), int(rng.integers(2, 30))
        x = rng.integers(0, k, n)
        y = x.copy() if trial % 3 == 0 else (x + rng.integers(0, 2, n)) % k if trial % 3 == 1 else rng.integers(0, k, n)
        value = mibench.estimate(x, y, name, x_type="discrete", y_type="discrete")
        assert value <= min(_entropy(x, name), _entropy(y, name)) + 1e-9, (name, trial, value)


# -- 2. tables ----------------------------------------------------------------------------------------
def test_a_stray_text_cell_in_a_numeric_column_is_named(tmp_path, capsys):
    rng = np.random.default_rng(2)
    a = rng.normal(size=300)
    table = pd.DataFrame({"a": a, "b": (a + rng.normal(size=300)).astype(object)})
    table.loc[17, "b"] = "oops"
    table.to_csv(tmp_path / "t.csv", index=False)
    assert main(["estimate", str(tmp_path / "t.csv"), "--x", "a", "--y", "b", "-e", "ksg"]) == 1
    assert "column 'b' is numeric except 1 cell(s), first at row 17: 'oops'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "x, y, z, message",
    [
        ("a,a", "b", None, "x names column 'a' twice"),  # read as discrete: "x is declared discrete but its values..."
        ("a", " a", None, "x and y both hold column 'a'"),  # lnc returned inf
        ("a", "b", "a ", "x and z both hold column 'a'"),  # "singular covariance"
        ("a", "b", "c,c", "z names column 'c' twice"),
    ],
)
def test_a_column_named_twice_is_refused_by_name(tmp_path, capsys, x, y, z, message):
    rng = np.random.default_rng(3)
    a = rng.normal(size=300)
    table = pd.DataFrame({"a": a, "b": a + rng.normal(size=300), "c": rng.normal(size=300)})
    table.to_csv(tmp_path / "t.csv", index=False)
    assert main(["estimate", str(tmp_path / "t.csv"), "--x", x, "--y", y, *(["--z", z] if z else [])]) == 1
    assert f"{message} (" in capsys.readouterr().err


def test_messy_table_files_are_read_or_refused_by_name(tmp_path, capsys):
    rng = np.random.default_rng(6)
    a = rng.normal(size=300)
    table = pd.DataFrame({"a": a, " b ": a + rng.normal(size=300)})
    expected = mibench.estimate(table["a"], table[" b "], "ksg")
    for name, sep in (("t.tsv", "\t"), ("semicolons.csv", ";"), ("tabs.txt", "\t"), ("t.csv", ",")):
        table.to_csv(tmp_path / name, index=False, sep=sep)  # the .tsv and ; files read as one column
        assert main(["estimate", str(tmp_path / name), "--x", "a", "--y", "b", "-e", "ksg", "--format", "json"]) == 0
        assert f'"estimate": {expected!r}' in capsys.readouterr().out  # " b " found as b
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("a,b\n")
    for name, message in (("empty.csv", "is empty: no header, no rows"), ("header.csv", "the table has no rows")):
        assert main(["estimate", str(tmp_path / name), "--x", "a", "--y", "b"]) == 1
        assert message in capsys.readouterr().err  # pandas' "No columns to parse", and a RuntimeWarning


@pytest.mark.parametrize(
    "written, options, message",
    [
        (
            lambda v: f"{v:.4f}".replace(".", ","),
            ["--decimal", ","],
            "with a decimal comma (read them with --decimal ,)",
        ),
        (lambda v: f"{v:,.1f}", ["--thousands", ","], "with commas between thousands (read them with --thousands ,)"),
        (
            lambda v: f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", "."),
            ["--decimal", ",", "--thousands", "."],
            "with dots between thousands and a decimal comma (read them with --decimal , --thousands .)",
        ),
    ],
)
def test_numbers_written_in_another_format_are_refused_then_read_as_told(tmp_path, capsys, written, options, message):
    # They were read as text labels: all distinct, refused as "declared discrete" (nothing was
    # declared) with a fix (x_type='continuous') that fails on text; or, with a few repeats, estimated
    # as labels. A semicolon file with a decimal comma in some rows ended in pandas' ParserError.
    rng = np.random.default_rng(8)
    a = np.round(rng.normal(size=300) * 5000, 1)
    b = np.round(a + rng.normal(size=300) * 5000, 1)
    path = tmp_path / "t.csv"
    pd.DataFrame({"a": map(written, a), "b": map(written, b)}).to_csv(path, index=False, sep=";")
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "-e", "ksg"]) == 1
    assert f"x column 'a' holds numbers written as text, such as '{written(a[0])}': {message}" in (
        capsys.readouterr().err
    )
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "-e", "ksg", "--format", "json", *options]) == 0
    assert json.loads(capsys.readouterr().out)["estimate"] == mibench.estimate(a, b, "ksg")


def test_a_decimal_comma_in_a_few_cells_of_whole_numbers_names_the_option(tmp_path, capsys):
    # The error named the first cell only ("fix or drop those rows"), not the reading that fixes it.
    rng = np.random.default_rng(11)
    a = rng.integers(0, 100, 300) + np.where(np.arange(300) < 20, 0.5, 0.0)
    b = np.round(a + rng.normal(size=300) * 20, 3)
    path = tmp_path / "t.csv"
    path.write_text("a;b\n" + "".join(f"{p:g};{q:g}\n".replace(".", ",") for p, q in zip(a, b, strict=True)))
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "-e", "mixed_ksg"]) == 1
    first = f"{a[0]:g}".replace(".", ",")
    assert (
        f"column 'a' is numeric except 20 cell(s), first at row 0: '{first}'; "
        "these are numbers with a decimal comma (read them with --decimal ,)"
    ) in capsys.readouterr().err
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "-e", "mixed_ksg", "--decimal", ","]) == 0


def test_a_column_name_with_a_comma_is_taken_whole(tmp_path, capsys):
    # "income, USD" was split into "income" and "USD": "x: no column 'income', 'USD'".
    rng = np.random.default_rng(12)
    a = rng.normal(size=200)
    b = a + rng.normal(size=200)
    c = rng.normal(size=200)
    pd.DataFrame({"income, USD": a, "b": b, "c": c}).to_csv(tmp_path / "t.csv", index=False)
    options = ["-e", "ksg", "--format", "json", "--permutations", "0", "--subsamples", "0"]
    assert main(["estimate", str(tmp_path / "t.csv"), "--x", "income, USD", "--y", "b", *options]) == 0
    assert json.loads(capsys.readouterr().out)["estimate"] == mibench.estimate(a, b, "ksg")
    assert main(["estimate", str(tmp_path / "t.csv"), "--x", "income, USD", "--y", "b,c", *options]) == 0
    assert json.loads(capsys.readouterr().out)["estimate"] == mibench.estimate(a, np.c_[b, c], "ksg")


def test_other_formats_encodings_and_compressed_tables(tmp_path, capsys):
    # An .xlsx or .json file was read as CSV ("the table has no rows"); a cp1252 file ended in
    # "'utf-8' codec can't decode byte ..."; a semicolon .csv.gz was sniffed from its compressed bytes.
    rng = np.random.default_rng(13)
    a = rng.normal(size=200)
    b = a + rng.normal(size=200)
    table = pd.DataFrame({"a": a, "Größe": b})
    options = ["--x", "a", "--y", "Größe", "-e", "ksg", "--format", "json", "--permutations", "0", "--subsamples", "0"]
    for name, message in [
        ("t.xlsx", "mibench reads CSV, TSV or Parquet tables, not .xlsx files; save it as CSV first"),
        ("t.json", "not .json files"),
        ("t.csv", "not binary files"),
    ]:
        if name.endswith(".json"):
            table.to_json(tmp_path / name)
        else:
            (tmp_path / name).write_bytes(b"PK\x03\x04\0\0")  # a zip archive's first bytes, as .xlsx has
        assert main(["estimate", str(tmp_path / name), *options]) == 1
        assert message in capsys.readouterr().err
    table.to_csv(tmp_path / "w.csv", sep=";", index=False, encoding="cp1252")
    assert main(["estimate", str(tmp_path / "w.csv"), *options]) == 1
    assert "is not utf-8 text (invalid start byte): name its encoding (--encoding cp1252" in capsys.readouterr().err
    for name, extra in [("w.csv", ["--encoding", "cp1252"]), ("s.csv.gz", []), ("s.tsv.bz2", [])]:
        if name != "w.csv":
            table.to_csv(tmp_path / name, sep="\t" if ".tsv" in name else ";", index=False)
        assert main(["estimate", str(tmp_path / name), *options, *extra]) == 0
        assert json.loads(capsys.readouterr().out)["estimate"] == mibench.estimate(a, b, "ksg")


def test_classes_far_smaller_than_the_references_are_flagged(tmp_path, capsys):
    # 200 classes of 2 samples: ross (k = 3) gave -0.09 with "expected bias +0.002", taken from
    # reference scenarios whose classes hold 40 to 200 samples at this n; now from the nearest in
    # that, uniform_shift(m=10), 400 / 10 = 40 per class (and still a warning).
    rng = np.random.default_rng(14)
    labels = np.repeat(np.arange(200), 2)
    table = pd.DataFrame({"pair": [f"p{label}" for label in labels], "few": labels % 4, "y": rng.normal(size=400)})
    table.to_csv(tmp_path / "t.csv", index=False)
    options = ["--y", "y", "-e", "ross", "--permutations", "0", "--subsamples", "0"]
    assert main(["estimate", str(tmp_path / "t.csv"), "--x", "pair", *options]) == 0
    out = capsys.readouterr().out
    assert "(1-D), 40 samples per discrete value in 400 draws: uniform_shift" in out
    assert (
        "warning: your discrete data have 2 samples per distinct value (of the discrete variables taken together); "
        "the reference scenarios nearest in that, behind the expected bias and RMSE, have 40 samples per discrete value in 400 draws"
    ) in out
    assert main(["estimate", str(tmp_path / "t.csv"), "--x", "few", *options, "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["warning"] is None  # 100 per class: within the references'
    # within a factor 2 of 100: uniform_shift(m=4) (100), gaussian_classes with 3 and 2 classes (133, 200)
    assert "100 to 200 samples per discrete value in 400 draws" in result["chosen_because"]
    assert "gaussian_classes(k=2" in result["chosen_because"] and "m=10" not in result["chosen_because"]


def test_samples_per_value_are_counted_in_as_many_rows_as_the_references_draws():
    """400 classes of 100 rows at n = 40,000; the references are drawn 20,000 times, so the classes are
    counted in 20,000 random rows: all 400 turn up (each misses them with odds near 2^-100), 50 per class.
    Counted in all 40,000 rows it was 100, twice as many as at the references' count."""
    from mibench.userdata import estimate_table

    rng = np.random.default_rng(15)
    labels = np.repeat(np.arange(400), 100)
    table = pd.DataFrame({"label": labels, "y": labels % 7 + rng.normal(size=40_000)})
    result = estimate_table(table, ["label"], ["y"], "ross", x_type="discrete", permutations=0, subsamples=0)
    assert result.warning.startswith(
        "your discrete data have 50 samples per distinct value (of the discrete variables taken together, in "
        "20,000 of your 40,000 rows); the reference scenarios nearest in that, behind the expected bias and RMSE, "
        "have 2,000 samples per discrete value in 20,000 draws"  # uniform_shift(m=10): 20,000 / 10
    )


def test_a_thousands_separator_out_of_place_is_refused(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_text("a;b\n1.234,5;0,5\n2.000,25;1.5\n3,5;2,5\n")  # 1.5 in b, read with thousands='.', was 15
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "--decimal", ",", "--thousands", "."]) == 1
    assert "column 'b' has '1.5' (row 1), which is not a number with thousands separated by '.'" in (
        capsys.readouterr().err
    )
    path.write_text("a,b\n1,2\n3,4,5,6\n1,2\n")  # pandas' ParserError, with its traceback
    assert main(["estimate", str(path), "--x", "a", "--y", "b"]) == 1
    assert "cannot be read as a table: Error tokenizing data. C error: Expected 2 fields in line 3, saw 4" in (
        capsys.readouterr().err
    )
    from mibench.userdata import estimate_table

    rng = np.random.default_rng(10)
    table = pd.DataFrame({"a": rng.normal(size=100), "b": rng.normal(size=100).astype(str)})  # as Parquet may hold
    with pytest.raises(ValueError, match=r"y column 'b' holds numbers as text, such as '-?0\.\d+"):
        estimate_table(table, ["a"], ["b"], "ksg")


def test_numbers_with_a_unit_are_refused_unless_declared_labels(tmp_path, capsys):
    rng = np.random.default_rng(9)
    a = rng.normal(size=300)
    b = a + rng.normal(size=300)
    path = tmp_path / "t.csv"
    pd.DataFrame({"a": [f"{value:.3f}%" for value in a], "b": b}).to_csv(path, index=False)
    assert main(["estimate", str(path), "--x", "a", "--y", "b"]) == 1  # was ross on 288 "classes": 0.19 nats
    assert "x column 'a' holds numbers with '%' around them, such as" in capsys.readouterr().err
    pd.DataFrame({"a": [f"S{i % 5}" for i in range(300)], "b": b}).to_csv(path, index=False)
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "--permutations", "0", "--subsamples", "0"]) == 0
    assert "x discrete, y continuous" in capsys.readouterr().out  # labels such as S3 are labels
    pd.DataFrame({"a": [f"{value:.1f} kg" for value in a], "b": b}).to_csv(path, index=False)
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "--x-type", "discrete", "-e", "mixed_ksg"]) == 0
    capsys.readouterr()  # declared labels are estimated as labels
    pd.DataFrame({"a": [f"S{i}" for i in range(300)], "b": b}).to_csv(path, index=False)
    assert main(["estimate", str(path), "--x", "a", "--y", "b"]) == 1
    assert "x is treated as discrete but its values are all distinct" in (err := capsys.readouterr().err)
    assert "convert its values to numbers first: they are text or other labels" in err
    times = pd.date_range("2026-01-01", periods=300, freq="h")
    pd.DataFrame({"a": times.strftime("%Y-%m-%d %H:%M"), "b": b}).to_csv(path, index=False)
    assert main(["estimate", str(path), "--x", "a", "--y", "b"]) == 1
    assert "convert its values to numbers first: they are dates or times (seconds since" in capsys.readouterr().err
    with pytest.warns(UserWarning, match="they are dates or times"):  # datetime64 in Python, declared discrete
        mibench.estimate(times.to_numpy(), b, "mixed_ksg", x_type="discrete")


def test_records_files_that_are_empty_or_spoiled_are_refused_by_name(tmp_path, capsys):
    # An empty records file: compare ended in pandas' AttributeError, summarize printed a header alone
    # with exit 0; a text cell in 'estimate' gave "could not convert string to float" without the column.
    records = mibench.run(["gaussian"], ["gaussian"], [50], reps=2)
    empty, spoiled = tmp_path / "empty.csv", tmp_path / "spoiled.csv"
    records.iloc[:0].to_csv(empty, index=False)
    records.assign(estimate=["0.1", "abc"]).to_csv(spoiled, index=False)
    for command in (["summarize"], ["summarize", "--trends"], ["plot"], ["report"]):
        assert main([*command, str(empty)]) == 1
        assert f"{empty} holds no records: nothing to analyse" in capsys.readouterr().err
    assert main(["compare", str(empty), str(empty)]) == 1
    assert "holds any record: nothing to compare" in capsys.readouterr().err
    assert main(["summarize", str(spoiled)]) == 1
    assert "records column 'estimate' must hold floats: could not convert string to float: 'abc'" in (
        capsys.readouterr().err
    )


def test_pandas_inputs_whose_indexes_differ_are_not_paired_by_position_silently():
    # x.sort_values() beside y was paired by position: 0.027 nats where the data hold 0.39.
    rng = np.random.default_rng(7)
    x = pd.Series(rng.normal(size=300))
    y = x + rng.normal(size=300)
    with pytest.raises(ValueError, match=r"x and y are pandas objects with different indexes.*y\.reindex\(x\.index\)"):
        mibench.estimate(x.sort_values(), y, "ksg")
    aligned = mibench.estimate(x.sort_values(), y.reindex(x.sort_values().index), "ksg")
    assert aligned == pytest.approx(mibench.estimate(x.to_numpy(), y.to_numpy(), "ksg"), rel=1e-12)  # same pairs
    assert aligned > 0.3
    with pytest.raises(ValueError, match="x and z are pandas objects with different indexes"):
        mibench.estimate(x, y, "ksg", z=pd.Series(rng.normal(size=300), index=range(5, 305)))


def test_masked_and_complex_arrays_are_refused_not_silently_reduced():
    # A masked array's hidden entries were used as if present (0.1251 against 0.2094 on the rest),
    # and complex values lost their imaginary part with only numpy's warning.
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    y = x + rng.normal(size=200)
    with pytest.raises(ValueError, match="x is a masked array with 100 masked entries"):
        mibench.estimate(np.ma.masked_array(x, mask=np.arange(200) < 100), y)
    assert mibench.estimate(np.ma.masked_array(x), y) == mibench.estimate(x, y)  # nothing masked: accepted
    with pytest.raises(TypeError, match=r"y holds complex numbers \(complex128\)"):
        mibench.estimate(x, y + 1j)


def test_constant_columns_and_continuous_values_for_discrete_estimators_are_refused():
    rng = np.random.default_rng(3)
    with pytest.raises(ValueError, match="column 0 is constant"):
        mibench.estimate(np.full(100, 3.7), rng.normal(size=100), "gaussian")  # was NaN
    with pytest.raises(ValueError, match=r"plugin does not accept \(continuous, continuous\)"):
        mibench.estimate(rng.normal(size=100), rng.normal(size=100), "plugin")  # was ln n
    with pytest.warns(UserWarning, match="treated as discrete but its values are all distinct"):
        mibench.estimate(rng.normal(size=100), rng.normal(size=100), "plugin", x_type="discrete", y_type="discrete")
    table = pd.DataFrame({"a": rng.normal(size=50), "b": rng.normal(size=50)})
    with pytest.raises(ValueError, match="treated as discrete but its values are all distinct"):
        from mibench.userdata import estimate_table

        estimate_table(table, ["a"], ["b"], "plugin", x_type="discrete", y_type="discrete")


@pytest.mark.parametrize("spec", ["ksg", "kl", "mixed_ksg", "npeet"])
def test_columns_in_different_units_give_the_same_estimate(spec, tmp_path, capsys):
    # With x in units 10^4 times y's, the max-norm neighbourhoods followed x alone: ksg, mixed_ksg
    # and npeet gave 0.00 and kl -3.08 (n = 1,000, truth 0.22); at 100 times, 0.15-0.19. Each column
    # is divided by its interquartile range, which one extreme value does not inflate.
    if spec == "npeet":
        pytest.importorskip("npeet_plus")
    rng = np.random.default_rng(12)
    x = rng.normal(size=1000)
    y = 0.6 * x + 0.8 * rng.normal(size=1000)
    truth = -0.5 * np.log(1 - 0.36)
    quartile_range = [np.subtract(*np.percentile(v, [75, 25])) for v in (x, y)]
    by_hand = mibench.estimate(x / quartile_range[0], y / quartile_range[1], spec, standardize=False)
    for factor in (1e-4, 1.0, 100.0, 1e4):
        assert mibench.estimate(x * factor, y, spec) == pytest.approx(by_hand, abs=1e-12)
    assert abs(by_hand - truth) < 0.05
    outlier = x.copy()
    outlier[np.argmax(np.abs(x))] *= 1e6  # its own neighbourhood changes, not everyone's scale
    assert mibench.estimate(outlier, y, spec) == pytest.approx(by_hand, abs=0.03)  # by its sd: 0.000, kl −5.47
    assert abs(mibench.estimate(x * 1e4, y, spec, standardize=False) - truth) > 0.2  # as the estimator defines it
    pd.DataFrame({"income": x * 1e4 + 5e4, "score": y}).to_csv(tmp_path / "t.csv", index=False)
    command = ["estimate", str(tmp_path / "t.csv"), "--x", "income", "--y", "score", "-e", spec, "--format", "json"]
    assert main([*command, "--permutations", "0", "--subsamples", "0"]) == 0
    assert json.loads(capsys.readouterr().out)["estimate"] == pytest.approx(by_hand, abs=0.02)
    assert main([*command, "--permutations", "0", "--subsamples", "0", "--no-standardize"]) == 0
    assert abs(json.loads(capsys.readouterr().out)["estimate"] - truth) > 0.2
    with pytest.raises(ValueError, match="standardize must be True or False, got 'yes'"):
        mibench.estimate(x, y, spec, standardize="yes")


def test_an_estimate_that_is_not_finite_is_refused_with_the_reason(tmp_path, capsys):
    mibench.load_plugin(str(ROOT / "tests" / "faulty_plugins.py"))
    x = np.random.default_rng(4).normal(size=200)
    with pytest.raises(NonFiniteEstimateError, match="fault_nan returned nan on these data, not an estimate"):
        mibench.estimate(x, 2 * x, "fault_nan")  # gaussian's inf here was returned silently
    pd.DataFrame({"a": x, "b": 2 * x}).to_csv(tmp_path / "t.csv", index=False)
    plugin = ["--plugin", str(ROOT / "tests" / "faulty_plugins.py")]
    assert main([*plugin, "estimate", str(tmp_path / "t.csv"), "--x", "a", "--y", "b", "-e", "fault_nan"]) == 1
    assert "fault_nan returned nan on these data" in capsys.readouterr().err


def _linearly_dependent_cases(rng: np.random.Generator, n: int = 400) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    a, b = rng.normal(size=n), rng.normal(size=n)
    y = a + rng.normal(size=n)
    return {
        "x and y are linearly related": (a, 2 * a + 1),
        "the 2 columns of x are linearly dependent": (np.c_[a, 3 * a - 1], y),
        "the 3 columns of x are linearly dependent": (np.c_[a, b, a + b], rng.normal(size=n)),
    }


@pytest.mark.parametrize("spec", ["gaussian", "gcmi", "kde", "kl", "lnc"])
def test_linearly_dependent_columns_are_refused_where_the_value_needs_a_density(spec):
    # Before: gaussian 18.0 nats for y = 2x + 1 (rounding noise in a zero determinant), kde 19.5, lnc 36.4
    # for x = [a, 3a − 1] beside y = a + noise (true MI 0.35), kl −1.94, lnc 35.1 for x = [a, b, a + b]
    # beside an independent y (true MI 0).
    for problem, (x, y) in _linearly_dependent_cases(np.random.default_rng(0)).items():
        with pytest.raises(CollinearDataError, match=problem) as raised:
            mibench.estimate(x, y, spec)
        assert f"{spec} cannot estimate on such data" in str(raised.value)
        assert "Estimators that handle such data: histogram, ksg, ksg2, mesner_shalizi, mixed_ksg" in str(raised.value)


@pytest.mark.parametrize("spec", ["ksg", "ksg2", "mixed_ksg", "mesner_shalizi", "histogram"])
def test_estimators_that_count_neighbours_or_bins_take_linearly_dependent_columns(spec):
    rng = np.random.default_rng(1)
    a = rng.normal(size=500)
    y = a + rng.normal(size=500)
    # A repeated, rescaled column leaves every max-norm distance (or bin) as it was: the same estimate.
    assert mibench.estimate(np.c_[a, 3 * a - 1], y, spec) == pytest.approx(mibench.estimate(a, y, spec), abs=1e-9)


def test_linearly_related_x_and_y_get_a_warning_that_their_mi_is_infinite(tmp_path, capsys):
    import warnings

    rng = np.random.default_rng(3)
    a = rng.normal(size=400)
    with pytest.warns(
        UserWarning, match=r"x and y are linearly related.*MI is infinite.*any value ksg gives is finite"
    ):
        assert mibench.estimate(a, 2 * a + 1, "ksg") < math.log(400)  # 4.6 nats, before without a word
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a column repeated within x leaves the MI as it is: no warning
        mibench.estimate(np.c_[a, 3 * a - 1], a + rng.normal(size=400), "ksg")
    path = tmp_path / "t.csv"
    pd.DataFrame({"a": a, "b": 3 * a - 1, "c": a + rng.normal(size=400), "d": 2 * a + 1}).to_csv(path, index=False)
    quick = ["--permutations", "0", "--subsamples", "0", "--format", "json"]
    assert main(["estimate", str(path), "--x", "a", "--y", "d", "-e", "ksg", *quick]) == 0
    assert "MI is infinite" in json.loads(capsys.readouterr().out)["warning"]
    # The top-ranked estimators that refuse such columns are passed over, by name.
    assert main(["estimate", str(path), "--x", "a,b", "--y", "c", *quick]) == 0
    result = json.loads(capsys.readouterr().out)
    refusing = {
        name for name in mibench.list_estimators() if ESTIMATORS.entry(name).metadata["info"].collinear == "refused"
    }
    assert result["estimator"].split("(")[0] not in refusing
    skipped = re.search(
        r"skipped (.*) \((it|they) cannot handle the linearly dependent columns\)", result["chosen_because"]
    )
    assert skipped is None or set(skipped.group(1).split(", ")) <= refusing


def test_a_benchmark_records_linearly_dependent_samples_as_errors_for_those_that_refuse_them():
    from mibench.plugin import Scenario, Truth

    class RepeatedColumn(Scenario):
        """x = (a, 3a − 1), y = a + e, a and e standard normal: I = ½ ln 2."""

        dim_x = 2

        def _truth(self):
            return Truth(0.5 * np.log(2), "closed form")

        def _sample(self, n, rng):
            a = rng.standard_normal(n)
            return np.c_[a, 3 * a - 1], a + rng.standard_normal(n)

    name = "test_repeated_column"
    if name not in mibench.list_scenarios():
        mibench.register_scenario(name)(RepeatedColumn)
    records = mibench.run(["gaussian", "ksg"], [name], [200], reps=2)
    by_estimator = records.set_index(records["estimator"].str.split("(").str[0])
    assert set(by_estimator.loc["gaussian", "status"]) == {"error"}
    assert by_estimator.loc["gaussian", "message"].str.contains("the 2 columns of x are linearly dependent").all()
    assert set(by_estimator.loc["ksg", "status"]) == {"ok"}


def test_the_gaussian_mi_keeps_its_precision_near_dependence():
    from fractions import Fraction

    rng = np.random.default_rng(2)
    x = rng.normal(size=200)
    for noise in (1e-4, 1e-7, 1e-8):
        y = x + noise * rng.normal(size=200)
        # 1 − r² = (Sxx Syy − Sxy²) / (Sxx Syy) in exact rational arithmetic on the same doubles.
        fx, fy = [Fraction(v) for v in x], [Fraction(v) for v in y]
        mx, my = sum(fx) / len(fx), sum(fy) / len(fy)
        sxx = sum((v - mx) ** 2 for v in fx)
        syy = sum((v - my) ** 2 for v in fy)
        sxy = sum((u - mx) * (v - my) for u, v in zip(fx, fy))
        exact = -0.5 * math.log((sxx * syy - sxy**2) / (sxx * syy))
        # From np.cov's determinant: 0.04 nats off at 1e-7, infinite at 1e-8.
        assert mibench.estimate(x, y, "gaussian", standardize=False) == pytest.approx(exact, abs=1e-6)


@pytest.mark.parametrize("spec", ["gaussian", "kde", "kde(method='exact')", "lnc", "ksg(noise=1e-10)"])
@pytest.mark.parametrize("factor", [1e-300, 1e300])
def test_data_near_the_ends_of_the_float_range_give_the_same_estimate(spec, factor):
    # gaussian and kde returned NaN (1e300) or refused a "singular" covariance (1e-300); lnc silently
    # dropped its correction; ksg's jitter swamped 1e-300 data. MI does not depend on the units.
    rng = np.random.default_rng(5)
    x = rng.normal(size=3000)
    y, z = 0.6 * x + 0.8 * rng.normal(size=3000), x + rng.normal(size=3000)
    reference = mibench.estimate(x, y, spec)
    assert mibench.estimate(x * factor, y * factor, spec) == pytest.approx(reference, rel=1e-9, abs=1e-12)
    if spec == "gaussian":  # one variable in other units, and a z: only the covariances' scales differ
        assert mibench.estimate(x * factor, y, spec, z=z / factor) == pytest.approx(
            mibench.estimate(x, y, spec, z=z), rel=1e-9
        )


def test_a_column_with_a_point_mass_is_suggested_as_mixed(tmp_path, capsys):
    # A rainfall exactly 0 at 30 % of the time points was taken for continuous without a word: the
    # estimator and its quoted expectations came from the linear-Gaussian pairs (bias −0.0000).
    rng = np.random.default_rng(3)
    humidity, rain = rng.standard_normal(3000), np.zeros(3000)
    for t in range(1, 3000):
        rain[t] = 0.5 * rain[t - 1] + humidity[t - 1] + rng.standard_normal() if rng.random() > 0.3 else 0.0
    path = tmp_path / "rain.csv"
    pd.DataFrame({"humidity": humidity, "rain": rain}).to_csv(path, index=False)
    command = ["estimate", str(path), "--x", "humidity", "--y", "rain", "--permutations", "0", "--format", "json"]
    for extra in ([], ["--te", "--history", "1"]):
        assert main([*command, *extra]) == 0
        warning = json.loads(capsys.readouterr().out)["warning"]
        assert "y column 'rain' equals 0 in 30% of rows: a point mass" in warning  # rain here goes below 0
        assert "--y-type mixed" in warning
    assert main([*command, "--te", "--history", "1", "--y-type", "mixed"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["warning"] is None and result["estimator"] == "mesner_shalizi(k=5)"
    pd.DataFrame({"a": humidity, "b": humidity + rng.standard_normal(3000)}).to_csv(path, index=False)
    assert main(["estimate", str(path), "--x", "a", "--y", "b", "--permutations", "0", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["warning"] is None  # no value repeats in continuous data
    # assays censored at a detection limit below, or at the top of their range: the atom is an end
    for b, said in (
        (np.maximum(humidity, -0.5), "equals -0.5 (its smallest value) in"),
        (np.minimum(humidity, 1.0), "equals 1 (its largest value) in"),
    ):
        pd.DataFrame({"a": humidity + rng.standard_normal(3000), "b": b}).to_csv(path, index=False)
        assert main(["estimate", str(path), "--x", "a", "--y", "b", "--permutations", "0", "--format", "json"]) == 0
        assert said in json.loads(capsys.readouterr().out)["warning"]


# -- 3. specs -----------------------------------------------------------------------------------------
def test_invalid_parameters_are_refused_when_a_spec_is_resolved(tmp_path, capsys):
    assert main(["describe", "ksg(k=-1)"]) == 1
    assert "k must be a positive integer, got -1" in capsys.readouterr().err
    assert main(["run", "-e", "ksg(k=0)", "-s", "gaussian", "-n", "50", "--out", str(tmp_path / "r"), "--quiet"]) == 1
    assert "k must be a positive integer, got 0" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()  # refused before any task ran
    (tmp_path / "e.toml").write_text(
        'estimators = ["kde(bandwidth=-1)"]\nscenarios = ["gaussian"]\nsample_sizes = [50]\n'
    )
    assert main(["run", str(tmp_path / "e.toml"), "--out", str(tmp_path / "e"), "--quiet"]) == 1
    assert "bandwidth must be" in capsys.readouterr().err
    with pytest.raises(ValueError, match="alpha must be in"):
        mibench.get_estimator("lnc(alpha=0)")
    assert main(["describe", "ksg(k=5)"]) == 0
    assert "parameters:   k=5, noise=0.0" in capsys.readouterr().out  # the values of the spec given


@pytest.mark.parametrize(
    "make, message",
    [
        # noise=inf or jitter=inf made every sample infinite, and ksg returned -3.41 nats
        (lambda x, y: mibench.estimate(x, y, "ksg", noise=math.inf), r"noise must be a number in \[0, inf\), got inf"),
        (
            lambda x, y: mibench.estimate(x, y, "ksg", jitter=math.inf),
            r"jitter must be a number in \[0, inf\), got inf",
        ),
        (
            lambda x, y: mibench.get_estimator("bayes", a=math.inf),
            r"a must be a number in \[0, inf\)",
        ),  # nan at the estimate
        (lambda x, y: mibench.get_scenario("gaussian_mixture", separation=math.inf), "separation must be a number"),
        (lambda x, y: mibench.get_scenario("zipf_channel", exponent=math.inf), "exponent must be a number"),
    ],
)
def test_an_infinite_parameter_is_refused_where_a_finite_one_is_meant(make, message):
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    with pytest.raises(ValueError, match=message):
        make(x, x + rng.normal(size=200))
    gaussian = mibench.get_scenario("gaussian", rho=0.5).mi
    assert mibench.get_scenario("student_t", dof=math.inf, rho=0.5).mi == pytest.approx(
        gaussian, abs=1e-15
    )  # by design


def test_a_scenario_whose_values_leave_the_float_range_is_refused_not_sampled(tmp_path):
    # Gamma(1e-20) draws 0 and Y = E / X came out infinite: the benchmark estimated on inf silently
    # through the Python API (the harness's sample check named only "y").
    scenario = mibench.get_scenario("gamma_exponential(theta=1e-20)")
    with pytest.raises(
        ValueError, match=r"gamma_exponential-v1\(theta=1e-20\) drew 50 of 50 samples with a non-finite y"
    ):
        scenario.sample(50, 0)
    with pytest.raises(ValueError, match="drew .* non-finite x"):
        mibench.get_scenario("power(exponent=1e300)").sample(200, 0)
    records = mibench.run(["ksg"], ["gamma_exponential(theta=1e-20)"], [50], reps=1)
    assert records["status"].tolist() == ["error"]
    assert "leave float64's range" in records["message"].iloc[0]


@pytest.mark.parametrize(
    "spec, message",
    [
        ("gaussian_sparse(mi=50)", "mi=50 is too large to represent with float64 correlations: at most 36.04 nats"),
        ("student_t(dof=3, mi=20)", "mi=20 is too large to represent with float64 correlations: at most 18.06 nats"),
        ("markov_te(flip=0)", "more than one stationary law"),
        # Y == X in every draw, for a truth of 45 nats
        ("additive_uniform(eps=1e-20)", "eps=1e-20 is too small to represent: Y = X + noise of that width rounds"),
        ("weinman_exponential(theta=1e-300)", "theta=1e-300 is too small to represent"),  # Y == X, truth 690 nats
        ("additive_gaussian(sigma=1e-9)", "sigma=1e-09 is too small to represent"),  # "cov must be positive definite"
        ("markov_te(flip=1, coupling=0, noise=1)", "more than one stationary law"),
    ],
)
def test_scenario_parameters_without_a_defined_truth_are_refused_by_that_reason(spec, message):
    # gaussian_sparse and student_t blamed "rho must be in ..., got 1.0", a parameter not given;
    # markov_te(flip=0) took an arbitrary one of its stationary laws for the truth.
    with pytest.raises(ValueError, match=re.escape(message)):
        mibench.get_scenario(spec)


def test_a_scenario_too_large_to_build_is_refused_by_that_reason(capsys):
    # A traceback from numpy's allocator, and describe blamed the gaussian estimator's parameters.
    # 2 · 10^7 dimensions need a covariance of 3.2e15 bytes, beyond any address space.
    with pytest.raises(ValueError, match=r"invalid parameters for scenario 'gaussian': they need more memory"):
        mibench.get_scenario("gaussian(dim=10000000)")
    assert main(["describe", "gaussian(dim=10000000)"]) == 1
    err = capsys.readouterr().err
    assert "neither takes this spec" in err and "scenario 'gaussian': they need more memory than is free" in err


# -- 4. the README from a clone's root ------------------------------------------------------------------
def test_the_package_imports_from_the_clone_root_without_an_editable_install():
    site_packages = next(p for p in sys.path if p.endswith("site-packages"))
    code = (
        f"import sys; sys.path.append({site_packages!r}); import mibench, numpy as np; "
        "assert not hasattr(sys.modules['mibench'], '__editable__'); "
        "print(len(mibench.list_estimators()), len(mibench.list_scenarios()), "
        "round(mibench.estimate(np.arange(200.0) % 7.3, np.arange(200.0) % 5.1, 'gaussian'), 3))"
    )
    # -S: no site customisation, so no editable-install finder; the clone's root is the working folder.
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    from mibench.scenario import SCENARIOS

    builtin = [
        sum(entry.source.startswith(f"mibench.{kind}s.") for entry in registry.entries())
        for kind, registry in (("estimator", ESTIMATORS), ("scenario", SCENARIOS))
    ]
    assert result.stdout.split()[:2] == [str(builtin[0]), str(builtin[1])]


# -- 5. the command line ---------------------------------------------------------------------------------
SLOW_PLUGIN = """
import time
from mibench.plugin import register_estimator


@register_estimator("sleepy", multivariate=False)
def sleepy(x, y):
    \"\"\"Sleeps a little, returns 0.\"\"\"
    time.sleep(0.3)
    return 0.0
"""


def stored_records(store: Path) -> int:
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT count(*) FROM records").fetchone()[0]
    except sqlite3.Error:  # not created yet, or busy
        return 0


@pytest.mark.parametrize("executor", ["processes", "dask"])
def test_ctrl_c_stops_without_worker_tracebacks_and_loses_nothing(tmp_path, executor):
    if executor == "dask":
        pytest.importorskip("distributed")
    (tmp_path / "slow.py").write_text(SLOW_PLUGIN)
    command = [
        sys.executable,
        "-m",
        "mibench",
        "--plugin",
        str(tmp_path / "slow.py"),
        "run",
        "-e",
        "sleepy",
        "-s",
        "gaussian",
        "-n",
        "50",
        "--reps",
        "40",
        "--jobs",
        "2",
        "--executor",
        executor,
        "--out",
        str(tmp_path / "run"),
        "--quiet",
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # A shell's background job inherits SIGINT ignored, and Python keeps it so: restore it, as a terminal has it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    store = tmp_path / "run" / "mibench.sqlite"
    for _ in range(600):  # until some estimates are stored (a Dask cluster takes a few seconds to start)
        time.sleep(0.1)
        if store.exists() and stored_records(store) >= 4:
            break
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: the whole process group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "rerun the same command to resume" in err
    done = len(mibench.load_records(tmp_path / "run"))
    assert 0 < done < 40
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0 and len(mibench.load_records(tmp_path / "run")) == 40


def test_run_arguments_that_cannot_work_are_named(tmp_path, capsys):
    # --jobs 0 and -2 ran silently (on every core, and on one); a run of no fitting pair wrote an
    # empty folder and exited 0; a file as --out was called a damaged store that --force would fix.
    (tmp_path / "afile").write_text("")
    for args, message in (
        (["-e", "ksg", "--jobs", "0"], "jobs must be a positive integer, got 0"),
        (["-e", "ksg", "--jobs", "-2"], "jobs must be a positive integer, got -2"),
        (["-e", "plugin"], "nothing to run: no estimator fits any scenario of the experiment (plugin × gaussian-v1"),
        (["-e", "ksg", "--out", str(tmp_path / "afile")], "afile' is a file, not a folder; choose another --out"),
    ):
        out = [] if "--out" in args else ["--out", str(tmp_path / "run")]
        assert main(["run", *args, "-s", "gaussian", "-n", "100", "--reps", "2", *out]) == 1
        assert message in capsys.readouterr().err
    assert not (tmp_path / "run").exists()
    # recommend ranked for n = 0 and 0-D variables; export to a folder gave "[Errno 21] Is a directory"
    for args, message in (
        (["recommend", "--x-type", "continuous", "--y-type", "continuous", "--n", "0"], "n must be a positive"),
        (["recommend", "--x-type", "continuous", "--y-type", "continuous", "--dim-x", "0"], "dim_x must be a positive"),
        (["export", str(ROOT / "results" / "baseline" / "quick"), "--output", str(tmp_path)], "is a folder; name the"),
    ):
        assert main(args) == 1
        assert message in capsys.readouterr().err


def test_an_unwritable_out_folder_is_named(tmp_path, capsys):
    (tmp_path / "file").write_text("not a folder")
    out = tmp_path / "file" / "run"
    assert main(["run", "-e", "gaussian", "-s", "gaussian", "-n", "50", "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"cannot create the run folder {str(out)!r}" in err and "not a readable" not in err


def test_a_broken_plugin_file_gives_one_line_naming_the_file_and_line(tmp_path):
    (tmp_path / "broken.py").write_text("import numpy\n\ndef f(:\n    pass\n")
    result = mibench_command("--plugin", str(tmp_path / "broken.py"), "list")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        result.stderr.strip()
        == f"mibench: error: plugin file {str(tmp_path / 'broken.py')!r}, line 3: SyntaxError: invalid syntax"
    )


def test_a_closed_pipe_ends_quietly():
    result = subprocess.run(
        f"{sys.executable} -m mibench list scenarios | head -2", shell=True, capture_output=True, text=True, timeout=120
    )
    assert result.stderr == "" and len(result.stdout.splitlines()) == 2
    status = subprocess.run(
        f"set -o pipefail; {sys.executable} -m mibench list scenarios | head -1 > /dev/null",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert status.returncode == 0, status.stderr


def test_run_summarises_skipped_pairs_and_failure_reasons(tmp_path, capsys):
    args = [
        "run",
        "-e",
        "ksg",
        "-e",
        "plugin",
        "-s",
        "gaussian",
        "-s",
        "symmetric_channel",
        "-n",
        "3",
        "-n",
        "60",
        "--reps",
        "2",
        "--out",
        str(tmp_path / "r"),
    ]
    assert main([*args, "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "skipped 2" not in err and "most frequent failure reasons" in err
    assert "2 × error: ValueError: too few samples: got 3, ksg(k=3, noise=0.0) needs at least 4" in err
    assert main([*args, "--force"]) == 1
    err = capsys.readouterr().err
    assert "skipped 2 estimator × scenario pairs" in err and "--verbose lists them" in err and "run.log" in err
    assert main([*args, "--force", "--verbose"]) == 1
    assert "  skipped ksg(k=3, noise=0.0) × symmetric_channel" in capsys.readouterr().err


def test_help_shows_defaults_and_exit_codes_and_python_m_works():
    result = mibench_command("run", "--help")
    assert result.returncode == 0 and "exit codes: 0 success" in result.stdout
    compare_help = mibench_command("compare", "--help").stdout
    assert "(default: 0.05)" in compare_help and "(default: table)" in compare_help


def test_provenance_records_the_commit_of_the_checkout_the_run_starts_in(tmp_path):
    repo = tmp_path / "analysis"
    repo.mkdir()
    for command in (
        ["init", "-q"],
        ["-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "x"],
    ):
        subprocess.run(["git", *command], cwd=repo, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    result = mibench_command(
        "run", "-e", "gaussian", "-s", "gaussian", "-n", "50", "--reps", "1", "--out", "r", "--quiet", cwd=repo
    )
    assert result.returncode == 0, result.stderr
    info = mibench_command("info", "r", cwd=repo)
    assert f'"commit": "{head}"' in info.stdout and '"mibench": "' in info.stdout


# -- 6. packaging ------------------------------------------------------------------------------------------
def test_declared_lower_bounds_match_what_the_code_uses():
    import tomllib

    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "numpy>=2.0" in dependencies  # np.trapezoid (nsb)
    assert "pandas>=2.2.2" in dependencies  # DataFrame.map (2.1) built for numpy 2 (2.2.2)
    assert (
        (ROOT / "LICENSE").is_file() and (ROOT / "CITATION.cff").is_file() and (ROOT / "mibench" / "py.typed").is_file()
    )


def test_every_builtin_estimator_declares_how_it_handles_ties():
    for entry in ESTIMATORS.entries():
        if entry.source.startswith("mibench.estimators."):
            info = entry.metadata["info"]
            assert info.ties in ("handled", "jittered", "refused"), f"{entry.name} leaves its tie handling undeclared"
            assert entry.name not in ("ksg", "ksg2", "kl", "lnc", "ross") or info.ties == "refused"
