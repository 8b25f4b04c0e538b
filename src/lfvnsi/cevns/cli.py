"""The ``lfvnsi cevns`` command: options, model glue, table or JSON output, plots.

References: DESIGN.md (public contract); README section "CEvNS".
"""

from __future__ import annotations

from typing import Any

import click

from lfvnsi.cevns.detectors import RELEASES
from lfvnsi.cevns.form_factors import FORM_FACTORS
from lfvnsi.exceptions import ConfigError, LfvnsiError, ParameterError
from lfvnsi.io.strict_json import to_json

__all__ = ["CEVNS_OPTIONS", "cevns_options", "run_cevns"]

#: Keys a [cevns] table of a configuration file may hold.
CEVNS_OPTIONS = ("datasets", "form_factor", "plots")


def cevns_options(config: str | None, datasets: str | None, form_factor: str | None,
                  plots: str | None) -> tuple[list[str], str, str | None]:
    """Validated (datasets, form_factor, plots) from the command line over the [cevns] table."""
    from lfvnsi.io.config import config_section, read_config

    table = config_section(read_config(config), "cevns") if config is not None else {}
    unknown = sorted(set(table) - set(CEVNS_OPTIONS))
    if unknown:
        raise ConfigError(f"[cevns]: unknown key(s) {', '.join(unknown)} "
                          f"(allowed: {', '.join(CEVNS_OPTIONS)})")
    raw: Any = datasets if datasets is not None else table.get("datasets", list(RELEASES))
    names = [x.strip() for x in raw.split(",")] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not names:
        raise ParameterError("datasets", raw, f"a non-empty list of {', '.join(RELEASES)}")
    for name in names:
        if name not in RELEASES:
            raise ParameterError("datasets", name, f"one of {', '.join(RELEASES)}")
    ff = form_factor if form_factor is not None else table.get("form_factor", "helm")
    if ff not in FORM_FACTORS:
        raise ParameterError("form_factor", ff, f"one of {', '.join(FORM_FACTORS)}")
    out = plots if plots is not None else table.get("plots")
    if out is not None and not isinstance(out, str):
        raise ParameterError("plots", out, "a directory name")
    return list(dict.fromkeys(names)), ff, out


def run_cevns(config: str | None, overrides: tuple[str, ...], datasets: str | None,
              form_factor: str | None, plots: str | None, as_json: bool) -> None:
    """Evaluate one point against the releases and print a table or the JSON document."""
    from lfvnsi.cevns.analysis import analyse
    from lfvnsi.cevns.model import couplings_from_parameters
    from lfvnsi.io import load_point

    names, ff, outdir = cevns_options(config, datasets, form_factor, plots)
    params = load_point(config, overrides)
    couplings = couplings_from_parameters(params)
    results = analyse(couplings, names, ff)
    if outdir is not None:
        try:
            from lfvnsi.cevns.plots import plot_spectra
        except ImportError as exc:
            raise LfvnsiError(str(exc)) from None
        paths = plot_spectra(results, outdir)
    else:
        paths = []
    document = {name: res.summary() for name, res in results.items()}
    if as_json:
        click.echo(to_json(document))
        return
    m = float(params.m_zprime)
    click.echo(f"lfvnsi cevns  m_Z'={m:g} GeV  matter={params.matter}  form factor={ff}")
    click.echo(f"{'dataset':9} {'SM':>8} {'model':>8} {'published SM':>14} {'observed':>9} "
               f"{'background':>10} {'chi2 SM':>9} {'chi2 model':>10} {'bins':>5}")
    for name, d in document.items():
        click.echo(f"{name:9} {d['expected_sm_events']:8.1f} {d['expected_model_events']:8.1f} "
                   f"{d['published_sm_events']:7.0f} +- {d['published_sm_uncertainty']:<4.0f} "
                   f"{d['observed_events']:9.0f} {d['expected_background_events']:10.1f} "
                   f"{d['chi2_sm']:9.2f} {d['chi2_model']:10.2f} {d['n_bins']:5d}")
    for path in paths:
        click.echo(f"wrote {path}")
