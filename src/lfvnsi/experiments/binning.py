"""Reconstructed-energy bins and sampling points of a GLoBES experiment, as GLoBES 3.2 builds them.

Reconstructed bins: ``$emin`` and either ``$binsize`` (one width per bin) or ``$bins`` equal bins
up to ``$emax``. Sampling bins (the true energies where fluxes, cross sections and probabilities
are evaluated, at the bin centres): ``$sampling_min`` (default ``$emin``) and either
``$sampling_stepsize`` or ``$sampling_points`` equal steps up to ``$sampling_max`` (default
``$emax``); with neither, as many sampling bins as reconstructed bins. Centres accumulate the
widths from the lower edge in the same floating-point order as GLoBES (``glb_init_bin_data``),
so the energies are GLoBES's to the last bit. As in GLoBES, the widths are not required to add
up to ``$emax - $emin``.

References: GLoBES 3.2 manual, section "Energy resolution function" (binning); GLoBES source
``glb_smear.c`` (``glb_set_up_smear_data``, ``glb_init_bin_data``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from lfvnsi.exceptions import AedlError

__all__ = ["Binning", "reconstructed_bins", "sampling_bins"]


@dataclass(frozen=True)
class Binning:
    """Bins in GeV: lower edge, widths (n,), centres (n,)."""

    start: float
    widths: np.ndarray
    centres: np.ndarray

    @property
    def edges(self) -> np.ndarray:
        """(n + 1,) bin edges, start + cumulative widths."""
        return np.concatenate([[self.start], self.start + np.cumsum(self.widths)])

    @property
    def size(self) -> int:
        return int(self.widths.size)


def _centres(start: float, widths: np.ndarray) -> np.ndarray:
    out = np.empty(widths.size)
    edge = start
    for i, w in enumerate(widths.tolist()):
        edge += w
        out[i] = edge - w * 0.5
    return out


def _number(settings: Mapping[str, Any], key: str) -> float | None:
    value = settings.get(key)
    if value is None:
        return None
    if not isinstance(value, float):
        raise AedlError(f"{key} must be a number, got {value!r}")
    return value


def _widths(settings: Mapping[str, Any], widths_key: str, count_key: str, low: float,
            high: float | None, default_count: int | None, what: str) -> np.ndarray:
    widths = settings.get(widths_key)
    if widths is not None:
        w = np.asarray(widths, dtype=float)
        if w.ndim != 1 or w.size == 0 or not np.all(np.isfinite(w) & (w > 0)):
            raise AedlError(f"{widths_key} must be a list of positive widths")
        return w
    count = _number(settings, count_key)
    n = int(count) if count is not None else default_count
    if n is None or n < 1 or (count is not None and count != n):
        raise AedlError(f"the {what} binning needs {widths_key} or {count_key} (a positive integer)")
    if high is None or not high > low:
        raise AedlError(f"the {what} binning needs an upper energy above {low:g} GeV")
    return np.full(n, (high - low) / n)


def reconstructed_bins(settings: Mapping[str, Any]) -> Binning:
    """The reconstructed-energy bins of ``$emin``, ``$emax``, ``$binsize`` / ``$bins``."""
    low = _number(settings, "$emin")
    if low is None or low < 0:
        raise AedlError("$emin (the lower edge of the reconstructed energies, GeV) is missing")
    w = _widths(settings, "$binsize", "$bins", low, _number(settings, "$emax"), None,
                "reconstructed-energy")
    return Binning(low, w, _centres(low, w))


def sampling_bins(settings: Mapping[str, Any]) -> Binning:
    """The sampling bins of ``$sampling_min/max``, ``$sampling_stepsize`` / ``$sampling_points``
    (GLoBES defaults: the reconstructed range and bin count)."""
    reco = reconstructed_bins(settings)
    low = _number(settings, "$sampling_min")
    low = reco.start if low is None else low
    high = _number(settings, "$sampling_max")
    high = _number(settings, "$emax") if high is None else high
    w = _widths(settings, "$sampling_stepsize", "$sampling_points", low, high, reco.size,
                "sampling")
    return Binning(low, w, _centres(low, w))
