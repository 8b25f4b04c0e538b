"""Higgs decays into neutral leptons: h -> nu-bar N~ (the paper's new invisible mode) and all pairs.

With L ⊃ -(1/2) n^T M n and the Yukawa entries mt = lambda v/sqrt2 linear in the vev, the Higgs
couples to the mass eigenstates through Y = U^T M_mt U / v (complex symmetric, n x n), i.e.
L ⊃ -(1/2) h sum_kl [Y_kl X_k-bar P_L X_l + h.c.]. Each pair k != l decays with a = Y_kl,
b = Y_kl^* in R.5.3, k = l with a factor 1/2; summing all open pairs:
Gamma = (1/2) sum_{k,l} F_kl. For light nu + heavy states and m_N << m_h this is
lambda^2 m_h/(16 pi) per flavour (R.5.8), a quarter of the paper's lambda^2 m_H/(4 pi) (F4).

References: REFERENCE.md section 5.4 (R.5.8), F4; paper section II A 3.
"""

from __future__ import annotations

import numpy as np

from lfvnsi.constants import standard_model
from lfvnsi.observables.widths import width_scalar_to_fermions

__all__ = ["higgs_coupling_matrix", "width_h_paper_estimate", "width_h_to_neutral_leptons"]

_NU = slice(0, 3)
_NT_RC = slice(5, 7)  # (N~_1R)^c, (N~_2R)^c: the fields the Yukawa pairs with nu


def higgs_coupling_matrix(mixing: np.ndarray, yukawa: np.ndarray) -> np.ndarray:
    """(..., n, n) Y = U^T M_mt U / v; ``yukawa`` is the (..., 3, 2) block mt_{f i} (GeV)."""
    v = standard_model().v
    U_f = mixing[..., _NU, :]
    U_N = mixing[..., _NT_RC, :]
    half = np.swapaxes(U_f, -1, -2) @ (yukawa @ U_N)
    return (half + np.swapaxes(half, -1, -2)) / v


def width_h_to_neutral_leptons(masses: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """(...,) Gamma(h -> any pair of neutral mass eigenstates), GeV (R.5.3 with Majorana rules)."""
    m_h = standard_model().m_h
    F = width_scalar_to_fermions(m_h, masses[..., :, None], masses[..., None, :], Y, np.conj(Y))
    return 0.5 * np.sum(F, axis=(-1, -2))


def width_h_paper_estimate(yukawa: np.ndarray) -> np.ndarray:
    """(...,) the paper's sum_f lambda_f^2 m_H/(4 pi), lambda = sqrt2 mt / v (section II A 3)."""
    sm = standard_model()
    lam2 = 2.0 * np.sum(np.abs(yukawa) ** 2, axis=(-1, -2)) / sm.v**2
    return lam2 * sm.m_h / (4.0 * np.pi)
