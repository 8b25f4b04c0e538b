"""Frames of the lepton-number-conserving mass matrix: its exact null space and heavy part.

A frame is a unitary W with W^T M0 W = diag(0, 0, 0, w_heavy): the first three columns span the
null space of ``MassMatrix.conserving`` (the massless light neutrinos at mu = 0), the others
diagonalise the heavy part. For the built-in textures W is built analytically sector by sector,
so structural zeros stay exact zeros: with texture ``paper`` the psi component of the null
vectors is exactly 0 (REFERENCE F1), and the mu-suppressed g_nu that remains is computed to full
relative precision. A general texture gets a numerical frame (accuracy ~eps * max mass).

References: REFERENCE.md R.2.1-R.2.3 (lnv null vector), R.2.2, R.2.5-R.2.6, R.2.8 (lnc Dirac
structure), section 3; TEXTURES.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lfvnsi.model.textures import MassMatrix
from lfvnsi.spectrum.takagi import jacobi_eigh, takagi, takagi_real

__all__ = ["Frame", "frame"]

N_LIGHT = 3


@dataclass(frozen=True)
class Frame:
    """Unitary ``W`` (..., n, n) and heavy eigenvalues ``w`` (..., n-3), W^T M0 W = diag(0, w).

    ``w`` is real and may be negative for a real frame; complex frames have ``w > 0``.
    """

    W: np.ndarray
    w: np.ndarray
    groups: tuple[slice, slice] | None = None  # heavy columns (after the light 3) of each sector


def _lnv_sector(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Frame of one lnv sector (nu, N~_L, (N~_R)^c, N^c) (R.2.1).

    The null vector is (M, -mt, 0, 0)/M' exactly (R.2.3); on its complement
    (X = (mt, M, 0, 0)/M', (N~_R)^c, N^c) the block is [[0, M', 0], [M', 0, m], [0, m, +-M_N]].
    """
    mt, M, m, x = block[..., 0, 2], block[..., 1, 2], block[..., 2, 3], block[..., 3, 3]
    Mp = np.hypot(mt, M)
    shape = mt.shape
    heavy = np.zeros(shape + (3, 3))
    heavy[..., 0, 1] = heavy[..., 1, 0] = Mp
    heavy[..., 1, 2] = heavy[..., 2, 1] = m
    heavy[..., 2, 2] = x
    # Jacobi (relative criterion) rather than LAPACK, whose error is eps x the largest root;
    # det = -M'^2 x is exact, so the smallest root follows from the other two.
    w, V, _ = jacobi_eigh(heavy)
    w[..., 0] = -Mp * Mp * x / (w[..., 1] * w[..., 2])
    W = np.zeros(shape + (4, 4))
    W[..., 0, 0], W[..., 1, 0] = M / Mp, -mt / Mp
    X = np.zeros(shape + (4, 3))
    X[..., 0, 0], X[..., 1, 0] = mt / Mp, M / Mp
    X[..., 2, 1] = 1.0
    X[..., 3, 2] = 1.0
    W[..., :, 1:] = X @ V
    return W, w


def _lnc_sector(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Frame of one lnc sector, rows (nu, N~_L, (N_R)^c), columns ((N~_R)^c, N_L) (R.2.2, R.2.5).

    The sector block is [[0, D], [D^T, 0]] with D 3x2. Null vector: the cross product of D's
    columns, (M M_N - m mp, -mt M_N, mt mp) (R.2.6). A Householder reflection completes it to an
    orthonormal row basis; the reduced 2x2 Dirac matrix D' = R^T D has singular pairs
    (u_k, v_k, s_k) and the heavy Weyl states are (R u_k, +-v_k)/sqrt2 with masses +-s_k (R.2.8).
    """
    D = block[..., :3, 3:]
    c1, c2 = D[..., :, 0], D[..., :, 1]
    null = np.cross(c1, c2)
    volume = np.linalg.norm(null, axis=-1)  # = s_1 s_2, to full relative precision
    degenerate = volume == 0  # D of rank < 2: a second massless state, refused by the caller
    null /= np.where(degenerate, 1.0, volume)[..., None]
    null[degenerate, 0] = 1.0
    # Householder H = 1 - 2 h h^T / h.h with h = null + sign(null_0) e_0 maps e_0 to -sign*null;
    # its columns 1, 2 are an orthonormal basis of the complement.
    sign = np.where(null[..., 0] >= 0, 1.0, -1.0)
    h = null.copy()
    h[..., 0] += sign
    H = np.eye(3) - 2.0 * h[..., :, None] * h[..., None, :] / np.sum(h * h, -1)[..., None, None]
    R = H[..., :, 1:]
    Dr = np.swapaxes(R, -1, -2) @ D
    # 2x2 SVD through the Jacobi rotation of Dr^T Dr; singular values as |Dr v| (accurate).
    S = np.swapaxes(Dr, -1, -2) @ Dr
    phi = 0.5 * np.arctan2(2.0 * S[..., 0, 1], S[..., 0, 0] - S[..., 1, 1])
    c, s = np.cos(phi), np.sin(phi)
    v = np.stack([np.stack([c, s], -1), np.stack([-s, c], -1)], -1)  # columns v_1, v_2
    Dv = Dr @ v
    sig = np.linalg.norm(Dv, axis=-2)
    # The larger singular value is accurate as a norm; the smaller one from s_1 s_2 = |c1 x c2|
    # keeps full relative precision when s_1 >> s_2 (|D v| would lose eps s_1/s_2).
    big = np.argmax(sig, axis=-1)[..., None]
    small = 1 - big
    s_big = np.take_along_axis(sig, big, -1)
    np.put_along_axis(sig, small, volume[..., None] / s_big, -1)
    # Left vectors: u_big = D v_big / s_big is accurate; in two dimensions u_small is its exact
    # orthogonal complement (sign from D v_small), so the frame stays orthogonal to eps.
    u_big = np.take_along_axis(Dv, big[..., None, :], -1)[..., 0]
    u_big /= np.linalg.norm(u_big, axis=-1, keepdims=True)
    perp = np.stack([-u_big[..., 1], u_big[..., 0]], -1)
    Dv_small = np.take_along_axis(Dv, small[..., None, :], -1)[..., 0]
    perp *= np.where(np.sum(perp * Dv_small, -1) >= 0, 1.0, -1.0)[..., None]
    u = np.where((big == 0)[..., None, :], np.stack([u_big, perp], -1),
                 np.stack([perp, u_big], -1))
    Ru = R @ u
    shape = D.shape[:-2]
    W = np.zeros(shape + (5, 5))
    W[..., :3, 0] = null
    r2 = np.sqrt(0.5)
    for k in range(2):
        for j, sgn in enumerate((1.0, -1.0)):
            col = 1 + 2 * k + j
            W[..., :3, col] = r2 * Ru[..., :, k]
            W[..., 3:, col] = sgn * r2 * v[..., :, k]
    w = np.stack([sig[..., 0], -sig[..., 0], sig[..., 1], -sig[..., 1]], -1)
    w[degenerate] = 0.0
    return W, w


def _sector_frame(mm: MassMatrix) -> Frame:
    """Block-diagonal frame of a Z2-symmetric texture, one analytic block per sector.

    Built with the sectors stored contiguously (light columns: sector 1, sector 2, spectator),
    then the rows are permuted once to the public field order.
    """
    assert mm.sectors is not None and mm.spectator is not None
    M0 = mm.conserving
    n = mm.size
    kernel = _lnv_sector if mm.version == "lnv" else _lnc_sector
    blocks = []
    for idx in mm.sectors:
        sub = np.stack([np.stack([M0[..., i, j] for j in idx], -1) for i in idx], -2)
        blocks.append(kernel(sub))
    (W1, w1), (W2, w2) = blocks
    d1, d2 = W1.shape[-1], W2.shape[-1]
    h1, h2 = d1 - 1, d2 - 1
    Wc = np.zeros(M0.shape[:-2] + (n, n))
    # rows: sector 1 fields, sector 2 fields, spectator; columns: 3 light, heavy 1, heavy 2
    Wc[..., :d1, 0] = W1[..., :, 0]
    Wc[..., d1:d1 + d2, 1] = W2[..., :, 0]
    Wc[..., n - 1, 2] = 1.0
    Wc[..., :d1, N_LIGHT:N_LIGHT + h1] = W1[..., :, 1:]
    Wc[..., d1:d1 + d2, N_LIGHT + h1:] = W2[..., :, 1:]
    order = np.array(mm.sectors[0] + mm.sectors[1] + (mm.spectator,))
    W = np.empty_like(Wc)
    W[..., order, :] = Wc
    groups = (slice(0, h1), slice(h1, h1 + h2))
    return Frame(W, np.concatenate([w1, w2], axis=-1), groups)


def _numerical_frame(mm: MassMatrix) -> Frame:
    M0 = mm.conserving
    if np.iscomplexobj(M0):
        m, U = takagi(M0)
        return Frame(U, m[..., N_LIGHT:])
    w, V, _ = takagi_real(M0)
    return Frame(V, w[..., N_LIGHT:])


def frame(mm: MassMatrix) -> Frame:
    """The frame of ``mm.conserving``: analytic for built-in textures, numerical otherwise."""
    if mm.sectors is not None and not np.iscomplexobj(mm.conserving):
        return _sector_frame(mm)
    return _numerical_frame(mm)
