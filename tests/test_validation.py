import numpy as np
import pandas as pd
import pytest

import mibench
from mibench.validation import joint_codes, scale_aware_noise, unit_scaled, validate_sample, validate_variable


def test_one_dimensional_input_becomes_a_column():
    x, y, z = validate_sample([1, 2, 3], np.array([4.0, 5.0, 6.0]))
    assert z is None
    assert x.shape == (3, 1) and y.shape == (3, 1) and x.dtype == np.float64


def test_discrete_labels_of_any_hashable_type():
    codes = validate_variable(["b", "a", "b", ("t", 1), 3], "discrete")
    assert codes.shape == (5, 1)
    assert codes[0, 0] == codes[2, 0]
    assert len(set(codes[:, 0])) == 4
    sorted_codes = validate_variable(np.array(["b", "a", "c"]), "discrete")
    assert sorted_codes[:, 0].tolist() == [1, 0, 2]


def test_numbers_in_an_object_array_are_numbers():
    # A mixed DataFrame's .values holds Python floats and ints as objects: they were typed as labels,
    # so ksg refused them ("x must be numeric for ksg: it holds labels") and gcmi took them as classes.
    rng = np.random.default_rng(1)
    table = pd.DataFrame({"a": rng.normal(size=300), "k": rng.integers(0, 3, 300), "name": "u"})
    y = table["a"] + rng.normal(size=300)
    values = table.to_numpy()
    assert values.dtype == object
    assert mibench.estimate(values[:, 0], y) == mibench.estimate(table["a"].to_numpy(dtype=float), y)
    assert mibench.estimate(values[:, :2], y, "mixed_ksg", x_type="mixed") == mibench.estimate(
        table[["a", "k"]].to_numpy(dtype=float), y, "mixed_ksg", x_type="mixed"
    )
    assert validate_variable(values[:, 1], "discrete").ravel().tolist() == table["k"].tolist()  # codes 0..2
    assert mibench.validation.infer_variable_type(values[:, 2:], "x") == "discrete"  # text stays labels


def test_dataframe_input():
    x = validate_variable(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}), "continuous")
    assert x.shape == (2, 2)


def test_a_dataframe_whose_column_labels_repeat_is_typed_column_by_column():
    from mibench.validation import infer_variable_type

    rng = np.random.default_rng(0)
    measured = pd.DataFrame(rng.normal(size=(200, 2)), columns=["q", "q"])  # as a concat of two "q" columns gives
    assert infer_variable_type(measured, "x") == "continuous"  # was "discrete": frame["q"] is a DataFrame
    y = measured.iloc[:, 0] + rng.normal(size=200)
    assert mibench.estimate(measured, y, "ksg") == mibench.estimate(measured.to_numpy(), y.to_numpy(), "ksg")
    labels = pd.DataFrame({"a": rng.integers(0, 3, 200), "b": rng.integers(0, 3, 200)}).set_axis(["q", "q"], axis=1)
    assert infer_variable_type(labels, "x") == "discrete"


@pytest.mark.parametrize(
    "values, expected",
    [
        (np.arange(12) % 3, "discrete"),
        (np.arange(200), "continuous"),  # integers, but more distinct values than DISCRETE_MAX_LEVELS
        (np.array([1.0, 2.0, np.nan, 1.0]), "discrete"),  # integral floats; the missing value is left out
        (np.array([1.0, 2.5, np.nan, 1.0]), "continuous"),
        (np.array([1.0, np.inf, 1.0]), "continuous"),
        (np.array([True, False, True]), "discrete"),
        (np.array([1, 2, 1], dtype=np.uint8), "discrete"),
        (np.array([0.5, 1.5, 0.5], dtype=np.float32), "continuous"),
        (np.column_stack([np.arange(6) % 2, np.arange(6) % 3]), "discrete"),
        (np.array([["a", 1], ["b", 2]], dtype=object), "discrete"),
    ],
)
def test_an_array_is_typed_as_the_same_values_in_a_dataframe(values, expected):
    """Plain numeric arrays skip the DataFrame; the rule they follow must be the same."""
    from mibench.validation import infer_variable_type

    frame = pd.DataFrame(values.reshape(len(values), -1))
    assert infer_variable_type(values, "x") == infer_variable_type(frame, "x") == expected


@pytest.mark.parametrize(
    "x, y, error, fragment",
    [
        ([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], ValueError, "x contains NaN"),
        ([1.0, 2.0, 3.0], [1.0, np.inf, 3.0], ValueError, "y contains infinite"),
        ([1.0, 2.0, 3.0], [1.0, 2.0], ValueError, "same number of samples; got 3 and 2"),
        ([], [], ValueError, "x is empty"),
        (np.zeros((3, 2, 2)), np.zeros(3), ValueError, "got a 3-D array"),
        (["a", "b", "c"], [1.0, 2.0, 3.0], TypeError, "x must be numeric"),
        (5.0, [1.0], ValueError, "got a scalar"),
        ({1.0, 2.0, 3.0}, [1.0, 2.0, 3.0], ValueError, "got a set"),  # "got a scalar" before
        ((v for v in (1.0, 2.0, 3.0)), [1.0, 2.0, 3.0], ValueError, "got a generator"),
        ([[1.0, 2.0], [3.0]], [1.0, 2.0], ValueError, "rectangular"),
    ],
)
def test_bad_input_names_the_problem(x, y, error, fragment):
    with pytest.raises(error, match=fragment):
        validate_sample(x, y)
    with pytest.raises(error, match=fragment):
        mibench.estimate(x, y, "ksg")


def test_too_few_samples_for_k():
    x = np.arange(5.0)
    with pytest.raises(ValueError, match=r"too few samples: got 5, ksg\(k=5, noise=0.0\) needs at least 6"):
        mibench.estimate(x, x, "ksg", k=5)


def test_missing_discrete_labels():
    with pytest.raises(ValueError, match="missing labels"):
        validate_variable(np.array(["a", None, "b"], dtype=object), "discrete")
    with pytest.raises(ValueError, match="NaN or infinite labels"):
        validate_variable([1.0, np.nan], "discrete")


def test_unsupported_types_are_refused():
    with pytest.raises(ValueError, match=r"ksg does not accept \(discrete, discrete\)"):
        mibench.estimate([1, 2, 3, 4, 5], [1, 2, 1, 2, 1], "ksg", x_type="discrete", y_type="discrete")
    with pytest.raises(ValueError, match="variable type must be one of"):
        validate_variable([1.0], "categorical")


def test_joint_codes():
    rows = np.array([[0, 1], [1, 0], [0, 1], [1, 1]])
    codes = joint_codes(rows)
    assert codes[0] == codes[2] and len(set(codes.tolist())) == 3


@pytest.mark.parametrize("factor", [2.0**-1060, 1e-300, 2.0**-410, 2.0**410, 1e300, 2.0**1020])
def test_unit_scaled_brings_extreme_columns_into_range_exactly_and_leaves_the_others(factor):
    values = np.random.default_rng(0).normal(size=(50, 3)) * np.array([factor, 2.0**390, 0.0])
    scaled, scales = unit_scaled(values)
    mantissas, _ = np.frexp(scales)
    assert scales.shape == (1, 3) and np.all(mantissas == 0.5)  # powers of two
    assert np.array_equal(scaled * scales, values)
    assert 1 <= np.abs(scaled[:, 0]).max() < 2
    assert np.array_equal(scaled[:, 1:], values[:, 1:])  # within range: untouched, bit for bit
    per_row, row_scales = unit_scaled(values[:, :1], axis=1)
    assert row_scales.shape == (50, 1) and np.all(np.abs(per_row) < 2)


def test_jitter_is_scale_aware_at_any_scale():
    # At 1e-300 the standard deviation underflowed to 0, and noise of sd 1e-10 replaced the data.
    units = np.array([1e-300, 1e300])
    values = np.random.default_rng(1).normal(size=(1000, 2))
    noise = scale_aware_noise(values * units, 1e-3, np.random.default_rng(2)) - values * units
    assert (noise / units).std(axis=0) / values.std(axis=0) == pytest.approx([1e-3, 1e-3], rel=0.1)
