"""Figures of the DUNE analyses: spectra per rule (Standard Model and model) and the CPV curve.

References: ``lfvnsi.experiments.dune``; README section "DUNE".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.plots.figure import check_path, new_figure, save_figure

__all__ = ["cpv_figure", "plot_cpv", "plot_dune_spectra", "spectra_figure"]


def spectra_figure(experiment: Any, sm: Any, model: Any) -> Any:
    """One panel per rule: events per GeV in each reconstructed bin of its energy window, the
    Standard Model (filled) and the model point (line), signal + background."""
    rules = experiment.rules
    n = len(rules)
    cols = 2 if n > 1 else 1
    rows = -(-n // cols)
    fig = new_figure(figsize=(5.2 * cols, 3.6 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    edges = experiment.bins.edges
    widths = experiment.bins.widths
    for k, rule in enumerate(rules):
        ax = axes[k]
        w = rule.bins
        e = edges[w.start:w.stop + 1]
        ax.stairs(sm.total[k, w] / widths[w], e, fill=True, alpha=0.35, color="tab:blue",
                  label="Standard Model")
        ax.stairs(model.total[k, w] / widths[w], e, color="tab:red", lw=1.5, label="model point")
        ax.stairs(sm.background[k, w] / widths[w], e, color="0.4", ls=":", lw=1,
                  label="background (SM)")
        ax.set_title(f"{rule.name}: {sm.in_window(sm.total)[k]:.1f} (SM), "
                     f"{model.in_window(model.total)[k]:.1f} (model)", fontsize=9)
        ax.set_xlabel("reconstructed energy [GeV]")
        ax.set_ylabel("events / GeV")
        ax.set_xscale("log")
        ax.legend(fontsize=7, frameon=False)
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig


def plot_dune_spectra(experiment: Any, sm: Any, model: Any, path: str | Path) -> Path:
    """Write ``spectra_figure`` to a .png or .pdf file."""
    check_path(path, "plot")
    return save_figure(spectra_figure(experiment, sm, model), path, "plot")


def cpv_figure(result: Any) -> Any:
    """sqrt(Delta chi^2) of CP conservation against the true delta_CP, with 3 and 5 sigma."""
    fig = new_figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.plot(result.delta_cp_deg, result.sigma, color="tab:blue", lw=2)
    for level in (3.0, 5.0):
        ax.axhline(level, color="0.5", ls=":", lw=1)
    ax.set_xlim(float(result.delta_cp_deg[0]), float(result.delta_cp_deg[-1]))
    ax.set_ylim(0.0, max(6.0, float(np.max(result.sigma)) * 1.1))
    ax.set_xlabel("true delta_CP [degrees]")
    ax.set_ylabel("sqrt(Delta chi^2) of CP conservation")
    ax.set_title("DUNE CP-violation sensitivity", fontsize=10)
    return fig


def plot_cpv(result: Any, path: str | Path) -> Path:
    """Write ``cpv_figure`` to a .png or .pdf file."""
    check_path(path, "plot")
    return save_figure(cpv_figure(result), path, "plot")
