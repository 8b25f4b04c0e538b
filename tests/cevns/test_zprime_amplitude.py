"""CEvNS with the model's Z', against an independent evaluation of the textbook amplitude.

The amplitude of nu_a(k) + A(P) -> nu_b(k') + A(P') on a spin-0 nucleus is

    M_ba = -[sqrt2 G_F Q_SM delta_ab + (g_nu)_ba g_A / (Q^2 + m_Z'^2)] F(Q) u-bar(k') gamma^mu P_L u(k) J_mu,

J = P + P', g_A = Z g_p + N g_n the coherent vector charge of the nucleus, Q_SM = Z (1/2 - 2 s_W^2)
- N/2 (the Z-exchange term written the same way: L = -sqrt2 G_F (nu-bar gamma P_L nu) sum_f g_V^f
f-bar gamma f). Here the spin sum is taken with explicit lab-frame four-vectors,
sum |u-bar' J-slash P_L u|^2 = 2 [2 (J.k)(J.k') - J^2 (k.k')], and dsigma/dT = sum |M|^2 /(32 pi M E^2):
no eps, no kinematic factor of the engine. The engine builds the same cross section from eps^V
(REFERENCE R.4.8-R.4.9); with the paper's Eq. 6 normalisation the Z' term would be half.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lfvnsi import Parameters
from lfvnsi.cevns.cross_section import CEvNSCouplings, differential_cross_section
from lfvnsi.cevns.form_factors import helm
from lfvnsi.cevns.model import couplings_from_parameters
from lfvnsi.cevns.nuclei import nucleus
from lfvnsi.constants import standard_model
from lfvnsi.pipeline import evaluate


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    return float(a[0] * b[0] - a[1:] @ b[1:])


def _trace_cross_section(E: float, T: float, name: str, alpha: int, params: Parameters) -> float:
    """dsigma/dT (GeV^-3) for nu_alpha from the amplitude above, summed over final flavours."""
    sm = standard_model()
    nuc = nucleus(name)
    M = nuc.mass
    r = evaluate(params)
    g_nu = np.asarray(r.nsi.g_nu_total)  # total left-handed nu coupling (psi-induced + gauged)
    g_A = nuc.Z * float(r.matter.g["p"]) + nuc.N * float(r.matter.g["n"])
    m = float(params.m_zprime)
    # lab frame: nucleus at rest, neutrino along z; T fixes the outgoing neutrino angle
    E_out = E - T
    P = np.array([M, 0.0, 0.0, 0.0])
    k = np.array([E, 0.0, 0.0, E])
    cos_theta = 1.0 - M * T / (E * E_out)  # from (k - k')^2 = -2 M T
    sin_theta = math.sqrt(max(1.0 - cos_theta**2, 0.0))
    k_out = E_out * np.array([1.0, sin_theta, 0.0, cos_theta])
    P_out = P + k - k_out
    J = P + P_out
    Q2 = -_dot(k - k_out, k - k_out)
    spin_sum = 2.0 * (2.0 * _dot(J, k) * _dot(J, k_out) - _dot(J, J) * _dot(k, k_out))
    s2 = sm.sin2_theta_w_low_energy
    Q_SM = nuc.Z * (0.5 - 2.0 * s2) - 0.5 * nuc.N
    F = float(helm(math.sqrt(Q2), nuc.A))
    total = 0.0
    for beta in range(3):
        A = math.sqrt(2.0) * sm.G_F * Q_SM * (alpha == beta) + g_nu[beta, alpha] * g_A / (Q2 + m * m)
        total += abs(A) ** 2
    return total * F**2 * spin_sum / (32.0 * math.pi * M * E**2)


B_MINUS_3L_MU = {"beta": "tau", "a_mu": 3.0, "a_tau": 0.0, "g_B": 1e-4}


@pytest.mark.parametrize(("E", "T", "m_zprime", "name", "alpha", "changes"), [
    (0.030, 2e-6, 0.030, "Cs133", 1, B_MINUS_3L_MU),
    (0.0528, 10e-6, 0.010, "Cs133", 1, B_MINUS_3L_MU),
    (0.040, 5e-6, 0.003, "I127", 0, {"g_B": 3e-4}),
    (0.045, 30e-6, 0.100, "Ar40", 0, {}),
    (0.020, 1e-6, 1.0, "Cs133", 1, {"matter": "kinetic", "kinetic_mixing": 3e-4, "g_B": 0.0}),
])
def test_engine_equals_the_textbook_amplitude(E: float, T: float, m_zprime: float, name: str,
                                              alpha: int, changes: dict[str, object]) -> None:
    p = Parameters.benchmark().replace(m_zprime=m_zprime, **changes)
    engine = differential_cross_section(E, np.array([T]), nucleus(name), alpha,
                                        couplings_from_parameters(p))
    assert float(engine[0]) == pytest.approx(_trace_cross_section(E, T, name, alpha, p), rel=1e-9)


def test_b_minus_3l_mu_ratio_to_the_standard_model() -> None:
    """nu_mu on Cs-133, E = 30 MeV, T = 2 keV, U(1)' = B - 3 L_mu (e-tau pair), g_B = 1e-4,
    m_Z' = 30 MeV: sigma/sigma_SM = 31.275 (the paper's Eq. 6 normalisation would give 10.865)."""
    p = Parameters.benchmark().replace(m_zprime=0.030, **B_MINUS_3L_MU)
    T = np.array([2e-6])
    model = differential_cross_section(0.030, T, nucleus("Cs133"), 1, couplings_from_parameters(p))
    sm = differential_cross_section(0.030, T, nucleus("Cs133"), 1)
    assert float(model[0] / sm[0]) == pytest.approx(31.275, rel=2e-4)


def test_heavy_z_prime_is_the_contact_nsi_cross_section() -> None:
    """m_Z' = 3 GeV >> Q (Q^2/m^2 < 1e-3 here): the model's cross section equals the standard
    contact-NSI one with eps^V = g_f g_nu/(sqrt2 G_F m^2) typed by hand, and the light-mediator
    factor m^2/(m^2 + Q^2) of R.4.8 accounts for all of the difference."""
    G_F = 1.1663787e-5  # GeV^-2 (CODATA), an independent input here
    m = 3.0
    p = Parameters.benchmark().replace(m_zprime=m, **{**B_MINUS_3L_MU, "g_B": 1.0})
    r = evaluate(p)
    eps_q = float(r.matter.g["u"]) * np.asarray(r.nsi.g_nu_total) / (math.sqrt(2.0) * G_F * m * m)
    nuc = nucleus("Cs133")
    for T in (1e-6, 8e-6, 30e-6):
        h = m * m / (m * m + 2.0 * nuc.mass * T)
        assert 1.0 - h < 1e-3
        contact = CEvNSCouplings.from_arrays(h * eps_q, h * eps_q)
        for alpha in range(3):
            light = differential_cross_section(0.05, np.array([T]), nuc, alpha,
                                               couplings_from_parameters(p))
            heavy = differential_cross_section(0.05, np.array([T]), nuc, alpha, contact)
            assert float(light[0]) == pytest.approx(float(heavy[0]), rel=1e-9)
            sm = differential_cross_section(0.05, np.array([T]), nuc, alpha)
            assert abs(float(light[0]) / float(sm[0]) - 1.0) > 0.01  # a large NSI effect
