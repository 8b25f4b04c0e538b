"""Meson decays with a Z': pi0 -> gamma Z', the light-neutrino EFT of P+ -> l+ nu Z', and R_K.

pi0 -> gamma Z' (anomaly vertex, REFERENCE R.5.15):
    Gamma/Gamma(pi0 -> gamma gamma) = 2 eps_eff^2 (1 - m_Z'^2/m_pi^2)^3,  eps_eff = (2 g_u + g_d)/e.

P+ -> l+ nu Z' in the light-neutrino EFT (REFERENCE R.5.13, the approach of arXiv:1702.04187): the
Z' couples to the neutrinos only, through (g_nu)_{b l}, and heavy states are integrated out:
BR(P -> l nu Z') = BR(P -> l nu) g^2 r(m_Z'), g^2 = sum_b |(g_nu)_{b l}|^2, with r the integral of
``meson_three_body`` for one massless neutrino of unit coupling (one formula for both). The model's
prediction is ``meson_three_body`` with every neutral state and the emission off the lepton and
the meson; the EFT is its limit of heavy internal states (F12), valid only for m_N >> m_P.

R_K: for heavy states above m_K the two-body rates scale with (N N^dagger)_ll = 1 - Theta_l^2, so
R_K/R_K^SM = (1 - Theta_e^2)/(1 - Theta_mu^2).

References: REFERENCE.md sections 5.7-5.8 (R.5.13-R.5.15), F7, F12; arXiv:1702.04187; paper
section II A 3 (K and pi decays) and II B (pi0 -> gamma Z').
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike

from lfvnsi.constants import branching_fraction, standard_model
from lfvnsi.observables.meson_three_body import Channel, channel, three_body_ratio

__all__ = ["br_meson_to_lepton_nu_zprime", "br_pi0_to_gamma_zprime", "meson_ratio", "r_k_ratio"]


def br_pi0_to_gamma_zprime(g_u: ArrayLike, g_d: ArrayLike, m_zprime: ArrayLike) -> np.ndarray:
    """BR(pi0 -> gamma Z') = 2 eps_eff^2 (1 - m_Z'^2/m_pi0^2)^3 BR(pi0 -> gamma gamma) (R.5.15)."""
    sm = standard_model()
    eps_eff = (2.0 * np.asarray(g_u) + np.asarray(g_d)) / sm.e
    x = np.clip(1.0 - (np.asarray(m_zprime) / sm.m_pi0) ** 2, 0.0, None)
    return 2.0 * eps_eff**2 * x**3 * branching_fraction("S009.1")


def meson_ratio(meson: str, lepton: str, m_zprime: ArrayLike) -> np.ndarray:
    """Gamma(P -> l nu Z') / (Gamma(P -> l nu) g^2) of one massless neutrino coupled with unit
    strength (the EFT): ``meson_three_body.three_body_ratio`` on a dense grid of m_Z' (cubic in
    the logit of m_Z'/(m_P - m_l), log r; 2e-7 from the direct integral), direct outside it."""
    m = np.asarray(m_zprime, dtype=float)
    ch = channel(meson, lepton)
    if m.size < _EFT_GRID // 4 and not _eft_curve.cache_info().currsize:  # small batch: directly
        return _eft_direct(ch, m)
    xi, log_r = _eft_curve(meson, lepton)
    y = np.clip(m / ch.top, 1e-300, 1.0)
    with np.errstate(divide="ignore"):
        u = np.log(y) - np.log1p(-y)
    inside = (u >= xi[1]) & (u <= xi[-2]) & (m < ch.top)
    out = np.where(m < ch.top, np.nan, 0.0)
    if np.any(inside):
        out[inside] = np.exp(_cubic(xi, log_r, u[inside]))
    rest = ~inside & (m < ch.top)
    if np.any(rest):
        out[rest] = _eft_direct(ch, m[rest])
    return out if out.ndim else out[()]


_EFT_GRID = 2001


def _eft_direct(ch: Channel, m: np.ndarray) -> np.ndarray:
    one = np.ones(m.shape + (1,))
    return three_body_ratio(ch, 0.0 * one, 0.0 * one, one.astype(complex),
                            one[..., None].astype(complex), np.zeros(m.shape), np.zeros(m.shape), m,
                            n_light=1)


@cache
def _eft_curve(meson: str, lepton: str) -> tuple[np.ndarray, np.ndarray]:
    """(logit grid, log r) of the EFT ratio; 2001 points over m_Z'/(m_P - m_l) in 1e-6 .. 1 - 1e-4."""
    ch = channel(meson, lepton)
    xi = np.linspace(np.log(1e-6), np.log((1.0 - 1e-4) / 1e-4), _EFT_GRID)
    return xi, np.log(_eft_direct(ch, ch.top / (1.0 + np.exp(-xi))))


def _cubic(x: np.ndarray, f: np.ndarray, u: np.ndarray) -> np.ndarray:
    """4-point Lagrange interpolation of f on the uniform grid x at u (inside x[1] .. x[-2])."""
    h = x[1] - x[0]
    g = (u - x[0]) / h
    i0 = np.clip(np.floor(g).astype(int) - 1, 0, len(x) - 4)
    t = g - i0
    w = [-(t - 1) * (t - 2) * (t - 3) / 6, t * (t - 2) * (t - 3) / 2, -t * (t - 1) * (t - 3) / 2,
         t * (t - 1) * (t - 2) / 6]
    return sum(w[k] * f[i0 + k] for k in range(4))


def br_meson_to_lepton_nu_zprime(meson: str, lepton: str, g2: ArrayLike,
                                 m_zprime: ArrayLike) -> np.ndarray:
    """EFT: BR(P+ -> l+ nu Z') = BR(P+ -> l+ nu) g^2 r(m_Z'), g^2 = sum_b |(g_nu)_{b l}|^2 (R.5.13)."""
    return channel(meson, lepton).br_two_body() * np.asarray(g2) * meson_ratio(meson, lepton, m_zprime)


def r_k_ratio(theta2_e: np.ndarray, theta2_mu: np.ndarray) -> np.ndarray:
    """R_K / R_K^SM = (1 - Theta_e^2)/(1 - Theta_mu^2) for heavy states above m_K."""
    return (1.0 - theta2_e) / (1.0 - theta2_mu)

