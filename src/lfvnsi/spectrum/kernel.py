"""Compiled (numba) spectrum kernel for the built-in textures: one point at a time, no allocation.

It is the algorithm of ``frames.py`` + ``seesaw.py`` written as loops over one point, so that a
batch runs at the speed of the arithmetic rather than of numpy's per-call overhead on 9x9 and
11x11 matrices:

1. per Z2 sector, the exact null vector of the lepton-number-conserving block and an orthonormal
   heavy frame (lnv: null vector (M, -mt, 0, 0)/M' and a 3x3 heavy block, R.2.3, R.2.10; lnc:
   cross product of the Dirac columns, Householder complement and a closed-form 2x2 SVD, R.2.6,
   R.2.8), so structural zeros are exact zeros;
2. the exact light/heavy block diagonalisation (seesaw to all orders, fixed-point iteration;
   Grimus-Lavoura hep-ph/0008179), the light block formed from O(mu) quantities only;
3. cyclic Jacobi for the light 3x3 and the heavy block (diag(w) + O(mu): Jacobi keeps relative
   accuracy across any heavy hierarchy; Demmel-Veselic SIAM J. Matrix Anal. Appl. 13 (1992) 1204).

The smallest eigenvalue of each heavy frame block is recomputed from the exactly known
determinant (product of all eigenvalues), so it keeps full relative precision next to much
heavier states.

References: REFERENCE.md sections 2.3-2.10, 3; see ``seesaw.py`` for the block formulas.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["STATUS_HEAVY_MASSLESS", "STATUS_OK", "spectrum_kernel"]

STATUS_OK = 0
STATUS_HEAVY_MASSLESS = 1  # the mu = 0 matrix has a massless heavy state
_EPS = 2.220446049250313e-16  # float64 machine epsilon (np.finfo(float).eps)
_N_LIGHT = 3
_MU_LO, _MU_HI = 3, 7  # fields carrying mu entries: N~_1L, N~_2L, (N~_1R)^c, (N~_2R)^c
_MAX_SWEEPS = 30
_MAX_ITERATIONS = 40


@njit(cache=True, nogil=True)
def _jacobi(A: np.ndarray, V: np.ndarray, k: int) -> None:
    """In-place cyclic Jacobi on the leading k x k block of A; V (k x k) gets the vectors.

    Stops when every |a_pq| <= eps sqrt|a_pp a_qq| (relative criterion, so graded matrices keep
    relative accuracy). On return the diagonal of A holds the eigenvalues.
    """
    for i in range(k):
        for j in range(k):
            V[i, j] = 1.0 if i == j else 0.0
    for _ in range(_MAX_SWEEPS):
        rotated = False
        for p in range(k - 1):
            for q in range(p + 1, k):
                apq = A[p, q]
                if apq == 0.0:
                    continue
                app = A[p, p]
                aqq = A[q, q]
                if abs(apq) <= _EPS * math.sqrt(abs(app * aqq)):
                    continue
                rotated = True
                theta = (aqq - app) / (2.0 * apq)
                if abs(theta) > 1e150:
                    t = 0.5 / theta
                else:
                    t = math.copysign(1.0, theta) / (abs(theta) + math.sqrt(theta * theta + 1.0))
                c = 1.0 / math.sqrt(t * t + 1.0)
                s = t * c
                for r in range(k):
                    if r != p and r != q:
                        arp = A[r, p]
                        arq = A[r, q]
                        A[r, p] = c * arp - s * arq
                        A[p, r] = A[r, p]
                        A[r, q] = s * arp + c * arq
                        A[q, r] = A[r, q]
                A[p, p] = app - t * apq
                A[q, q] = aqq + t * apq
                A[p, q] = 0.0
                A[q, p] = 0.0
                for r in range(k):
                    vp = V[r, p]
                    vq = V[r, q]
                    V[r, p] = c * vp - s * vq
                    V[r, q] = s * vp + c * vq
        if not rotated:
            break


@njit(cache=True, nogil=True)
def _order_by_modulus(A: np.ndarray, k: int, order: np.ndarray) -> None:
    """order[:k] = indices of diag(A[:k, :k]) sorted by |value| ascending (stable insertion)."""
    for i in range(k):
        order[i] = i
    for i in range(1, k):
        j = i
        while j > 0 and abs(A[order[j - 1], order[j - 1]]) > abs(A[order[j], order[j]]):
            tmp = order[j - 1]
            order[j - 1] = order[j]
            order[j] = tmp
            j -= 1


@njit(cache=True, nogil=True)
def _lnv_sector(M0: np.ndarray, idx: np.ndarray, Ws: np.ndarray, ws: np.ndarray,
                T: np.ndarray, VT: np.ndarray, order: np.ndarray) -> None:
    """Frame of one lnv sector (nu, N~_L, (N~_R)^c, N^c): Ws (4x4), ws (3) (R.2.1-R.2.3, R.2.10)."""
    mt = M0[idx[0], idx[2]]
    M = M0[idx[1], idx[2]]
    m = M0[idx[2], idx[3]]
    x = M0[idx[3], idx[3]]
    Mp = math.hypot(mt, M)
    for i in range(3):
        for j in range(3):
            T[i, j] = 0.0
    T[0, 1] = Mp
    T[1, 0] = Mp
    T[1, 2] = m
    T[2, 1] = m
    T[2, 2] = x
    _jacobi(T, VT, 3)
    _order_by_modulus(T, 3, order)
    # det T = -Mp^2 x exactly: the smallest eigenvalue to full relative precision.
    lam1 = T[order[1], order[1]]
    lam2 = T[order[2], order[2]]
    for i in range(4):
        for j in range(4):
            Ws[i, j] = 0.0
    Ws[0, 0] = M / Mp
    Ws[1, 0] = -mt / Mp
    for j in range(3):
        col = order[j]
        # heavy Weyl state: X component (mt, M)/M', then (N~_R)^c and N^c
        Ws[0, 1 + j] = VT[0, col] * mt / Mp
        Ws[1, 1 + j] = VT[0, col] * M / Mp
        Ws[2, 1 + j] = VT[1, col]
        Ws[3, 1 + j] = VT[2, col]
        ws[j] = T[col, col]
    ws[0] = -Mp * Mp * x / (lam1 * lam2)


@njit(cache=True, nogil=True)
def _lnc_sector(M0: np.ndarray, idx: np.ndarray, Ws: np.ndarray, ws: np.ndarray) -> None:
    """Frame of one lnc sector, rows (nu, N~_L, (N_R)^c), columns ((N~_R)^c, N_L) (R.2.5-R.2.8).

    idx = (nu, N~_L, (N_R)^c, (N~_R)^c, N_L). The block is [[0, D], [D^T, 0]] with D 3x2; its
    null vector is the cross product of D's columns, and the heavy Weyl states are
    (R u_k, +-v_k)/sqrt2 with masses +-s_k from the SVD of the reduced 2x2 D' = R^T D.
    """
    d00 = M0[idx[0], idx[3]]
    d10 = M0[idx[1], idx[3]]
    d20 = M0[idx[2], idx[3]]
    d01 = M0[idx[0], idx[4]]
    d11 = M0[idx[1], idx[4]]
    d21 = M0[idx[2], idx[4]]
    n0 = d10 * d21 - d20 * d11
    n1 = d20 * d01 - d00 * d21
    n2 = d00 * d11 - d10 * d01
    volume = math.sqrt(n0 * n0 + n1 * n1 + n2 * n2)  # = s_1 s_2 to full relative precision
    if volume == 0.0:  # D has rank < 2: a second massless state (reported by the caller)
        for j in range(4):
            ws[j] = 0.0
        return
    n0 /= volume
    n1 /= volume
    n2 /= volume
    # Householder H = 1 - 2 h h^T/h.h, h = null + sign(null_0) e_0: columns 1, 2 span the
    # complement of the null vector.
    sgn = 1.0 if n0 >= 0.0 else -1.0
    h0 = n0 + sgn
    hh = h0 * h0 + n1 * n1 + n2 * n2
    R00 = -2.0 * h0 * n1 / hh
    R10 = 1.0 - 2.0 * n1 * n1 / hh
    R20 = -2.0 * n2 * n1 / hh
    R01 = -2.0 * h0 * n2 / hh
    R11 = -2.0 * n1 * n2 / hh
    R21 = 1.0 - 2.0 * n2 * n2 / hh
    # D' = R^T D (2x2)
    a00 = R00 * d00 + R10 * d10 + R20 * d20
    a01 = R00 * d01 + R10 * d11 + R20 * d21
    a10 = R01 * d00 + R11 * d10 + R21 * d20
    a11 = R01 * d01 + R11 * d11 + R21 * d21
    S00 = a00 * a00 + a10 * a10
    S11 = a01 * a01 + a11 * a11
    S01 = a00 * a01 + a10 * a11
    phi = 0.5 * math.atan2(2.0 * S01, S00 - S11)
    c = math.cos(phi)
    s = math.sin(phi)
    v00, v10 = c, s  # v_1
    v01, v11 = -s, c  # v_2
    Dv00 = a00 * v00 + a01 * v10
    Dv10 = a10 * v00 + a11 * v10
    Dv01 = a00 * v01 + a01 * v11
    Dv11 = a10 * v01 + a11 * v11
    sig0 = math.hypot(Dv00, Dv10)
    sig1 = math.hypot(Dv01, Dv11)
    # The larger singular value is accurate as a norm, the smaller from s_1 s_2 = |c1 x c2|; the
    # small left vector is the exact orthogonal complement of the large one (sign from D v).
    if sig0 >= sig1:
        sig1 = volume / sig0
        u00, u10 = Dv00 / sig0, Dv10 / sig0
        u01, u11 = -u10, u00
        if u01 * Dv01 + u11 * Dv11 < 0.0:
            u01, u11 = -u01, -u11
    else:
        sig0 = volume / sig1
        u01, u11 = Dv01 / sig1, Dv11 / sig1
        u00, u10 = -u11, u01
        if u00 * Dv00 + u10 * Dv10 < 0.0:
            u00, u10 = -u00, -u10
    r2 = math.sqrt(0.5)
    for i in range(5):
        for j in range(5):
            Ws[i, j] = 0.0
    Ws[0, 0] = n0
    Ws[1, 0] = n1
    Ws[2, 0] = n2
    for k in range(2):
        uk0 = u00 if k == 0 else u01
        uk1 = u10 if k == 0 else u11
        vk0 = v00 if k == 0 else v01
        vk1 = v10 if k == 0 else v11
        Ru0 = R00 * uk0 + R01 * uk1
        Ru1 = R10 * uk0 + R11 * uk1
        Ru2 = R20 * uk0 + R21 * uk1
        for j in range(2):
            col = 1 + 2 * k + j
            sign = 1.0 if j == 0 else -1.0
            Ws[0, col] = r2 * Ru0
            Ws[1, col] = r2 * Ru1
            Ws[2, col] = r2 * Ru2
            Ws[3, col] = sign * r2 * vk0
            Ws[4, col] = sign * r2 * vk1
    ws[0] = sig0
    ws[1] = -sig0
    ws[2] = sig1
    ws[3] = -sig1


@njit(cache=True, nogil=True)
def _inv_sqrt_1p(X: np.ndarray, k: int, out: np.ndarray, P1: np.ndarray, P2: np.ndarray) -> bool:
    """out = (1 + X)^(-1/2) for small symmetric X (k x k); False (out untouched) when it is 1.

    Binomial series summed while its terms exceed 1e-17 (X ~ (mu/M)^2 is tiny).
    """
    size = 0.0
    for i in range(k):
        for j in range(k):
            size = max(size, abs(X[i, j]))
    size *= k
    if size < 1e-15:
        return False
    coef = (-0.5, 0.375, -0.3125, 0.2734375, -0.24609375)
    for i in range(k):
        for j in range(k):
            P1[i, j] = X[i, j]
            out[i, j] = (1.0 if i == j else 0.0) + coef[0] * X[i, j]
    for term in range(1, 5):
        if size ** (term + 1) < 1e-16:
            break
        for i in range(k):
            for j in range(k):
                acc = 0.0
                for r in range(k):
                    acc += P1[i, r] * X[r, j]
                P2[i, j] = acc
        for i in range(k):
            for j in range(k):
                P1[i, j] = P2[i, j]
                out[i, j] += coef[term] * P1[i, j]
    return True


@njit(cache=True, nogil=True)
def spectrum_kernel(M0: np.ndarray, Mb: np.ndarray, sectors: np.ndarray, spectator: int,
                    lnc: bool, masses: np.ndarray, vectors: np.ndarray, negative: np.ndarray,
                    lightest_heavy: np.ndarray, status: np.ndarray) -> None:
    """Spectrum of a batch of real built-in-texture mass matrices (outputs filled in place).

    Parameters
    ----------
    M0, Mb : (P, n, n) lepton-number-conserving part and mu part of the mass matrix (GeV).
    sectors : (2, d) field indices of the two Z2 sectors, ordered as in ``MassMatrix.sectors``.
    spectator : field index of the third flavour.
    lnc : True for the lepton-number-conserving version (d = 5), False for lnv (d = 4).

    Outputs
    -------
    masses : (P, n) three light then n-3 heavy, each group ascending, GeV.
    vectors : (P, n, n) real orthonormal columns; the mixing is U = vectors * (i if negative).
    negative : (P, n) bool, the Takagi phase is i (signed eigenvalue < 0).
    lightest_heavy : (P,) smallest heavy mass at mu = 0 (for the hierarchy check).
    status : (P,) STATUS_OK or STATUS_HEAVY_MASSLESS.
    """
    P, n = M0.shape[0], M0.shape[1]
    d = sectors.shape[1]
    hs = d - 1
    H = n - _N_LIGHT
    W = np.zeros((n, n))
    w = np.zeros(H)
    Ws = np.zeros((d, d))
    ws = np.zeros(hs)
    T3 = np.zeros((3, 3))
    V3 = np.zeros((3, 3))
    order = np.zeros(n, dtype=np.int64)
    nmu = _MU_HI - _MU_LO
    MW = np.zeros((nmu, n))
    E = np.zeros((n, n))
    Q = np.zeros((_N_LIGHT, H))
    Qn = np.zeros((_N_LIGHT, H))
    tmp = np.zeros((_N_LIGHT, H))
    Ll = np.zeros((_N_LIGHT, _N_LIGHT))
    Hh = np.zeros((H, H))
    Xl = np.zeros((_N_LIGHT, _N_LIGHT))
    Xh = np.zeros((H, H))
    Nl = np.zeros((_N_LIGHT, _N_LIGHT))
    Nh = np.zeros((H, H))
    S1 = np.zeros((H, H))
    S2 = np.zeros((H, H))
    T1 = np.zeros((H, H))
    Vl = np.zeros((_N_LIGHT, _N_LIGHT))
    Vh = np.zeros((H, H))
    Bl = np.zeros((n, _N_LIGHT))
    Bh = np.zeros((n, H))
    for pt in range(P):
        status[pt] = STATUS_OK
        # -- 1. frame W (public field order) and heavy eigenvalues w of the mu = 0 matrix
        for i in range(n):
            for j in range(n):
                W[i, j] = 0.0
        for sec in range(2):
            if lnc:
                _lnc_sector(M0[pt], sectors[sec], Ws, ws)
            else:
                _lnv_sector(M0[pt], sectors[sec], Ws, ws, T3, V3, order)
            for i in range(d):
                row = sectors[sec, i]
                W[row, sec] = Ws[i, 0]
                for j in range(hs):
                    W[row, _N_LIGHT + sec * hs + j] = Ws[i, 1 + j]
            for j in range(hs):
                w[sec * hs + j] = ws[j]
        W[spectator, 2] = 1.0
        wmin = abs(w[0])
        wmax = abs(w[0])
        for j in range(H):
            wmin = min(wmin, abs(w[j]))
            wmax = max(wmax, abs(w[j]))
        lightest_heavy[pt] = wmin
        if wmin == 0.0:
            status[pt] = STATUS_HEAVY_MASSLESS
            continue
        # -- 2. E = W^T Mb W, Mb non-zero only on the N~ fields
        for a in range(nmu):
            for j in range(n):
                acc = 0.0
                for b in range(nmu):
                    acc += Mb[pt, _MU_LO + a, _MU_LO + b] * W[_MU_LO + b, j]
                MW[a, j] = acc
        emax = 0.0
        for i in range(n):
            for j in range(i, n):
                acc = 0.0
                for a in range(nmu):
                    acc += W[_MU_LO + a, i] * MW[a, j]
                E[i, j] = acc
                E[j, i] = acc
                emax = max(emax, abs(acc))
        # -- 3. seesaw: Q = P^* solves Q C = A Q + B - Q B^T Q - Q Ehh with C = diag(w) + Ehh
        for i in range(_N_LIGHT):
            for j in range(H):
                Q[i, j] = E[i, _N_LIGHT + j] / w[j]
        r = 3.0 * emax / wmin
        steps = 0
        if r > 0.0:
            steps = max(0, math.ceil(math.log(_EPS / 4.0) / math.log(min(r, 0.5))) - 1)
        for _ in range(min(steps, _MAX_ITERATIONS)):
            # tmp = Q B^T (3x3 kept in Ll), then Qn = (A Q + B - (Q B^T) Q - Q Ehh) / w
            for i in range(_N_LIGHT):
                for j in range(_N_LIGHT):
                    acc = 0.0
                    for t in range(H):
                        acc += Q[i, t] * E[j, _N_LIGHT + t]
                    Ll[i, j] = acc
            for i in range(_N_LIGHT):
                for j in range(H):
                    acc = E[i, _N_LIGHT + j]
                    for t in range(_N_LIGHT):
                        acc += (E[i, t] - Ll[i, t]) * Q[t, j]
                    for t in range(H):
                        acc -= Q[i, t] * E[_N_LIGHT + t, _N_LIGHT + j]
                    Qn[i, j] = acc / w[j]
            for i in range(_N_LIGHT):
                for j in range(H):
                    Q[i, j] = Qn[i, j]
        # -- 4. light block A - B Q^T - Q B^T + Q (diag(w) + Ehh) Q^T, heavy block
        #       diag(w) + Ehh + Q^T A Q + Q^T B + B^T Q, then the normalisations N_l, N_h
        for i in range(_N_LIGHT):
            for j in range(H):
                acc = w[j] * Q[i, j]
                for t in range(H):
                    acc += Q[i, t] * E[_N_LIGHT + t, _N_LIGHT + j]
                tmp[i, j] = acc  # Q C
        for i in range(_N_LIGHT):
            for j in range(i, _N_LIGHT):
                acc = E[i, j]
                for t in range(H):
                    acc += -E[i, _N_LIGHT + t] * Q[j, t] - Q[i, t] * E[j, _N_LIGHT + t]
                    acc += tmp[i, t] * Q[j, t]
                Ll[i, j] = acc
                Ll[j, i] = acc
        for i in range(H):
            for j in range(i, H):
                acc = E[_N_LIGHT + i, _N_LIGHT + j]
                if i == j:
                    acc += w[i]
                for s in range(_N_LIGHT):
                    acc += Q[s, i] * E[s, _N_LIGHT + j] + E[s, _N_LIGHT + i] * Q[s, j]
                    qa = 0.0
                    for t in range(_N_LIGHT):
                        qa += Q[t, i] * E[t, s]
                    acc += qa * Q[s, j]
                Hh[i, j] = acc
                Hh[j, i] = acc
        for i in range(_N_LIGHT):
            for j in range(_N_LIGHT):
                acc = 0.0
                for t in range(H):
                    acc += Q[i, t] * Q[j, t]
                Xl[i, j] = acc
        for i in range(H):
            for j in range(H):
                acc = 0.0
                for t in range(_N_LIGHT):
                    acc += Q[t, i] * Q[t, j]
                Xh[i, j] = acc
        has_nl = _inv_sqrt_1p(Xl, _N_LIGHT, Nl, S1, S2)
        has_nh = _inv_sqrt_1p(Xh, H, Nh, S1, S2)
        if has_nl:  # Ll <- Nl^T Ll Nl
            for i in range(_N_LIGHT):
                for j in range(_N_LIGHT):
                    acc = 0.0
                    for t in range(_N_LIGHT):
                        acc += Ll[i, t] * Nl[t, j]
                    S1[i, j] = acc
            for i in range(_N_LIGHT):
                for j in range(_N_LIGHT):
                    acc = 0.0
                    for t in range(_N_LIGHT):
                        acc += Nl[t, i] * S1[t, j]
                    T1[i, j] = acc
            for i in range(_N_LIGHT):
                for j in range(_N_LIGHT):
                    Ll[i, j] = 0.5 * (T1[i, j] + T1[j, i])
        if has_nh:
            for i in range(H):
                for j in range(H):
                    acc = 0.0
                    for t in range(H):
                        acc += Hh[i, t] * Nh[t, j]
                    S1[i, j] = acc
            for i in range(H):
                for j in range(H):
                    acc = 0.0
                    for t in range(H):
                        acc += Nh[t, i] * S1[t, j]
                    T1[i, j] = acc
            for i in range(H):
                for j in range(H):
                    Hh[i, j] = 0.5 * (T1[i, j] + T1[j, i])
        # -- 5. Jacobi on both blocks
        _jacobi(Ll, Vl, _N_LIGHT)
        _jacobi(Hh, Vh, H)
        # -- 6. vectors: light (W_l - W_h Q^T) N_l V_l, heavy (W_l Q + W_h) N_h V_h
        for i in range(n):
            for j in range(_N_LIGHT):
                acc = W[i, j]
                for t in range(H):
                    acc -= W[i, _N_LIGHT + t] * Q[j, t]
                Bl[i, j] = acc
            for j in range(H):
                acc = W[i, _N_LIGHT + j]
                for t in range(_N_LIGHT):
                    acc += W[i, t] * Q[t, j]
                Bh[i, j] = acc
        if has_nl:
            for i in range(n):
                for j in range(_N_LIGHT):
                    acc = 0.0
                    for t in range(_N_LIGHT):
                        acc += Bl[i, t] * Nl[t, j]
                    T1[0, j] = acc
                for j in range(_N_LIGHT):
                    Bl[i, j] = T1[0, j]
        if has_nh:
            for i in range(n):
                for j in range(H):
                    acc = 0.0
                    for t in range(H):
                        acc += Bh[i, t] * Nh[t, j]
                    S1[0, j] = acc
                for j in range(H):
                    Bh[i, j] = S1[0, j]
        # -- 7. sort each group by |eigenvalue| and write out
        _order_by_modulus(Ll, _N_LIGHT, order)
        for jj in range(_N_LIGHT):
            col = order[jj]
            lam = Ll[col, col]
            masses[pt, jj] = abs(lam)
            negative[pt, jj] = lam < 0.0
            for i in range(n):
                acc = 0.0
                for t in range(_N_LIGHT):
                    acc += Bl[i, t] * Vl[t, col]
                vectors[pt, i, jj] = acc
        _order_by_modulus(Hh, H, order)
        for jj in range(H):
            col = order[jj]
            lam = Hh[col, col]
            masses[pt, _N_LIGHT + jj] = abs(lam)
            negative[pt, _N_LIGHT + jj] = lam < 0.0
            for i in range(n):
                acc = 0.0
                for t in range(H):
                    acc += Bh[i, t] * Vh[t, col]
                vectors[pt, i, _N_LIGHT + jj] = acc



@njit(cache=True, nogil=True)
def gram_kernel(V: np.ndarray, rows: np.ndarray, cols: np.ndarray, columns: np.ndarray,
                out: np.ndarray) -> None:
    """out[p, i, j] = sum_{l in columns} V[p, rows[i], l] V[p, cols[j], l] (real V).

    ``Spectrum.projector_block`` and ``non_unitarity`` without gathering the sub-blocks first.
    """
    for p in range(V.shape[0]):
        for i in range(rows.shape[0]):
            for j in range(cols.shape[0]):
                acc = 0.0
                for t in range(columns.shape[0]):
                    acc += V[p, rows[i], columns[t]] * V[p, cols[j], columns[t]]
                out[p, i, j] = acc
