"""Every scenario's truth against an independent computation, over the whole registry."""

import numpy as np
import pytest

import mibench
from mibench.scenario import SCENARIOS
from mibench.testing import scenario_checks

SPECS = [f"{entry.name}-v{entry.version}" for entry in SCENARIOS.entries()]


#: Large alphabets are checked against their table at a size that the draws sample well (their
#: log_pmi is checked at full size).
WELL_SAMPLED = {"zipf_channel": "zipf_channel(k=30, error=0.3)"}
#: Parameters that change how a sample is laid out, beyond the defaults.
VARIANTS = [
    "var1_te(lag=3, delay=2, history=2, source_history=2)",
    "markov_te(delay=2, history=2)",
    "var1_cte(delay=3)",
    "censored_gaussian(threshold_x=-0.5)",  # a mixed x as well
]
CONTRACT = [
    pytest.param(spec, check.name, id=f"{spec.split('-v')[0]}-{check.name}")
    for spec in SPECS + VARIANTS
    for check in scenario_checks(spec)
] + [pytest.param(spec, "truth_matches_the_drawn_table", id=spec) for spec in WELL_SAMPLED.values()]


@pytest.mark.parametrize("spec, check", CONTRACT)
def test_scenario_contract(spec, check):
    """Shapes and seeding; the truth against the mean of log_pmi over 400,000 draws and, for
    discrete variables, against the bias-corrected plug-in value of their table
    (mibench.testing.scenario_checks), within 4 standard errors (+ the truth's own error)."""
    next(c for c in scenario_checks(spec) if c.name == check)()


@pytest.mark.parametrize("spec", SPECS)
def test_declared_types_and_quantity(spec):
    scenario = mibench.get_scenario(spec)
    assert scenario.x_type in ("continuous", "discrete", "mixed")
    assert scenario.quantity in ("mi", "cmi", "te") and (scenario.quantity == "mi") != scenario.conditional
    assert np.isfinite(scenario.mi)


@pytest.mark.parametrize(
    "spec, value",
    [
        ("gaussian(rho=0.75)", 0.4133),  # -0.5 ln(1 - 0.5625)
        ("gaussian(rho=0.5, dim=3)", -1.5 * np.log(0.75)),
        ("symmetric_channel(k=2, error=0.11)", np.log(2) + 0.89 * np.log(0.89) + 0.11 * np.log(0.11)),  # BSC capacity
        ("uniform_shift(m=2)", 0.346574),
        ("uniform_shift(m=5)", 1.054920),
        ("uniform_shift(m=10)", 1.678753),
        ("student_t(dof=1)", 0.2242),
        ("student_t(dof=3)", 0.042411),
        ("student_t(dof=5, dim=2)", 0.050758),
        ("student_t(dof=30)", 0.000543),
        ("additive_uniform(eps=0.1)", 1.7094),
        ("additive_uniform(eps=0.75)", 0.3333),
        ("additive_gaussian(sigma=1.0)", 0.5 * np.log(2)),
        ("gamma_exponential(theta=0.5)", 0.729637),
        ("gamma_exponential(theta=1.0)", 1 - 0.5772156649),
        ("gamma_exponential(theta=2.0)", 0.229637),
        ("weinman_exponential(theta=0.1)", 1.73606),
        ("weinman_exponential(theta=0.5)", 0.577216),
        ("weinman_exponential(theta=0.8)", 0.37815),
        ("binary_symmetric(p=0.3, error=0.1)", 0.315953),
        ("z_channel(p=0.3, error=0.1)", 0.485734),
        ("erasure_channel(p=0.3, error=0.1)", 0.549778),
        ("gaussian_classes(means=(1, 2, 4), sigmas=(1, 1, 1), probs=(0.25, 0.25, 0.5))", 0.469895),
        ("zero_inflated_poisson(p=0.0)", 0.3012448),
        ("zero_inflated_poisson(p=0.15)", 0.229776),
        ("zero_inflated_poisson(p=0.5)", 0.116384),
        ("zero_inflated_poisson(p=0.9)", 0.020906),
        ("gao_mixture", 1.292362),
        ("quantized(rho=0.8, step=0.01)", -0.5 * np.log(1 - 0.64)),  # a fine grid: within 5e-5 of the continuous MI
    ],
)
def test_published_values(spec, value):
    assert mibench.get_scenario(spec).mi == pytest.approx(value, abs=5e-5)


@pytest.mark.parametrize("target", [0.0, 0.1, 1.0, 5.0])
@pytest.mark.parametrize(
    "family", ["gaussian", "gaussian_dense(dim_x=50, dim_y=50)", "gaussian_sparse(dim_x=50, dim_y=50, pairs=3)"]
)
def test_mi_parameter_solves_for_the_correlation(family, target):
    scenario = mibench.get_scenario(family, mi=target)
    assert scenario.mi == pytest.approx(target, abs=1e-9)
    # the truth is recomputed from the covariance, independently of the solver
    from mibench.scenarios.gaussian import gaussian_mi

    assert gaussian_mi(scenario.cov, scenario.dim_x) == pytest.approx(target, abs=1e-9)


def test_student_t_large_and_infinite_dof():
    for dof in (200, 1000, 1e6):
        value = mibench.get_scenario("student_t", dof=dof, rho=0.5).mi
        assert np.isfinite(value) and value > -0.5 * np.log(0.75)
    assert mibench.get_scenario("student_t(dof=inf, rho=0.5)").mi == pytest.approx(-0.5 * np.log(0.75), abs=1e-15)
    # the correction decreases like d_x d_y / (2 dof^2)
    c = mibench.get_scenario("student_t(dof=1000)").mi
    assert c == pytest.approx(1 / (2 * 1000**2), rel=2e-3)


@pytest.mark.parametrize("step", [2.0, 5.0, 100.0])
def test_quantized_truth_matches_cell_probabilities_from_the_bivariate_normal_cdf(step):
    # step=100 gave 0.25 nats: 48 quadrature nodes over the cell [-50, 50] missed the density's peak
    from scipy.stats import multivariate_normal

    rho = 0.8
    k = int(np.ceil(12 / step)) + 1
    edges = np.clip((np.arange(-k, k + 2) - 0.5) * step, -40, 40)  # beyond 40 sd: no mass in float64
    normal = multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]])
    cdf = np.array([[normal.cdf([a, b], lower_limit=[-40, -40]) for b in edges] for a in edges])
    cells = np.clip(cdf[1:, 1:] - cdf[:-1, 1:] - cdf[1:, :-1] + cdf[:-1, :-1], 0, None)
    px, py = cells.sum(1, keepdims=True), cells.sum(0, keepdims=True)
    nz = cells > 0
    expected = float(np.sum(cells[nz] * np.log(cells[nz] / (px @ py)[nz])))
    assert mibench.get_scenario("quantized", rho=rho, step=step).mi == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize(
    "spec",
    [
        "gaussian_cmi(c=0.0, dim_z=2)",
        "gaussian_cmi(c=0.0, dim_x=3, dim_y=2, dim_z=4)",
        "var1_te(c=0.0, history=3, source_history=2)",
        "markov_te(coupling=0.0, history=2)",
        "gaussian_classes(means=(0.0, 0.0, 0.0), sigmas=(2.0, 2.0, 2.0))",
    ],
)
def test_a_truth_that_is_zero_by_construction_is_exactly_zero(spec):
    """Log-determinants, sums and quadrature leave ~1e-16 (−2.2e-16 for the first), and a summary's relative
    error divides by the truth: var1_te(c=0) ranked with a worst relative error of 6.7e12."""
    assert mibench.get_scenario(spec).mi == 0


@pytest.mark.parametrize(
    "means, sigmas, probs",
    [((0, 1), (1e-6, 1e-6), (0.5, 0.5)), ((0, 5, 9), (1e-4, 5e-6, 9e-6), (0.2, 0.3, 0.5))],
)
def test_gaussian_classes_with_narrow_classes_carry_all_of_h_x(means, sigmas, probs):
    # classes thousands of sigmas apart: I = H(X) exactly; quad missed the peaks and gave 6.5 nats for the first
    scenario = mibench.get_scenario("gaussian_classes", means=means, sigmas=sigmas, probs=probs)
    p = np.array(probs)
    assert abs(scenario.mi + np.sum(p * np.log(p))) <= scenario.truth.error <= 1e-9
    with pytest.raises(ValueError, match="sigma 1e-100 is too small to represent"):
        mibench.get_scenario("gaussian_classes", means=means, sigmas=(1e-100,) * len(means), probs=probs)


def test_quantized_is_below_the_continuous_truth():
    coarse = mibench.get_scenario("quantized(rho=0.8, step=1.0)").mi
    assert coarse < -0.5 * np.log(1 - 0.64)


def test_transforms_keep_the_base_truth_and_say_what_was_applied():
    base = mibench.get_scenario("gaussian(rho=0.7, dim=2)")
    for name in ("normal_cdf", "half_cube", "asinh", "wiggly", "spiral", "power", "affine"):
        scenario = mibench.get_scenario(name, base="gaussian(rho=0.7, dim=2)")
        assert scenario.mi == base.mi
        assert scenario.spec.startswith(f"{name}-v1(base='gaussian-v1(")
        x, y = scenario.sample(5, 0)
        assert not np.allclose(x, base.sample(5, 0)[0])
    with pytest.raises(ValueError, match="continuous scenario"):
        mibench.get_scenario("half_cube(base='symmetric_channel')")


def test_at_least_25_families():
    assert len(SPECS) >= 25


class _Gaussian(mibench.Scenario):
    """A correlated Gaussian pair, ρ = 0.6: I = −½ ln(1 − ρ²) = 0.2231 (altered below)."""

    rho = 0.6

    def _truth(self):
        return mibench.Truth(-0.5 * np.log(1 - self.rho**2), "closed form")

    def _sample(self, n, rng):
        x = rng.normal(size=n)
        return x, self.rho * x + np.sqrt(1 - self.rho**2) * rng.normal(size=n)

    def log_pmi(self, x, y):
        x, y, r = x[:, 0], y[:, 0], self.rho
        return -0.5 * np.log(1 - r * r) - (r * r * (x * x + y * y) - 2 * r * x * y) / (2 * (1 - r * r))


class _Channel(mibench.Scenario):
    """A binary symmetric channel with error 0.1 on a fair bit: I = ln 2 − H(0.1) = 0.3681."""

    x_type = y_type = "discrete"

    def _truth(self):
        return mibench.Truth(float(np.log(2) + 0.9 * np.log(0.9) + 0.1 * np.log(0.1)), "closed form")

    def _sample(self, n, rng):
        x = rng.integers(0, 2, n)
        return x, x ^ (rng.random(n) < 0.1)


@pytest.mark.parametrize(
    "base, changes, failed, message",
    [
        (_Gaussian, {}, None, None),
        (_Channel, {}, None, None),
        (
            _Gaussian,
            {"_truth": lambda self: mibench.Truth(0.25, "closed form")},
            "truth_matches_monte_carlo_of_log_pmi",
            "truth 0.250000 nats, but log_pmi averages 0.22",
        ),
        (
            _Channel,
            {"_truth": lambda self: mibench.Truth(0.38, "closed form")},
            "truth_matches_the_drawn_table",
            "truth 0.380000 nats, but the table of 400,000 draws gives 0.36",
        ),
        (
            _Gaussian,
            {"_sample": lambda self, n, rng: (np.random.normal(size=n), np.random.normal(size=n))},
            "reproducible_from_the_seed",
            "seed 7 drew another x the second time",
        ),
        (
            _Gaussian,
            {"_sample": lambda self, n, rng: _Gaussian._sample(self, n, np.random.default_rng(0))},
            "reproducible_from_the_seed",
            "seeds 7 and 8 drew the same sample",
        ),
        (_Gaussian, {"dim_y": 2}, "draws_declared_shapes", "drew y of shape (1,) for n = 1 and dim_y = 2"),
        (
            _Gaussian,
            {"dim_y": 2, "_sample": lambda self, n, rng: (rng.normal(size=n), rng.normal(size=2 * n))},
            "draws_declared_shapes",
            "drew y of shape (2,) for n = 1 and dim_y = 2",
        ),  # flat: whose columns?
        (
            _Gaussian,
            {"_sample": lambda self, n, rng: tuple(v[None, :] for v in _Gaussian._sample(self, n, rng))},
            "draws_declared_shapes",
            "drew x of shape (1, 2) for n = 2 and dim_x = 1",
        ),  # was reshaped, pairs scrambled
    ],
)
def test_the_scenario_contract_finds_a_plugins_defects(base, changes, failed, message):
    from mibench.testing import check_scenario

    name = f"test_contract_{base.__name__.strip('_').lower()}_{'_'.join(changes) or 'sound'}_{len(SCENARIOS.entries())}"
    mibench.register_scenario(name)(type(name, (base,), dict(changes)))
    if failed is None:
        assert check_scenario(name) == {
            "truth_matches_the_drawn_table" if base is _Gaussian else "truth_matches_monte_carlo_of_log_pmi": (
                "not every variable is discrete" if base is _Gaussian else "no log_pmi"
            )
        }
        return
    with pytest.raises(AssertionError) as raised:
        check_scenario(name)
    assert f"scenario failed the mibench contract:\n  {failed}: " in str(raised.value)
    assert message in str(raised.value)


def _gaussian_mi(samples, *blocks):
    """½ ln(Π det Σ_block / det Σ_joint) of the sample covariance: the Gaussian MI (total correlation) of the blocks."""
    joint = np.cov(np.hstack(samples).T)
    starts = np.cumsum([0, *blocks])
    parts = sum(np.linalg.slogdet(joint[a:b, a:b])[1] for a, b in zip(starts[:-1], starts[1:]))
    return 0.5 * (parts - np.linalg.slogdet(joint)[1])


@pytest.mark.parametrize("rotate", [True, False])
def test_noise_dims_keep_a_gaussian_pairs_mi_in_the_drawn_covariance(rotate):
    """The padded, rotated pair is Gaussian: its MI from the covariance of 400,000 draws is the base's
    −dim·½ ln(1 − ρ²); rotated, every coordinate of x carries some of it, unrotated the noise columns none."""
    scenario = mibench.get_scenario(
        f"noise_dims(base='gaussian(rho=0.6, dim=2)', extra_x=2, extra_y=1, rotate={rotate})"
    )
    assert (scenario.dim_x, scenario.dim_y) == (4, 3) and scenario.mi == pytest.approx(-np.log(1 - 0.36))
    x, y = scenario.sample(400_000, 5)
    assert _gaussian_mi([x, y], 4, 3) == pytest.approx(-np.log(1 - 0.36), abs=0.01)
    per_coordinate = [_gaussian_mi([x[:, [i]], y], 1, 3) for i in range(4)]
    if rotate:
        assert min(per_coordinate) > 0.005
    else:
        assert max(per_coordinate[2:]) < 1e-4 and min(per_coordinate[:2]) > 0.1


def test_noise_dims_keep_a_conditional_truth_and_leave_z_as_drawn():
    base = mibench.get_scenario("gaussian_cmi(dim_x=1, dim_y=1, dim_z=1)")
    scenario = mibench.get_scenario("noise_dims(base='gaussian_cmi(dim_x=1, dim_y=1, dim_z=1)', extra_x=2, extra_y=0)")
    assert scenario.quantity == "cmi" and scenario.mi == base.mi and (scenario.dim_x, scenario.dim_z) == (3, 1)
    x, y, z = scenario.sample(400_000, 7)
    np.testing.assert_array_equal(z, base.sample(400_000, 7)[2])
    # I(X;Y|Z) = I(X;Y,Z) − I(X;Z), each from the drawn covariance
    conditional = _gaussian_mi([x, y, z], 3, 2) - _gaussian_mi([x, z], 3, 1)
    assert conditional == pytest.approx(base.mi, abs=0.01)


def test_noise_dims_on_class_features_keep_the_mi_of_the_fitted_class_gaussians():
    """Three classes with 5-D Gaussian features (1 informative direction, rotated into all 5): the
    class means and covariances fitted to 200,000 draws give, by Monte Carlo on fresh draws,
    I = E[ln p(y|c) − ln Σ_j p_j p(y|j)] equal to the 1-D base's quadrature truth."""
    from scipy.special import logsumexp
    from scipy.stats import multivariate_normal

    scenario = mibench.get_scenario("noise_dims")
    assert (scenario.x_type, scenario.y_type, scenario.dim_y) == ("discrete", "continuous", 5)
    labels, features = scenario.sample(200_000, 11)
    classes = np.unique(labels)
    fitted = [
        multivariate_normal(features[labels[:, 0] == c].mean(axis=0), np.cov(features[labels[:, 0] == c].T))
        for c in classes
    ]
    weights = np.array([np.mean(labels[:, 0] == c) for c in classes])
    assert np.ptp([f.mean for f in fitted], axis=0).min() > 0.05  # the classes differ along every coordinate
    labels, features = scenario.sample(200_000, 12)
    log_conditional = np.column_stack([f.logpdf(features) for f in fitted])
    own = log_conditional[np.arange(len(labels)), np.searchsorted(classes, labels[:, 0])]
    pointwise = own - logsumexp(log_conditional + np.log(weights), axis=1)
    assert pointwise.mean() == pytest.approx(mibench.get_scenario("gaussian_classes").mi, abs=0.006)


@pytest.mark.parametrize(
    "params, message",
    [
        ("extra_x=1", "x is discrete, so extra_x must be 0"),
        ("extra_y=0", "both 0"),
        ("extra_y=-1", "extra_y must be a non-negative integer"),
        ("extra_y=1.5", "extra_y must be a non-negative integer"),
        ("rotate=1", "rotate must be True or False"),
        ("extra_y=1000000", "rotates at most 2,000 coordinates per variable"),
    ],
)
def test_noise_dims_refuse_what_they_cannot_pad(params, message):
    with pytest.raises(ValueError, match=message):
        mibench.get_scenario(f"noise_dims({params})")


@pytest.mark.parametrize(
    "rho, threshold_y, threshold_x",
    [(0.8, 0.0, None), (-0.5, 0.7, None), (0.95, -1.5, None), (0.3, 2.5, None), (0.8, 0.0, 0.0), (-0.6, 0.5, -1.0)],
)
def test_censored_gaussian_truth_is_the_expected_log_ratio_by_direct_quadrature(rho, threshold_y, threshold_x):
    """I = E ln p(x, y)/(p(x) p(y)) summed over the parts of the plane (both atoms, one atom and
    the other's density, both densities), the last by double quadrature of the bivariate normal
    density: not the truncated-moment form the scenario uses."""
    from scipy.integrate import dblquad, quad
    from scipy.stats import norm

    s = np.sqrt(1 - rho**2)

    def joint(y, x):  # the bivariate normal density and its log ratio to the margins
        log_joint = norm.logpdf(x) + norm.logpdf(y, rho * x, s)
        return np.exp(log_joint) * (log_joint - norm.logpdf(x) - norm.logpdf(y))

    low_x = -10.0 if threshold_x is None else threshold_x
    value = dblquad(joint, low_x, 10, threshold_y, 10, epsabs=1e-11)[0]

    def one_atom(v, threshold):  # the mass of the other's atom beside v's density, and its log ratio
        atom = norm.cdf((threshold - rho * v) / s)
        return norm.pdf(v) * atom * np.log(atom / norm.cdf(threshold)) if atom > 0 else 0.0

    value += quad(lambda x: one_atom(x, threshold_y), low_x, 10, epsabs=1e-12, limit=200)[0]
    if threshold_x is not None:
        value += quad(lambda y: one_atom(y, threshold_x), threshold_y, 10, epsabs=1e-12, limit=200)[0]
        both = dblquad(
            lambda y, x: np.exp(norm.logpdf(x) + norm.logpdf(y, rho * x, s)), -10, threshold_x, -10, threshold_y
        )[0]
        value += both * np.log(both / (norm.cdf(threshold_x) * norm.cdf(threshold_y)))
    spec = f"censored_gaussian(rho={rho}, threshold_y={threshold_y}, threshold_x={threshold_x})"
    scenario = mibench.get_scenario(spec)
    assert scenario.mi == pytest.approx(value, abs=1e-7)
    assert scenario.x_type == ("continuous" if threshold_x is None else "mixed") and scenario.y_type == "mixed"
    x, y = scenario.sample(100_000, 3)
    assert np.mean(y == threshold_y) == pytest.approx(norm.cdf(threshold_y), abs=0.005)  # the atom's mass
    assert (y >= threshold_y).all()
    if threshold_x is not None:
        assert np.mean(x == threshold_x) == pytest.approx(norm.cdf(threshold_x), abs=0.005)
        x_atom, y_atom = (x == threshold_x)[:, 0], (y == threshold_y)[:, 0]
        assert np.mean(x_atom & y_atom) == pytest.approx(both, abs=0.005)


def test_censored_gaussian_tends_to_the_gaussian_mi_and_to_zero():
    gaussian = -0.5 * np.log(1 - 0.64)
    for spec in ("censored_gaussian(threshold_y=-8.0)", "censored_gaussian(threshold_y=-8.0, threshold_x=-8.0)"):
        assert mibench.get_scenario(spec).mi == pytest.approx(gaussian, abs=1e-12)
    for spec in ("censored_gaussian(threshold_y=8.0)", "censored_gaussian(rho=0.0, threshold_x=1.0)"):
        assert mibench.get_scenario(spec).mi == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="threshold_y must be a number in"):
        mibench.get_scenario("censored_gaussian(threshold_y=20.0)")
    with pytest.raises(ValueError, match="threshold_x must be a number in"):
        mibench.get_scenario("censored_gaussian", threshold_x=-np.inf)


@pytest.mark.parametrize(
    "params",
    [
        "threshold=0.5",
        "k=2, separation=3.0, threshold=1.5",
        "means=(1, 2, 4), sigmas=(0.5, 1, 2), probs=(0.25, 0.25, 0.5), threshold=1.0",
    ],
)
def test_censored_classes_truth_is_the_mixed_entropy_difference(params):
    """I = H(Y) − H(Y | X) with each entropy of a mixed law (−A ln A for the atom, −∫ f ln f above
    it): the mixture's by quadrature, each class's in closed form from the truncated normal's
    moments, E[u² | u > α] = 1 + α φ(α)/(1 − Φ(α)); not the pointwise form the scenario integrates."""
    from scipy.integrate import quad
    from scipy.stats import norm

    scenario = mibench.get_scenario(f"censored_classes({params})")
    means, sigmas, probs, c = scenario.means, scenario.sigmas, scenario.probs, scenario.threshold
    atoms = norm.cdf(c, means, sigmas)
    atom = float(np.sum(probs * atoms))

    def mixture(y):
        return float(np.sum(probs * norm.pdf(y, means, sigmas)))

    def mixed_entropy_integrand(y):
        f = mixture(y)
        return -f * np.log(f) if f > 0 else 0.0

    top = float(np.max(means + 15 * sigmas))
    marginal = -atom * np.log(atom) + quad(mixed_entropy_integrand, c, top, points=sorted(means), limit=500)[0]
    alpha = (c - means) / sigmas
    free = norm.sf(alpha)
    density_entropy = free * np.log(sigmas * np.sqrt(2 * np.pi)) + 0.5 * (free + alpha * norm.pdf(alpha))
    conditional = np.sum(probs * (-atoms * np.log(atoms) + density_entropy))
    assert (scenario.x_type, scenario.y_type) == ("discrete", "mixed")
    assert scenario.mi == pytest.approx(marginal - conditional, abs=1e-8)
    _, y = scenario.sample(100_000, 2)
    assert np.mean(y == c) == pytest.approx(atom, abs=0.005) and (y >= c).all()


def test_censored_classes_far_below_every_class_are_the_gaussian_classes():
    uncensored = mibench.get_scenario("gaussian_classes(k=2, separation=3.0)")
    censored = mibench.get_scenario("censored_classes(k=2, separation=3.0, threshold=-40.0)")
    assert censored.mi == pytest.approx(uncensored.mi, abs=1e-10)
