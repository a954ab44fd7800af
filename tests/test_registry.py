import textwrap
import warnings
from importlib import metadata

import numpy as np
import pytest

import mibench
from mibench.estimator import ESTIMATORS
from mibench.registry import RegistryError


def test_builtins_are_listed_sorted():
    names = mibench.list_estimators()
    assert names == sorted(names)
    assert {"ksg", "gaussian", "plugin"} <= set(names)
    assert {"gaussian", "symmetric_channel", "uniform_shift"} <= set(mibench.list_scenarios())


def test_unknown_name_suggests_close_matches():
    with pytest.raises(RegistryError, match=r"unknown estimator 'ksgg'\. Did you mean 'ksg'"):
        mibench.get_estimator("ksgg")
    with pytest.raises(RegistryError, match=r"unknown estimator 'KSG'\. Did you mean 'ksg'"):  # no hint before
        mibench.get_estimator("KSG")
    with pytest.raises(RegistryError, match="list_scenarios"):
        mibench.get_scenario("nothing_like_it")


def test_unknown_parameter_lists_valid_ones_with_defaults():
    with pytest.raises(RegistryError, match=r"no parameter 'kk'; valid parameters: k=3, noise=0.0, workers=1"):
        mibench.get_estimator("ksg(kk=4)")


def test_invalid_parameter_value():
    with pytest.raises(ValueError, match="k must be a positive integer"):
        mibench.estimate(np.arange(10.0), np.arange(10.0), "ksg", k=0)
    with pytest.raises(ValueError, match=r"rho must be a number in \(-1, 1\), got 1.5"):
        mibench.get_scenario("gaussian(rho=1.5)")


def test_overrides_layer_on_spec_and_canonical_spec_is_sorted():
    estimator = mibench.get_estimator("ksg(k=5)", noise=1e-10)
    assert estimator.params == {"k": 5, "noise": 1e-10} and estimator.compute == {"workers": 1}
    assert estimator.spec == "ksg(k=5, noise=1e-10)"  # compute settings are not part of the identity
    scenario = mibench.get_scenario("gaussian(dim=2, rho=0.3)")
    assert scenario.spec == "gaussian-v1(dim=2, mi=None, rho=0.3)"
    assert mibench.get_scenario(scenario.spec).spec == scenario.spec
    with pytest.raises(RegistryError, match="no version 7"):
        mibench.get_scenario("gaussian-v7")


def test_function_and_class_plugins_and_duplicates(tmp_path):
    plugin = tmp_path / "my_plugin.py"
    plugin.write_text(
        textwrap.dedent(
            """
            import numpy as np
            import mibench

            @mibench.register_estimator("test_corr_fn")
            def corr(x, y, scale=1.0):
                '''-0.5 log(1 - r^2) times scale.'''
                r = np.corrcoef(x[:, 0], y[:, 0])[0, 1]
                return -0.5 * scale * np.log1p(-r * r)

            @mibench.register_estimator("test_const_cls", types=[("discrete", "discrete")])
            class Const:
                def __init__(self, value=0.25):
                    self.value = value
                def estimate(self, x, y):
                    return self.value

            @mibench.register_scenario("test_indep", version=2)
            class Indep(mibench.Scenario):
                '''Independent uniforms.'''
                def __init__(self, dim=1):
                    self.dim_x = self.dim_y = dim
                def _truth(self):
                    return mibench.Truth(0.0, "closed form")
                def _sample(self, n, rng):
                    return rng.random((n, self.dim_x)), rng.random((n, self.dim_y))
            """
        )
    )
    mibench.load_plugin(plugin)
    mibench.load_plugin(plugin)  # a second load is a no-op, not a duplicate
    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    y = x + rng.normal(size=500)
    r = np.corrcoef(x, y)[0, 1]
    assert mibench.estimate(x, y, "test_corr_fn(scale=2.0)") == pytest.approx(-np.log1p(-r * r))
    assert mibench.estimate([1, 2], ["a", "b"], "test_const_cls", x_type="discrete", y_type="discrete") == 0.25
    scenario = mibench.get_scenario("test_indep(dim=2)")
    assert scenario.spec == "test_indep-v2(dim=2)" and scenario.sample(5, 0)[0].shape == (5, 2)

    with pytest.raises(RegistryError, match="'ksg' is already registered"):
        mibench.register_estimator("ksg")(lambda x, y: 0.0)


@pytest.mark.parametrize("value", [-0.5, float("nan"), float("inf"), "0.3"])
def test_a_plugin_scenario_with_an_impossible_truth_is_refused_by_name(value):
    # A negative, NaN, infinite or text truth went into every record's true_mi (and bias) silently.
    class Impossible(mibench.Scenario):
        def _truth(self):
            return mibench.Truth(value, "closed form")

        def _sample(self, n, rng):
            return rng.random(n), rng.random(n)

    scenario = Impossible()
    scenario.spec = "impossible-v1"
    with pytest.raises(ValueError, match=r"scenario impossible-v1's truth: a truth \(nats: finite, not negative\)"):
        _ = scenario.truth
    assert mibench.Truth(-1e-4, "monte carlo", 1e-3).value == -1e-4  # within its own noise of 0


@pytest.mark.parametrize(
    "declaration, message",
    [
        ({"types": "continuous"}, "types must be \\(x_type, y_type\\) pairs"),  # "not enough values to unpack"
        ({"min_samples": -3}, "min_samples must be a positive integer, got -3"),  # accepted
        ({"min_samples": "5"}, "min_samples must be a positive integer, got '5'"),  # accepted as 5
        ({"jitter_parameter": "eps"}, "jitter_parameter 'eps' is not a parameter of it"),  # accepted
        (
            {"conditional_types": [("discrete", "discrete")], "z_types": ["continuous"]},
            r"conditional_types \(\('discrete', 'discrete'\),\) must be among types",
        ),  # accepted, then offered pairs it never takes
        ({"conditional_types": "continuous"}, "conditional_types must be \\(x_type, y_type\\) pairs"),
        (
            {"min_samples_reason": "{k} and {batch}"},
            r"min_samples_reason names \['batch'\], not parameters",
        ),  # KeyError later
    ],
)
def test_a_plugin_declaration_that_cannot_work_is_refused_by_name(declaration, message):
    with pytest.raises((ValueError, RegistryError), match=message):
        mibench.register_estimator("test_misdeclared", **declaration)(lambda x, y, k=1: 0.0)
    assert "test_misdeclared" not in mibench.list_estimators()


@pytest.mark.parametrize(
    "attributes, message",
    [
        ({"x_type": "nope"}, "x_type must be one of continuous, discrete, mixed; got 'nope'"),  # "nothing to run"
        ({"dim_y": 0}, "dim_y must be a positive integer, got 0"),  # "cannot reshape array" in every task
    ],
)
def test_a_plugin_scenario_with_impossible_attributes_is_refused_by_name(attributes, message):
    class Misdeclared(mibench.Scenario):
        """A scenario with an attribute that cannot work."""

        def _truth(self):
            return mibench.Truth(0.0, "closed form")

        def _sample(self, n, rng):
            return rng.random(n), rng.random(n)

    for key, value in attributes.items():
        setattr(Misdeclared, key, value)
    name = f"test_misdeclared_{next(iter(attributes))}"
    mibench.register_scenario(name)(Misdeclared)
    with pytest.raises(TypeError, match=f"scenario '{name}': {message}"):
        mibench.get_scenario(name)


def test_failing_entry_point_warns_and_host_survives(monkeypatch):
    broken = metadata.EntryPoint(name="broken", value="no_such_module_xyz:thing", group="mibench.estimators")
    original = metadata.entry_points

    def fake(**kwargs):
        if kwargs.get("group") == "mibench.estimators":
            return [broken]
        return original(**kwargs)

    monkeypatch.setattr(metadata, "entry_points", fake)
    monkeypatch.setattr(ESTIMATORS, "_loaded", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ESTIMATORS.load()
    assert any("could not load estimator plugin 'broken'" in str(w.message) for w in caught)
    assert "ksg" in mibench.list_estimators()


def test_describe_lists_conventions():
    estimator = mibench.get_estimator("ksg")
    conventions = estimator.info.conventions
    assert "Kraskov" in conventions.citation and conventions.units == "nats"


def test_a_generator_is_made_only_for_estimators_that_draw_random_numbers():
    """ksg (seeded jitter) takes rng; plugin does not, and the harness builds no generator for it."""
    assert mibench.get_estimator("ksg").takes_rng and not mibench.get_estimator("plugin").takes_rng
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 1))
    y = x + rng.normal(size=(300, 1))
    noisy = mibench.get_estimator("ksg", noise=0.1)
    # without a generator ksg's jitter comes from seed 0, as before
    assert noisy.estimate_validated(x, y, x_type="continuous", y_type="continuous") == noisy.estimate_validated(
        x, y, x_type="continuous", y_type="continuous", rng=np.random.default_rng(0)
    )
    with pytest.raises(TypeError, match="rng must be"):
        mibench.get_estimator("plugin").estimate_validated(x, y, x_type="discrete", y_type="discrete", rng="seed")
