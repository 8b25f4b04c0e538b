"""The ``lfvnsi dune`` commands: DUNE event rates, Delta chi^2 of a model point, CP violation.

``lfvnsi dune events`` (events per rule for the Standard Model and the model point, their
difference, a spectrum plot), ``lfvnsi dune chi2`` (exclusion and discovery Delta chi^2),
``lfvnsi dune cpv`` (the CP-violation sensitivity; ``--json`` prints exactly
``{"delta_cp_deg": [...], "sigma": [...]}``). The model point comes from CONFIG and ``--set`` as
for ``lfvnsi point`` (default: the benchmark); ``--eps`` gives eps^m directly instead.
Settings default to ``data/dune/settings.toml`` and are changed with ``--true`` and ``--prior``;
``--glb`` runs another GLoBES file of the same form.

References: README section "DUNE"; ``lfvnsi.experiments.dune``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

__all__ = ["dune"]

_TRUE_NAMES = ("theta12", "theta13", "theta23", "delta_cp_deg", "dm21_eV2", "dm31_eV2",
               "density_scale")
_PAIRS = {"ee": (0, 0), "emu": (0, 1), "etau": (0, 2), "mumu": (1, 1), "mutau": (1, 2),
          "tautau": (2, 2)}


def _errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The one-line error handling of ``lfvnsi.cli`` (looked up when the command runs)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from lfvnsi.cli import _one_line_errors

        return _one_line_errors(fn)(*args, **kwargs)

    return wrapper


def _assignments(items: tuple[str, ...], option: str, allowed: tuple[str, ...]
                 ) -> dict[str, str]:
    from lfvnsi.exceptions import ConfigError

    out = {}
    for text in items:
        name, sep, value = text.partition("=")
        name = name.strip()
        if not sep or not value.strip():
            raise ConfigError(f"{option} {text!r}: expected NAME=VALUE")
        if name not in allowed:
            raise ConfigError(f"{option} {text!r}: unknown name {name!r} (one of "
                              f"{', '.join(allowed)})")
        out[name] = value.strip()
    return out


def _number(option: str, name: str, text: str) -> float:
    from lfvnsi.exceptions import ConfigError

    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{option} {name}={text!r}: not a number") from None
    if not math.isfinite(value):
        raise ConfigError(f"{option} {name}={text!r}: not a finite number")
    return value


def _analysis(glb: str | None, true: tuple[str, ...], prior: tuple[str, ...],
              **changes: Any) -> Any:
    from lfvnsi.experiments.dune import DuneAnalysis, dune_experiment, dune_settings
    from lfvnsi.experiments.glb import load_experiment
    from lfvnsi.experiments.rates import PARAMETER_NAMES

    values: dict[str, Any] = dict(changes)
    for name, text in _assignments(true, "--true", _TRUE_NAMES).items():
        values[f"true_{name}"] = _number("--true", name, text)
    for name, text in _assignments(prior, "--prior", PARAMETER_NAMES).items():
        values[f"prior_{name}"] = _number("--prior", name, text)
    settings = dune_settings(**values)
    experiment = load_experiment(glb) if glb is not None else dune_experiment()
    return DuneAnalysis(settings=settings, experiment=experiment)


def _eps_matter(config: str | None, overrides: tuple[str, ...], eps: tuple[str, ...],
                Ye: float) -> Any:
    """(eps^m (3, 3), description): from ``--eps`` entries, or from the model point."""
    import numpy as np

    from lfvnsi.exceptions import ConfigError

    if eps:
        E = np.zeros((3, 3), dtype=complex)
        for name, text in _assignments(eps, "--eps", tuple(_PAIRS)).items():
            try:
                value = complex(text.replace(" ", "").replace("i", "j"))
            except ValueError:
                raise ConfigError(f"--eps {name}={text!r}: not a (complex) number") from None
            a, b = _PAIRS[name]
            if a == b and value.imag != 0:
                raise ConfigError(f"--eps {name}={text!r}: a diagonal entry must be real")
            E[a, b] = value
            E[b, a] = np.conj(value)
        return E, "eps^m given with --eps"
    from lfvnsi.io import load_point
    from lfvnsi.oscillation.model import model_eps_matter

    params = load_point(config, overrides)
    return model_eps_matter(params, (1.0 - Ye) / Ye), "eps^m of the model point"


def _matrix(E: Any) -> dict[str, Any]:
    return {"re": [[float(v.real) for v in row] for row in E],
            "im": [[float(v.imag) for v in row] for row in E]}


def _true_document(analysis: Any) -> dict[str, float]:
    from lfvnsi.experiments.rates import PARAMETER_NAMES

    x = analysis.settings.true_vector
    out = {name: float(v) for name, v in zip(PARAMETER_NAMES, x, strict=True)}
    out["delta_cp_deg"] = math.degrees(out.pop("delta_cp"))
    return out


_COMMON = [
    click.option("--glb", default=None, type=click.Path(dir_okay=False),
                 help="Another GLoBES (AEDL) file of the same form (default: the packaged DUNE "
                      "TDR configuration)."),
    click.option("--true", "true", multiple=True, metavar="NAME=VALUE",
                 help=f"True parameter ({', '.join(_TRUE_NAMES)}; radians, eV^2), repeatable."),
    click.option("--prior", "prior", multiple=True, metavar="NAME=SIGMA",
                 help="Prior error: fraction of the true value (density_scale: absolute; 0: "
                      "none), repeatable, e.g. --prior theta23=0."),
    click.option("--orderings", default=None, type=click.Choice(["true", "both"]),
                 help="Start the profiles from the true mass ordering only (default) or both."),
    click.option("--systematics/--no-systematics", default=True, show_default=True,
                 help="Systematics on (chiMultiExp pulls) or off."),
]
_MODEL = [
    click.argument("config", required=False, type=click.Path(dir_okay=False)),
    click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
                 help="Override one model parameter (repeatable)."),
    click.option("--eps", "eps", multiple=True, metavar="PAIR=VALUE",
                 help="Give eps^m directly instead of a model point: ee, emu, etau, mumu, mutau, "
                      "tautau (complex off-diagonal, e.g. emu=0.05+0.02j), repeatable."),
]


def _options(options: list[Callable[..., Any]]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def apply(fn: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return apply


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def dune() -> None:
    """DUNE as the experiment sees it (the TDR GLoBES configuration): rates, Delta chi^2, CPV."""


@dune.command()
@_options(_MODEL)
@_options(_COMMON)
@click.option("--plot", default=None, metavar="FILE.png|.pdf",
              help="Write the spectra of every rule (SM and model) to FILE.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of a table.")
@_errors
def events(config: str | None, overrides: tuple[str, ...], eps: tuple[str, ...],
           glb: str | None, true: tuple[str, ...], prior: tuple[str, ...],
           orderings: str | None, systematics: bool, plot: str | None, as_json: bool) -> None:
    """Events per rule (energy window) for the Standard Model and the model point."""
    if plot is not None:
        from lfvnsi.plots.figure import check_path

        check_path(plot, "plot")
    analysis = _analysis(glb, true, prior, orderings=orderings, systematics=systematics)
    E, source = _eps_matter(config, overrides, eps, analysis.experiment.Ye)
    sm, model = analysis.rates(), analysis.rates(E)
    exp = analysis.experiment
    rules = []
    sm_sig, sm_bg = sm.in_window(sm.signal), sm.in_window(sm.background)
    mo_sig, mo_bg = model.in_window(model.signal), model.in_window(model.background)
    edges = exp.bins.edges
    for k, rule in enumerate(exp.rules):
        window = rule.bins
        rules.append({
            "name": rule.name, "window_GeV": list(rule.energy_window),
            "signal_sm": float(sm_sig[k]), "signal_model": float(mo_sig[k]),
            "background_sm": float(sm_bg[k]), "background_model": float(mo_bg[k]),
            "total_sm": float(sm_sig[k] + sm_bg[k]), "total_model": float(mo_sig[k] + mo_bg[k]),
            "difference": float(mo_sig[k] + mo_bg[k] - sm_sig[k] - sm_bg[k]),
            "bin_edges_GeV": [float(v) for v in edges[window.start:window.stop + 1]],
            "spectrum_sm": [float(v) for v in sm.total[k, window]],
            "spectrum_model": [float(v) for v in model.total[k, window]],
        })
    if plot is not None:
        from lfvnsi.plots.dune import plot_dune_spectra

        plot_dune_spectra(exp, sm, model, plot)
    if as_json:
        document = {"configuration": str(exp.path), "true": _true_document(analysis),
                    "eps_matter": _matrix(E), "eps_source": source, "rules": rules,
                    "channels": [{"name": c.name, "label": c.label,
                                  "events_sm": float(sm.channel[i].sum()),
                                  "events_model": float(model.channel[i].sum())}
                                 for i, c in enumerate(exp.channels)]}
        click.echo(json.dumps(document, indent=1))
        return
    click.echo(f"lfvnsi dune events  {exp.path.name}  ({source}; events in each rule's window)")
    click.echo(f"{'rule':14} {'window GeV':>11} {'SM signal':>10} {'model':>10} {'SM bkg':>9} "
               f"{'model':>9} {'SM total':>10} {'model':>10} {'difference':>11}")
    for r in rules:
        lo, hi = r["window_GeV"]
        click.echo(f"{r['name']:14} {lo:5.2g}-{hi:<5.3g} {r['signal_sm']:10.2f} "
                   f"{r['signal_model']:10.2f} {r['background_sm']:9.2f} "
                   f"{r['background_model']:9.2f} {r['total_sm']:10.2f} {r['total_model']:10.2f} "
                   f"{r['difference']:+11.3f}")
    if plot is not None:
        click.echo(f"wrote {plot}")


def _fit_document(fit: Any, k: int) -> dict[str, Any]:
    from lfvnsi.experiments.rates import PARAMETER_NAMES

    best = {name: float(v) for name, v in zip(PARAMETER_NAMES, fit.x[k], strict=True)}
    best["delta_cp_deg"] = math.degrees(best.pop("delta_cp"))
    chi2 = float(fit.chi2[k])
    return {"delta_chi2": chi2, "sigma": math.sqrt(max(chi2, 0.0)), "best_fit": best,
            "nuisance": {n: float(a) for n, a in zip(fit.nuisance, fit.a[k], strict=True)},
            "converged": bool(fit.converged[k])}


@dune.command()
@_options(_MODEL)
@_options(_COMMON)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of a table.")
@_errors
def chi2(config: str | None, overrides: tuple[str, ...], eps: tuple[str, ...],
         glb: str | None, true: tuple[str, ...], prior: tuple[str, ...],
         orderings: str | None, systematics: bool, as_json: bool) -> None:
    """Delta chi^2 of the model point against the best Standard-Model fit, and the reverse."""
    analysis = _analysis(glb, true, prior, orderings=orderings, systematics=systematics)
    E, source = _eps_matter(config, overrides, eps, analysis.experiment.Ye)
    exclusion = _fit_document(analysis.exclusion(E), 0)
    discovery = _fit_document(analysis.discovery(E), 0)
    threshold = analysis.settings.bound_delta_chi2
    document = {"configuration": str(analysis.experiment.path),
                "true": _true_document(analysis), "eps_matter": _matrix(E), "eps_source": source,
                "exclusion": exclusion, "discovery": discovery,
                "threshold_delta_chi2": threshold,
                "tested": exclusion["delta_chi2"] >= threshold}
    if as_json:
        click.echo(json.dumps(document, indent=1))
        return
    click.echo(f"lfvnsi dune chi2  {analysis.experiment.path.name}  ({source})")
    click.echo(f"  Standard-Model data, model test  Delta chi^2 = {exclusion['delta_chi2']:.4g} "
               f"({exclusion['sigma']:.3g} sigma)")
    click.echo(f"  model data, Standard-Model test  Delta chi^2 = {discovery['delta_chi2']:.4g} "
               f"({discovery['sigma']:.3g} sigma)")
    verdict = "tested" if document["tested"] else "not tested"
    click.echo(f"  DUNE {math.sqrt(threshold):g} sigma (Delta chi^2 >= {threshold:g}): {verdict}")


@dune.command()
@_options(_COMMON)
@click.option("--n-points", type=int, default=None, help="True delta_CP values (default 101).")
@click.option("--delta-min", type=float, default=None, help="Lowest true delta_CP, degrees (-180).")
@click.option("--delta-max", type=float, default=None, help="Highest true delta_CP, degrees (180).")
@click.option("--test-deltas", default=None, metavar="LIST",
              help="CP-conserving test values, degrees, comma-separated (default 0,180).")
@click.option("--plot", default=None, metavar="FILE.png|.pdf", help="Write the curve to FILE.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"delta_cp_deg": [...], "sigma": [...]} only.')
@_errors
def cpv(glb: str | None, true: tuple[str, ...], prior: tuple[str, ...], orderings: str | None,
        systematics: bool, n_points: int | None, delta_min: float | None,
        delta_max: float | None, test_deltas: str | None, plot: str | None,
        as_json: bool) -> None:
    """CP-violation sensitivity: sqrt(Delta chi^2) of delta_CP = 0, pi against true delta_CP."""
    from lfvnsi.exceptions import ConfigError

    if plot is not None:
        from lfvnsi.plots.figure import check_path

        check_path(plot, "plot")
    tests = None
    if test_deltas is not None:
        try:
            tests = tuple(float(v) for v in test_deltas.split(",") if v.strip())
        except ValueError:
            raise ConfigError(f"--test-deltas {test_deltas!r}: expected numbers (degrees) "
                              f"separated by commas") from None
    analysis = _analysis(glb, true, prior, orderings=orderings, systematics=systematics,
                         n_points=n_points, delta_min_deg=delta_min, delta_max_deg=delta_max,
                         test_deltas_deg=tests)
    result = analysis.cpv()
    if plot is not None:
        from lfvnsi.plots.dune import plot_cpv

        plot_cpv(result, plot)
    if as_json:
        click.echo(json.dumps(result.document()))
        return
    sigma = result.sigma
    click.echo(f"lfvnsi dune cpv  {analysis.experiment.path.name}  "
               f"(test delta_CP = {', '.join(f'{d:g}' for d in result.test_deltas_deg)} deg)")
    for d, s in zip(result.delta_cp_deg, sigma, strict=True):
        click.echo(f"  delta_CP = {d:8.2f} deg   {s:7.3f} sigma")
    for level in (3.0, 5.0):
        click.echo(f"  fraction of true delta_CP above {level:g} sigma: "
                   f"{float((sigma > level).mean()):.3f}")
    if plot is not None:
        click.echo(f"wrote {plot}")
