"""Exact light/heavy block diagonalisation of an inverse-seesaw mass matrix.

In the frame W of the lepton-number-conserving part (``frames.py``) the mass matrix reads

    W^T M W = [[A, B], [B^T, diag(w) + E]],   A, B, E = O(mu),  light block first,

with the O(1) entries exactly zero where they vanish analytically. The unitary

    T = [[N_l, P N_h], [-P^dagger N_l, N_h]],  N_l = (1 + P P^dagger)^(-1/2),  N_h = (1 + P^dagger P)^(-1/2)

block-diagonalises it exactly when  P^* C = A P + B - P^* B^T P  (C = diag(w) + E), which is solved
by fixed-point iteration (each step gains a factor ~ mu/M). The light block

    m_light = N_l^T (A - P^* B^T - B P^dagger + P^* C P^dagger) N_l

is then formed from O(mu) quantities only, so the light masses (1e-11 GeV next to GeV states)
come out with full relative precision instead of the ~eps * M absolute error of a direct
diagonalisation. Light and heavy blocks are then Takagi-factorised separately.

References: REFERENCE.md sections 2.9 and 3 ("Numerical pitfalls"); W. Grimus, L. Lavoura,
JHEP 11 (2000) 042, hep-ph/0008179 (seesaw at arbitrary order).
"""

from __future__ import annotations

import numpy as np

from lfvnsi.spectrum.frames import N_LIGHT, Frame
from lfvnsi.spectrum.takagi import takagi, takagi_real

__all__ = ["block_diagonalise"]

_MAX_ITERATIONS = 40


def _T(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)


def _inv_sqrt_1p(X: np.ndarray) -> np.ndarray:
    """(1 + X)^(-1/2) for a small Hermitian X (||X|| <= 1e-6 here: the series is exact)."""
    eye = np.eye(X.shape[-1])
    X2 = X @ X
    return eye - 0.5 * X + 0.375 * X2 - 0.3125 * (X2 @ X) + 0.2734375 * (X2 @ X2)


def _factorise(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Takagi of a (well-scaled) block: masses ascending and unitary columns."""
    m = 0.5 * (m + _T(m))
    if np.iscomplexobj(m):
        return takagi(m)
    w, V, theta = takagi_real(m)
    return np.abs(w), V * theta[..., None, :]


def block_diagonalise(fr: Frame, breaking: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masses (..., n) ascending and unitary mixing U (..., n, n) with U^T M U = diag(masses).

    Parameters
    ----------
    fr : frame of the lepton-number-conserving part, W^T M0 W = diag(0, 0, 0, w).
    breaking : (..., n, n) the mu entries; must be small against ``min |w|``.
    """
    W, w = fr.W, fr.w
    k = N_LIGHT
    E = _T(W) @ breaking @ W
    A, B, Ehh = E[..., :k, :k], E[..., :k, k:], E[..., k:, k:]
    cplx = np.iscomplexobj(E)
    conj = np.conj if cplx else (lambda x: x)
    inv_w = 1.0 / w[..., None, :]
    Q = B * inv_w  # Q = P^*; leading order of the seesaw expansion
    tol = 4 * np.finfo(float).eps
    for _ in range(_MAX_ITERATIONS):
        Qc = conj(Q)
        new = (A @ Qc + B - Q @ (_T(B) @ Qc) - Q @ Ehh) * inv_w
        delta = np.max(np.abs(new - Q), initial=0.0)
        Q = new
        if delta <= tol * np.max(np.abs(Q), initial=0.0):
            break
    else:  # pragma: no cover - guarded by the hierarchy check of the callers
        raise RuntimeError("seesaw block diagonalisation did not converge")
    Qc, QT = conj(Q), _T(Q)
    C = Ehh + w[..., None, :] * np.eye(w.shape[-1])
    N_l = _inv_sqrt_1p(Qc @ QT)
    N_h = _inv_sqrt_1p(QT @ Qc)
    BQT = B @ QT
    light = _T(N_l) @ (A - _T(BQT) - BQT + Q @ C @ QT) @ N_l
    QdB = conj(QT) @ B
    heavy = _T(N_h) @ (conj(QT) @ A @ Qc + QdB + _T(QdB) + C) @ N_h
    m_l, V_l = _factorise(light)
    m_h, V_h = _factorise(heavy)
    W_l, W_h = W[..., :, :k], W[..., :, k:]
    U_l = ((W_l - W_h @ QT) @ N_l) @ V_l
    U_h = ((W_l @ Qc + W_h) @ N_h) @ V_h
    return np.concatenate([m_l, m_h], -1), np.concatenate([U_l, U_h], -1)
