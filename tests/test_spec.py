import math

import numpy as np
import pytest

from mibench.spec import SpecError, format_spec, parse_spec


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ksg", ("ksg", None, {})),
        ("ksg()", ("ksg", None, {})),
        ("ksg(k=5)", ("ksg", None, {"k": 5})),
        ("gaussian-v2(rho=-0.8, dim=3)", ("gaussian", 2, {"rho": -0.8, "dim": 3})),
        (
            "x(a='s', b=None, c=True, d=(1, 2), e=[1.5], f={'u': 1})",
            ("x", None, {"a": "s", "b": None, "c": True, "d": (1, 2), "e": [1.5], "f": {"u": 1}}),
        ),
        (" student_t ( dof = inf ) ", ("student_t", None, {"dof": math.inf})),
    ],
)
def test_parse(text, expected):
    assert parse_spec(text) == expected


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("ksg(3)", "key=value"),
        ("ksg(k=__import__('os'))", "not a literal"),
        ("ksg(k=1, k=2)", "given twice"),
        ("ksg(k=", "cannot parse"),
        ("1ksg", "cannot parse"),
        ("ksg(**d)", "not allowed"),
        ("ksg(k=a+b)", "not a literal"),
    ],
)
def test_parse_errors(text, fragment):
    with pytest.raises(SpecError, match=fragment.replace("(", r"\(")):
        parse_spec(text)


def test_parse_rejects_non_string():
    with pytest.raises(TypeError):
        parse_spec(3)


def test_format_round_trip():
    params = {"rho": 0.8, "dim": np.int64(2), "dof": math.inf, "cov": [[1.0, 0.5], [0.5, 1.0]], "t": (1,), "s": "a"}
    text = format_spec("name", params, version=3)
    assert text.startswith("name-v3(cov=")
    name, version, parsed = parse_spec(text)
    assert (name, version) == ("name", 3)
    assert parsed == {k: (v.item() if hasattr(v, "item") else v) for k, v in params.items()}
    # keys sorted, so the same parameters in another order give the same canonical spec
    assert format_spec("name", dict(reversed(list(params.items()))), 3) == text
