"""Compiled kernels: the exact 3x3 evolution operator exp(-i H L) and what is built from it.

For a Hermitian 3x3 H, take its traceless part H~ = H - (tr H/3) 1 (the trace is a global phase).
Its eigenvalues a >= b >= c solve the depressed characteristic cubic x^3 - p x - q = 0 with
p = tr(H~^2)/2, q = det H~, in closed form (trigonometric Cardano):
a = 2 r cos(phi), c = -r (cos(phi) + sqrt3 sin(phi)), b = -a - c, with r = sqrt(p/3),
cos(3 phi) = q/(2 r^3), phi in [0, pi/3]. The evolution operator is the interpolating polynomial
of f(x) = exp(-i x L) at the eigenvalues, in Newton's divided-difference form,

    S = f[a] 1 + f[a,b] (H~ - a) + f[a,b,c] (H~ - a)(H~ - b)        (Cayley-Hamilton),

with f[a,b] = -i L exp(i c L/2) sinc((a-b)L/2) and f[b,c] = -i L exp(i a L/2) sinc((b-c)L/2)
(a + b + c = 0), f[a,b,c] = (f[a,b] - f[b,c])/(a - c). The sinc form never divides by a small
eigenvalue gap, and the only division, by a - c, is by the full spread of the spectrum, so the
formula stays exact through (near-)degenerate pairs, where Lagrange/Sylvester projectors divide
0 by 0. NuOscProbExact (M. Bustamante, arXiv:1904.12391) expands exp(-i H L) in the same
Cayley-Hamilton basis; the divided-difference evaluation here is our own.

Conventions: S[beta, alpha] is the amplitude nu_alpha -> nu_beta, P(alpha -> beta) =
|S[beta, alpha]|^2; natural units (H in GeV, L in GeV^-1). H = M/(2E) + V N with M the vacuum
mass-squared matrix in the flavour basis and N = diag(1, 0, 0) + eps; the caller passes conj(M),
conj(N) and -V for antineutrinos (see ``propagation``). Loops are written so that LLVM vectorises
them over energies (no library calls: see ``elementary``); every result is identical whether a
point is computed alone or in a batch (the same IEEE operations, no fast-math).

References: arXiv:1904.12391 (Cayley-Hamilton expansion of the 3x3 evolution operator);
arXiv:physics/0610206 (J. Kopp, trigonometric eigenvalues of Hermitian 3x3 matrices);
REFERENCE.md section 4.4 (the Hamiltonian).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from lfvnsi.oscillation.elementary import acos_poly, cos_poly, sin_poly, sincos

__all__ = ["amplitudes_kernel", "layers_kernel", "probabilities_kernel", "probabilities_points_kernel"]

_SQRT3 = math.sqrt(3.0)
#: energies per block of the layered kernel (keeps the 18 running amplitudes in L1 cache)
BLOCK = 256


@njit(inline="always", cache=True)
def _sinc(s: float) -> float:
    t = sincos(s)[0] / s
    return t if s != 0.0 else 1.0


@njit(inline="always", cache=True)
def _refine_pair(d0: float, d1: float, d2: float, x01: float, y01: float, x02: float, y02: float,
                 x12: float, y12: float, la: float, lc: float, top_isolated: bool
                 ) -> tuple[float, float, float]:
    """Eigenvalues a >= b >= c with the closer pair recomputed from the isolated eigenvector.

    The trigonometric formula loses the splitting of a close pair (arccos near +-1: error
    ~ eps/gap); the isolated eigenvalue mu (a if cos 3phi >= 0, else c) stays accurate. With v its
    eigenvector (largest cross product of two rows of H~ - mu 1), T = H~ + (mu/2) 1 - (3 mu/2)
    v v^dagger/|v|^2 has eigenvalues 0 and +-(pair gap)/2, so the gap is sqrt(2) |T|_F, a sum of
    squares: no cancellation, absolute error ~ eps |H~| (a Hermitian perturbation bound).
    """
    mu = la if top_isolated else lc
    e0 = d0 - mu
    e1 = d1 - mu
    e2 = d2 - mu
    # rows r0 = (e0, h01, h02), r1 = (h01*, e1, h12), r2 = (h02*, h12*, e2); v = ri x rj
    # r0 x r1 = (h01 h12 - h02 e1, h02 h01* - e0 h12, e0 e1 - |h01|^2)
    ax_r = x01 * x12 - y01 * y12 - x02 * e1
    ax_i = x01 * y12 + y01 * x12 - y02 * e1
    ay_r = x02 * x01 + y02 * y01 - e0 * x12
    ay_i = y02 * x01 - x02 * y01 - e0 * y12
    az_r = e0 * e1 - (x01 * x01 + y01 * y01)
    # r0 x r2 = (h01 e2 - h02 h12*, |h02|^2 - e0 e2, e0 h12* - h01 h02*)
    bx_r = x01 * e2 - (x02 * x12 + y02 * y12)
    bx_i = y01 * e2 - (y02 * x12 - x02 * y12)
    by_r = x02 * x02 + y02 * y02 - e0 * e2
    bz_r = e0 * x12 - (x01 * x02 + y01 * y02)
    bz_i = -e0 * y12 - (y01 * x02 - x01 * y02)
    # r1 x r2 = (e1 e2 - |h12|^2, h12 h02* - h01* e2, h01* h12* - e1 h02*)
    cx_r = e1 * e2 - (x12 * x12 + y12 * y12)
    cy_r = x12 * x02 + y12 * y02 - x01 * e2
    cy_i = y12 * x02 - x12 * y02 + y01 * e2
    cz_r = x01 * x12 - y01 * y12 - e1 * x02
    cz_i = -(x01 * y12 + y01 * x12) + e1 * y02
    na = ax_r * ax_r + ax_i * ax_i + ay_r * ay_r + ay_i * ay_i + az_r * az_r
    nb = bx_r * bx_r + bx_i * bx_i + by_r * by_r + bz_r * bz_r + bz_i * bz_i
    nc = cx_r * cx_r + cy_r * cy_r + cy_i * cy_i + cz_r * cz_r + cz_i * cz_i
    use_a = na >= nb and na >= nc
    use_b = (not use_a) and nb >= nc
    v0r = ax_r if use_a else (bx_r if use_b else cx_r)
    v0i = ax_i if use_a else (bx_i if use_b else 0.0)
    v1r = ay_r if use_a else (by_r if use_b else cy_r)
    v1i = ay_i if use_a else (0.0 if use_b else cy_i)
    v2r = az_r if use_a else (bz_r if use_b else cz_r)
    v2i = 0.0 if use_a else (bz_i if use_b else cz_i)
    norm = na if use_a else (nb if use_b else nc)
    k = 1.5 * mu / norm
    t00 = d0 + 0.5 * mu - k * (v0r * v0r + v0i * v0i)
    t11 = d1 + 0.5 * mu - k * (v1r * v1r + v1i * v1i)
    t22 = d2 + 0.5 * mu - k * (v2r * v2r + v2i * v2i)
    t01r = x01 - k * (v0r * v1r + v0i * v1i)
    t01i = y01 - k * (v0i * v1r - v0r * v1i)
    t02r = x02 - k * (v0r * v2r + v0i * v2i)
    t02i = y02 - k * (v0i * v2r - v0r * v2i)
    t12r = x12 - k * (v1r * v2r + v1i * v2i)
    t12i = y12 - k * (v1i * v2r - v1r * v2i)
    frob = (t00 * t00 + t11 * t11 + t22 * t22
            + 2.0 * (t01r * t01r + t01i * t01i + t02r * t02r + t02i * t02i + t12r * t12r
                     + t12i * t12i))
    half = math.sqrt(0.5 * frob)
    mid = -0.5 * mu
    ok = norm > 0.0 and frob < math.inf  # a simple isolated eigenvalue, else the trig values
    new_a = la if top_isolated else mid + half
    new_c = mid - half if top_isolated else lc
    ra = new_a if ok else la
    rc = new_c if ok else lc
    mid_b = mid - half if not top_isolated else mid + half
    rb = mid_b if ok else -la - lc
    return ra, rb, rc


@njit(inline="always", cache=True)
def _evolve(d0: float, d1: float, d2: float, x01: float, y01: float, x02: float, y02: float,
            x12: float, y12: float, L: float) -> tuple[float, float, float, float, float, float,
                                                        float, float, float, float, float, float,
                                                        float, float, float, float, float, float]:
    """exp(-i H L) of a traceless Hermitian H (diagonal d, upper entries x + i y), 18 floats.

    Returned in the order S00, S01, S02, S10, S11, S12, S20, S21, S22, each as (re, im).
    """
    n01 = x01 * x01 + y01 * y01
    n02 = x02 * x02 + y02 * y02
    n12 = x12 * x12 + y12 * y12
    p = 0.5 * (d0 * d0 + d1 * d1 + d2 * d2) + n01 + n02 + n12
    re3 = (x01 * x12 - y01 * y12) * x02 + (x01 * y12 + y01 * x12) * y02  # Re(h01 h12 h02*)
    q = d0 * d1 * d2 + 2.0 * re3 - d0 * n12 - d1 * n02 - d2 * n01
    r = math.sqrt(max(p / 3.0, 0.0))
    cos3 = min(max(q / (2.0 * r * r * r), -1.0), 1.0)
    cos3 = cos3 if p > 0.0 else 1.0
    phi = acos_poly(cos3) / 3.0
    cphi = cos_poly(phi)
    sphi = sin_poly(phi)
    la = 2.0 * r * cphi
    lc = -r * (cphi + _SQRT3 * sphi)
    la, lb, lc = _refine_pair(d0, d1, d2, x01, y01, x02, y02, x12, y12, la, lc, cos3 >= 0.0)
    ua_i, ua_r = sincos(0.5 * la * L)  # exp(i a L/2)
    uc_i, uc_r = sincos(0.5 * lc * L)  # exp(i c L/2)
    fa_r = ua_r * ua_r - ua_i * ua_i  # f[a] = exp(-i a L)
    fa_i = -2.0 * ua_r * ua_i
    sinc_ab = _sinc(0.5 * (la - lb) * L)
    sinc_bc = _sinc(0.5 * (lb - lc) * L)
    fab_r = L * uc_i * sinc_ab
    fab_i = -L * uc_r * sinc_ab
    fbc_r = L * ua_i * sinc_bc
    fbc_i = -L * ua_r * sinc_bc
    spread = la - lc
    inv = 1.0 / spread
    fabc_r = (fab_r - fbc_r) * inv if spread > 0.0 else -0.5 * L * L
    fabc_i = (fab_i - fbc_i) * inv if spread > 0.0 else 0.0
    # S = s0 1 + s1 H + s2 H^2 (Newton form expanded in powers of H)
    ab = la * lb
    s0r = fa_r - la * fab_r + ab * fabc_r
    s0i = fa_i - la * fab_i + ab * fabc_i
    s1r = fab_r + lc * fabc_r
    s1i = fab_i + lc * fabc_i
    # G = H^2 (Hermitian)
    g00 = d0 * d0 + n01 + n02
    g11 = d1 * d1 + n01 + n12
    g22 = d2 * d2 + n02 + n12
    g01r = (d0 + d1) * x01 + x02 * x12 + y02 * y12
    g01i = (d0 + d1) * y01 + y02 * x12 - x02 * y12
    g02r = (d0 + d2) * x02 + x01 * x12 - y01 * y12
    g02i = (d0 + d2) * y02 + x01 * y12 + y01 * x12
    g12r = (d1 + d2) * x12 + x01 * x02 + y01 * y02
    g12i = (d1 + d2) * y12 + x01 * y02 - y01 * x02
    s00r = s0r + s1r * d0 + fabc_r * g00
    s00i = s0i + s1i * d0 + fabc_i * g00
    s11r = s0r + s1r * d1 + fabc_r * g11
    s11i = s0i + s1i * d1 + fabc_i * g11
    s22r = s0r + s1r * d2 + fabc_r * g22
    s22i = s0i + s1i * d2 + fabc_i * g22
    s01r = s1r * x01 - s1i * y01 + fabc_r * g01r - fabc_i * g01i
    s01i = s1r * y01 + s1i * x01 + fabc_r * g01i + fabc_i * g01r
    s10r = s1r * x01 + s1i * y01 + fabc_r * g01r + fabc_i * g01i
    s10i = s1i * x01 - s1r * y01 + fabc_i * g01r - fabc_r * g01i
    s02r = s1r * x02 - s1i * y02 + fabc_r * g02r - fabc_i * g02i
    s02i = s1r * y02 + s1i * x02 + fabc_r * g02i + fabc_i * g02r
    s20r = s1r * x02 + s1i * y02 + fabc_r * g02r + fabc_i * g02i
    s20i = s1i * x02 - s1r * y02 + fabc_i * g02r - fabc_r * g02i
    s12r = s1r * x12 - s1i * y12 + fabc_r * g12r - fabc_i * g12i
    s12i = s1r * y12 + s1i * x12 + fabc_r * g12i + fabc_i * g12r
    s21r = s1r * x12 + s1i * y12 + fabc_r * g12r + fabc_i * g12i
    s21i = s1i * x12 - s1r * y12 + fabc_i * g12r - fabc_r * g12i
    return (s00r, s00i, s01r, s01i, s02r, s02i, s10r, s10i, s11r, s11i, s12r, s12i,
            s20r, s20i, s21r, s21i, s22r, s22i)


@njit(inline="always", cache=True)
def _hamiltonian(m: tuple[float, ...], a: tuple[float, ...], inv2e: float, v: float
                 ) -> tuple[float, float, float, float, float, float, float, float, float]:
    """Traceless part of H = M inv2e + v A: (d0, d1, d2, x01, y01, x02, y02, x12, y12)."""
    d0 = m[0] * inv2e + v * a[0]
    d1 = m[1] * inv2e + v * a[1]
    d2 = m[2] * inv2e + v * a[2]
    t = (d0 + d1 + d2) / 3.0
    return (d0 - t, d1 - t, d2 - t,
            m[3] * inv2e + v * a[3], m[4] * inv2e + v * a[4],
            m[5] * inv2e + v * a[5], m[6] * inv2e + v * a[6],
            m[7] * inv2e + v * a[7], m[8] * inv2e + v * a[8])


@njit(cache=True, nogil=True, error_model="numpy")
def probabilities_kernel(m: np.ndarray, a: np.ndarray, energy: np.ndarray, length: np.ndarray,
                         potential: np.ndarray, out: np.ndarray) -> None:
    """P(alpha -> beta) for H = M/(2E) + V A at each point, constant matter along L.

    m, a: (9,) packed Hermitian matrices (diagonal, then re/im of the 01, 02, 12 entries), M in
    GeV^2 and A dimensionless; energy (n,) GeV; length (n,) or (1,) GeV^-1; potential (n,) or
    (1,) GeV (a single value applies to every point); out (9, n) with
    out[3 alpha + beta, i] = P(alpha -> beta).
    """
    m0, m1, m2, m3, m4, m5, m6, m7, m8 = m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]
    a0, a1, a2, a3, a4, a5, a6, a7, a8 = a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]
    mm = (m0, m1, m2, m3, m4, m5, m6, m7, m8)
    aa = (a0, a1, a2, a3, a4, a5, a6, a7, a8)
    step_l = 1 if length.shape[0] > 1 else 0
    step_v = 1 if potential.shape[0] > 1 else 0
    for i in range(energy.shape[0]):
        h = _hamiltonian(mm, aa, 0.5 / energy[i], potential[i * step_v])
        s = _evolve(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], length[i * step_l])
        # P(alpha -> beta) = |S[beta, alpha]|^2
        for beta in range(3):
            for alpha in range(3):
                k = 2 * (3 * beta + alpha)
                out[3 * alpha + beta, i] = s[k] * s[k] + s[k + 1] * s[k + 1]


@njit(cache=True, nogil=True, error_model="numpy")
def probabilities_points_kernel(m: np.ndarray, a: np.ndarray, energy: np.ndarray, length: float,
                                potential: np.ndarray, out: np.ndarray) -> None:
    """P(alpha -> beta) for many Hamiltonians on one energy grid, constant matter along L.

    m, a: (n_points, 9) packed M (GeV^2) and A per point; energy (n,) GeV; length GeV^-1;
    potential (n_points,) GeV; out (n_points, 9, n). Point p, energy i is computed with exactly
    the operations of ``probabilities_kernel`` (same result bit for bit).
    """
    for p in range(m.shape[0]):
        mm = (m[p, 0], m[p, 1], m[p, 2], m[p, 3], m[p, 4], m[p, 5], m[p, 6], m[p, 7], m[p, 8])
        aa = (a[p, 0], a[p, 1], a[p, 2], a[p, 3], a[p, 4], a[p, 5], a[p, 6], a[p, 7], a[p, 8])
        v = potential[p]
        for i in range(energy.shape[0]):
            h = _hamiltonian(mm, aa, 0.5 / energy[i], v)
            s = _evolve(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], length)
            for beta in range(3):
                for alpha in range(3):
                    k = 2 * (3 * beta + alpha)
                    out[p, 3 * alpha + beta, i] = s[k] * s[k] + s[k + 1] * s[k + 1]


@njit(cache=True, nogil=True, error_model="numpy")
def amplitudes_kernel(m: np.ndarray, a: np.ndarray, energy: np.ndarray, length: np.ndarray,
                      potential: np.ndarray, out: np.ndarray) -> None:
    """The evolution operator itself: out (18, n) = (re, im) of S[beta, alpha], row-major.

    The traceless part only: the true operator is exp(-i tr(H) L/3) times this (a global phase).
    Arguments as in ``probabilities_kernel``.
    """
    mm = (m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8])
    aa = (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8])
    step_l = 1 if length.shape[0] > 1 else 0
    step_v = 1 if potential.shape[0] > 1 else 0
    for i in range(energy.shape[0]):
        h = _hamiltonian(mm, aa, 0.5 / energy[i], potential[i * step_v])
        s = _evolve(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], length[i * step_l])
        for k in range(18):
            out[k, i] = s[k]


@njit(cache=True, nogil=True, error_model="numpy")
def layers_kernel(m: np.ndarray, energy: np.ndarray, offsets: np.ndarray, length: np.ndarray,
                  matter: np.ndarray, out: np.ndarray) -> None:
    """P(alpha -> beta) through piecewise-constant matter, one path per row of ``offsets``.

    m: (9,) packed M (GeV^2); energy (n,) GeV; path j crosses layers offsets[j]:offsets[j+1] in
    order, layer k of length length[k] (GeV^-1) with matter term matter[k] (9,) packed
    V (diag(1,0,0) + eps) in GeV; out (n_paths, 9, n). The amplitude is the ordered product
    S_K ... S_2 S_1 of the layers' exact evolution operators.
    """
    n = energy.shape[0]
    mm = (m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8])
    u = np.empty((18, BLOCK))
    w = np.empty(BLOCK)
    for j in range(offsets.shape[0] - 1):
        for start in range(0, n, BLOCK):
            stop = min(start + BLOCK, n)
            nb = stop - start
            for i in range(nb):
                w[i] = 0.5 / energy[start + i]
                for k in range(18):
                    u[k, i] = 0.0
                u[0, i] = 1.0
                u[8, i] = 1.0
                u[16, i] = 1.0
            for layer in range(offsets[j], offsets[j + 1]):
                L = length[layer]
                aa = (matter[layer, 0], matter[layer, 1], matter[layer, 2], matter[layer, 3],
                      matter[layer, 4], matter[layer, 5], matter[layer, 6], matter[layer, 7],
                      matter[layer, 8])
                for i in range(nb):
                    h = _hamiltonian(mm, aa, w[i], 1.0)
                    s = _evolve(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], L)
                    # U <- S U, column by column
                    for col in range(3):
                        v0r = u[2 * col, i]
                        v0i = u[2 * col + 1, i]
                        v1r = u[6 + 2 * col, i]
                        v1i = u[6 + 2 * col + 1, i]
                        v2r = u[12 + 2 * col, i]
                        v2i = u[12 + 2 * col + 1, i]
                        for row in range(3):
                            b = 6 * row
                            u[b + 2 * col, i] = (s[b] * v0r - s[b + 1] * v0i + s[b + 2] * v1r
                                                 - s[b + 3] * v1i + s[b + 4] * v2r
                                                 - s[b + 5] * v2i)
                            u[b + 2 * col + 1, i] = (s[b] * v0i + s[b + 1] * v0r
                                                     + s[b + 2] * v1i + s[b + 3] * v1r
                                                     + s[b + 4] * v2i + s[b + 5] * v2r)
            for i in range(nb):
                for beta in range(3):
                    for alpha in range(3):
                        k = 2 * (3 * beta + alpha)
                        out[j, 3 * alpha + beta, start + i] = u[k, i] ** 2 + u[k + 1, i] ** 2
