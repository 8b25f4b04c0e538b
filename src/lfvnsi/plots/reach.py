"""The optimised reach: largest |objective| per bin, what limits it, and a random scan behind it.

References: ``lfvnsi.scan.reach`` (the numbers), ``data/bounds.toml`` (the limits drawn).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lfvnsi.constraints import Bound, load_bounds
from lfvnsi.plots.figure import new_figure
from lfvnsi.plots.scan import ScanTable, reach_values
from lfvnsi.scan.reach import ReachResult

__all__ = ["reach_result_figure"]


def _runs(limiting: list[str]) -> list[tuple[int, int, str]]:
    """(first bin, last bin, bound id) of each run of bins whose first limiting bound is the same."""
    runs: list[tuple[int, int, str]] = []
    for i, name in enumerate(limiting):
        if runs and runs[-1][2] == name and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i, name)
        elif name:
            runs.append((i, i, name))
    return runs


def reach_result_figure(result: ReachResult, scan: ScanTable | None = None,
                        bounds: tuple[Bound, ...] | None = None) -> Any:
    """The reach per bin (a step line), numbered along it by the bound that limits each run of bins
    (the legend says which), the allowed points of a random scan of the same space behind it
    (``scan``, optional) with their per-bin envelope, the current limits on the objective, and
    markers where DUNE would see the bin's optimum at more than 3 sigma (its projection).

    Returns a matplotlib Figure: the reach is the ``StepPatch`` labelled "optimised reach".
    """
    objective, axis = result.reach.objective, result.reach.axis
    edges = np.array([b.lo for b in result.bins] + [result.bins[-1].hi])
    values = np.array([np.nan if b.max is None else b.max for b in result.bins])
    fig = new_figure(figsize=(9.0, 5.6), layout="constrained")
    ax = fig.subplots()
    if scan is not None:
        m, y = scan.numeric(axis), np.abs(scan.numeric(objective))
        ok = scan.mask("valid") & scan.mask("allowed") & np.isfinite(m) & (y > 0)
        ax.scatter(m[ok], y[ok], s=3, color="0.75", lw=0, label=f"allowed points of {scan.name}",
                   rasterized=True)
        envelope = reach_values(scan, objective, edges, axis)
        ax.stairs(np.where(envelope > 0, envelope, np.nan), edges, baseline=None, color="0.45",
                  lw=1.2, ls="--", label="largest of those per bin")
    ax.stairs(values, edges, baseline=None, color="C0", lw=2.2, label="optimised reach")
    runs = _runs([b.limiting[0] if b.limiting else "" for b in result.bins])
    labels: dict[str, int] = {}
    for first, last, name in runs:
        number = labels.setdefault(name, len(labels) + 1)
        x = np.sqrt(edges[first] * edges[last + 1])
        top = np.nanmax(values[first:last + 1])
        ax.annotate(str(number), (x, top), xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8, color="C0")
    for name, number in labels.items():
        ax.plot([], [], " ", label=f"{number}: limited by {name}")
    tested = [i for i, b in enumerate(result.bins)
              if b.max is not None and b.dune_delta_chi2 is not None and b.dune_delta_chi2 > 9.0]
    if tested:  # DUNE's projection: its 3 sigma reach includes the optimum of these bins
        centres = np.sqrt(edges[:-1] * edges[1:])[tested]
        ax.plot(centres, values[tested], "v", color="C2", ms=6, ls="none",
                label="DUNE would see this optimum at > 3 sigma (Delta chi^2 > 9)")
    bounds = load_bounds() if bounds is None else bounds
    for b in bounds:
        if b.observable == objective and b.status == "current" and b.kind == "range":
            lo, hi = b.value  # type: ignore[misc]
            ax.axhline(max(abs(lo - b.null_value), abs(hi - b.null_value)), color="C3", lw=0.8,
                       ls=":", label=f"{b.id} (larger side)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    top = np.nanmax(values) if np.any(np.isfinite(values)) else None
    if top is not None and top > 0:  # five decades below the reach: the scan's tail is not news
        ax.set_ylim(top * 1e-5, top * 3.0)
    ax.set_xlabel(f"{axis} [GeV]" if axis.startswith(("m", "M")) else axis)
    ax.set_ylabel(f"largest allowed |{objective}|")
    ax.set_title(f"{result.spec.name}: reach of |{objective}| per {axis} bin "
                 f"({result.spec.bounds} bounds)", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    return fig
