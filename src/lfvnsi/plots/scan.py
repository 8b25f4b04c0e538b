"""Figures of a scan result: allowed and excluded regions, and the NSI reach versus m_Z'.

Region plot (``region_figure``): every evaluated point of the scan in two columns (scanned
parameters, kept observables, ``max_ratio`` or ``ratio:<bound id>``); allowed points in black,
excluded points coloured by their strongest constraint (the ``n_legend`` most frequent bounds by
name, the rest grey as "other"); one ``PathCollection`` per category. Axes are logarithmic by
default where every value of the column is positive. The title gives the scan's name, the number
of points and the fraction allowed (allowed / all points, unevaluable ones included).

Reach plot (``reach_figure``): for each kept NSI column ``eps_*`` the largest |eps| among the
allowed points of each logarithmic m_Z' bin, as a step line (``StepPatch``; gaps where no point
of a bin is allowed); over it the current limits of the bounds database on that same column (the
global fit of Esteban et al. for eps^u, eps^d, eps^p) as horizontal lines of the same colour: a
solid line at the positive edge |hi - null|, dotted at the negative edge |lo - null|, labelled
with the record's id and interval. When the scan kept ``dune_delta_chi2``, a dashed step line per
column gives the same reach among the allowed points DUNE does not test (Delta chi^2 below the
"DUNE 3 sigma" record's limit): the gap between the two lines is what DUNE will test.

References: DESIGN.md (layer ``lfvnsi.plots``); ``lfvnsi.scan.results`` (the columns);
``data/bounds.toml`` (the NSI records).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.constraints import Bound, load_bounds
from lfvnsi.exceptions import ConfigError
from lfvnsi.plots.figure import check_path, new_figure, save_figure
from lfvnsi.plots.fit import parameter_label
from lfvnsi.scan.results import read_description, read_results, result_columns

__all__ = ["ALLOWED_COLOUR", "OTHER_COLOUR", "ScanTable", "load_scan", "plot_scan", "reach_figure",
           "reach_values", "region_figure", "scan_columns"]

ALLOWED_COLOUR = "black"
OTHER_COLOUR = "0.7"
_PALETTE = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown",
            "tab:pink", "tab:olive", "tab:cyan", "gold", "navy", "lime")
#: Bookkeeping columns, left out of the list of columns in error messages.
_NOT_AXES = ("point", "valid", "allowed", "strongest")
#: The scan column of the DUNE Delta chi^2 (``observables.ON_DEMAND``).
DUNE_COLUMN = "dune_delta_chi2"


@dataclass(frozen=True)
class ScanTable:
    """A scan result in memory: some of its columns as numpy arrays and its ``_scan.json``.

    ``available`` lists every column of the result (``columns`` may hold only those a figure
    needs: a big scan has one ``ratio:<id>`` column per bound).
    """

    path: Path
    columns: dict[str, np.ndarray]
    description: dict[str, Any]
    available: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return str(self.description.get("spec", {}).get("name", self.path.stem))

    @property
    def names(self) -> tuple[str, ...]:
        """Every column of the result (loaded or not)."""
        return self.available or tuple(self.columns)

    @property
    def axes(self) -> tuple[str, ...]:
        """Names of the scanned parameters, in the spec's order."""
        return tuple(a["name"] for a in self.description.get("spec", {}).get("axes", []))

    @property
    def size(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def mask(self, name: str) -> np.ndarray:
        """A boolean column (``valid``, ``allowed``); all True / False when absent."""
        if name in self.columns:
            return np.asarray(self.columns[name], dtype=bool)
        return np.full(self.size, name == "valid")

    def numeric(self, name: str) -> np.ndarray:
        """A float column, or a one-line error naming what the scan holds."""
        if name not in self.columns:
            _unknown(self.path, name, self.names)
        values = self.columns[name]
        if values.dtype.kind not in "fiub":
            raise ConfigError(f"column {name!r} of {str(self.path)!r} is not numeric")
        return np.asarray(values, dtype=float)


def _unknown(path: Path, name: str, names: tuple[str, ...]) -> None:
    shown = [c for c in names if c not in _NOT_AXES + ("max_ratio",) and not c.startswith("ratio:")]
    raise ConfigError(f"column {name!r} is not in the scan result {str(path)!r} "
                      f"(columns: {', '.join(shown)}, max_ratio and ratio:<bound id>)")


def scan_columns(path: str | Path) -> tuple[str, ...]:
    """The column names of a scan result (from the schema of its first part)."""
    return result_columns(path)


def load_scan(path: str | Path, columns: list[str] | None = None) -> ScanTable:
    """Read a scan result directory (``lfvnsi scan`` output) into a ``ScanTable``.

    ``columns``: read only these (and ``valid``, ``allowed``, ``strongest``); default all.
    """
    path = Path(path)
    names = scan_columns(path)
    description = read_description(path)
    wanted = None
    if columns is not None:
        for name in columns:
            if name not in names:
                _unknown(path, name, names)
        keep = set(columns) | {"valid", "allowed", "strongest"}
        wanted = [c for c in names if c in keep]
    table = read_results(path, columns=wanted)
    loaded: dict[str, np.ndarray] = {}
    for name in table.column_names:
        column = table.column(name)
        if str(column.type) in ("string", "large_string"):
            loaded[name] = np.array(["" if v is None else v for v in column.to_pylist()],
                                    dtype=object)
        else:
            loaded[name] = column.to_numpy(zero_copy_only=False)
    return ScanTable(path, loaded, description, names)


def _use_log(values: np.ndarray, log: bool | None) -> bool:
    if log is not None:
        return log
    finite = values[np.isfinite(values)]
    return bool(len(finite)) and bool(np.all(finite > 0))


def _categories(strongest: np.ndarray, n_legend: int) -> tuple[list[str], Counter[str]]:
    counts = Counter(str(s) for s in strongest)
    ranked = sorted(counts, key=lambda s: (-counts[s], s))
    return ranked[:n_legend], counts


def region_figure(scan: ScanTable, x: str | None = None, y: str | None = None,
                  logx: bool | None = None, logy: bool | None = None, n_legend: int = 8) -> Any:
    """Allowed and excluded points of a scan in the plane of two columns.

    Parameters
    ----------
    scan : a loaded scan result (``load_scan``).
    x, y : column names (default: the first two scanned parameters; with one, y is the first kept
        observable).
    logx, logy : force a log (True) or linear (False) axis; None: log when all values are > 0.
    n_legend : excluded points of this many strongest bounds (the most frequent) get their own
        colour and legend entry, the rest are "other".

    Returns
    -------
    matplotlib.figure.Figure with one PathCollection per category: the excluded categories
    (label ``"<bound id> (<count>)"``), ``"other (<count>)"``, then ``"allowed (<count>)"``.
    Points whose coordinate is not finite (or not positive on a log axis) are left out.
    """
    if not isinstance(n_legend, int) or n_legend < 0:
        raise ConfigError(f"option 'legend' = {n_legend!r} must be an integer >= 0")
    x, y = _default_axes(scan, x, y)
    xv, yv = scan.numeric(x), scan.numeric(y)
    log_x, log_y = _use_log(xv, logx), _use_log(yv, logy)
    valid = scan.mask("valid")
    allowed = valid & scan.mask("allowed")
    shown = valid & np.isfinite(xv) & np.isfinite(yv)
    if log_x:
        shown &= xv > 0
    if log_y:
        shown &= yv > 0
    if not np.any(shown):  # an empty log axis is an error in matplotlib, and says nothing
        invalid = int(np.sum(~valid))
        raise ConfigError(f"no point of the scan result {str(scan.path)!r} can be drawn in "
                          f"({x}, {y}): of its {scan.size} points {invalid} could not be "
                          f"evaluated and {scan.size - invalid} have no finite (or, on a log "
                          f"axis, positive) value")
    strongest = scan.columns.get("strongest", np.full(scan.size, "", dtype=object))
    excluded = shown & ~allowed
    named, counts = _categories(strongest[excluded], n_legend)
    fig = new_figure(figsize=(9.0, 5.6), layout="constrained")
    ax = fig.subplots()
    big = scan.size > 5000  # rasterise the points of big scans so a PDF stays small
    for k, bound_id in enumerate(named):
        pick = excluded & (strongest == bound_id)
        ax.scatter(xv[pick], yv[pick], s=5, color=_PALETTE[k % len(_PALETTE)], linewidths=0,
                   label=f"{bound_id or 'no bound'} ({counts[bound_id]})", rasterized=big)
    others = excluded & ~np.isin(strongest, np.array(named, dtype=object))
    if np.any(others):
        ax.scatter(xv[others], yv[others], s=5, color=OTHER_COLOUR, linewidths=0,
                   label=f"other ({int(np.sum(others))})", rasterized=big)
    ok = shown & allowed
    ax.scatter(xv[ok], yv[ok], s=7, color=ALLOWED_COLOUR, linewidths=0, zorder=3,
               label=f"allowed ({int(np.sum(ok))})", rasterized=big)
    ax.set_xscale("log" if log_x else "linear")
    ax.set_yscale("log" if log_y else "linear")
    ax.set_xlabel(parameter_label(x))
    ax.set_ylabel(parameter_label(y))
    hidden = int(np.sum(valid & ~shown))
    note = f"; {hidden} off the axes" if hidden else ""
    ax.set_title(f"{scan.name}: {scan.size} points, {np.sum(allowed) / max(scan.size, 1):.1%} "
                 f"allowed{note}", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False,
              title="strongest constraint of excluded points", title_fontsize=7, markerscale=2)
    return fig


def _default_axes(scan: ScanTable, x: str | None, y: str | None) -> tuple[str, str]:
    candidates = list(scan.axes) + [c for c in scan.description.get("spec", {}).get("outputs", [])
                                    if c in scan.names]
    candidates = [c for c in candidates if c not in (x, y)]
    if x is None:
        if not candidates:
            raise ConfigError("name the x column (--x): the scan has no scanned parameter")
        x = candidates.pop(0)
    if y is None:
        if not candidates:
            raise ConfigError("name the y column (--y): the scan has a single column to plot")
        y = candidates.pop(0)
    return x, y


def _mass_column(scan: ScanTable) -> str:
    for name in ("m_zprime", "m_Zp_GeV"):
        if name in scan.names:
            return name
    raise ConfigError(f"the reach plot needs m_Z': scan m_zprime (or keep the output m_Zp_GeV); "
                      f"{str(scan.path)!r} has neither")


def reach_values(scan: ScanTable, column: str, edges: np.ndarray, mass: str = "m_zprime",
                 keep: np.ndarray | None = None) -> np.ndarray:
    """(len(edges) - 1,) largest |column| among the allowed points of each mass bin (NaN if none).

    Bins are [edges[i], edges[i+1]), the last one closed. ``keep``: only these points.
    """
    m = scan.numeric(mass)
    eps = np.abs(scan.numeric(column))
    ok = scan.mask("valid") & scan.mask("allowed") & np.isfinite(m) & np.isfinite(eps)
    if keep is not None:
        ok &= keep
    index = np.clip(np.searchsorted(edges, m[ok], side="right") - 1, 0, len(edges) - 2)
    inside = (m[ok] >= edges[0]) & (m[ok] <= edges[-1])
    out = np.full(len(edges) - 1, -np.inf)
    np.maximum.at(out, index[inside], eps[ok][inside])
    return np.where(np.isfinite(out), out, np.nan)


def _dune_untested(scan: ScanTable, bounds: tuple[Bound, ...]) -> tuple[np.ndarray, float] | None:
    """(points DUNE does not test at its bound, the Delta chi^2 threshold), if the scan kept
    ``dune_delta_chi2``."""
    if DUNE_COLUMN not in scan.columns:
        return None
    limits = [float(b.value) for b in bounds if b.observable == DUNE_COLUMN  # type: ignore[arg-type]
              and b.kind == "upper"]
    threshold = limits[0] if limits else 9.0
    dchi2 = scan.numeric(DUNE_COLUMN)
    return ~(dchi2 >= threshold), threshold


def _nsi_bounds(column: str, bounds: tuple[Bound, ...]) -> list[Bound]:
    return [b for b in bounds if b.observable == column and b.status == "current"
            and b.kind in ("range", "upper")]


def reach_figure(scan: ScanTable, columns: list[str] | None = None, n_bins: int = 25,
                 bounds: tuple[Bound, ...] | None = None) -> Any:
    """The NSI reach of the allowed points versus m_Z', with the current NSI limits.

    Parameters
    ----------
    scan : a loaded scan result; needs ``m_zprime`` scanned (or ``m_Zp_GeV`` kept).
    columns : NSI columns to show (default: every kept ``eps_*`` column that is not zero for
        all allowed points).
    n_bins : logarithmic m_Z' bins between the smallest and the largest m_Z' of the scan.
    bounds : the bounds database (default ``load_bounds()``); its current records on a shown
        column are drawn.

    Returns
    -------
    matplotlib.figure.Figure: one ``StepPatch`` per column (label the column name), and per NSI
    record one or two horizontal ``Line2D`` (the labelled one carries the record's id).

    References: ``data/bounds.toml`` (Esteban et al. 2018, arXiv:1805.04530, for eps^u,d,p).
    """
    mass = _mass_column(scan)
    m = scan.numeric(mass)
    valid_m = m[scan.mask("valid") & np.isfinite(m) & (m > 0)]
    if len(valid_m) == 0 or valid_m.min() == valid_m.max():
        raise ConfigError(f"the reach plot needs {mass} to vary over the scan")
    if not isinstance(n_bins, int) or n_bins < 1:
        raise ConfigError(f"option 'bins' = {n_bins!r} must be a positive integer")
    edges = np.geomspace(valid_m.min(), valid_m.max(), n_bins + 1)
    explicit = columns is not None
    kept = [c for c in scan.names if c.startswith("eps_")]
    if columns is None:
        columns = kept
    for c in columns:  # the y axis is "largest |eps|": another column would be mislabelled
        if not c.startswith("eps_"):
            raise ConfigError(f"the reach plot shows NSI columns (eps_*), not {c!r}; "
                              f"{str(scan.path)!r} keeps {', '.join(kept) or 'no eps_* column'} "
                              f"(for other columns use the region plot: --x, --y without --reach)")
    reach = {}
    for c in columns:
        scan.numeric(c)
        values = reach_values(scan, c, edges, mass)
        if explicit or np.any(values > 0):
            reach[c] = values
    if not reach:
        raise ConfigError(f"{str(scan.path)!r} keeps no eps_* column with a non-zero value at an "
                          f"allowed point (add eps columns to the spec's outputs)")
    bounds = load_bounds() if bounds is None else bounds
    dune = _dune_untested(scan, bounds)
    fig = new_figure(figsize=(9.0, 5.6), layout="constrained")
    ax = fig.subplots()
    for k, (c, values) in enumerate(reach.items()):
        colour = _PALETTE[k % len(_PALETTE)]
        ax.stairs(np.where(values > 0, values, np.nan), edges, baseline=None, color=colour, lw=2,
                  label=c)
        if dune is not None:
            beyond = reach_values(scan, c, edges, mass, keep=dune[0])
            ax.stairs(np.where(beyond > 0, beyond, np.nan), edges, baseline=None, color=colour,
                      lw=1.5, ls="--",
                      label=f"{c}: allowed and not tested by DUNE (Delta chi^2 < {dune[1]:g})")
        for b in _nsi_bounds(c, bounds):
            if b.kind == "range":
                lo, hi = b.value  # type: ignore[misc]
                ax.axhline(abs(hi - b.null_value), color=colour, ls="-", lw=1, alpha=0.7,
                           label=f"{b.id}: [{lo:g}, {hi:g}] ({b.cl:.4g} CL)")
                if abs(lo - b.null_value) != abs(hi - b.null_value):
                    ax.axhline(abs(lo - b.null_value), color=colour, ls=":", lw=1, alpha=0.7)
            else:
                ax.axhline(float(b.value), color=colour, ls="-", lw=1,  # type: ignore[arg-type]
                           alpha=0.7, label=f"{b.id}: < {b.value:g} ({b.cl:.4g} CL)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("m_Z' [GeV]")
    ax.set_ylabel("largest |eps| of allowed points")
    n_allowed = int(np.sum(scan.mask("valid") & scan.mask("allowed")))
    ax.set_title(f"{scan.name}: NSI reach, {n_allowed} allowed of {scan.size} points "
                 f"({n_bins} bins in m_Z')", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False,
              title="lines: current limits (solid: eps > 0, dotted: eps < 0)", title_fontsize=7)
    return fig


def plot_scan(path: str | Path, out: str | Path | None = None, x: str | None = None,
              y: str | None = None, logx: bool | None = None, logy: bool | None = None,
              reach: bool = False, n_bins: int = 25, n_legend: int = 8) -> tuple[Any, Path]:
    """Read a scan result, draw the region (or, with ``reach``, the reach) figure and write it.

    ``out`` defaults to ``<results>_<x>_<y>.png`` (``<results>_reach.png``) beside the results.
    With ``reach``, ``y`` selects one NSI column. Returns (figure, path written).
    """
    if out is not None:
        check_path(out)
    names = scan_columns(path)
    probe = ScanTable(Path(path), {}, read_description(path), names)
    if reach:
        mass = _mass_column(probe)
        shown = [y] if y is not None else [c for c in names if c.startswith("eps_")]
        extra = [DUNE_COLUMN] if DUNE_COLUMN in names else []
        fig = reach_figure(load_scan(path, [mass, *shown, *extra]),
                           [y] if y is not None else None, n_bins=n_bins)
        suffix = "reach"
    else:
        x, y = _default_axes(probe, x, y)
        fig = region_figure(load_scan(path, [x, y]), x, y, logx, logy, n_legend=n_legend)
        suffix = f"{x}_{y}"
    stem = Path(path)
    target = Path(out) if out is not None else stem.with_name(f"{stem.stem}_{suffix}.png")
    return fig, save_figure(fig, target)
