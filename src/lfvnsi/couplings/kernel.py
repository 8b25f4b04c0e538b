"""Compiled (numba) congruence K^T Q K of many small real matrices, for the light-neutrino coupling.

``Couplings.g_nu`` is g_psi K^T Q K with K the (charged fields x flavours) block of the light
projector and Q the charge matrix (REFERENCE section 4.6). For the real mixing of the built-in
textures K is real, and numpy's broadcasting form of this product spends most of its time on
temporaries; this loop does it in place.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["congruence_kernel"]


@njit(cache=True, nogil=True)
def congruence_kernel(K: np.ndarray, Q: np.ndarray, scale: np.ndarray, out: np.ndarray) -> None:
    """out[p] = scale[p] K[p]^T Q K[p] for K (P, c, f) real, Q (c, c), scale (P,), out (P, f, f)."""
    P, c, f = K.shape
    QK = np.empty((c, f))
    for p in range(P):
        for i in range(c):
            for b in range(f):
                acc = 0.0
                for d in range(c):
                    acc += Q[i, d] * K[p, d, b]
                QK[i, b] = acc
        for a in range(f):
            for b in range(f):
                acc = 0.0
                for i in range(c):
                    acc += K[p, i, a] * QK[i, b]
                out[p, a, b] = scale[p] * acc
