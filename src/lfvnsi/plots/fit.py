"""The corner plot of a fit: one- and two-dimensional marginals of the post-burn-in samples.

Parameters on a log axis are shown as log10 of their value (the coordinate the prior is flat in),
with the 16%, 50% and 84% quantiles marked.

References: D. Foreman-Mackey, JOSS 1 (2016) 24 (corner.py); ``lfvnsi.scan.fit``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lfvnsi.exceptions import MissingExtraError
from lfvnsi.model.parameters import PARAMETER_TABLE
from lfvnsi.plots.figure import new_figure
from lfvnsi.scan.fit import FitResult

__all__ = ["corner_figure", "parameter_label", "require_corner"]


def require_corner() -> Any:
    """The corner module, or a one-line error naming the extra to install."""
    try:
        import corner
    except ImportError:
        raise MissingExtraError("corner", "fit", "corner plots") from None
    return corner


def parameter_label(name: str, log: bool = False) -> str:
    """Axis label of a parameter or column: ``log10 m_zprime [GeV]``."""
    unit = PARAMETER_TABLE[name].unit if name in PARAMETER_TABLE else ""
    text = f"{name} [{unit}]" if unit else name
    return f"log10 {text}" if log else text


def corner_figure(result: FitResult) -> Any:
    """Corner plot of the samples after burn-in (a ``matplotlib.figure.Figure``).

    Each axis spans the parameter's prior range.
    The figure's title names the fit, the likelihood mode, the number of samples and the mean
    acceptance fraction.
    """
    corner = require_corner()
    samples = result.samples()
    log = np.array([s == "log" for s in result.scales])
    shown = np.where(log, np.log10(np.where(log, samples, 1.0)), samples)
    k = len(result.names)
    prior = [(np.log10(a.low), np.log10(a.high)) if a.scale == "log" else (a.low, a.high)
             for a in result.spec.axes]
    fig = new_figure(figsize=(2.6 * k + 1.0, 2.6 * k + 1.0))
    corner.corner(shown, fig=fig, labels=[parameter_label(n, bool(lg))
                                          for n, lg in zip(result.names, log, strict=True)],
                  range=prior, quantiles=[0.16, 0.5, 0.84], show_titles=True, title_fmt=".3g",
                  plot_datapoints=True, plot_density=False, plot_contours=len(shown) >= 100,
                  fill_contours=False, levels=(0.393, 0.865), smooth=1.0)
    fig.suptitle(f"{result.spec.name}: {result.options.mode} likelihood, {len(shown)} samples "
                 f"after burn-in, acceptance {float(np.mean(result.acceptance_fraction)):.2f}",
                 y=1.02, fontsize=10)
    return fig
