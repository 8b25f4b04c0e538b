"""Batched Takagi factorisation of complex symmetric matrices: U^T M U = diag(m), m >= 0.

Two kernels, both exact to working precision for any degeneracy:

* real symmetric M: M = V diag(w) V^T (LAPACK ``eigh``), U = V diag(theta) with theta = 1 for
  w >= 0 and i for w < 0, m = |w|. Exactly degenerate pairs (pseudo-Dirac pairs) are no problem:
  they are distinct eigenvalues +m and -m, or a degenerate eigenspace that eigh resolves.
* complex symmetric M = A + iB: the real symmetric 2n x 2n form [[A, B], [B, -A]] has eigenvalues
  +-m_k, and an eigenvector (x, y) of +m_k gives the Takagi vector u = x - iy (M u = m u^*). Any orthonormal
  basis of a degenerate positive eigenspace gives orthonormal u (the -m partner J(x, y) is
  orthogonal to it), so degeneracy is harmless; only m = 0 is special (the +0 and -0 spaces
  coincide) and is resolved with the null vectors of M^dagger M.

The absolute accuracy of either kernel is ~eps * max(m): it is the caller's job to hand over
matrices without a large hierarchy (see ``seesaw``).

References: REFERENCE.md section 1 ("Takagi factorisation"); Horn & Johnson, Matrix Analysis,
Corollary 4.4.4 (Autonne-Takagi).
"""

from __future__ import annotations

import numpy as np

__all__ = ["jacobi_eigh", "takagi", "takagi_real"]


def takagi_real(M: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Signed eigen-decomposition of real symmetric matrices, sorted by |eigenvalue|.

    Returns ``(w, V)`` with ``M = V diag(w) V^T`` and ``|w|`` ascending, plus the Takagi phases
    ``theta`` (1 or i) so that ``U = V * theta`` satisfies ``U^T M U = diag(|w|)``.
    """
    w, V = np.linalg.eigh(M)
    order = np.argsort(np.abs(w), axis=-1, kind="stable")
    w = np.take_along_axis(w, order, axis=-1)
    V = np.take_along_axis(V, order[..., None, :], axis=-1)
    theta = np.where(w < 0, 1j, 1.0 + 0j)
    return w, V, theta


def takagi(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Takagi factorisation of a batch of complex symmetric matrices.

    Parameters
    ----------
    M : (..., n, n) symmetric, real or complex.

    Returns
    -------
    m : (..., n) non-negative, ascending.
    U : (..., n, n) unitary, complex, with ``U^T M U = diag(m)``.
    """
    M = np.asarray(M)
    if not np.iscomplexobj(M):
        w, V, theta = takagi_real(M)
        return np.abs(w), V * theta[..., None, :]
    n = M.shape[-1]
    A, B = M.real, M.imag
    S = np.block([[A, B], [B, -A]])
    w, Z = np.linalg.eigh(S)
    m = np.clip(w[..., n:], 0.0, None)  # the n largest of +-m_k, ascending
    U = Z[..., :n, n:] - 1j * Z[..., n:, n:]
    scale = np.max(np.abs(w), axis=-1, keepdims=True)
    zero = m <= 8 * n * np.finfo(float).eps * scale
    if np.any(zero):
        # +0 and -0 eigenspaces coincide: the selected vectors need not be independent over C.
        # The smallest-eigenvalue vectors of M^dagger M are an orthonormal null basis; zero
        # Takagi values sit first in both ascending orders, so the columns correspond.
        _, null = np.linalg.eigh(np.conj(np.swapaxes(M, -1, -2)) @ M)
        # Those null vectors are only accurate to eps * (m_max/m_min)^2; projecting out the
        # (accurate) positive-m vectors restores orthogonality to eps * m_max/m_min.
        positive = np.where(zero[..., None, :], 0.0, U)
        null = null - positive @ (np.conj(np.swapaxes(positive, -1, -2)) @ null)
        null /= np.linalg.norm(null, axis=-2, keepdims=True)
        U = np.where(zero[..., None, :], null, U)
        m = np.where(zero, 0.0, m)
    return m, U


def jacobi_eigh(H: np.ndarray, max_sweeps: int = 12) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cyclic Jacobi eigen-decomposition of real symmetric, diagonally dominant matrices.

    Same return convention as ``takagi_real``. Unlike LAPACK's dense eigh (absolute error
    ~eps max|w|), Jacobi gives every eigenvalue of a scaled diagonally dominant matrix to high
    relative accuracy (stopping when |a_pq| <= eps sqrt|a_pp a_qq|), which is what a heavy block
    diag(w) + O(mu) spanning several decades of mass needs. Convergence is quadratic; for such
    blocks two or three sweeps suffice.

    References: J. Demmel, K. Veselic, SIAM J. Matrix Anal. Appl. 13 (1992) 1204; Golub & Van
    Loan, Matrix Computations, section 8.5 (the rotation formulas).
    """
    A = np.array(H, dtype=float, copy=True)
    n = A.shape[-1]
    V = np.broadcast_to(np.eye(n), A.shape).copy()
    eps = np.finfo(float).eps
    pairs = [(p, q) for p in range(n - 1) for q in range(p + 1, n)]
    for _ in range(max_sweeps):
        d = np.abs(np.diagonal(A, axis1=-2, axis2=-1))
        off = np.abs(A) / np.sqrt(d[..., :, None] * d[..., None, :] + 1e-300)
        off[..., np.arange(n), np.arange(n)] = 0.0
        if not np.any(off > eps):
            break
        for p, q in pairs:
            apq = A[..., p, q].copy()  # views would follow the updates below
            app, aqq = A[..., p, p].copy(), A[..., q, q].copy()
            # rotate only where a_pq is not negligible, so a converged point is left untouched
            nonzero = np.abs(apq) > eps * np.sqrt(np.abs(app * aqq))
            with np.errstate(over="ignore"):  # theta = inf for a negligible a_pq gives t = 0
                theta = np.where(nonzero, (aqq - app) / np.where(nonzero, 2.0 * apq, 1.0), 0.0)
                t = np.where(nonzero,
                             np.copysign(1.0, theta) / (np.abs(theta) + np.hypot(theta, 1.0)), 0.0)
            c = 1.0 / np.sqrt(t * t + 1.0)
            s = t * c
            cc, ss = c[..., None], s[..., None]
            colp, colq = A[..., :, p].copy(), A[..., :, q].copy()
            A[..., :, p] = cc * colp - ss * colq
            A[..., :, q] = ss * colp + cc * colq
            A[..., p, :] = A[..., :, p]
            A[..., q, :] = A[..., :, q]
            A[..., p, p] = app - t * apq
            A[..., q, q] = aqq + t * apq
            A[..., p, q] = A[..., q, p] = np.where(nonzero, 0.0, apq)
            vp, vq = V[..., :, p].copy(), V[..., :, q].copy()
            V[..., :, p] = cc * vp - ss * vq
            V[..., :, q] = ss * vp + cc * vq
    else:  # pragma: no cover - diagonally dominant input converges in a few sweeps
        raise RuntimeError("Jacobi iteration did not converge")
    w = np.diagonal(A, axis1=-2, axis2=-1).copy()
    order = np.argsort(np.abs(w), axis=-1, kind="stable")
    w = np.take_along_axis(w, order, axis=-1)
    V = np.take_along_axis(V, order[..., None, :], axis=-1)
    return w, V, np.where(w < 0, 1j, 1.0 + 0j)

