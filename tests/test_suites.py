import pytest

import mibench
from mibench.experiment_file import ExperimentFileError, list_suites, load_experiment

SUITES = [
    "quick",
    "standard",
    "continuous",
    "discrete",
    "mixed",
    "highdim",
    "stress",
    "neural_quick",
    "bmi_v1",
    "bmi_v2",
    "highdim_sweep",
    "neural",
]


def test_every_named_suite_is_listed():
    assert set(SUITES) <= set(list_suites())


@pytest.mark.parametrize("suite", SUITES)
def test_suite_scenarios_resolve(suite):
    options = load_experiment(suite)
    assert options["scenarios"] and options["sample_sizes"] and options["reps"] >= 1
    for spec in options["scenarios"]:
        assert mibench.get_scenario(spec).spec.split("(")[0].endswith(("-v1", "-v2", "-v3"))


def test_standard_covers_every_family_of_the_other_suites():
    standard = set(load_experiment("standard")["scenarios"])
    for suite in ("continuous", "discrete", "mixed", "stress"):
        assert set(load_experiment(suite)["scenarios"]) <= standard
    highdim = set(load_experiment("highdim")["scenarios"])
    assert len(highdim & standard) == len(highdim) - 1  # all but the 25 x 25 design, too slow at n = 10000


def test_experiment_file_errors_name_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('estimators = ["ksg"]\nsample_size = [100]\n')
    with pytest.raises(ExperimentFileError, match="unknown key 'sample_size'"):
        load_experiment(str(bad))
    bad.write_text('reps = "ten"\n')
    with pytest.raises(ExperimentFileError, match="key 'reps' must be int"):
        load_experiment(str(bad))
    bad.write_text("reps = [\n")
    with pytest.raises(ExperimentFileError, match="not valid TOML"):
        load_experiment(str(bad))
    with pytest.raises(ExperimentFileError, match="no experiment file or suite named 'nope'"):
        load_experiment("nope")


def test_the_committed_reference_holds_the_standard_suite_as_it_stands():
    """Changing the standard suite without regenerating results/reference fails here."""
    from pathlib import Path

    from mibench.estimator import default_estimators

    reference = mibench.load_records(Path(__file__).resolve().parent.parent / "results" / "reference")
    options = load_experiment("standard")
    assert set(reference["scenario"]) == {mibench.get_scenario(spec).spec for spec in options["scenarios"]}
    assert sorted(reference["n"].unique()) == sorted(options["sample_sizes"])
    assert sorted(reference["rep"].unique()) == list(range(options["reps"]))
    assert set(reference["standardized"]) == {options["standardize"]}
    names = {mibench.get_estimator(spec).name for spec in reference["estimator"].unique()}
    assert names == {mibench.get_estimator(spec).name for spec in default_estimators(builtin_only=True)}
