"""The NSI normalisation, calibrated on the Standard Model and on the Z' potential itself.

The same integrating-out code (``contact_eps``) applied to the W and Z must give the textbook
matter potentials V_CC = sqrt2 G_F N_e and V_NC = -G_F N_n / sqrt2; the flavour Hamiltonian built
from the model's eps^m must equal the potential of Z' exchange written directly as
V_ab = (g_nu)_ab sum_f g_f N_f / m_Z'^2 (forward scattering on matter at rest). A factor 2 in the
convention (the paper's Eq. 6 instead of eps^V, REFERENCE F11) fails every test here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.constants as codata

from lfvnsi import Parameters
from lfvnsi.constants import standard_model
from lfvnsi.nsi import compute_nsi, contact_eps, medium
from lfvnsi.oscillation import OscillationParameters
from lfvnsi.oscillation.matter import potential_per_density_GeV
from lfvnsi.oscillation.model import model_eps_matter
from lfvnsi.oscillation.propagation import hamiltonian
from lfvnsi.pipeline import evaluate


def _electroweak() -> tuple[float, float, float, float]:
    """G_F, g, c_W (tree level, on shell: c_W = m_W/m_Z) and m_Z from the package constants."""
    sm = standard_model()
    g = math.sqrt(8.0 * sm.G_F * sm.m_W**2 / math.sqrt(2.0))
    return sm.G_F, g, sm.m_W / sm.m_Z, sm.m_Z


def _z_couplings(T3: float, Q: float) -> tuple[float, float]:
    """(g_L, g_R) of L = (g/c_W) Z f-bar gamma (T3 P_L - Q s_W^2) f."""
    _, g, c_W, _ = _electroweak()
    s2 = 1.0 - c_W**2
    return g / c_W * (T3 - Q * s2), g / c_W * (-Q * s2)


def _number_density_GeV3(rho_g_cm3: float, per_nucleon: float) -> float:
    """Particles per volume in GeV^3 for ``per_nucleon`` particles per atomic mass unit."""
    hbar_c_cm = codata.hbar * codata.c / codata.e * 1e-9 * 1e2  # GeV cm
    m_u_g = codata.physical_constants["atomic mass constant"][0] * 1e3
    return rho_g_cm3 * per_nucleon / m_u_g * hbar_c_cm**3


def test_w_exchange_gives_the_charged_current_potential() -> None:
    """W exchange, Fierz-rearranged (+1 for (V-A)x(V-A)), couples the nu_e and e left-handed
    currents with the product (g/sqrt2)^2: eps^L = 1, eps^R = 0, so V = sqrt2 G_F N_e."""
    G_F, g, _, _ = _electroweak()
    sm = standard_model()
    eps_L, eps_R = contact_eps(g / math.sqrt(2.0), g / math.sqrt(2.0), 0.0, sm.m_W)
    assert float(eps_L) == pytest.approx(1.0, rel=1e-12)
    assert float(eps_R) == 0.0
    # the oscillation engine's potential per g/cm^3 is sqrt2 G_F N_e eps^V with this eps^V
    n_e = _number_density_GeV3(1.0, 1.0)
    assert potential_per_density_GeV() == pytest.approx(
        math.sqrt(2.0) * G_F * n_e * float(eps_L + eps_R), rel=1e-12)


def test_z_exchange_gives_the_neutral_current_potential() -> None:
    """Z exchange: eps^V of neutrons is -1/2 (V_NC = -G_F N_n/sqrt2); electrons and protons cancel."""
    G_F, g, c_W, m_Z = _electroweak()
    g_nu = g / (2.0 * c_W)
    quarks = {"u": (0.5, 2 / 3), "d": (-0.5, -1 / 3)}

    def eps_v(content: dict[str, int]) -> float:
        g_L = sum(k * _z_couplings(*quarks[q])[0] for q, k in content.items())
        g_R = sum(k * _z_couplings(*quarks[q])[1] for q, k in content.items())
        eps_L, eps_R = contact_eps(g_nu, g_L, g_R, m_Z)
        return float(eps_L + eps_R)

    eps_n = eps_v({"u": 1, "d": 2})
    eps_p = eps_v({"u": 2, "d": 1})
    eps_L, eps_R = contact_eps(g_nu, *_z_couplings(-0.5, -1.0), m_Z)
    eps_e = float(eps_L + eps_R)
    assert eps_n == pytest.approx(-0.5, rel=1e-12)
    n_n = _number_density_GeV3(1.0, 0.5)
    assert math.sqrt(2.0) * G_F * n_n * eps_n == pytest.approx(-G_F * n_n / math.sqrt(2.0), rel=1e-12)
    assert eps_p == pytest.approx(0.5 - 2.0 * (1.0 - c_W**2), rel=1e-12)
    assert abs(eps_e + eps_p) < 1e-15


def test_model_eps_is_the_vector_eps_of_z_prime_exchange() -> None:
    """eps^u_emu of the benchmark = eps^L + eps^R of contact_eps with the vector g_u (not eps^L)."""
    p = Parameters.benchmark()
    r = evaluate(p)
    g_u = float(r.matter.g["u"])
    g_emu = complex(r.nsi.g_nu_total[0, 1])
    eps_L, eps_R = contact_eps(g_emu, g_u, g_u, float(p.m_zprime))
    assert complex(r.nsi.eps["u"][0, 1]) == pytest.approx(complex(eps_L + eps_R), rel=1e-12)
    G_F = 1.1663787e-5  # GeV^-2 (CODATA), typed here as an independent input
    assert complex(r.nsi.eps["u"][0, 1]) == pytest.approx(
        g_u * g_emu / (math.sqrt(2.0) * G_F * float(p.m_zprime) ** 2), rel=1e-6)
    assert float(r.observables["eps_u_emu"]) == pytest.approx(complex(eps_L + eps_R).real, rel=1e-12)
    assert np.allclose(r.nsi.eps_paper_convention["u"], r.nsi.eps["u"] / 2, rtol=1e-15, atol=0)


def test_benchmark_earth_eps_tautau() -> None:
    """Benchmark (B - 3 L_tau, g_B = 1e-4, m_Z' = 0.4 GeV): eps^m_tautau = 6.153 g_q (-3 g_B)/(sqrt2
    G_F m^2) = -2.3314e-2 in the Earth (the paper's Eq. 6 convention would give half)."""
    p = Parameters.benchmark()
    eps_m = model_eps_matter(p, medium("earth").Y_n)
    assert float(eps_m[2, 2].real) == pytest.approx(-2.3314e-2, rel=2e-4)


@pytest.mark.parametrize(("rho", "Ye"), [(2.848, 0.5), (4.5, 0.466), (11.0, 0.4656)])
def test_hamiltonian_equals_the_direct_z_prime_potential(rho: float, Ye: float) -> None:
    """H(model eps^m) - H(no NSI) = (g_nu)_ab (g_e N_e + g_p N_p + g_n N_n)/m_Z'^2 (vector exchange
    with matter at rest; N_p = N_e, N_n = N_e (1 - Ye)/Ye)."""
    p = Parameters.benchmark().replace(a_e=0.5, a_tau=2.5, g_B=3e-4, m_zprime=0.07)
    nsi = compute_nsi(p)
    Y_n = (1.0 - Ye) / Ye
    osc = OscillationParameters.best_fit()
    E = 2.5
    H_model = hamiltonian(E, osc, density_g_cm3=rho, Ye=Ye, eps_matter=model_eps_matter(p, Y_n))
    H_sm = hamiltonian(E, osc, density_g_cm3=rho, Ye=Ye)
    n_e = _number_density_GeV3(rho, Ye)
    charge_density = (nsi.g_f["e"] * n_e + nsi.g_f["p"] * n_e + nsi.g_f["n"] * n_e * Y_n)
    direct = nsi.g_nu_total * charge_density / float(p.m_zprime) ** 2
    assert np.max(np.abs(direct)) > 1e-3 * np.max(np.abs(H_sm))  # a visible effect
    assert np.allclose(H_model - H_sm, direct, rtol=1e-9, atol=1e-12 * np.max(np.abs(direct)))
    # antineutrinos: the potential flips sign and eps -> eps*
    Hb_model = hamiltonian(E, osc, density_g_cm3=rho, Ye=Ye, eps_matter=model_eps_matter(p, Y_n),
                           antineutrino=True)
    Hb_sm = hamiltonian(E, osc, density_g_cm3=rho, Ye=Ye, antineutrino=True)
    assert np.allclose(Hb_model - Hb_sm, -np.conj(direct), rtol=1e-9,
                       atol=1e-12 * np.max(np.abs(direct)))
