"""Decays of the heavy neutral states: N_k -> X_l Z' (two-body) against the electroweak three-body.

Two-body, for every heavy mass eigenstate k (a Majorana field) and every lighter state l, from
R.5.1 with c_L = G_lk, c_R = -G_lk^* (both nu and nu-bar final states: kappa_M = 2 of R.5.6).

Electroweak, through the active admixture Theta_ak = U_{nu_a k} (Majorana: twice the Dirac
width of R.5.7), massless final states with step thresholds; enough to decide the dominance, which
the paper needs by orders of magnitude:
    invisible  nu_a nu nu-bar              G_F^2 m^5 |Theta_a|^2 / (192 pi^3)
    leptonic   l_a l_b nu_b (b != a, CC), nu_a l_b l_b (NC: 1/4 -+ s_W^2 + 2 s_W^4)
    hadronic   below 1 GeV: l_a pi+, nu_a pi0 (R.5.7c); above: quarks (N_c |V_ud|^2 for u d-bar
               and the NC u, d, s with their Z couplings), massless.
The Z' exchange between N and the matter current (three-body N -> nu f f-bar) is far smaller than
N -> nu Z' when that is open and is not included.

References: REFERENCE.md section 5.3 (R.5.6, R.5.7), paper section II A 3 ("g_psi^2 >>
(g^4/16 pi^2)(m_N/m_W)^4"); HNL widths: arXiv:1805.08567, 0705.1729.
"""

from __future__ import annotations

import numpy as np

from lfvnsi.constants import standard_model
from lfvnsi.observables.widths import width_fermion_to_fermion_vector

__all__ = ["heavy_electroweak_widths", "heavy_two_body_widths"]

_N_LIGHT = 3


def heavy_two_body_widths(m_zprime: np.ndarray, G: np.ndarray, masses: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray]:
    """(..., n_heavy) widths of N_k -> (light nu) Z' and N_k -> (lighter heavy) Z', GeV.

    References: REFERENCE.md R.5.1 (Majorana rules), R.5.6.
    """
    n = masses.shape[-1]
    mk = masses[..., None, _N_LIGHT:]  # decaying heavy state (columns)
    ml = masses[..., :, None]  # any final state (rows)
    Gk = G[..., :, _N_LIGHT:]
    F = width_fermion_to_fermion_vector(mk, ml, np.asarray(m_zprime)[..., None, None], Gk,
                                        -np.conj(Gk))
    F = np.where(ml < mk, F, 0.0)  # only lighter final states (F vanishes above threshold)
    to_light = np.sum(F[..., :_N_LIGHT, :], axis=-2)
    to_heavy = np.sum(F[..., _N_LIGHT:n, :], axis=-2)
    return to_light, to_heavy


def heavy_electroweak_widths(masses: np.ndarray, mixing: np.ndarray) -> np.ndarray:
    """(..., n_heavy) electroweak three-body width of each heavy Majorana state, GeV (R.5.7).

    ``mixing`` is the (..., n, n) unitary U; Theta_ak = U[a, k] for the flavour rows a = 0, 1, 2.
    """
    sm = standard_model()
    m = masses[..., _N_LIGHT:]
    theta2 = np.abs(mixing[..., :3, _N_LIGHT:]) ** 2  # (..., 3, n_heavy)
    unit = sm.G_F**2 * m**5 / (192.0 * np.pi**3)
    s2 = sm.sin2_theta_w_msbar_mz
    lepton_mass = (sm.m_e, sm.m_mu, sm.m_tau)
    width = np.zeros(m.shape)
    for a in range(3):
        per_flavour = unit.copy()  # invisible nu_a nu nu-bar
        for b in range(3):
            if b != a:  # l_a- l_b+ nu_b (charged current)
                per_flavour += np.where(m > lepton_mass[a] + lepton_mass[b], unit, 0.0)
            nc = 0.25 + s2 + 2 * s2**2 if b == a else 0.25 - s2 + 2 * s2**2
            per_flavour += np.where(m > 2 * lepton_mass[b], unit * nc, 0.0)
        # hadrons: exclusive pions below 1 GeV, quarks above
        x_pi = (sm.m_pi / m) ** 2
        x_l = (lepton_mass[a] / m) ** 2
        lam = np.maximum((1 - x_pi - x_l) ** 2 - 4 * x_pi * x_l, 0.0)
        cc_pi = np.where(m > sm.m_pi + lepton_mass[a],
                         sm.G_F**2 * sm.f_pi**2 * sm.V_ud**2 * m**3 / (16 * np.pi) * np.sqrt(lam)
                         * ((1 - x_l) ** 2 - x_pi * (1 + x_l)), 0.0)
        nc_pi = np.where(m > sm.m_pi0, sm.G_F**2 * sm.f_pi**2 * m**3 / (32 * np.pi)
                         * (1 - (sm.m_pi0 / m) ** 2) ** 2, 0.0)
        # charged current l_a u d-bar (N_c |V_ud|^2); neutral current nu_a q q-bar for u, d, s
        # with g_L^2 + g_R^2 = 1/4 - 2/3 s^2 + 8/9 s^4 (u), 1/4 - 1/3 s^2 + 2/9 s^4 (d, s)
        quarks = unit * 3 * (sm.V_ud**2 + (0.25 - 2 / 3 * s2 + 8 / 9 * s2**2)
                             + 2 * (0.25 - 1 / 3 * s2 + 2 / 9 * s2**2))
        per_flavour += np.where(m < 1.0, cc_pi + nc_pi, quarks)
        width += 2.0 * theta2[..., a, :] * per_flavour  # Majorana: both charge-conjugate modes
    return width
