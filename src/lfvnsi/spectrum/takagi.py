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

__all__ = ["takagi", "takagi_real"]


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
