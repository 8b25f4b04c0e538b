"""Compiled (numba) evaluation of excluded curves on a batch: the cost of a scan's constraints.

A curve bound is |value| / limit(x) with the limit interpolated log-log in the tabulated x (NaN
outside the table); on a per-heavy-state observable the point reports its worst heavy state.
This is ``Curve.__call__`` and ``evaluate._ratio`` fused into one pass per point, without the
temporaries of the array version (the same numbers: tests compare the two).

References: REFERENCE.md section 6 (bounds as curves); ``constraints.evaluate``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["bucket_index", "worst_on_curve"]


def bucket_index(log_x: np.ndarray) -> np.ndarray:
    """Start of the search for each of 4 len(log_x) equal buckets of [log_x[0], log_x[-1]].

    ``start[g]`` is the table interval containing the bucket's left edge, so a lookup is one
    multiplication and a short forward walk instead of a binary search (the HNL curves have
    ~1500 rows and are evaluated on every heavy state of every point of a scan).
    """
    buckets = 4 * len(log_x)
    edges = log_x[0] + (log_x[-1] - log_x[0]) * np.arange(buckets + 1) / buckets
    return np.clip(np.searchsorted(log_x, edges, side="right") - 1, 0, len(log_x) - 2)


@njit(cache=True, nogil=True)
def worst_on_curve(value: np.ndarray, log_abs_value: np.ndarray, x: np.ndarray,
                   log_xv: np.ndarray, table_x: np.ndarray, log_x: np.ndarray,
                   log_limit: np.ndarray, start: np.ndarray, out_value: np.ndarray,
                   out_limit: np.ndarray, out_ratio: np.ndarray) -> None:
    """Per point p, over states s: the (value, limit, ratio) with the largest |value| / limit.

    value, x : (n, states), with log|value| and log x given (a scan chunk evaluates a dozen
    curves on the same heavy states: the logs are taken once). The limit is interpolated
    log-log in the table, NaN outside [table_x[0], table_x[-1]]. The worst state is chosen in
    log space (log|value| - log limit), so only its limit is exponentiated; its ratio is
    |value| / limit as in ``Curve.__call__``. A state outside the curve is never the worst
    unless no state is inside (then state 0 is reported, with NaN limit and ratio).
    """
    last = table_x.shape[0] - 1
    x_lo, x_hi = table_x[0], table_x[last]
    scale = (start.shape[0] - 1) / (log_x[last] - log_x[0])
    for p in range(value.shape[0]):
        found = False
        best = -math.inf
        pick = 0
        pick_log_limit = 0.0
        for s in range(value.shape[1]):
            xv = x[p, s]
            if not (xv >= x_lo and xv <= x_hi):  # also NaN
                continue
            lx = log_xv[p, s]
            k = start[int((lx - log_x[0]) * scale)]
            while k < last - 1 and log_x[k + 1] < lx:
                k += 1
            while k > 0 and log_x[k] > lx:  # rounding at a bucket edge
                k -= 1
            t = min(max((lx - log_x[k]) / (log_x[k + 1] - log_x[k]), 0.0), 1.0)
            log_limit_s = log_limit[k] + t * (log_limit[k + 1] - log_limit[k])
            log_ratio = log_abs_value[p, s] - log_limit_s
            if not found or log_ratio > best:
                found, best, pick, pick_log_limit = True, log_ratio, s, log_limit_s
        out_value[p] = value[p, pick]
        if found:
            limit = math.exp(pick_log_limit)
            out_limit[p] = limit
            out_ratio[p] = abs(value[p, pick]) / limit
        else:
            out_limit[p] = math.nan
            out_ratio[p] = math.nan


@njit(cache=True, nogil=True)
def strongest_bound(ratio: np.ndarray, out_max: np.ndarray, out_index: np.ndarray) -> None:
    """Per point (column) of ratio (n_bounds, n): the largest ratio and its bound's row.

    NaN ratios (bound not applicable) are skipped; a point where none applies gets 0 and -1.
    """
    for p in range(ratio.shape[1]):
        best = -math.inf
        pick = -1
        for k in range(ratio.shape[0]):
            r = ratio[k, p]
            if r > best:  # False for NaN
                best, pick = r, k
        out_max[p] = best if pick >= 0 else 0.0
        out_index[p] = pick
