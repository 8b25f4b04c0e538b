"""Observables against the independent numbers of REFERENCE sections 5 and 7 and closed forms.

The numbers were computed without the package by the scripts of tools/independent_checks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lfvnsi import Parameters
from lfvnsi.constants import standard_model
from lfvnsi.observables import lfv, mesons
from lfvnsi.observables.heavy import heavy_electroweak_widths
from lfvnsi.observables.widths import width_fermion_to_fermion_vector
from lfvnsi.pipeline import evaluate

G_PSI_UNIT = 1.0


# -- l -> l' Z' (REFERENCE 5.5 table; g_nu = 1e-3, m_psi = 1 GeV, kappa = 1) ----------------
@pytest.mark.parametrize(("m", "mu_paper", "mu_exact", "tau_paper", "tau_exact"), [
    (0.010, 0.55, 0.068, 3.4e-4, 4.3e-5),
    (0.030, 0.061, 0.0075, 3.8e-5, 4.7e-6),
    (0.050, 0.022, 0.0024, 1.4e-5, 1.7e-6),
])
def test_lepton_to_lepton_zprime_reference_table(m, mu_paper, mu_exact, tau_paper,
                                                 tau_exact) -> None:
    C = lfv.lfv_vertex(1e-3, 1.0)
    assert lfv.br_lepton_to_lepton_zprime("mu", "e", C, m) == pytest.approx(mu_exact, rel=0.03)
    assert lfv.br_lepton_to_lepton_zprime_paper("mu", 1e-3, 1.0, m) == pytest.approx(mu_paper,
                                                                                    rel=0.03)
    assert lfv.br_lepton_to_lepton_zprime("tau", "mu", C, m) == pytest.approx(tau_exact, rel=0.03)
    assert lfv.br_lepton_to_lepton_zprime_paper("tau", 1e-3, 1.0, m) == pytest.approx(tau_paper,
                                                                                     rel=0.03)


def test_paper_lfv_prefactor_is_eight_times_the_exact_one() -> None:
    """F2: m_a/(4 pi) against 1/(32 pi) (R.5.10) in the m_b, m_Z' -> 0 limit."""
    m = 1e-4
    C = lfv.lfv_vertex(1e-3, 1.0)
    ratio = lfv.br_lepton_to_lepton_zprime_paper("tau", 1e-3, 1.0, m) / \
        lfv.br_lepton_to_lepton_zprime("tau", "e", C, m)
    assert ratio == pytest.approx(8.0, rel=1e-3)


# -- mu-e conversion (REFERENCE 5.6 and V6) --------------------------------------------------
def test_mu_e_conversion_kko_numbers() -> None:
    """g_nu = 1e-3, g_q = 1e-4 (g_p = g_n = 3 g_q), m_psi = 1 GeV, m_Z' << m_mu: 1.6e-11 (Al),
    2.9e-11 (Ti), 4.6e-11 (Au); Eq. 19: 3.22e-15."""
    C = lfv.lfv_vertex(1e-3, 1.0)
    for nuc, expected in (("Al", 1.6e-11), ("Ti", 2.9e-11), ("Au", 4.6e-11)):
        assert lfv.mu_e_conversion(nuc, C, 3e-4, 3e-4, 1e-6) == pytest.approx(expected, rel=0.04)
    assert lfv.mu_e_conversion_paper(1e-3, 1e-4, 1.0, 1e-6) == pytest.approx(3.22e-15, rel=5e-3)
    assert lfv.mu_e_conversion_paper(1e-3, 1e-4, 1.0, 0.01) == pytest.approx(3.16e-15, rel=5e-3)
    assert lfv.mu_e_conversion_paper(1e-3, 1e-4, 1.0, 0.1) == pytest.approx(8.9e-16, rel=1e-2)


def test_mu_e_conversion_ratio_to_eq19_r512() -> None:
    """R.5.12: R(R.5.11)/R(Eq. 19) = 1152 G_F^2 m_mu^5 (V_p + V_n)^2/omega_capt = 4.96e3 (Al),
    9.04e3 (Ti), 1.42e4 (Au), whatever the couplings."""
    for nuc, expected in (("Al", 4.96e3), ("Ti", 9.04e3), ("Au", 1.42e4)):
        C = lfv.lfv_vertex(2e-4, 1.7)
        ratio = lfv.mu_e_conversion(nuc, C, 3 * 5e-5, 3 * 5e-5, 0.03) / \
            lfv.mu_e_conversion_paper(2e-4, 5e-5, 1.7, 0.03)
        assert ratio == pytest.approx(expected, rel=0.01)


# -- K and pi decays (REFERENCE 5.7 table, checks/kdecay.py, V18) ----------------------------
@pytest.mark.parametrize(("m", "ratio_mu", "br_mu"), [
    (0.010, 14.6, 9.27), (0.030, 1.61, 1.02), (0.100, 0.125, 0.0793), (0.200, 0.0139, 8.8e-3),
    (0.300, 6.9e-4, 4.4e-4),
])
def test_k_to_mu_nu_zprime(m, ratio_mu, br_mu) -> None:
    assert mesons.meson_ratio("K", "mu", m) == pytest.approx(ratio_mu, rel=0.01)
    assert mesons.br_meson_to_lepton_nu_zprime("K", "mu", 1.0, m) == pytest.approx(br_mu, rel=0.01)


def test_k_to_e_nu_zprime_and_longitudinal_limit() -> None:
    assert mesons.meson_ratio("K", "e", 0.01) == pytest.approx(6.0e5, rel=0.01)
    assert mesons.meson_ratio("K", "e", 0.1) == pytest.approx(5.5e3, rel=0.01)
    # light-Z' limit of R.5.14: Gamma = g^2 G_F^2 V^2 f^2 m_K^5/(3072 pi^3 m_Z'^2) -> the
    # ratio to Gamma(K -> e nu) at m_Z' = 1 MeV (lepton mass and m_Z' corrections < 1%)
    sm = standard_model()
    m = 1e-3
    limit = sm.m_K**4 / (384 * math.pi**2 * m**2 * sm.m_e**2 * (1 - sm.m_e**2 / sm.m_K**2) ** 2)
    assert mesons.meson_ratio("K", "e", m) == pytest.approx(limit, rel=0.01)


# -- pi0 -> gamma Z' (V17 and the R.5.15 couplings) ----------------------------------------
def test_pi0_to_gamma_zprime() -> None:
    assert mesons.br_pi0_to_gamma_zprime(1e-3, 1e-3, 0.010) == pytest.approx(1.91e-4, rel=0.01)
    for m, g_q in ((0.010, 2.3e-5), (0.050, 2.8e-5), (0.100, 7.5e-5), (0.120, 2.4e-4)):
        assert mesons.br_pi0_to_gamma_zprime(g_q, g_q, m) == pytest.approx(1e-7, rel=0.1)
    assert mesons.br_pi0_to_gamma_zprime(1e-3, 1e-3, 0.14) == 0.0


# -- heavy states (REFERENCE 5.3 example, checks/misc.py) ---------------------------------
def test_heavy_to_nu_zprime_and_electroweak_example() -> None:
    """m_N = 1 GeV, m_Z' = 0.1 GeV, |g_psi G| = 6e-3: Gamma(N -> nu Z') = 3.6e-5 GeV (Dirac);
    Gamma_EW,inv = 2.3e-17 GeV for Theta^2 = 1e-3."""
    assert width_fermion_to_fermion_vector(1.0, 0.0, 0.1, 6e-3, 0.0) == pytest.approx(3.6e-5,
                                                                                      rel=0.02)
    sm = standard_model()
    assert sm.G_F**2 * 1e-3 / (192 * math.pi**3) == pytest.approx(2.3e-17, rel=0.01)
    # the full electroweak width at 1 GeV with Theta_e^2 = 1e-3 exceeds the invisible part
    U = np.zeros((4, 4))
    U[0, 3] = math.sqrt(1e-3)
    ew = heavy_electroweak_widths(np.array([0, 0, 0, 1.0]), U)
    assert 2 * 2.3e-17 < float(ew[0]) < 2 * 20 * 2.3e-17


# -- Higgs invisible (R.5.8, F4, V10) ---------------------------------------------------------
def test_higgs_width_closed_form_for_a_decoupled_sector() -> None:
    """lnc, paper texture with m1 = 0: sector 1 is nu, N~_L, (N~_R)^c with D = (mt, M1)^T, i.e.
    a massless nu_l = (M1 nu - mt N~_L)/M' and a Dirac N~ of mass M' = sqrt(M1^2 + mt^2). The
    Yukawa (mt/v) nu (N~_R)^c = (mt/v)[(M1/M') nu_l + (mt/M') r] (N~_R)^c gives, exactly,
    Gamma = y1^2 m_h/(8 pi) (1 - M'^2/m_h^2)^2 + y2^2 m_h/(8 pi) (1 - 4 M'^2/m_h^2)^(3/2),
    y1 = mt M1/(v M'), y2 = mt^2/(v M'): the first term is R.5.8, the second h -> N~ N~-bar."""
    sm = standard_model()
    mt, M1 = 1.5, 40.0
    p = Parameters(version="lnc", texture="paper", mt_alpha=mt, M1=M1, mt_beta=0.0, M2=2.0,
                   m1=0.0, m2=0.0, M_N=1.0, mu_L1=1e-9)
    r = evaluate(p)
    Mp = math.hypot(M1, mt)
    y1, y2 = mt * M1 / (sm.v * Mp), mt**2 / (sm.v * Mp)
    expected = (y1**2 * sm.m_h / (8 * math.pi) * (1 - Mp**2 / sm.m_h**2) ** 2
                + y2**2 * sm.m_h / (8 * math.pi) * (1 - 4 * Mp**2 / sm.m_h**2) ** 1.5)
    assert float(r.observables["Gamma_h_inv_GeV"]) == pytest.approx(expected, rel=1e-9)
    lam2 = 2 * mt**2 / sm.v**2
    paper = lam2 * sm.m_h / (4 * math.pi)
    assert float(r.observables["Gamma_h_inv_paper_estimate_GeV"]) == pytest.approx(paper, rel=1e-12)


def test_higgs_invisible_limits_v10() -> None:
    """V10: BR < 0.2 needs mt < 1.77 GeV with the paper's width, < 3.53 GeV exactly (heavy
    states << m_h); BR < 0.107 (ATLAS): 2.45 GeV."""
    sm = standard_model()

    def br(mt: float, exact: bool) -> float:
        width = 2 * mt**2 / sm.v**2 * sm.m_h / (16 * math.pi if exact else 4 * math.pi)
        return width / (sm.Gamma_h_sm + width)

    assert br(1.77, exact=False) == pytest.approx(0.2, rel=0.01)
    assert br(3.53, exact=True) == pytest.approx(0.2, rel=0.01)
    assert br(2.45, exact=True) == pytest.approx(0.107, rel=0.01)
    p = Parameters(version="lnc", texture="paper", mt_alpha=3.53, M1=300.0, mt_beta=0.0, M2=2.0,
                   m1=0.0, m2=0.0, M_N=1.0, mu_L1=1e-9)
    # M' = 300 GeV > m_h: the channel is closed; what is left is h -> light nu pairs, ~m_nu^2
    assert float(evaluate(p).observables["Br_h_inv"]) < 1e-20


def test_compiled_mixing_pass_equals_numpy() -> None:
    """U2, Theta2, eta and m_betabeta of the compiled pass = the numpy expressions (both
    versions, mixed Takagi phases, a batch of 300)."""
    from lfvnsi.observables import _mixing_compiled, _mixing_numpy
    from lfvnsi.spectrum import compute_spectrum

    rng = np.random.default_rng(11)
    size = 300
    base = Parameters.benchmark()
    for p in (base.replace(M1=rng.uniform(0.5, 5, size), mt_alpha=rng.uniform(1e-3, 0.3, size),
                           mu_21=rng.uniform(0, 1e-8, size)),
              base.replace(version="lnv", texture="paper", mp1=0.0, mp2=0.0,
                           M_N=rng.uniform(0.5, 5, size), mt_beta=rng.uniform(1e-3, 0.3, size))):
        s = compute_spectrum(p, backend="compiled")
        assert np.any(np.imag(s.phases) != 0) and np.any(np.imag(s.phases) == 0)
        compiled, numpy_ = _mixing_compiled(s), _mixing_numpy(s)
        for got, want in zip(compiled[:3], numpy_[:3]):
            scale = np.max(np.abs(want))
            assert scale > 0
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14 * scale)
        # m_betabeta is a cancelling sum (Dirac pairs): agreement to rounding of its terms
        p2 = standard_model().p_0nubb ** 2
        terms = np.sum(s.vectors[..., 0, :] ** 2 * s.masses * p2 / (p2 + s.masses**2), axis=-1)
        assert np.all(np.abs(compiled[3] - numpy_[3]) <= 1e-14 * terms)
        assert np.max(numpy_[3] / terms) > 1e-6  # not all zero
