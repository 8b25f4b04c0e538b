"""Meson decays with a Z': pi0 -> gamma Z', P+ -> l+ nu Z' (P = K, pi), and R_K.

pi0 -> gamma Z' (anomaly vertex, REFERENCE R.5.15):
    Gamma/Gamma(pi0 -> gamma gamma) = 2 eps_eff^2 (1 - m_Z'^2/m_pi^2)^3,  eps_eff = (2 g_u + g_d)/e.

P+ -> l+ nu_b Z' with the Z' radiated off the neutrino line, in the light-neutrino EFT (REFERENCE
R.5.13): M = sqrt2 G_F V f_P (g_nu)_{b a} eps*_s u-bar(p) gamma^s q-slash p_P-slash P_L v(l) / q^2,
q = p + k. Summing spins and Z' polarisations (-g + k k/m_Z'^2) the trace collapses to

    sum |M|^2 = 2 [G_F V f_P g]^2 (2 p.z + 4 (p.k)(k.z)/m_Z'^2) / q^4,
    z = 2 (q.w) q - q^2 w,  w = 2 (p_P.l) p_P - m_P^2 l,

(the lepton mass enters only through kinematics; the k k/m_Z'^2 term is the longitudinal mode,
which lifts the helicity suppression). Divided by Gamma(P -> l nu) = G_F^2 f_P^2 V^2 m_l^2
(m_P^2 - m_l^2)^2/(8 pi m_P^3), f_P and V drop out: BR(P -> l nu Z') = BR(P -> l nu) g^2 r(m_Z'),
g^2 = sum_b |(g_nu)_{b l}|^2, with r a Dalitz integral (Gauss-Legendre) tabulated once per channel.
Internal heavy states are integrated out (corrections O(m_P^2/m_N^2), REFERENCE 5.7 "full model").

R_K: for heavy states above m_K the two-body rates scale with (N N^dagger)_ll = 1 - Theta_l^2, so
R_K/R_K^SM = (1 - Theta_e^2)/(1 - Theta_mu^2).

References: REFERENCE.md sections 5.7-5.8 (R.5.13-R.5.15), F7; arXiv:1702.04187; paper
section II A 3 (K and pi decays) and II B (pi0 -> gamma Z').
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike

from lfvnsi.constants import branching_fraction, standard_model

__all__ = ["br_meson_to_lepton_nu_zprime", "br_pi0_to_gamma_zprime", "meson_ratio", "r_k_ratio"]

_MESONS = {"K": ("m_K", {"e": "S010.11", "mu": "S010.1"}),
           "pi": ("m_pi", {"e": "S008.2", "mu": "S008.1"})}


def br_pi0_to_gamma_zprime(g_u: ArrayLike, g_d: ArrayLike, m_zprime: ArrayLike) -> np.ndarray:
    """BR(pi0 -> gamma Z') = 2 eps_eff^2 (1 - m_Z'^2/m_pi0^2)^3 BR(pi0 -> gamma gamma) (R.5.15)."""
    sm = standard_model()
    eps_eff = (2.0 * np.asarray(g_u) + np.asarray(g_d)) / sm.e
    x = np.clip(1.0 - (np.asarray(m_zprime) / sm.m_pi0) ** 2, 0.0, None)
    return 2.0 * eps_eff**2 * x**3 * branching_fraction("S009.1")


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a[..., 0] * b[..., 0] - a[..., 1] * b[..., 1] - a[..., 2] * b[..., 2] - a[..., 3] * b[..., 3]


def _ratio(m_P: float, m_l: float, m_V: np.ndarray, nodes: int = 40) -> np.ndarray:
    """Gamma(P -> l nu V)/(Gamma(P -> l nu) g^2) for each m_V (Dalitz integral, see module doc)."""
    x, wts = np.polynomial.legendre.leggauss(nodes)
    m_V = np.atleast_1d(np.asarray(m_V, dtype=float))
    out = np.zeros(m_V.shape)
    ok = m_V < m_P - m_l
    mV = m_V[ok][:, None, None]
    # s12 = (p_nu + k)^2 = q^2, s23 = (k + l)^2
    lo12, hi12 = mV**2, (m_P - m_l) ** 2
    s12 = 0.5 * (hi12 - lo12) * x[None, :, None] + 0.5 * (hi12 + lo12)
    root = np.sqrt(s12)
    E_k = (s12 + mV**2) / (2 * root)  # in the (nu k) rest frame
    E_l = (m_P**2 - s12 - m_l**2) / (2 * root)
    p_k = np.sqrt(np.maximum(E_k**2 - mV**2, 0.0))
    p_l = np.sqrt(np.maximum(E_l**2 - m_l**2, 0.0))
    lo23, hi23 = (E_k + E_l) ** 2 - (p_k + p_l) ** 2, (E_k + E_l) ** 2 - (p_k - p_l) ** 2
    s23 = 0.5 * (hi23 - lo23) * x[None, None, :] + 0.5 * (hi23 + lo23)
    # Lorentz invariants from (s12, s23): p = nu, k = Z', l = lepton, P = p + k + l
    pk = 0.5 * (s12 - mV**2)
    kl = 0.5 * (s23 - mV**2 - m_l**2)
    s13 = m_P**2 + mV**2 + m_l**2 - s12 - s23
    pl = 0.5 * (s13 - m_l**2)
    Pl = pl + kl + m_l**2  # P.l = p.l + k.l + l.l
    Pp = pk + pl  # P.p = p.k + p.l (p.p = 0)
    Pk = pk + mV**2 + kl
    # w = 2 (P.l) P - m_P^2 l; q = p + k; z = 2 (q.w) q - q^2 w
    qP = Pp + Pk
    ql = pl + kl
    qw = 2 * Pl * qP - m_P**2 * ql
    pw = 2 * Pl * Pp - m_P**2 * pl
    kw = 2 * Pl * Pk - m_P**2 * kl
    pq = pk  # p.q = p.k
    kq = pk + mV**2
    pz = 2 * qw * pq - s12 * pw
    kz = 2 * qw * kq - s12 * kw
    msq = 2.0 * (2.0 * pz + 4.0 * pk * kz / mV**2) / s12**2
    inner = np.sum(msq * wts[None, None, :], axis=-1) * 0.5 * (hi23 - lo23)[..., 0]
    integral = np.sum(inner * wts[None, :], axis=-1) * 0.5 * (hi12 - lo12)[:, 0, 0]
    width3 = integral / ((2 * np.pi) ** 3 * 32 * m_P**3)
    width2 = (m_P**2 - m_l**2) ** 2 * m_l**2 / (8 * np.pi * m_P**3)
    out[ok] = width3 / width2
    return out


@cache
def _table(meson: str, lepton: str) -> tuple[np.ndarray, np.ndarray]:
    sm = standard_model()
    m_P = getattr(sm, _MESONS[meson][0])
    m_l = sm.m_e if lepton == "e" else sm.m_mu
    top = m_P - m_l
    # geometric in m at small mass, geometric in (top - m) near the endpoint
    t = np.unique(np.concatenate([np.geomspace(1e-4 / top, 0.5, 500),
                                  1.0 - np.geomspace(0.5, 1e-7, 700)]))
    grid = top * t
    # in blocks: the Dalitz integrand of the whole grid at once would be ~1e8 bytes per temporary
    ratio = np.concatenate([_ratio(m_P, m_l, grid[i:i + 64]) for i in range(0, len(grid), 64)])
    return grid, np.log(np.maximum(ratio, 1e-300))


def meson_ratio(meson: str, lepton: str, m_zprime: ArrayLike) -> np.ndarray:
    """Gamma(P -> l nu Z') / (Gamma(P -> l nu) g^2), interpolated (log r) from ``_table``.

    Below 1e-4 GeV the longitudinal 1/m_Z'^2 scaling is used (exact in that limit).
    """
    grid, log_r = _table(meson, lepton)
    m = np.asarray(m_zprime, dtype=float)
    small = m < grid[0]
    inside = np.interp(np.where(small, grid[0], m), grid, log_r)
    below = log_r[0] + 2.0 * np.log(grid[0] / np.maximum(m, 1e-300))
    value = np.exp(np.where(small, below, inside))
    return np.where(m < grid[-1], value, 0.0)


def br_meson_to_lepton_nu_zprime(meson: str, lepton: str, g2: ArrayLike,
                                 m_zprime: ArrayLike) -> np.ndarray:
    """BR(P+ -> l+ nu Z') = BR(P+ -> l+ nu) g^2 r(m_Z'), g^2 = sum_b |(g_nu)_{b l}|^2 (R.5.13)."""
    return branching_fraction(_MESONS[meson][1][lepton]) * np.asarray(g2) * meson_ratio(meson, lepton,
                                                                             m_zprime)


def r_k_ratio(theta2_e: np.ndarray, theta2_mu: np.ndarray) -> np.ndarray:
    """R_K / R_K^SM = (1 - Theta_e^2)/(1 - Theta_mu^2) for heavy states above m_K."""
    return (1.0 - theta2_e) / (1.0 - theta2_mu)

