"""Charged-lepton flavour violation through the one-loop LFV Z' vertex: l_a -> l_b Z', mu-e conversion.

The W-nu_k loop induces L = C_ba Z'_mu l_b-bar gamma^mu P_L l_a + h.c.; the leading term cancels
(flavour states are U(1)'-neutral), leaving a GIM-like m_psi^2/m_W^2. The paper estimates
C_ba = kappa g^2/(16 pi^2) (g_nu)_ab m_psi^2/m_W^2 = kappa G_F m_psi^2 (g_nu)_ab/(2 sqrt2 pi^2)
(using g^2 = 8 G_F m_W^2/sqrt2); no loop calculation exists, so kappa = 1 by default and every
observable here is an ESTIMATE of that size (REFERENCE R.5.9). m_psi^2 is taken as the psi-weighted
mean of the heavy masses squared. What is exact given C:

* l_a -> l_b Z': the two-body width of R.5.1 with c_L = C (R.5.10); the paper's prefactor
  m_a/(4 pi) is 8x the exact 1/(32 pi) (F2), its formula is kept as the ``_paper_estimate``.
* mu-e conversion: Z' exchange at |q| ~ m_mu gives c_N = C g_N/(m_Z'^2 + m_mu^2) for N = p, n,
  and omega_conv = 4 m_mu^5 |c_p V_p + c_n V_n|^2 with the Kitano-Koike-Okada overlap integrals
  (R.5.11); the paper's Eq. 19 omits the coherent nuclear matrix element (F3) and is kept as
  the estimate. Finite-range corrections for m_Z' <~ m_mu are not included (REFERENCE 5.6 (ii)).

References: REFERENCE.md sections 5.5-5.6 (R.5.9-R.5.12), F2, F3; paper Eq. 19 and the estimate
before it; hep-ph/0203110 (KKO); arXiv:1602.03810.
"""

from __future__ import annotations

import math
import tomllib
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike

from lfvnsi.constants import standard_model
from lfvnsi.observables.widths import width_fermion_to_fermion_vector

__all__ = ["NUCLEI", "br_lepton_to_lepton_zprime", "br_lepton_to_lepton_zprime_paper",
           "lfv_vertex", "mu_e_conversion", "mu_e_conversion_paper"]

#: Nuclei with mu-e conversion inputs (data/nuclear.toml).
NUCLEI = ("Al", "Ti", "Au")


@cache
def _nuclear() -> dict[str, dict[str, float]]:
    text = resources.files("lfvnsi.data").joinpath("nuclear.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def lfv_vertex(g_nu_ab: ArrayLike, m_psi: ArrayLike, kappa: float = 1.0) -> np.ndarray:
    """C_ba = kappa G_F m_psi^2 (g_nu)_ab / (2 sqrt2 pi^2), the paper's one-loop estimate (R.5.9)."""
    G_F = standard_model().G_F
    return kappa * G_F * np.asarray(m_psi) ** 2 * np.asarray(g_nu_ab) / (2.0 * math.sqrt(2.0)
                                                                    * math.pi**2)


def _lepton(name: str) -> tuple[float, float]:
    sm = standard_model()
    return {"e": (sm.m_e, 0.0), "mu": (sm.m_mu, sm.Gamma_mu), "tau": (sm.m_tau, sm.Gamma_tau)}[name]


def br_lepton_to_lepton_zprime(a: str, b: str, C: ArrayLike, m_zprime: ArrayLike
                               ) -> np.ndarray:
    """BR(l_a -> l_b Z') from the exact two-body width with c_L = C, c_R = 0 (R.5.1, R.5.10)."""
    m_a, width_a = _lepton(a)
    m_b, _ = _lepton(b)
    return width_fermion_to_fermion_vector(m_a, m_b, m_zprime, C, 0.0) / width_a


def br_lepton_to_lepton_zprime_paper(a: str, g_nu_ab: ArrayLike, m_psi: ArrayLike,
                                     m_zprime: ArrayLike) -> np.ndarray:
    """The paper's estimate (m_a/4 pi)(m_psi^2/m_W^2 g_nu/16 pi^2)^2 g^4 m_a^2/m_Z'^2, / Gamma_a."""
    sm = standard_model()
    m_a, width_a = _lepton(a)
    m_zprime = np.asarray(m_zprime, dtype=float)
    g2 = 8.0 * sm.G_F * sm.m_W**2 / math.sqrt(2.0)
    rate = (m_a / (4 * math.pi) * (np.asarray(m_psi) ** 2 / sm.m_W**2 * np.abs(g_nu_ab)
                                   / (16 * math.pi**2)) ** 2 * g2**2 * m_a**2 / m_zprime**2)
    return np.where(m_zprime < m_a, rate, 0.0) / width_a


def mu_e_conversion(nucleus: str, C: ArrayLike, g_p: ArrayLike, g_n: ArrayLike,
                    m_zprime: ArrayLike) -> np.ndarray:
    """R = omega_conv / omega_capt on a nucleus (KKO-normalised, R.5.11)."""
    sm = standard_model()
    data = _nuclear()[nucleus]
    prop = 1.0 / (np.asarray(m_zprime) ** 2 + sm.m_mu**2)
    amp = np.asarray(C) * prop * (np.asarray(g_p) * data["V_p"] + np.asarray(g_n) * data["V_n"])
    omega = 4.0 * sm.m_mu**5 * np.abs(amp) ** 2  # GeV
    capture = data["capture_rate_per_s"] * sm.hbar_GeV_s  # s^-1 -> GeV
    return omega / capture


def mu_e_conversion_paper(g_nu_emu: ArrayLike, g_q: ArrayLike, m_psi: ArrayLike,
                          m_zprime: ArrayLike) -> np.ndarray:
    """Paper Eq. 19: R ~ (g_nu g_q/16 pi^2)^2 (m_psi^2/(m_mu^2 + m_Z'^2))^2 (no nucleus)."""
    m_mu = standard_model().m_mu
    return ((np.abs(g_nu_emu) * np.abs(g_q) / (16 * math.pi**2)) ** 2
            * (np.asarray(m_psi) ** 2 / (m_mu**2 + np.asarray(m_zprime) ** 2)) ** 2)
