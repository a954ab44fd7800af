import numpy as np
import pytest
from scipy.special import digamma
from scipy.stats import gaussian_kde, norm, rankdata

import mibench


@pytest.fixture
def sample():
    rng = np.random.default_rng(21)
    x = rng.normal(size=(400, 2))
    y = x[:, :1] ** 2 + rng.normal(size=(400, 1))
    return x, y


def test_kde_matches_scipy_gaussian_kde(sample):
    x, y = sample
    z = np.hstack([x, y])
    expected = np.mean(
        gaussian_kde(z.T, "scott").logpdf(z.T)
        - gaussian_kde(x.T, "scott").logpdf(x.T)
        - gaussian_kde(y.T, "scott").logpdf(y.T)
    )
    assert mibench.estimate(x, y, "kde") == pytest.approx(expected, abs=1e-10)
    expected = np.mean(
        gaussian_kde(z.T, "silverman").logpdf(z.T)
        - gaussian_kde(x.T, "silverman").logpdf(x.T)
        - gaussian_kde(y.T, "silverman").logpdf(y.T)
    )
    assert mibench.estimate(x, y, "kde(bandwidth='silverman')") == pytest.approx(expected, abs=1e-10)


def test_kde_leave_one_out_is_lower(sample):
    x, y = sample
    assert mibench.estimate(x, y, "kde(leave_one_out=True)") < mibench.estimate(x, y, "kde")


def test_histogram_matches_histogram2d():
    rng = np.random.default_rng(1)
    x = rng.normal(size=1000)
    y = x + rng.normal(size=1000)
    counts, _, _ = np.histogram2d(
        x, y, bins=[np.histogram_bin_edges(x, "sturges"), np.histogram_bin_edges(y, "sturges")]
    )
    p = counts / counts.sum()
    px, py = p.sum(1, keepdims=True), p.sum(0, keepdims=True)
    nz = p > 0
    expected = np.sum(p[nz] * np.log(p[nz] / (px @ py)[nz]))
    assert mibench.estimate(x, y, "histogram") == pytest.approx(expected, abs=1e-12)
    # ten equal-frequency bins per axis: equal-width binning of the ranks
    rx, ry = (rankdata(x) - 1) * 10 // 1000, (rankdata(y) - 1) * 10 // 1000
    table = np.zeros((10, 10))
    np.add.at(table, (rx.astype(int), ry.astype(int)), 1)
    q = table / 1000
    expected = np.sum(q[q > 0] * np.log(q[q > 0] / 0.01))
    assert mibench.estimate(x, y, "histogram(bins=10, strategy='quantile')") == pytest.approx(expected, abs=1e-12)


def test_histogram_with_more_bins_than_memory_holds_as_a_table():
    # bins=10**6 built a dense 10^6 x 10^6 table (a MemoryError naming 7.28 TiB). Counted by hand here.
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=10_000), rng.normal(size=10_000)
    edges = [np.histogram_bin_edges(v, 10**6) for v in (x, y)]
    codes = [np.clip(np.searchsorted(e, v, side="right") - 1, 0, 10**6 - 1) for e, v in zip(edges, (x, y))]
    pairs, counts = np.unique(np.column_stack(codes), axis=0, return_counts=True)
    marginals = [dict(zip(*np.unique(c, return_counts=True))) for c in codes]
    expected = sum(
        m / 10_000 * np.log(10_000 * m / (marginals[0][a] * marginals[1][b])) for (a, b), m in zip(pairs, counts)
    )
    assert mibench.estimate(x, y, "histogram(bins=1000000)") == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="an integer from 1 to 1,000,000, got 1000001"):
        mibench.get_estimator("histogram(bins=1000001)")


def test_the_fd_rule_on_outliers_is_refused_before_numpy_builds_its_bins():
    # One outlier against a tiny interquartile range: the rule asked numpy for 3.8e12 bins (27.8 TiB).
    rng = np.random.default_rng(0)
    x, y = np.r_[rng.normal(size=1000) * 1e-6, 1e6], rng.normal(size=1001)
    with pytest.raises(ValueError, match=r"the 'fd' rule asks for 3.\d+e\+12 bins .* outliers or heavy tails"):
        mibench.estimate(x, y, "histogram(bins='fd')")
    try:  # numpy 2.1 on bounds the 'auto' rule's count; before, outliers set it as they set fd's
        assert np.isfinite(mibench.estimate(x, y, "histogram(bins='auto')"))
    except ValueError as exc:
        assert "the 'auto' rule asks for more bins than memory holds" in str(exc)


def gcmi_direct(x, y):
    """Ince et al. (2017): copula-normalise, bias-corrected Gaussian entropies, in nats."""

    def copnorm(v):
        return norm.ppf(np.column_stack([rankdata(c, method="ordinal") for c in v.T]) / (len(v) + 1))

    def h(v):
        n, d = v.shape
        c = np.atleast_2d(np.cov(v, rowvar=False))
        bias = d / 2 * (np.log(2) - np.log(n - 1)) + 0.5 * sum(digamma((n - i) / 2) for i in range(1, d + 1))
        return 0.5 * np.linalg.slogdet(c)[1] + d / 2 * (np.log(2 * np.pi) + 1) - bias

    cx, cy = copnorm(x), copnorm(y)
    return h(cx) + h(cy) - h(np.hstack([cx, cy]))


def test_gcmi_matches_direct_formula_and_is_rank_invariant(sample):
    x, y = sample
    value = mibench.estimate(x, y, "gcmi")
    assert value == pytest.approx(gcmi_direct(x, y), abs=1e-10)
    assert mibench.estimate(np.exp(x), y**3, "gcmi") == pytest.approx(value, abs=1e-12)


def test_gcmi_with_a_discrete_side():
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 3, 600)
    values = labels + rng.normal(size=600)
    got = mibench.estimate(values, labels, "gcmi", x_type="continuous", y_type="discrete")
    copula = norm.ppf(rankdata(values, method="ordinal") / 601)[:, None]

    def h(v):
        n = len(v)
        bias = 0.5 * (np.log(2) - np.log(n - 1)) + 0.5 * digamma((n - 1) / 2)
        return 0.5 * np.log(np.var(v, ddof=1)) + 0.5 * (np.log(2 * np.pi) + 1) - bias

    expected = h(copula) - sum(np.mean(labels == c) * h(copula[labels == c]) for c in range(3))
    assert got == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize(
    "scenario",
    [
        "gaussian(rho=0.6)",
        "student_t(dof=3, rho=0.5)",
        "gaussian_mixture",
        "additive_uniform(eps=0.75)",
        "gaussian(rho=0.6, dim=2)",
        "affine(base='gaussian(rho=0.8)')",
        "student_t(dof=1, rho=0.5)",
        "quantized(rho=0.8, step=0.5)",
        "gamma_exponential(theta=1.0)",
    ],
)
@pytest.mark.parametrize("n", [300, 3000, pytest.param(10_000, marks=pytest.mark.slow)])
def test_binned_kde_is_within_a_thousandth_of_a_nat_of_the_exact_sum(scenario, n):
    x, y = mibench.get_scenario(scenario).sample(n, 7)
    exact = mibench.estimate(x, y, "kde", method="exact", x_type="continuous", y_type="continuous")
    binned = mibench.estimate(x, y, "kde", x_type="continuous", y_type="continuous")  # the default
    assert abs(binned - exact) <= 1e-3, (exact, binned)
    if n <= 2000:
        assert binned == exact  # small samples are summed exactly


def test_binned_kde_falls_back_to_the_exact_sum_where_it_cannot_bin():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 1))
    y = x + rng.normal(size=(400, 1))
    for options in ({"leave_one_out": True}, {}):
        exact = mibench.estimate(np.hstack([x, x**2]), np.hstack([y, y**3]), "kde", method="exact", **options)
        same = mibench.estimate(np.hstack([x, x**2]), np.hstack([y, y**3]), "kde", method="binned", **options)
        assert abs(same - exact) <= 1e-3
    with pytest.raises(ValueError, match="method must be 'exact' or 'binned'"):
        mibench.get_estimator("kde(method='fft')")


@pytest.mark.parametrize("method", ["exact", "binned"])
def test_kde_is_invariant_to_an_affine_map_with_a_large_offset(method):
    """kde shapes its kernel by the sample covariance, so (x + 1e9)·1e-6 must give the value of x itself."""
    base = mibench.get_scenario("gaussian(rho=0.8)")
    x, y = base.sample(2000, 4)
    shifted = mibench.get_scenario("affine(base='gaussian(rho=0.8)')").sample(2000, 4)
    plain = mibench.estimate(x, y, "kde", method=method)
    assert mibench.estimate(*shifted, "kde", method=method) == pytest.approx(plain, abs=1e-4)


def test_kde_refuses_no_more_samples_than_dimensions_by_that_reason():
    # It blamed "a constant or collinear column" for 6 samples of 4 + 4 dimensions.
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError, match="kde needs more samples than dimensions .* got 6 samples of 8 dimensions"):
        mibench.estimate(rng.normal(size=(6, 4)), rng.normal(size=(6, 4)), "kde")


def _tiny_bandwidth_limit(x: np.ndarray, y: np.ndarray) -> float:
    """kde's resubstitution estimate as the bandwidth goes to 0, by hand: each sample's kernel sum
    is the number of samples equal to it, m(i), so ln f̂(v_i) = ln m(i) − ln n − ln det(h L) −
    (d/2) ln 2π; the h and 2π terms cancel between the joint and the marginals."""

    def log_multiplicity(values):
        _, inverse, counts = np.unique(values, axis=0, return_inverse=True, return_counts=True)
        return np.log(counts[inverse.reshape(-1)])

    def half_log_det(values):
        return 0.5 * np.linalg.slogdet(np.atleast_2d(np.cov(values, rowvar=False)))[1]

    xy = np.hstack([x, y])
    counts = log_multiplicity(xy) - log_multiplicity(x) - log_multiplicity(y)
    return float(np.mean(counts) + np.log(len(x)) - half_log_det(xy) + half_log_det(x) + half_log_det(y))


@pytest.mark.parametrize("dims", [1, 2])
@pytest.mark.parametrize("bandwidth", [1e-7, 1e-9, 1e-60])
def test_kde_at_a_tiny_bandwidth_reaches_its_limit(dims, bandwidth):
    # The Gram form of distances put each sample far from itself: 6.0913 for 6.0938 at 1e-7 in 1-D,
    # -inf (refused) at 1e-9.
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, dims))
    y = x[:, :1] + rng.normal(size=(300, 1))
    got = mibench.estimate(x, y, "kde", bandwidth=bandwidth, method="exact")
    assert got == pytest.approx(_tiny_bandwidth_limit(x, y), abs=1e-9)


def test_kde_at_a_tiny_bandwidth_counts_tied_samples_exactly():
    rng = np.random.default_rng(4)
    x = np.tile(rng.normal(size=(100, 2)), (3, 1))  # rows j, j + 100 and j + 200 share their x
    y = rng.normal(size=(300, 1))
    y[100:200] = y[:100]  # and rows j and j + 100 their y: joint multiplicities 2, 2, 1
    shuffle = rng.permutation(300)
    x, y = x[shuffle], y[shuffle]
    got = mibench.estimate(x, y, "kde", bandwidth=1e-9)
    assert got == pytest.approx(_tiny_bandwidth_limit(x, y), abs=1e-9)


@pytest.mark.parametrize("bandwidth", [1e-300, float("inf")])
def test_kde_refuses_a_bandwidth_out_of_range(bandwidth):
    with pytest.raises(ValueError, match=f"bandwidth {bandwidth} is out of range"):
        mibench.get_estimator("kde", bandwidth=bandwidth)
