"""The model's epsilon for propagation: the glue between ``lfvnsi.nsi`` and the kernels.

eps^m = eps^e + eps^p + Y_n eps^n, normalised to the electron density (REFERENCE R.4.7), from the
contact-limit NSI matrices of the model point (forward scattering has q^2 = 0).

References: REFERENCE.md R.4.5, R.4.7, F11 (eps^V, twice the paper's Eq. 6).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lfvnsi.model.parameters import Parameters
from lfvnsi.nsi import NSI, compute_nsi

__all__ = ["model_eps_matter", "model_eps_matter_function"]


def _single(params: Parameters) -> NSI:
    nsi = compute_nsi(params)
    if nsi.m_zprime.shape != ():
        raise ValueError("oscillation takes a single model point (batch shape ())")
    return nsi


def model_eps_matter(params: Parameters, Y_n: float | np.ndarray) -> np.ndarray:
    """(*Y_n.shape, 3, 3) eps^e + eps^p + Y_n eps^n of one model point."""
    return np.asarray(_single(params).matter(np.asarray(Y_n, dtype=float)), dtype=complex)


def model_eps_matter_function(params: Parameters) -> Callable[[np.ndarray], np.ndarray]:
    """Y_n -> eps^m of one model point (computes the NSI once), for layered matter."""
    nsi = _single(params)
    return lambda Y_n: np.asarray(nsi.matter(np.asarray(Y_n, dtype=float)), dtype=complex)
