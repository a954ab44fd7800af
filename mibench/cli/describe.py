"""``mibench describe``: an estimator's or a scenario's parameters, conventions, truth and citation; a suite's contents."""

from __future__ import annotations

import argparse
import inspect
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..estimator import Estimator, EstimatorInfo
    from ..scenario import Scenario

NAME = "describe"

QUANTITY_NAMES = {"mi": "I(X;Y)", "cmi": "I(X;Y|Z)", "te": "transfer entropy X → Y: I(X;Y|Z) on lagged series"}
HELP = "Show an estimator's or scenario's parameters, conventions, truth and citation, or what a suite runs."
EXAMPLES = """
    examples:
      mibench describe ksg
      mibench describe "gaussian(rho=0.9, dim=3)"
      mibench describe quick
    """


def setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", help="a name or spec string")


def run(args: argparse.Namespace) -> int:
    from ..estimator import ESTIMATORS, get_estimator
    from ..experiment_file import list_suites
    from ..registry import RegistryError
    from ..scenario import SCENARIOS, get_scenario
    from ..spec import parse_spec

    name, _, _ = parse_spec(args.spec)
    sections: list[str] = []
    errors: list[Exception] = []
    if name in ESTIMATORS.names():
        try:
            sections.append(describe_estimator(get_estimator(args.spec)))
        except (LookupError, ValueError) as exc:
            errors.append(exc)
    if name in SCENARIOS.names():
        try:
            sections.append(describe_scenario(get_scenario(args.spec)))
        except (LookupError, ValueError) as exc:
            errors.append(exc)
    if not sections:
        if len(errors) > 1:
            raise ValueError(
                f"{name!r} names an estimator and a scenario, and neither takes this spec: {errors[0]}; {errors[1]}"
            )
        if errors:
            raise errors[0]
        if name in list_suites():
            if name != args.spec.strip():
                raise ValueError(f"{name!r} is a suite, and a suite takes no parameters: mibench describe {name}")
            sections.append(describe_suite(name))
        else:
            try:
                ESTIMATORS.entry(name)
            except RegistryError as exc:
                raise RegistryError(
                    f"{exc} Scenarios: {', '.join(SCENARIOS.names())}. Suites: {', '.join(list_suites())}"
                ) from None
    print("\n\n".join(sections))
    return 0


def describe_suite(name: str) -> str:
    """What ``mibench run NAME`` runs: the suite's estimators, scenarios, sample sizes and repetitions."""
    from ..experiment_file import list_suites, load_experiment
    from ..runner import run

    experiment, defaults = load_experiment(name), inspect.signature(run).parameters
    estimators = experiment.get("estimators")
    lines = [
        f"suite {name} ({list_suites()[name]})",
        "",
        f"  estimators:   {', '.join(estimators) if estimators else 'every registered one that needs no optional package'}",
        f"  scenarios:    {len(experiment['scenarios'])}",
        *(f"    {scenario}" for scenario in experiment["scenarios"]),
        f"  sample sizes: {', '.join(f'{n:,}' for n in experiment['sample_sizes'])}",
        f"  repetitions:  {experiment.get('reps', defaults['reps'].default)}; seed: {experiment.get('seed', defaults['seed'].default)}",
        f"  run it:       mibench run {name} --out runs/{name}",
    ]
    return "\n".join(lines)


#: What an estimator's ``collinear`` declaration means, for ``describe``.
COLLINEAR_MEANING = {
    "refused": "refused (linearly dependent continuous columns: its value needs a density or a nonsingular "
    "covariance on their joint space)",
    "handled": "handled (linearly dependent continuous columns leave its neighbour counts or bins sound)",
}


def describe_estimator(estimator: Estimator) -> str:
    from ..spec import format_value

    info = estimator.info
    lines = [
        f"estimator {estimator.spec}",
        "",
        textwrap.indent((inspect.getdoc(estimator.entry.target) or "").strip(), "  "),
        "",
        f"  parameters:   {', '.join(f'{k}={format_value(v)}' for k, v in estimator.params.items()) or '(none)'}",
        f"  compute:      {estimator.compute_label or '(none)'} (settings that cannot change the result)",
        f"  defaults:     {estimator.entry.describe_parameters()}",
        f"  accepts:      {', '.join(f'({a}, {b})' for a, b in info.types)}",
        f"  conditions:   {_conditions(info)}",
        f"  multivariate: {'yes' if info.multivariate else 'no'}; symmetric: {'yes' if info.symmetric else 'no'}",
        f"  min samples:  {estimator.min_samples}",
        f"  code version: {estimator.code_version}",
    ]
    if info.collinear != "undeclared":
        lines.append(f"  collinear:    {COLLINEAR_MEANING[info.collinear]}")
    if info.requires:
        lines.append(f"  requires:     {', '.join(info.requires)}")
    lines += [f"  {key + ':':<13} {value}" for key, value in info.conventions.as_dict().items() if value]
    return "\n".join(lines)


def describe_scenario(scenario: Scenario) -> str:
    from ..scenario import SCENARIOS, scenario_doc

    lines = [
        f"scenario {scenario.spec}",
        "",
        textwrap.indent(scenario_doc(scenario).strip(), "  "),
        "",
        f"  defaults:     {SCENARIOS.entry(scenario.name, scenario.version).describe_parameters()}",
        f"  true MI:      {scenario.truth}",
        f"  types:        x {scenario.x_type} ({scenario.dim_x}-D), y {scenario.y_type} ({scenario.dim_y}-D)"
        + (f", z {scenario.z_type} ({scenario.dim_z}-D)" if scenario.conditional else ""),
        f"  quantity:     {QUANTITY_NAMES[scenario.quantity]}",
        f"  tags:         {', '.join(f'{k}={v}' for k, v in scenario.tags.items())}",
        f"  log_pmi:      {'available' if scenario.has_log_pmi else 'not tractable'}",
    ]
    if scenario.citation:
        lines.append(f"  citation:     {scenario.citation}")
    return "\n".join(lines)


def _conditions(info: EstimatorInfo) -> str:
    """What it conditions on, and for which types of x and y where these are fewer than it accepts."""
    if not info.z_types:
        return "no (I(X;Y) only)"
    pairs = (
        ""
        if info.conditional_types == info.types
        else f", for {', '.join(f'({a}, {b})' for a, b in info.conditional_types)}"
    )
    return f"on a {' or '.join(info.z_types)} z{pairs}: I(X;Y|Z) given z"
