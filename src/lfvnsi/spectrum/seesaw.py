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
from lfvnsi.spectrum.takagi import jacobi_eigh, takagi, takagi_real

__all__ = ["block_diagonalise"]

_MAX_ITERATIONS = 40
_JACOBI_SPAN = 10.0
_EPS = np.finfo(float).eps


def _T(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)


def _inv_sqrt_1p(X: np.ndarray) -> np.ndarray | None:
    """(1 + X)^(-1/2) for a small Hermitian X (||X|| <= 1e-6 here), or None when it is 1.

    The binomial series is summed, point by point, only as far as its terms exceed 1e-16 (so it
    is exact to working precision and a point's result does not depend on the rest of the
    batch); typically X ~ (mu/M)^2 ~ 1e-18 and the result is the identity.
    """
    size = np.max(np.abs(X), axis=(-1, -2), initial=0.0)[..., None, None] * X.shape[-1]
    if not np.any(size >= 1e-15):  # 1 - X/2 equals 1 to 5e-16: below double resolution
        return None
    coefficients = (-0.5, 0.375, -0.3125, 0.2734375, -0.24609375)
    out = np.eye(X.shape[-1]) + np.where(size >= 1e-15, coefficients[0] * X, 0.0)
    power = X
    for k, c in enumerate(coefficients[1:], start=2):
        needed = size**k >= 1e-16
        if not np.any(needed):
            break
        power = power @ X
        out = out + np.where(needed, c * power, 0.0)
    return out


def _apply(x: np.ndarray, n: np.ndarray | None) -> np.ndarray:
    return x if n is None else x @ n


def _factorise(m: np.ndarray, dominant: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Takagi of a block: masses ascending, vectors, and phases (vectors * phases).

    ``dominant``: the block is diag(w) + O(mu) (the heavy block in the frame basis); then the
    Jacobi kernel keeps each mass to full relative precision across any hierarchy.
    """
    m = 0.5 * (m + _T(m))
    if np.iscomplexobj(m):
        masses, U = takagi(m)
        return masses, U, np.ones(masses.shape, dtype=complex)
    w, V, theta = takagi_real(m)
    if dominant:
        # LAPACK's error is ~eps max|w|: within a few eps relative while the block spans less
        # than _JACOBI_SPAN; points with a wider heavy hierarchy are redone with Jacobi.
        d = np.abs(np.diagonal(m, axis1=-2, axis2=-1))
        wide = np.max(d, axis=-1) > _JACOBI_SPAN * np.min(d, axis=-1)
        if np.any(wide):
            w, V, theta = w.copy(), V.copy(), theta.copy()
            w[wide], V[wide], theta[wide] = jacobi_eigh(m[wide])
    return np.abs(w), V, theta


def _factorise_heavy(m: np.ndarray, groups: tuple[slice, ...] | None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Heavy block, split into its Z2 sectors when the coupling between them is exactly 0."""
    if groups is not None and not np.iscomplexobj(m):
        a, b = groups
        if not np.any(m[..., a, b]):
            parts = [_factorise(m[..., g, g], dominant=True) for g in groups]
            V = np.zeros(m.shape)
            for g, (_, Vg, _) in zip(groups, parts):
                V[..., g, g] = Vg
            masses = np.concatenate([p[0] for p in parts], -1)
            theta = np.concatenate([p[2] for p in parts], -1)
            order = np.argsort(masses, axis=-1, kind="stable")
            return (np.take_along_axis(masses, order, -1),
                    np.take_along_axis(V, order[..., None, :], -1),
                    np.take_along_axis(theta, order, -1))
    return _factorise(m, dominant=True)


def block_diagonalise(fr: Frame, breaking: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masses, vectors and Takagi phases: U = vectors * phases, U^T M U = diag(masses).

    Parameters
    ----------
    fr : frame of the lepton-number-conserving part, W^T M0 W = diag(0, 0, 0, w).
    breaking : (..., n, n) the mu entries; must be small against ``min |w|``.

    Returns
    -------
    masses : (..., n) light three first, each group ascending, GeV.
    vectors : (..., n, n) real for real input (complex otherwise), orthonormal columns.
    phases : (..., n) unit complex numbers (1 or i for real input).
    """
    W, w = fr.W, fr.w
    k = N_LIGHT
    # Only the fields that carry mu entries matter: E = W_s^T mu_s W_s.
    support = np.flatnonzero(np.any(breaking != 0, axis=tuple(range(breaking.ndim - 1))))
    W_s = W[..., support, :]
    E = _T(W_s) @ breaking[..., support[:, None], support[None, :]] @ W_s
    A, B, Ehh = E[..., :k, :k], E[..., :k, k:], E[..., k:, k:]
    cplx = np.iscomplexobj(E)
    conj = np.conj if cplx else (lambda x: x)
    inv_w = 1.0 / w[..., None, :]
    Q = B * inv_w  # Q = P^*; leading order of the seesaw expansion, relative error <= r
    # Each step multiplies the error by at most r = 3 max|E| / min|w| (the three O(mu) terms),
    # so the number of steps to reach eps is known in advance, point by point (the same rule
    # as the compiled kernel, so a point's result does not depend on its batch).
    r = 3.0 * np.max(np.abs(E), axis=(-1, -2), initial=0.0) * np.max(np.abs(inv_w), axis=(-1, -2))
    if np.any(r >= 0.1):  # pragma: no cover - excluded by the hierarchy check of the callers
        raise RuntimeError(f"seesaw expansion does not converge (mu/M ratio {np.max(r):.2g})")
    with np.errstate(divide="ignore"):
        steps = np.where(r > 0, np.ceil(np.log(_EPS / 4) / np.log(np.clip(r, 1e-300, 0.5))) - 1,
                         0)
    steps = np.minimum(np.maximum(steps, 0), _MAX_ITERATIONS)[..., None, None]
    for it in range(int(np.max(steps, initial=0))):
        Qc = conj(Q)
        Q = np.where(it < steps, (A @ Qc + B - (Q @ _T(B)) @ Qc - Q @ Ehh) * inv_w, Q)
    Qc, QT = conj(Q), _T(Q)
    N_l = _inv_sqrt_1p(Qc @ QT)
    N_h = _inv_sqrt_1p(QT @ Qc)
    BQT = B @ QT
    QCQT = (Q * w[..., None, :]) @ QT + Q @ Ehh @ QT
    light = A - _T(BQT) - BQT + QCQT
    if N_l is not None:
        light = _T(N_l) @ light @ N_l
    QdB = conj(QT) @ B
    heavy = Ehh + conj(QT) @ A @ Qc + QdB + _T(QdB)
    idx = np.arange(w.shape[-1])
    heavy[..., idx, idx] += w
    if N_h is not None:
        heavy = _T(N_h) @ heavy @ N_h
    m_l, V_l, th_l = _factorise(light)
    m_h, V_h, th_h = _factorise_heavy(heavy, fr.groups)
    W_l, W_h = W[..., :, :k], W[..., :, k:]
    vec_l = _apply(W_l - W_h @ QT, N_l) @ V_l
    vec_h = _apply(W_l @ Qc + W_h, N_h) @ V_h
    return (np.concatenate([m_l, m_h], -1), np.concatenate([vec_l, vec_h], -1),
            np.concatenate([th_l, th_h], -1))
