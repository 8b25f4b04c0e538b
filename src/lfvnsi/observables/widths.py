"""Generic tree-level two-body widths, batched, zero below threshold.

All three were verified against explicit Dirac traces in ``tools/independent_checks/formula_check.py``.
Couplings may be complex arrays; every argument broadcasts. Results are clipped at zero: a closed
channel gives +0.0, and rounding cannot make an open one negative.

References: REFERENCE.md section 5.1 (R.5.1, R.5.2, R.5.3) and its Majorana rules.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["kallen", "width_fermion_to_fermion_vector", "width_scalar_to_fermions",
           "width_vector_to_fermions"]


def kallen(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Kallen function lambda(a, b, c) = a^2 + b^2 + c^2 - 2ab - 2ac - 2bc."""
    return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c)


def _sqrt_kallen(M: np.ndarray, m1: np.ndarray, m2: np.ndarray) -> np.ndarray:
    """lambda^(1/2)(M^2, m1^2, m2^2), zero below threshold (M <= m1 + m2)."""
    open_ = M > m1 + m2
    lam = kallen(M * M, m1 * m1, m2 * m2)
    return np.where(open_, np.sqrt(np.where(open_, np.maximum(lam, 0.0), 0.0)), 0.0)


def width_vector_to_fermions(M: ArrayLike, m1: ArrayLike, m2: ArrayLike, c_L: ArrayLike,
                             c_R: ArrayLike, colour: float = 1.0) -> np.ndarray:
    """Gamma(V -> f1 f2-bar) for V_mu f1-bar gamma^mu (c_L P_L + c_R P_R) f2, GeV (R.5.2)."""
    M, m1, m2 = (np.asarray(x, dtype=float) for x in (M, m1, m2))
    c_L, c_R = np.asarray(c_L), np.asarray(c_R)
    root = _sqrt_kallen(M, m1, m2)
    M2 = np.where(M > 0, M * M, 1.0)
    cc = np.abs(c_L) ** 2 + np.abs(c_R) ** 2
    bracket = (cc * (M2 - 0.5 * (m1**2 + m2**2) - (m1**2 - m2**2) ** 2 / (2.0 * M2))
               + 6.0 * m1 * m2 * np.real(c_L * np.conj(c_R)))
    width = colour * root / (24.0 * np.pi * M2 * np.where(M > 0, M, 1.0)) * bracket
    return np.maximum(width, 0.0) + 0.0  # +0.0: no negative zero


def width_fermion_to_fermion_vector(m_F: ArrayLike, m_f: ArrayLike, m_V: ArrayLike,
                                    c_L: ArrayLike, c_R: ArrayLike) -> np.ndarray:
    """Gamma(F -> f V) for V_mu f-bar gamma^mu (c_L P_L + c_R P_R) F, GeV (R.5.1).

    The (m_F^2 - m_f^2)^2 / m_V^2 term is the longitudinal (Goldstone-equivalent) piece.
    """
    m_F, m_f, m_V = (np.asarray(x, dtype=float) for x in (m_F, m_f, m_V))
    c_L, c_R = np.asarray(c_L), np.asarray(c_R)
    root = _sqrt_kallen(m_F, m_f, m_V)
    mF = np.where(m_F > 0, m_F, 1.0)
    cc = np.abs(c_L) ** 2 + np.abs(c_R) ** 2
    bracket = (cc * ((m_F**2 - m_f**2) ** 2 / m_V**2 + m_F**2 + m_f**2 - 2.0 * m_V**2)
               - 12.0 * m_F * m_f * np.real(c_L * np.conj(c_R)))
    return np.maximum(root / (32.0 * np.pi * mF**3) * bracket, 0.0) + 0.0  # +0.0: no negative zero


def width_scalar_to_fermions(M: ArrayLike, m1: ArrayLike, m2: ArrayLike, a: ArrayLike,
                             b: ArrayLike) -> np.ndarray:
    """Gamma(S -> f1 f2-bar) for L = -S f1-bar (a P_L + b P_R) f2 + h.c., GeV (R.5.3)."""
    M, m1, m2 = (np.asarray(x, dtype=float) for x in (M, m1, m2))
    a, b = np.asarray(a), np.asarray(b)
    root = _sqrt_kallen(M, m1, m2)
    bracket = ((np.abs(a) ** 2 + np.abs(b) ** 2) * (M**2 - m1**2 - m2**2)
               - 4.0 * m1 * m2 * np.real(a * np.conj(b)))
    return np.maximum(root / (16.0 * np.pi * M**3) * bracket, 0.0) + 0.0  # +0.0: no negative zero
