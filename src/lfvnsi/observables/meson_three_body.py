"""P+ -> l+ X Z' (P = K, pi; l = e, mu) with the full neutral-lepton propagator.

The meson decays through the W (its axial current, f_P) into l+ and a neutral state; the Z' is
radiated off the neutral line, where every mass eigenstate X_k propagates with its width, off the
charged lepton, or off the meson. With A = sqrt2 G_F V f_P the amplitude is
M = A u-bar_j(p) Gamma^sigma v_l(l) eps*_sigma(k), Gamma = a S_a + b S_b + c S_c + d S_d:

    S_a = gamma^s P_L q-slash P-slash                  Z' off the neutral line, q = p + k
    S_b = -gamma^s P_R P-slash                         the same, mass insertion on the line
    S_c = P-slash P_L (-L-slash + m_l) gamma^s / (t - m_l^2)      off the charged lepton, L = l + k
    S_d = R-slash P_L (2P - k)^s / (u - m_P^2) - gamma^s P_L       off the meson, with the contact term
                                                                   of D_mu P in the W vertex, R = p + l

(P the meson momentum, s = q^2, t = L^2, u = R^2), with the couplings

    a = sum_k U*_{l k} G_jk D_k(s),  b = sum_k U*_{l k} G*_jk m_k D_k(s),  c = g_l U*_{l j},  d = g_P U*_{l j},

D_k(s) = 1/(s - m_k^2 + i m_k Gamma_k). G is the mass-basis Z' coupling of the whole left-handed
neutral current (L ⊃ Z' G_kl X_k-bar gamma P_L X_l: g_psi U^dagger Q U plus the gauged
flavour-diagonal part; with Majorana X the vertex X_k -> X_j is gamma^s (G_jk P_L - G*_jk P_R)),
g_l the vector coupling of the charged lepton and g_P = g_u - g_d the U(1)' coupling of the meson
(K+ = u s-bar, pi+ = u d-bar; 0 for gauged B, the electric charge eps e c_W for kinetic mixing).
Every field couples as D_mu = d_mu - i g Q Z'_mu; the relative signs follow from the propagators
i(q-slash + m)/(q^2 - m^2), i(-L-slash + m)/(L^2 - m^2) and fix the Ward identity: for a conserved
charge (g_P = g_nu - g_l, the neutrino of flavour l unmixed) k_s Gamma^s = 0, and the emission off
the lepton cancels the longitudinal k k/m_Z'^2 part: no m_P^4/(m_Z'^2 m_l^2) enhancement
(REFERENCE F13). The light-neutrino EFT (``mesons.meson_ratio``) is the limit of heavy internal
states (F12).

Summed over spins, Z' polarisations (-g + k k/m_Z'^2) and every open final neutral state,
sum |M|^2 = A^2 sum_xy Re(C_x C_y^*) T_xy(s, t) with C = (a, b, c, d) and the kinematic matrix T in
closed form (``meson_kinematics``, derived by tools/derive_meson_traces.py, tested against explicit
Dirac-matrix traces). With dGamma = |M|^2 ds dt/(256 pi^3 m_P^3) (PDG kinematics review),

    Gamma(P -> l X Z') / Gamma_0 = int ds dt sum_j sum_xy Re(C_x C_y^*) T_xy / (16 pi^2 m_l^2 (m_P^2 - m_l^2)^2),

Gamma_0 = G_F^2 f_P^2 |V|^2 m_l^2 (m_P^2 - m_l^2)^2/(8 pi m_P^3) the two-body width with unit
mixing: f_P and V drop out, and BR(P -> l X Z') = BR(P -> l nu) (PDG) x the ratio.

* s = (p_X + k)^2 is the missing mass squared an experiment sees. A heavy state with
  m_j + m_Z' < m_k < m_P - m_l is produced on shell: its peak |sqrt(s) - m_k| < WINDOW m_k is the
  two-body process P -> l N_k (the peak-search records of the bounds database) and is excluded
  here, so that the two are never counted twice.
* Quadrature: s in a logarithmic-and-quadratic map (``_map``), 32 Gauss-Legendre nodes; near a
  heavy pole (a window, or a state just outside the range) composite 8-node panels graded towards
  it. t: geometric panels in t - m_l^2 (the lepton propagator peaks at the lower end), 8 nodes in
  log(t - m_l^2) each. Both converge to 1e-12 on the EFT (tests).
* Light final states are massless (their masses, below an eV, change the rate by (m_nu/m_P)^2).
  Their t-integrated kernel depends only on the channel, m_Z' and s, and is tabulated per process
  on first use, on a grid of m_Z' and the standard s nodes (``_light_table``), interpolated in
  m_Z'. Heavy final states, near-pole points and m_Z' outside the grid use the integral directly.

References: REFERENCE.md section 5.7, F12, F13; arXiv:1702.04187 (the light-neutrino EFT).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from numba import njit

from lfvnsi.constants import branching_fraction, standard_model
from lfvnsi.observables.meson_kinematics import integral_ab, node

__all__ = ["CHANNELS", "WINDOW", "Channel", "channel", "meson_charge", "three_body_ratio"]

#: Half-width of the excluded peak of an on-shell heavy state, relative, in missing mass.
WINDOW = 0.01

_S_NODES = 32  # Gauss-Legendre nodes of the smooth s quadrature
_PANEL_NODES = 8  # per graded panel near a pole, and per t panel
_T_PANEL_RATIO = 8.0  # largest (t_end - m_l^2)/(t_start - m_l^2) of one t panel
# a pole outside the s range whose singularity lies within _NEAR (in x) of an end, or any window,
# gets panels graded towards it: edges at distances h, _GRADING h, _GRADING^2 h, ... from the
# singularity (h: its distance from the range or the window edge), each integrated in
# v = 1/(x - pole); farther poles leave the 32-node rule at 1e-10 or better
_NEAR = 0.05
_GRADING = 8.0
# m_Z' grid of the light-final-state table: logit of m_Z'/(m_P - m_l), uniform
_GRID_LOW, _GRID_HIGH, _GRID_POINTS = math.log(1e-6), math.log((1.0 - 1e-4) / 1e-4), 961


@dataclass(frozen=True)
class Channel:
    """P+ -> l+ X Z': meson and lepton masses (GeV) and the PDG id of BR(P+ -> l+ nu)."""

    meson: str
    lepton: str
    m_P: float
    m_l: float
    br_id: str

    @property
    def top(self) -> float:
        """m_P - m_l, the largest invariant mass of the neutral pair."""
        return self.m_P - self.m_l

    def br_two_body(self) -> float:
        """BR(P+ -> l+ nu) from the PDG database."""
        return branching_fraction(self.br_id)


#: (meson, lepton) of every channel.
CHANNELS = (("K", "e"), ("K", "mu"), ("pi", "e"), ("pi", "mu"))
_BR_IDS = {("K", "e"): "S010.11", ("K", "mu"): "S010.1", ("pi", "e"): "S008.2", ("pi", "mu"): "S008.1"}


@cache
def channel(meson: str, lepton: str) -> Channel:
    """The channel P+ -> l+ X Z' (``meson`` K or pi, ``lepton`` e or mu)."""
    sm = standard_model()
    m_P = sm.m_K if meson == "K" else sm.m_pi
    m_l = sm.m_e if lepton == "e" else sm.m_mu
    return Channel(meson, lepton, m_P, m_l, _BR_IDS[(meson, lepton)])


def meson_charge(g_u: np.ndarray, g_d: np.ndarray) -> np.ndarray:
    """U(1)' coupling of K+ = u s-bar and pi+ = u d-bar: g_u - g_d (s couples like d)."""
    return np.asarray(g_u) - np.asarray(g_d)


_GL = {n: np.polynomial.legendre.leggauss(n) for n in (_S_NODES, _PANEL_NODES)}


@njit(cache=True, nogil=True)
def _t_integral(m_P: float, m_l: float, m_j: float, m_zp: float, s: float, xt: np.ndarray,
                wt: np.ndarray, T: np.ndarray, out: np.ndarray, ab_only: bool = False) -> None:
    """out (4, 4) = int T(s, t) dt over the Dalitz range of t at fixed s (T: workspace).

    ``ab_only``: only the (a, b) block, which is quadratic in t and integrated in closed form
    (the other entries are set to zero)."""
    root = math.sqrt(s)
    E_k = (s - m_j * m_j + m_zp * m_zp) / (2.0 * root)
    E_l = (m_P * m_P - s - m_l * m_l) / (2.0 * root)
    p_k = math.sqrt(max(E_k * E_k - m_zp * m_zp, 0.0))
    p_l = math.sqrt(max(E_l * E_l - m_l * m_l, 0.0))
    total = (E_k + E_l) ** 2
    m_l2 = m_l * m_l
    d_lo = max(total - (p_k + p_l) ** 2 - m_l2, 1e-300)
    d_hi = max(total - (p_k - p_l) ** 2 - m_l2, d_lo)
    out[:, :] = 0.0
    if ab_only:
        integral_ab(m_P, m_l, m_j, m_zp, s, m_l2 + d_lo, m_l2 + d_hi, out)
        return
    log_ratio = math.log(d_hi / d_lo)
    panels = max(1, math.ceil(log_ratio / math.log(_T_PANEL_RATIO)))
    for panel in range(panels):
        for i in range(xt.shape[0]):
            tau = (panel + 0.5 * (xt[i] + 1.0)) / panels
            d = d_lo * math.exp(tau * log_ratio)
            node(m_P, m_l, m_j, m_zp, s, m_l2 + d, False, T)
            weight = 0.5 * wt[i] / panels * d * log_ratio
            for x in range(4):
                for y in range(4):
                    out[x, y] += weight * T[x, y]


@njit(cache=True, nogil=True, inline="always")
def _map(x: float, s_min: float, log_ratio: float) -> tuple[float, float]:
    """(s, ds/dx) of s = s_min exp(log_ratio sin^2(pi x/2))."""
    s = s_min * math.exp(log_ratio * math.sin(0.5 * math.pi * x) ** 2)
    return s, s * log_ratio * 0.5 * math.pi * math.sin(math.pi * x)


@njit(cache=True, nogil=True, inline="always")
def _unmap(s: float, s_min: float, log_ratio: float) -> float:
    phi = min(max(math.log(max(s, s_min) / s_min) / log_ratio, 0.0), 1.0)
    return 2.0 / math.pi * math.asin(math.sqrt(phi))


_MAX_POINTS = 1024  # capacity of the breakpoint workspace (a point needs at most ~20 per state)


@njit(cache=True, nogil=True)
def _breakpoints(m_j: float, m_zp: float, top: float, masses: np.ndarray, n_light: int,
                 points: np.ndarray, windows: np.ndarray, poles: np.ndarray) -> tuple[int, int, int]:
    """Breakpoints of the s quadrature in x for final states of mass m_j.

    Fills points[:n_points] (sorted, 0 and 1 included), windows[:n_windows] (merged excluded x
    intervals) and poles[:n_poles, 0] (x positions of the singularities the panels are graded
    towards: a window's pole, or for a pole outside the range the point at its singularity
    distance beyond the end; poles[:, 1] and poles[:, 2] hold the distance from the singularity
    to where the integration starts on its left and right, 0 where it does not start). Panels
    are graded away from each pole (edges at h, _GRADING h, ...) up to the midpoint to the next
    pole, so that a panel has one steep end at most. Returns (n_points, n_windows, n_poles); two
    points mean no pole is near and the smooth rule applies.
    """
    s_min = (m_j + m_zp) ** 2
    s_max = top * top
    L = math.log(s_max / s_min)
    curvature = 0.25 * math.pi * math.pi * L  # s - s_end ~ s_end L (pi^2/4) (x - x_end)^2
    nw = 0
    npole = 0
    for k in range(n_light, masses.shape[0]):
        m2 = masses[k] * masses[k]
        lo, hi = ((1.0 - WINDOW) * masses[k]) ** 2, ((1.0 + WINDOW) * masses[k]) ** 2
        if hi > s_min and lo < s_max:
            a, b = _unmap(lo, s_min, L), _unmap(hi, s_min, L)
            merged = False
            for w in range(nw):  # a Dirac pair (two Majorana states) shares one window
                if a <= windows[w, 1] and b >= windows[w, 0]:
                    windows[w, 0], windows[w, 1] = min(windows[w, 0], a), max(windows[w, 1], b)
                    poles[w, 1] = max(poles[w, 0] - windows[w, 0], 1e-12)
                    poles[w, 2] = max(windows[w, 1] - poles[w, 0], 1e-12)
                    merged = True
            if merged:
                continue
            c = _unmap(m2, s_min, L)
            windows[nw, 0], windows[nw, 1] = a, b
            nw += 1
            # windows first: poles[w] belongs to windows[w]
            poles[npole, 0], poles[npole, 1], poles[npole, 2] = c, max(c - a, 1e-12), max(b - c, 1e-12)
            npole += 1
    for k in range(n_light, masses.shape[0]):
        m2 = masses[k] * masses[k]
        if m2 >= s_max:
            delta = math.sqrt((m2 - s_max) / (s_max * curvature))
            c, left, right = 1.0 + delta, max(delta, 1e-12), 0.0
        elif m2 <= s_min:
            delta = math.sqrt((s_min - m2) / (s_min * curvature))
            c, left, right = -delta, 0.0, max(delta, 1e-12)
        else:
            continue
        if delta >= _NEAR:
            continue
        known = False
        for i in range(npole):  # the partner of a Dirac pair attracts to the same place
            if abs(poles[i, 0] - c) < 0.5 * delta:
                known = True
        if not known:
            poles[npole, 0], poles[npole, 1], poles[npole, 2] = c, left, right
            npole += 1
    points[0], points[1] = 0.0, 1.0
    n = 2
    for w in range(nw):
        points[n], points[n + 1] = windows[w, 0], windows[w, 1]
        n += 2
    for i in range(npole):
        c = poles[i, 0]
        for side, sign in ((1, -1.0), (2, 1.0)):
            h = poles[i, side]
            if h == 0.0:
                continue
            limit = c + sign * 2.0  # beyond the range
            for other in range(npole):
                o = poles[other, 0]
                if other != i and (o - c) * sign > 0.0 and abs(o - c) < abs(limit - c):
                    limit = o
            mid = 0.5 * (c + limit)
            if 0.0 < mid < 1.0 and n < points.shape[0]:
                points[n] = mid
                n += 1
            step = h * _GRADING
            while step < abs(mid - c) and n < points.shape[0]:
                v = c + sign * step
                if 0.0 < v < 1.0:
                    points[n] = v
                    n += 1
                step *= _GRADING
    points[:n] = np.sort(points[:n])
    return n, nw, npole


@njit(cache=True, nogil=True)
def _panel_node(a: float, b: float, poles: np.ndarray, npole: int, x: float, w: float
                ) -> tuple[float, float]:
    """(x, weight) of the Gauss-Legendre node (x, w on [-1, 1]) on the panel [a, b].

    Next to a pole at distance d < 2 (b - a) the node lies in v = 1/(x - c), which makes the
    resonant 1/(x - c)^2 flat; elsewhere in x itself."""
    best = -1
    dist = 2.0 * (b - a)
    for i in range(npole):
        c = poles[i, 0]
        d = a - c if c <= a else (c - b if c >= b else -1.0)
        if 0.0 < d < dist:
            dist = d
            best = i
    if best < 0:
        return 0.5 * (b - a) * x + 0.5 * (b + a), 0.5 * (b - a) * w
    c = poles[best, 0]
    va, vb = 1.0 / (a - c), 1.0 / (b - c)
    v = 0.5 * (vb - va) * x + 0.5 * (vb + va)
    return c + 1.0 / v, 0.5 * abs(vb - va) * w / (v * v)


@njit(cache=True, nogil=True)
def _excluded(a: float, b: float, windows: np.ndarray, nw: int) -> bool:
    mid = 0.5 * (a + b)
    for i in range(nw):
        if windows[i, 0] <= mid <= windows[i, 1]:
            return True
    return False


@njit(cache=True, nogil=True)
def _point_couplings(masses: np.ndarray, widths: np.ndarray, u_row: np.ndarray, G: np.ndarray,
                     g_l: float, g_P: float, n_light: int, j_lo: int, j_hi: int, AB: np.ndarray,
                     CD: np.ndarray, count: np.ndarray) -> None:
    """Coupling factors of final states j in [j_lo, j_hi) (rows r = j - j_lo), compacted to the
    internal states that couple, in real arithmetic for the weighing loop.

    Internal state h of row r: AB[r, :, h] = (Re A, Im A, Re B, Im B, m_h^2, m_h Gamma_h) with
    A = G_jh U*_lh, B = G*_jh m_h U*_lh; the light states share one entry (propagator 1/s:
    m^2 = 0), A = sum over light k of G_jk U*_lk, B = 0. count[r] entries are used; count[r] = -1
    marks a final state that does not couple at all (most, in the model's minimal textures).
    CD[r] = (Re c, Im c, Re d, Im d) with (c, d) = (g_l, g_P) U*_lj.
    """
    n = masses.shape[0]
    for r in range(j_hi - j_lo):
        j = j_lo + r
        light = 0j
        for k in range(n_light):
            light += G[j, k] * np.conj(u_row[k])
        used = 0
        if light != 0:
            AB[r, 0, 0], AB[r, 1, 0], AB[r, 2, 0], AB[r, 3, 0] = light.real, light.imag, 0.0, 0.0
            AB[r, 4, 0], AB[r, 5, 0] = 0.0, 0.0
            used = 1
        for k in range(n_light, n):
            uc = np.conj(u_row[k])
            a = G[j, k] * uc
            b = np.conj(G[j, k]) * masses[k] * uc
            if a != 0 or b != 0:
                AB[r, 0, used], AB[r, 1, used], AB[r, 2, used], AB[r, 3, used] = (a.real, a.imag,
                                                                                  b.real, b.imag)
                AB[r, 4, used], AB[r, 5, used] = masses[k] * masses[k], masses[k] * widths[k]
                used += 1
        c = g_l * np.conj(u_row[j])
        d = g_P * np.conj(u_row[j])
        CD[r, 0], CD[r, 1], CD[r, 2], CD[r, 3] = c.real, c.imag, d.real, d.imag
        count[r] = used if used > 0 or c != 0 or d != 0 else -1


@njit(cache=True, nogil=True, inline="always")
def _weigh(s: float, K: np.ndarray, rows: int, AB: np.ndarray, CD: np.ndarray,
           count: np.ndarray, ab_only: bool) -> float:
    """sum over the ``rows`` final states of sum_xy Re(C_x C_y^*) K_xy at s (``_point_couplings``)."""
    total = 0.0
    for r in range(rows):
        if count[r] < 0:
            continue
        ar = ai = br = bi = 0.0
        for h in range(count[r]):
            re, im = s - AB[r, 4, h], AB[r, 5, h]
            inv = 1.0 / (re * re + im * im)
            dr, di = re * inv, -im * inv
            ar += AB[r, 0, h] * dr - AB[r, 1, h] * di
            ai += AB[r, 0, h] * di + AB[r, 1, h] * dr
            br += AB[r, 2, h] * dr - AB[r, 3, h] * di
            bi += AB[r, 2, h] * di + AB[r, 3, h] * dr
        total += ((ar * ar + ai * ai) * K[0, 0] + 2.0 * (ar * br + ai * bi) * K[0, 1]
                  + (br * br + bi * bi) * K[1, 1])
        if not ab_only:
            cr, ci, er, ei = CD[r, 0], CD[r, 1], CD[r, 2], CD[r, 3]  # c and d
            total += ((cr * cr + ci * ci) * K[2, 2] + (er * er + ei * ei) * K[3, 3]
                      + 2.0 * ((ar * cr + ai * ci) * K[0, 2] + (ar * er + ai * ei) * K[0, 3]
                               + (br * cr + bi * ci) * K[1, 2] + (br * er + bi * ei) * K[1, 3]
                               + (cr * er + ci * ei) * K[2, 3]))
    return total


@njit(cache=True, nogil=True)
def _final_states(m_P: float, m_l: float, m_j: float, m_zp: float, masses: np.ndarray,
                  widths: np.ndarray, n_light: int, rows: int, AB: np.ndarray, CD: np.ndarray,
                  count: np.ndarray, ab_only: bool, table: np.ndarray,
                  grid_index: float,
                  xs: np.ndarray, ws: np.ndarray, xp: np.ndarray, wp: np.ndarray,
                  work: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
                  ) -> float:
    """int ds of ``_weigh`` for ``rows`` final states of mass m_j; the tabulated kernel on the
    standard nodes when ``grid_index`` >= 0 and no pole is near, direct kernels otherwise."""
    points, windows, poles, K, T = work
    top = m_P - m_l
    s_min = (m_j + m_zp) ** 2
    L = math.log(top * top / s_min)
    n_points, nw, npole = _breakpoints(m_j, m_zp, top, masses, n_light, points, windows, poles)
    total = 0.0
    if n_points == 2:  # smooth: the standard nodes
        scale = _table_scale(m_zp, top)
        for i in range(xs.shape[0]):
            s, jac = _map(0.5 * (xs[i] + 1.0), s_min, L)
            if grid_index >= 0.0:
                _interpolate(table, grid_index, i, scale, 2 if ab_only else 4, K)
            else:
                _t_integral(m_P, m_l, m_j, m_zp, s, xp, wp, T, K, ab_only)
            total += 0.5 * ws[i] * jac * _weigh(s, K, rows, AB, CD, count, ab_only)
        return total
    for p in range(n_points - 1):
        a, b = points[p], points[p + 1]
        if b - a <= 1e-15 or _excluded(a, b, windows, nw):
            continue
        for i in range(xp.shape[0]):
            x, weight = _panel_node(a, b, poles, npole, xp[i], wp[i])
            s, jac = _map(x, s_min, L)
            _t_integral(m_P, m_l, m_j, m_zp, s, xp, wp, T, K, ab_only)
            total += weight * jac * _weigh(s, K, rows, AB, CD, count, ab_only)
    return total


@njit(cache=True, nogil=True, inline="always")
def _table_scale(m: float, top: float) -> float:
    """m_Z'^2 / (top^2 - m_Z'^2)^(3/2): K times it tends to constants for a light Z' (the
    longitudinal 1/m_Z'^2) and at the endpoint (the t range closes like (top^2 - m^2)^(3/2))."""
    return m * m / (top * top - m * m) ** 1.5


@njit(cache=True, nogil=True, inline="always")
def _interpolate(table: np.ndarray, grid_index: float, node_i: int, scale: float, block: int,
                 out: np.ndarray) -> None:
    """K[:block, :block] at node ``node_i``: 4-point Lagrange interpolation in the grid variable of
    the table, which holds K times ``_table_scale``."""
    n = table.shape[0]
    i0 = min(max(math.floor(grid_index) - 1, 0), n - 4)
    f = grid_index - i0
    w0 = -(f - 1.0) * (f - 2.0) * (f - 3.0) / 6.0
    w1 = f * (f - 2.0) * (f - 3.0) / 2.0
    w2 = -f * (f - 1.0) * (f - 3.0) / 2.0
    w3 = f * (f - 1.0) * (f - 2.0) / 6.0
    for x in range(block):
        for y in range(x, block):
            v = (w0 * table[i0, node_i, x, y] + w1 * table[i0 + 1, node_i, x, y]
                 + w2 * table[i0 + 2, node_i, x, y] + w3 * table[i0 + 3, node_i, x, y]) / scale
            out[x, y] = v
            out[y, x] = v


@njit(cache=True, nogil=True)
def _ratio_kernel(m_P: float, m_l: float, masses: np.ndarray, widths: np.ndarray,
                  u_row: np.ndarray, G: np.ndarray, g_l: np.ndarray, g_P: np.ndarray,
                  m_zp: np.ndarray, n_light: int, table: np.ndarray, xs: np.ndarray,
                  ws: np.ndarray, xp: np.ndarray, wp: np.ndarray, out: np.ndarray) -> None:
    top = m_P - m_l
    norm = 16.0 * math.pi**2 * m_l**2 * (m_P**2 - m_l**2) ** 2
    last = table.shape[0] - 1
    n = masses.shape[1]
    m_couplings = n - n_light + 1
    AB = np.empty((n, 6, m_couplings))
    CD = np.empty((n, 4))
    count = np.empty(n, np.int64)
    work = (np.empty(_MAX_POINTS), np.empty((n, 2)), np.empty((n, 3)), np.empty((4, 4)),
            np.empty((4, 4)))
    for p in range(m_zp.shape[0]):
        m = m_zp[p]
        if not m < top:
            out[p] = 0.0
            continue
        ab_only = g_l[p] == 0.0 and g_P[p] == 0.0  # c = d = 0: the neutral-line block only
        y = m / top
        g = (math.log(y / (1.0 - y)) - _GRID_LOW) / (_GRID_HIGH - _GRID_LOW) * last
        index = g if 1.0 <= g <= last - 1.0 else -1.0  # the 4-point stencil lies inside
        _point_couplings(masses[p], widths[p], u_row[p], G[p], g_l[p], g_P[p], n_light, 0, n_light,
                         AB, CD, count)
        total = 0.0
        if np.max(count[:n_light]) >= 0:
            total = _final_states(m_P, m_l, 0.0, m, masses[p], widths[p], n_light, n_light, AB,
                                  CD, count, ab_only, table, index, xs, ws, xp, wp, work)
        for j in range(n_light, n):
            if masses[p, j] + m < top:
                _point_couplings(masses[p], widths[p], u_row[p], G[p], g_l[p], g_P[p], n_light, j,
                                 j + 1, AB, CD, count)
                if count[0] >= 0:
                    total += _final_states(m_P, m_l, masses[p, j], m, masses[p], widths[p], n_light,
                                           1, AB, CD, count, ab_only, table, -1.0, xs, ws, xp,
                                           wp, work)
        out[p] = total / norm


@njit(cache=True, nogil=True)
def _table_kernel(m_P: float, m_l: float, grid: np.ndarray, xs: np.ndarray, xp: np.ndarray,
                  wp: np.ndarray, out: np.ndarray) -> None:
    """out (grid, nodes, 4, 4) = K(s) ``_table_scale`` of massless final states on the standard nodes."""
    top = m_P - m_l
    T = np.empty((4, 4))
    for g in range(grid.shape[0]):
        m = top / (1.0 + math.exp(-grid[g]))
        s_min = m * m
        L = math.log(top * top / s_min)
        for i in range(xs.shape[0]):
            s, _ = _map(0.5 * (xs[i] + 1.0), s_min, L)
            _t_integral(m_P, m_l, 0.0, m, s, xp, wp, T, out[g, i])
            scale = _table_scale(m, top)
            for x in range(4):
                for y in range(4):
                    out[g, i, x, y] *= scale


#: Batches from this size on use the light-final-state table (see ``three_body_ratio``).
TABLE_MIN_POINTS = 128
_light_table_built: set[Channel] = set()  # once built, a table serves every later batch


@cache
def _light_table(ch: Channel) -> np.ndarray:
    """The light-final-state table of a channel (computed once per process, 0.08 s)."""
    _light_table_built.add(ch)
    grid = np.linspace(_GRID_LOW, _GRID_HIGH, _GRID_POINTS)
    out = np.empty((_GRID_POINTS, _S_NODES, 4, 4))
    _table_kernel(ch.m_P, ch.m_l, grid, _GL[_S_NODES][0], *_GL[_PANEL_NODES], out)
    return out


def three_body_ratio(ch: Channel, masses: np.ndarray, widths: np.ndarray, u_row: np.ndarray,
                     G: np.ndarray, g_l: np.ndarray, g_P: np.ndarray, m_zp: np.ndarray,
                     n_light: int = 3, table: bool | None = None) -> np.ndarray:
    """Gamma(P+ -> l+ X Z') / Gamma_0 for a batch of points (the module docstring's integral).

    Parameters
    ----------
    masses, widths : (..., n) mass eigenvalues and total widths (GeV), ``n_light`` massless
        light states first.
    u_row : (..., n) U_{l k}, the row of the mixing matrix of the flavour of l.
    G : (..., n, n) mass-basis Z' coupling of the left-handed neutral current.
    g_l, g_P : (...,) vector couplings of the charged lepton and of the meson.
    m_zp : (...,) Z' mass (GeV).
    table : use the tabulated kernel of massless final states where it applies; None (default):
        from ``TABLE_MIN_POINTS`` points on, where building the table (0.1 s per channel, once
        per process) costs less than integrating every kernel directly (about 1 ms per point);
        False: every kernel directly.

    Returns (...,) ratios, 0 where the channel is closed (m_Z' >= m_P - m_l).
    """
    m_zp = np.asarray(m_zp, dtype=float)
    shape = m_zp.shape
    n = np.shape(masses)[-1]
    if table is None:
        table = m_zp.size >= TABLE_MIN_POINTS or ch in _light_table_built

    def flat(a: object, dtype: type, tail: tuple[int, ...]) -> np.ndarray:
        return np.ascontiguousarray(np.broadcast_to(np.asarray(a, dtype=dtype), shape + tail)
                                    ).reshape((-1,) + tail)

    lookup = _light_table(ch) if table else np.zeros((0, _S_NODES, 4, 4))
    out = np.empty(m_zp.size)
    xs, ws = _GL[_S_NODES]
    xp, wp = _GL[_PANEL_NODES]
    _ratio_kernel(ch.m_P, ch.m_l, flat(masses, float, (n,)), flat(widths, float, (n,)),
                  flat(u_row, complex, (n,)), flat(G, complex, (n, n)), flat(g_l, float, ()),
                  flat(g_P, float, ()), flat(m_zp, float, ()), n_light, lookup, xs, ws, xp, wp, out)
    return out.reshape(shape)
