"""Hadronic decays of a light vector with quark couplings g_u, g_d, g_s (vector-meson dominance).

The quark current splits into an isovector part, (g_u - g_d)/2 (u u-bar - d d-bar), that couples
through the rho; an isoscalar light part, (g_u + g_d)/2 (u u-bar + d d-bar), through the omega; and
s s-bar through the phi (ideal mixing). Relative to a photon of charge e the three components are

    c_rho = (g_u - g_d)/e,   c_omega = 3 (g_u + g_d)/e,   c_phi = -3 g_s/e,

so a baryon-number coupling (g_u = g_d = g_s) has c_rho = 0 (no pi+ pi- in the isospin limit:
G-parity) and c_omega : c_phi = 2 : -1 (the weights of DarkCast, arXiv:1801.04847).

Channels below ``PERTURBATIVE_FROM``:
  * pi0 gamma from the anomaly (WZW) vertex with omega/rho form factors (REFERENCE R.5.5; the
    same form as arXiv:1404.4370), amplitude (3/2)(g_u + g_d) F_omega + (1/2)(g_u - g_d) F_rho;
  * pi+ pi- from the isovector part with the rho form factor (energy-dependent p-wave width);
  * pi+ pi- pi0 through the omega and the phi, K+ K- and K0 K0-bar through the phi: each a
    Breit-Wigner normalised to the measured e+e- peak, Gamma(X -> F) = c_V^2 (alpha M/3) R_F(M^2)
    with R_F = sigma(e+e- -> V -> F)/sigma(e+e- -> mu+ mu-); the partial width into F follows the
    phase space off the peak (p-wave |p+ x p-|^2 Dalitz density for 3 pi, p^3 for K K-bar).
From ``PERTURBATIVE_FROM`` on: open quark flavours with one-loop alpha_s, N_c (1 + alpha_s/pi).

Omitted, and so the model is approximate there: excited vector mesons (rho', omega', phi'; the
1.05-1.6 GeV region is low by up to ~30% against data-driven widths), rho-omega mixing (a small
pi+ pi- for baryonic couplings near the omega), and four-pion and eta gamma channels. Against the
DarkCast-derived B-L table (tests/observables/test_zprime.py) the branching ratios agree to 1-3%
below 0.7 GeV and to ~10% above 1.7 GeV; in 1.1-1.6 GeV duality overshoots the data by ~30%. Masses,
widths and branching fractions come from the PDG database (`pdg`).

References: REFERENCE.md section 5.2 (R.5.5) and F7; arXiv:1801.04847 (DarkCast), 1404.4370.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import ArrayLike

from lfvnsi.constants import branching_fraction, standard_model

__all__ = ["PERTURBATIVE_FROM", "hadronic_widths"]

#: From this mass (GeV) on the hadronic width is perturbative (open quarks with alpha_s): above
#: the phi the ground-state mesons no longer describe the data, and duality does on average.
PERTURBATIVE_FROM = 1.1


@dataclass(frozen=True)
class _Mesons:
    alpha: float
    m_pi: float
    m_pi0: float
    m_K: float
    m_K0: float
    f_pi92: float
    m_rho: float
    G_rho: float
    m_omega: float
    G_omega: float
    m_phi: float
    G_phi: float
    br_omega_ee: float
    br_omega_3pi: float
    br_phi_ee: float
    br_phi_KK: float
    br_phi_K0K0: float
    br_phi_3pi: float
    alpha_s_mz: float
    m_Z: float
    m_charm_threshold: float
    m_bottom_threshold: float


@cache
def _mesons() -> _Mesons:
    sm = standard_model()
    return _Mesons(
        alpha=sm.alpha, m_pi=sm.m_pi, m_pi0=sm.m_pi0, m_K=sm.m_K, m_K0=sm.m_K0,
        f_pi92=sm.f_pi / math.sqrt(2.0),
        m_rho=sm.m_rho, G_rho=sm.Gamma_rho, m_omega=sm.m_omega, G_omega=sm.Gamma_omega,
        m_phi=sm.m_phi, G_phi=sm.Gamma_phi,
        br_omega_ee=branching_fraction("M001.7"), br_omega_3pi=branching_fraction("M001.1"),
        br_phi_ee=branching_fraction("M004.5"), br_phi_KK=branching_fraction("M004.1"),
        br_phi_K0K0=branching_fraction("M004.2"), br_phi_3pi=branching_fraction("M004.24"),
        alpha_s_mz=sm.alpha_s_mz, m_Z=sm.m_Z,
        m_charm_threshold=2.0 * sm.m_D0, m_bottom_threshold=2.0 * sm.m_B,
    )


def _momentum(s: np.ndarray, m: float) -> np.ndarray:
    """Momentum of each of two particles of mass m at invariant mass squared s (0 below)."""
    return np.sqrt(np.maximum(s / 4.0 - m * m, 0.0))


def _rho_form_factor(s: np.ndarray, k: _Mesons) -> np.ndarray:
    """F_rho(s) = m^2/(m^2 - s - i sqrt(s) Gamma(s)), p-wave width Gamma(s) = Gamma (p/p0)^3 m/sqrt(s)."""
    p0 = _momentum(np.asarray(k.m_rho**2), k.m_pi)
    root = np.sqrt(np.maximum(s, 1e-300))
    width = k.G_rho * (_momentum(s, k.m_pi) / p0) ** 3 * k.m_rho / root
    return k.m_rho**2 / (k.m_rho**2 - s - 1j * root * width)


def _bw(s: np.ndarray, m: float, width: float) -> np.ndarray:
    """Fixed-width relativistic Breit-Wigner m^2/(m^2 - s - i m Gamma), unity at s = 0."""
    return m * m / (m * m - s - 1j * m * width)


def _r_resonance(s: np.ndarray, m: float, width: float, br_ee: float, br_f: np.ndarray,
                 alpha: float) -> np.ndarray:
    """R_F(s) of e+e- -> V -> F: 9 s BR_ee BR_F Gamma^2 / (alpha^2 ((s - m^2)^2 + m^2 Gamma^2))."""
    return 9.0 * s * br_ee * br_f * width**2 / (alpha**2 * ((s - m * m) ** 2 + (m * width) ** 2))


def _three_pion_density(M: np.ndarray, m_pi: float, m_pi0: float, nodes: int = 48) -> np.ndarray:
    """Phase-space integral of the omega -> pi+ pi- pi0 p-wave density |p+ x p-|^2, / M^3.

    Proportional to the partial width of a vector of mass M into three pions through a pointlike
    vertex (Gauss-Legendre over the Dalitz plot); the ratio to its value at m_omega gives the
    energy dependence of Gamma(omega -> 3 pi).
    """
    x, wts = np.polynomial.legendre.leggauss(nodes)
    M = np.atleast_1d(np.asarray(M, dtype=float))
    out = np.zeros(M.shape)
    ok = M > 2.0 * m_pi + m_pi0
    Mo = M[ok][:, None, None]
    lo12, hi12 = (2.0 * m_pi) ** 2, (Mo - m_pi0) ** 2
    s12 = 0.5 * (hi12 - lo12) * x[None, :, None] + 0.5 * (hi12 + lo12)
    # s23 range at fixed s12 (1 = pi+, 2 = pi-, 3 = pi0), standard Dalitz limits
    E2 = np.sqrt(s12) / 2.0
    E3 = (Mo**2 - s12 - m_pi0**2) / (2.0 * np.sqrt(s12))
    p2 = np.sqrt(np.maximum(E2**2 - m_pi**2, 0.0))
    p3 = np.sqrt(np.maximum(E3**2 - m_pi0**2, 0.0))
    lo23, hi23 = (E2 + E3) ** 2 - (p2 + p3) ** 2, (E2 + E3) ** 2 - (p2 - p3) ** 2
    s23 = 0.5 * (hi23 - lo23) * x[None, None, :] + 0.5 * (hi23 + lo23)
    s13 = Mo**2 + 2.0 * m_pi**2 + m_pi0**2 - s12 - s23
    Ep = (Mo**2 + m_pi**2 - s23) / (2.0 * Mo)
    Em = (Mo**2 + m_pi**2 - s13) / (2.0 * Mo)
    pp2 = np.maximum(Ep**2 - m_pi**2, 0.0)
    pm2 = np.maximum(Em**2 - m_pi**2, 0.0)
    dot = Ep * Em - 0.5 * (s12 - 2.0 * m_pi**2)  # 3-vector product p+ . p-
    density = np.maximum(pp2 * pm2 - dot**2, 0.0)
    inner = np.sum(density * wts[None, None, :], axis=-1) * 0.5 * (hi23 - lo23)[..., 0]
    total = np.sum(inner * wts[None, :], axis=-1) * 0.5 * (hi12 - lo12)[:, 0, 0]
    out[ok] = total / M[ok] ** 3
    return out


@cache
def _three_pion_table() -> tuple[np.ndarray, np.ndarray]:
    k = _mesons()
    grid = np.linspace(2.0 * k.m_pi + k.m_pi0, PERTURBATIVE_FROM, 160)
    values = _three_pion_density(grid, k.m_pi, k.m_pi0)
    return grid, values / _three_pion_density(np.array([k.m_omega]), k.m_pi, k.m_pi0)[0]


def _three_pion_scale(M: np.ndarray) -> np.ndarray:
    """Gamma(V* -> 3 pi)(M) / Gamma(V -> 3 pi)(m_omega): 3-body p-wave phase space, tabulated."""
    grid, values = _three_pion_table()
    return np.interp(M, grid, values, left=0.0, right=values[-1])


def _alpha_s(M: np.ndarray, k: _Mesons) -> np.ndarray:
    """One-loop running alpha_s from alpha_s(m_Z), n_f = 5/4/3 below the b and c thresholds."""
    out = np.empty_like(M)
    for nf, lo, hi in ((5, k.m_bottom_threshold, np.inf), (4, k.m_charm_threshold,
                                                           k.m_bottom_threshold),
                       (3, 0.0, k.m_charm_threshold)):
        b0 = (33.0 - 2.0 * nf) / (12.0 * np.pi)
        sel = (M >= lo) & (M < hi)
        out[sel] = k.alpha_s_mz / (1.0 + b0 * k.alpha_s_mz * np.log(M[sel] ** 2 / k.m_Z**2))
    return out


def hadronic_widths(M: ArrayLike, g_u: ArrayLike, g_d: ArrayLike, g_s: ArrayLike
                    ) -> dict[str, np.ndarray]:
    """Partial widths (GeV) of a vector of mass M into hadrons, by channel, and their sum.

    Keys: ``pi0_gamma``, ``pi_pi``, ``pi_pi_pi0``, ``K_K`` (charged and neutral), ``quarks``
    (perturbative, from ``PERTURBATIVE_FROM`` on) and ``total``. See the module docstring.

    References: REFERENCE.md R.5.5; arXiv:1801.04847; 1404.4370.
    """
    k = _mesons()
    M = np.asarray(M, dtype=float)
    shape = np.broadcast_shapes(M.shape, np.shape(g_u), np.shape(g_d), np.shape(g_s))
    M = np.broadcast_to(M, shape)
    g_u, g_d, g_s = (np.broadcast_to(np.asarray(g, dtype=float), shape) for g in (g_u, g_d, g_s))
    opened = M > k.m_pi0  # below, every channel is closed: the widths are zero
    if M.size > 1 and not opened.all():
        flat = opened.reshape(-1)
        part = hadronic_widths(*(np.reshape(a, -1)[flat] for a in (M, g_u, g_d, g_s)))
        widths = {}
        for key, value in part.items():
            full = np.zeros(M.size)
            full[flat] = value
            widths[key] = full.reshape(shape)
        return widths
    s = M * M
    e = math.sqrt(4.0 * math.pi * k.alpha)
    low = M < PERTURBATIVE_FROM
    # the rho component (g_u - g_d)/e enters through the pi pi and pi0 gamma form factors below
    c_omega, c_phi = 3.0 * (g_u + g_d) / e, -3.0 * g_s / e
    out: dict[str, np.ndarray] = {}

    # pi0 gamma: anomaly vertex, Gamma = alpha g^2 M^3 (1 - m^2/M^2)^3 |A|^2 / (4 pi 96 pi^3 f^2)
    amp = (1.5 * (g_u + g_d) * _bw(s, k.m_omega, k.G_omega)
           + 0.5 * (g_u - g_d) * _rho_form_factor(s, k))
    x = np.where(M > k.m_pi0, 1.0 - k.m_pi0**2 / np.where(M > 0, s, 1.0), 0.0)
    out["pi0_gamma"] = np.where(low, k.alpha * np.abs(amp) ** 2 * M**3 * x**3
                                / (4.0 * np.pi * 96.0 * np.pi**3 * k.f_pi92**2), 0.0)
    # pi+ pi-: isovector, Gamma = (g_u - g_d)^2 M beta^3 |F_rho|^2 / (48 pi)
    beta = 2.0 * _momentum(s, k.m_pi) / np.where(M > 0, M, 1.0)
    out["pi_pi"] = np.where(low, (g_u - g_d) ** 2 * M * beta**3
                            * np.abs(_rho_form_factor(s, k)) ** 2 / (48.0 * np.pi), 0.0)
    # 3 pi (omega, phi) and K K-bar (phi, p-wave): c_V^2 (alpha M / 3) R_F
    open3 = M > 2.0 * k.m_pi + k.m_pi0
    scale3 = _three_pion_scale(M)
    r3 = (c_omega**2 * _r_resonance(s, k.m_omega, k.G_omega, k.br_omega_ee,
                                    k.br_omega_3pi * scale3, k.alpha)
          + c_phi**2 * _r_resonance(s, k.m_phi, k.G_phi, k.br_phi_ee, k.br_phi_3pi * scale3
                                    / _three_pion_scale(np.asarray(k.m_phi)), k.alpha))
    out["pi_pi_pi0"] = np.where(low & open3, k.alpha * M / 3.0 * r3, 0.0)
    kk = np.zeros(shape)
    for mK, br in ((k.m_K, k.br_phi_KK), (k.m_K0, k.br_phi_K0K0)):
        scale = (_momentum(s, mK) / _momentum(np.asarray(k.m_phi**2), mK)) ** 3 * k.m_phi**2 / s
        kk = kk + c_phi**2 * _r_resonance(s, k.m_phi, k.G_phi, k.br_phi_ee, br * scale, k.alpha)
    out["K_K"] = np.where(low, k.alpha * M / 3.0 * kk, 0.0)
    # perturbative: sum over open quarks N_c g_q^2 M/(12 pi) (1 + alpha_s/pi)
    high = ~low
    quarks = np.zeros(shape)
    if np.any(high):
        Mh = M[high]
        qcd = 1.0 + _alpha_s(Mh, k) / np.pi
        light = g_u[high] ** 2 + g_d[high] ** 2 + g_s[high] ** 2
        charm = np.where(Mh > k.m_charm_threshold, g_u[high] ** 2, 0.0)
        bottom = np.where(Mh > k.m_bottom_threshold, g_d[high] ** 2, 0.0)
        quarks[high] = 3.0 * (light + charm + bottom) * Mh / (12.0 * np.pi) * qcd
    out["quarks"] = quarks
    out["total"] = out["pi0_gamma"] + out["pi_pi"] + out["pi_pi_pi0"] + out["K_K"] + quarks
    return out
