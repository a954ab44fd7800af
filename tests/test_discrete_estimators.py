import numpy as np
import pytest

import mibench


def test_plugin_on_a_hand_computed_table():
    # Joint counts  x\y  a  b
    #               0    3  1
    #               1    1  3      N = 8, all marginals 4
    # I = 2 * (3/8) ln(8*3/16) + 2 * (1/8) ln(8*1/16) = (3/4) ln 1.5 + (1/4) ln 0.5
    x = [0, 0, 0, 0, 1, 1, 1, 1]
    y = ["a", "a", "a", "b", "a", "b", "b", "b"]
    expected = 0.75 * np.log(1.5) + 0.25 * np.log(0.5)
    got = mibench.estimate(x, y, "plugin", x_type="discrete", y_type="discrete")
    assert got == pytest.approx(expected, abs=1e-15)


def test_plugin_multivariate_is_a_joint_symbol():
    # x = (x1, x2) with four joint symbols; y = x1 xor x2 is a function of the joint symbol
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 5)
    y = x[:, 0] ^ x[:, 1]
    assert mibench.estimate(x, y, "plugin") == pytest.approx(np.log(2), abs=1e-15)
    # each coordinate alone carries no information about y
    assert mibench.estimate(x[:, 0], y, "plugin") == pytest.approx(0.0, abs=1e-15)


def test_plugin_matches_sklearn():
    from sklearn.metrics import mutual_info_score

    rng = np.random.default_rng(4)
    for _ in range(5):
        x = rng.integers(0, 7, 500)
        y = (x + rng.integers(0, 3, 500)) % 5
        assert mibench.estimate(x, y, "plugin") == pytest.approx(mutual_info_score(x, y), abs=1e-12)


# -- each correction against a direct implementation of its paper's formula, on a small table ------
from scipy.integrate import quad  # noqa: E402
from scipy.special import digamma, gammaln, polygamma  # noqa: E402

# A small hand-made sample: x in {0, 1, 2}, y in {a, b}; the joint has one empty cell (2, a).
X = [0, 0, 0, 0, 1, 1, 1, 2, 2, 0, 1, 2]
Y = ["a", "a", "b", "a", "b", "b", "a", "b", "b", "b", "b", "b"]


def tables():
    xs, ys = sorted(set(X)), sorted(set(Y))
    joint = np.array([[sum(1 for u, v in zip(X, Y) if u == a and v == b) for b in ys] for a in xs], dtype=float)
    return joint.sum(1), joint.sum(0), joint.ravel()


def H_ml(c):
    c = np.asarray([v for v in c if v > 0], dtype=float)
    p = c / c.sum()
    return -np.sum(p * np.log(p))


def mi_of(entropy):
    cx, cy, cxy = tables()
    return entropy(cx) + entropy(cy) - entropy(cxy)


def estimate(name):
    return mibench.estimate(X, Y, name, x_type="discrete", y_type="discrete")


def test_hand_table_is_what_we_think():
    cx, cy, cxy = tables()
    assert cx.tolist() == [5, 4, 3] and cy.tolist() == [4, 8] and cxy.tolist() == [3, 2, 1, 3, 0, 3]


def test_miller_madow_formula():
    def H(c):
        return H_ml(c) + (np.count_nonzero(c) - 1) / (2 * np.sum(c))

    assert estimate("miller_madow") == pytest.approx(mi_of(H), abs=1e-13)


def test_jackknife_by_leaving_out_each_sample():
    def H(c):
        n = int(np.sum(c))
        samples = np.repeat(np.arange(len(c)), np.asarray(c, dtype=int))
        loo = [H_ml(np.bincount(np.delete(samples, j), minlength=len(c))) for j in range(n)]
        return n * H_ml(c) - (n - 1) / n * np.sum(loo)

    assert estimate("jackknife") == pytest.approx(mi_of(H), abs=1e-12)


def test_chao_shen_formula():
    def H(c):
        c = np.asarray([v for v in c if v > 0], dtype=float)
        n = c.sum()
        f1 = np.sum(c == 1)
        f1 = n - 1 if f1 == n else f1
        pa = (1 - f1 / n) * c / n
        return -np.sum(pa * np.log(pa) / (1 - (1 - pa) ** n))

    assert estimate("chao_shen") == pytest.approx(mi_of(H), abs=1e-13)


def test_grassberger_formula():
    def G(n):
        return digamma(n) + 0.5 * (-1) ** n * (digamma((n + 1) / 2) - digamma(n / 2))

    assert G(1) == pytest.approx(-0.5772156649 - np.log(2))  # published value G(1) = −γ − ln 2

    def H(c):
        c = np.asarray([v for v in c if v > 0], dtype=float)
        return np.log(c.sum()) - np.sum(c * G(c)) / c.sum()

    assert estimate("grassberger") == pytest.approx(mi_of(H), abs=1e-13)


def test_james_stein_formula():
    cx, cy, cxy = tables()
    n = cxy.sum()
    p = cxy / n
    t = 1 / p.size
    lam = min(1.0, max(0.0, (1 - np.sum(p**2)) / ((n - 1) * np.sum((t - p) ** 2))))
    shrunk = (lam * t + (1 - lam) * p).reshape(len(cx), len(cy))
    px, py = shrunk.sum(1, keepdims=True), shrunk.sum(0, keepdims=True)
    expected = np.sum(shrunk * np.log(shrunk / (px * py)))
    assert estimate("james_stein") == pytest.approx(expected, abs=1e-13)


def test_bayes_pseudocount_and_posterior_mean():
    for a in (0.5, 1.0):

        def H(c, a=a):
            p = (np.asarray(c) + a) / (np.sum(c) + len(c) * a)
            return -np.sum(p * np.log(p))

        assert mibench.estimate(X, Y, "bayes", a=a, x_type="discrete", y_type="discrete") == pytest.approx(
            mi_of(H), abs=1e-13
        )

        def H_post(c, a=a):  # Wolpert & Wolf (1995)
            c = np.asarray(c, dtype=float)
            n, k = c.sum(), len(c)
            return digamma(n + k * a + 1) - np.sum((c + a) / (n + k * a) * digamma(c + a + 1))

        got = mibench.estimate(X, Y, "bayes", a=a, mean="posterior", x_type="discrete", y_type="discrete")
        assert got == pytest.approx(mi_of(H_post), abs=1e-12)


def nsb_entropy_by_quadrature(c):
    """NSB (Nemenman et al. 2002) by adaptive quadrature over β, written out cell by cell."""
    c = np.asarray(c, dtype=float)
    n, k = c.sum(), len(c)

    def log_weight(beta):
        evidence = gammaln(k * beta) - gammaln(n + k * beta) + np.sum(gammaln(c + beta) - gammaln(beta))
        return evidence + np.log(k * polygamma(1, k * beta + 1) - polygamma(1, beta + 1))

    def mean_h(beta):
        return digamma(n + k * beta + 1) - np.sum((c + beta) / (n + k * beta) * digamma(c + beta + 1))

    grid = np.exp(np.linspace(np.log(1e-6), np.log(1e4), 2001))
    peak = max(log_weight(b) for b in grid)
    # integrate over u = ln β, where the weight gains a factor β
    top = quad(
        lambda u: np.exp(log_weight(np.exp(u)) - peak + u) * mean_h(np.exp(u)), np.log(1e-8), np.log(1e6), limit=400
    )[0]
    bottom = quad(lambda u: np.exp(log_weight(np.exp(u)) - peak + u), np.log(1e-8), np.log(1e6), limit=400)[0]
    return top / bottom


def test_nsb_against_quadrature():
    assert estimate("nsb") == pytest.approx(mi_of(nsb_entropy_by_quadrature), abs=1e-6)


def test_nsb_never_nan_without_coincidences():
    x = np.arange(30)
    y = np.arange(30)[::-1]
    with pytest.warns(UserWarning, match="all distinct"):  # the user is told what such data mean
        value = mibench.estimate(x, y, "nsb", x_type="discrete", y_type="discrete")
    assert np.isfinite(value)


CORRECTED = ["miller_madow", "jackknife", "chao_shen", "grassberger", "james_stein", "nsb", "bayes"]


def test_corrected_estimators_beat_plugin_under_independence():
    """Independent uniform symbols, K = 10 each, N = 200: truth 0, plug-in bias about 81/400."""
    rng = np.random.default_rng(2024)
    samples = [(rng.integers(0, 10, 200), rng.integers(0, 10, 200)) for _ in range(60)]

    def bias(name):
        return np.mean([mibench.estimate(x, y, name, x_type="discrete", y_type="discrete") for x, y in samples])

    plugin_bias = abs(bias("plugin"))
    assert plugin_bias == pytest.approx(81 / 400, rel=0.25)
    for name in CORRECTED:
        assert abs(bias(name)) < plugin_bias, name
