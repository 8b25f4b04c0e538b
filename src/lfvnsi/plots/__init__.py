"""Figures of scans and fits (matplotlib, the ``plots`` extra; the corner plot needs ``fit``).

Every function builds a ``matplotlib.figure.Figure`` without pyplot, so nothing ever opens a
window and the caller may inspect the artists; ``save_figure`` writes PNG or PDF by extension.

- ``region_figure``: scan points in any two columns, allowed points in one style, excluded ones
  coloured by their strongest constraint;
- ``reach_figure``: the largest |eps| of the allowed points per m_Z' bin, with the current NSI
  global-fit limits of the bounds database;
- ``corner_figure``: the post-burn-in samples of ``lfvnsi fit``.

References: DESIGN.md (layer ``lfvnsi.plots``).
"""

from lfvnsi.plots.figure import FORMATS, new_figure, save_figure
from lfvnsi.plots.fit import corner_figure
from lfvnsi.plots.scan import ScanTable, load_scan, plot_scan, reach_figure, region_figure

__all__ = ["FORMATS", "ScanTable", "corner_figure", "load_scan", "new_figure", "plot_scan",
           "reach_figure", "region_figure", "save_figure"]
