"""Compiled (numba) assembly of a batch of real mass matrices from their non-zero entries.

``textures.general_mass_matrix`` lists the entries; writing them with numpy costs one strided
pass over the whole batch per entry, this writes each point's matrix once, in order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["fill_entries"]


@njit(cache=True, nogil=True)
def fill_entries(out: np.ndarray, rows: np.ndarray, cols: np.ndarray, mirror: np.ndarray,
                 values: np.ndarray) -> None:
    """out[p] = 0, then out[p, rows[e], cols[e]] = values[e, p] (and at (cols[e], rows[e]) where
    mirror[e]) for e in order: a later entry overwrites an earlier one, as in numpy."""
    P, n = out.shape[0], out.shape[1]
    for p in range(P):
        for i in range(n):
            for j in range(n):
                out[p, i, j] = 0.0
        for e in range(rows.shape[0]):
            v = values[e, p]
            out[p, rows[e], cols[e]] = v
            if mirror[e]:
                out[p, cols[e], rows[e]] = v
