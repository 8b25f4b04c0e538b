"""NSI matrices: the paper's numbers (V1, V2, V13-V16 of REFERENCE section 7) and invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lfvnsi import Parameters
from lfvnsi.couplings.matter import matter_couplings
from lfvnsi.nsi import compute_nsi, medium, nsi_from_couplings

G_F = 1.1663787e-5  # GeV^-2, CODATA 2018/2022 (REFERENCE section 7): an independent input here


def offdiagonal(g: float, a: int = 0, b: int = 1) -> np.ndarray:
    m = np.zeros((3, 3), dtype=complex)
    m[a, b] = m[b, a] = g
    return m


def test_paper_eps_e_is_0p01() -> None:
    """V1: (g_nu)_ab = 1e-3 g_psi, m_Z' = 0.5 GeV g_psi, g_e = 0.1 g_nu give eps^e = 0.01212 in the
    paper's Eq. 6 convention and eps^V = 0.02425 (F11)."""
    for g_psi in (0.05, 0.3):
        g_nu = 1e-3 * g_psi
        p = Parameters(matter="kinetic", kinetic_mixing=0.0)
        mc = matter_couplings(p)
        mc.g["e"] = np.asarray(0.1 * g_nu)
        nsi = nsi_from_couplings(offdiagonal(g_nu), mc, np.asarray(0.5 * g_psi))
        expected = 0.1 * g_nu**2 / (2 * math.sqrt(2) * G_F * (0.5 * g_psi) ** 2)  # Eq. 6
        assert expected == pytest.approx(0.012125, rel=1e-4)
        assert nsi.eps_paper_convention["e"][0, 1].real == pytest.approx(expected, rel=1e-6)
        assert nsi.eps["e"][0, 1].real == pytest.approx(2 * expected, rel=1e-6)


def test_paper_eps_q_is_0p12_over_g_psi() -> None:
    """V2: g_q = 1e-3 (g_B = 3e-3), same g_nu and m_Z': eps^q = 0.12125/g_psi (Eq. 6 convention),
    eps^V = 0.2425/g_psi."""
    g_psi = 0.1
    p = Parameters(g_B=3e-3, a_e=0.0, a_mu=0.0, a_tau=3.0)
    nsi = nsi_from_couplings(offdiagonal(1e-3 * g_psi), matter_couplings(p), np.asarray(0.5 * g_psi))
    assert nsi.eps_paper_convention["u"][0, 1].real * g_psi == pytest.approx(0.12125, rel=1e-4)
    assert nsi.eps["u"][0, 1].real * g_psi == pytest.approx(0.2425, rel=1e-4)
    assert nsi.eps["d"][0, 1] == nsi.eps["u"][0, 1]
    assert nsi.eps["p"][0, 1] == pytest.approx(3 * nsi.eps["u"][0, 1], rel=1e-15)


def test_eq23_diagonal_entries() -> None:
    """Eq. 23 / R.4.6: eps^q_gg = -3 a_g g_q eps^q_ab / (g_nu)_ab."""
    g_q, g_nu = 1e-4, 1e-3
    p = Parameters(g_B=3 * g_q, a_e=0.0, a_mu=1.0, a_tau=2.0)
    nsi = nsi_from_couplings(offdiagonal(g_nu), matter_couplings(p), np.asarray(0.1))
    eab = nsi.eps["u"][0, 1].real
    for gamma, a in ((1, 1.0), (2, 2.0)):
        assert nsi.eps["u"][gamma, gamma].real == pytest.approx(-3 * a * g_q * eab / g_nu, rel=1e-12)


def test_schwarz_violating_example() -> None:
    """V15: a_e = a_mu = 0, a_tau = 3, g_q = 1e-4, (g_nu)_emu = 1e-3, m_Z' = 100 MeV: the paper's
    convention gives eps^q_emu = 0.303, eps^q_tautau = -0.273; eps^V is twice (F11)."""
    p = Parameters(g_B=3e-4, a_tau=3.0)
    nsi = nsi_from_couplings(offdiagonal(1e-3), matter_couplings(p), np.asarray(0.1))
    e = nsi.eps["u"]
    assert e[0, 1].real == pytest.approx(0.606, abs=2e-3)
    assert e[2, 2].real == pytest.approx(-0.546, abs=2e-3)
    assert nsi.eps_paper_convention["u"][0, 1].real == pytest.approx(0.303, abs=1e-3)
    assert e[2, 2].real / e[0, 1].real == pytest.approx(-0.9, rel=1e-12)
    assert e[0, 0] == 0 and e[1, 1] == 0
    assert np.isinf(nsi.schwarz_ratio("u"))


def test_kinetic_mixing_ratios_and_neutral_matter() -> None:
    """V14 / R.4.4: eps^u = -2/3 eps^e, eps^d = 1/3 eps^e, eps^p = -eps^e, eps^n = 0; and the
    propagation NSI of any neutral medium vanishes (the paper's discriminator)."""
    p = Parameters(matter="kinetic", kinetic_mixing=1e-3, g_B=0.0, a_tau=0.0)
    nsi = nsi_from_couplings(offdiagonal(1e-3), matter_couplings(p), np.asarray(0.3))
    ee = nsi.eps["e"][0, 1]
    assert ee != 0
    assert nsi.eps["u"][0, 1] == pytest.approx(-2 / 3 * ee, rel=1e-14)
    assert nsi.eps["d"][0, 1] == pytest.approx(1 / 3 * ee, rel=1e-14)
    assert nsi.eps["p"][0, 1] == pytest.approx(-ee, rel=1e-14)
    assert nsi.eps["n"][0, 1] == 0
    for name in ("earth", "earth_core", "sun_center"):
        assert np.max(np.abs(nsi.matter(medium(name).Y_n))) < 1e-16 * abs(ee)
    # the coupling itself: g_e = eps e c_W Q_e, e = sqrt(4 pi alpha)
    e_cw = math.sqrt(4 * math.pi / 137.035999) * math.sqrt(1 - 0.23129)
    assert matter_couplings(p).g["e"] == pytest.approx(-1e-3 * e_cw, rel=1e-9)


def test_earth_eps_is_eps_e_plus_6p15_eps_q() -> None:
    """V16: scenario (a) in the Earth, eps = eps^e + 3 (1 + Y_n) eps^q = eps^e + 6.153 eps^q."""
    p = Parameters(g_B=3e-4, a_e=0.5, a_tau=2.5)
    nsi = nsi_from_couplings(offdiagonal(1e-3), matter_couplings(p), np.asarray(0.1))
    m = nsi.matter(medium("earth").Y_n)
    expected = nsi.eps["e"] + 6.153 * nsi.eps["u"]
    assert np.allclose(m, expected, rtol=1e-12, atol=0)


def test_light_mediator_q2_dependence() -> None:
    p = Parameters.benchmark()
    nsi = compute_nsi(p)
    m2 = float(p.m_zprime) ** 2
    at = nsi.at_momentum_transfer(np.array([0.0, m2, 3 * m2]))
    for f in nsi.eps:
        assert np.allclose(at[f][0], nsi.eps[f])
        assert np.allclose(at[f][1], nsi.eps[f] / 2)
        assert np.allclose(at[f][2], nsi.eps[f] / 4)


def test_benchmark_eps_from_the_model_matches_eq6() -> None:
    """Two paths: eps^V from the pipeline and twice Eq. 6 from the exact g_nu by hand."""
    from lfvnsi import compute_couplings, compute_spectrum

    p = Parameters.benchmark()
    c = compute_couplings(p, compute_spectrum(p))
    nsi = compute_nsi(p, c)
    g_q = float(p.g_B) / 3
    by_hand = g_q * c.g_nu[0, 1] / (math.sqrt(2) * G_F * float(p.m_zprime) ** 2)
    assert nsi.eps["u"][0, 1] == pytest.approx(by_hand, rel=1e-9)
    assert nsi.eps["u"][2, 2].real == pytest.approx(
        g_q * (-3 * g_q * 3) / (math.sqrt(2) * G_F * float(p.m_zprime) ** 2), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(g_B=st.floats(-1e-2, 1e-2), eps_k=st.floats(-1e-3, 1e-3),
       a=st.lists(st.floats(-3, 3), min_size=3, max_size=3),
       m_zp=st.floats(1e-3, 1.0))
def test_eps_is_hermitian_and_vanishes_without_matter_coupling(g_B, eps_k, a, m_zp) -> None:
    p = Parameters.benchmark().replace(g_B=g_B, kinetic_mixing=eps_k, a_e=a[0], a_mu=a[1],
                                        a_tau=a[2], m_zprime=m_zp)
    nsi = compute_nsi(p)
    for e in nsi.eps.values():
        assert np.allclose(e, np.conj(e.T), rtol=0, atol=1e-300)
    zero = compute_nsi(p.replace(g_B=0.0, kinetic_mixing=0.0))
    assert all(not np.any(e) for e in zero.eps.values())


@pytest.mark.parametrize("matter", ["gauged", "kinetic"])
def test_diagonal_differences_for_u_d_and_p(matter: str) -> None:
    """The combinations oscillations see (arXiv:1805.04530 quotes eps_ee - eps_mumu and
    eps_tautau - eps_mumu for u, d and p): each is the difference of the diagonal entries, and
    for p it is also 2 (u) + (d) (R.4.5: eps^p = 2 eps^u + eps^d). Zero for kinetic mixing, where
    the neutrinos have no flavour-diagonal Z' coupling (R.4.4)."""
    from lfvnsi import evaluate
    from lfvnsi.observables import OBSERVABLES

    p = Parameters.benchmark().replace(matter=matter, g_B=3e-4, a_e=0.5, a_mu=1.0, a_tau=1.5,
                                       kinetic_mixing=1e-4)
    o = evaluate(p).observables
    for combo in ("tautau", "ee"):
        name = {f: f"eps_{f}_{combo}_minus_mumu" for f in ("u", "d", "p")}
        for f, n in name.items():
            assert n in OBSERVABLES and OBSERVABLES[n].source
            assert float(o[n]) == pytest.approx(float(o[f"eps_{f}_{combo}"] - o[f"eps_{f}_mumu"]),
                                                rel=1e-12, abs=0)
        by_quarks = 2 * float(o[name["u"]]) + float(o[name["d"]])
        assert float(o[name["p"]]) == pytest.approx(by_quarks, rel=1e-12)
        # the diagonal neutrino coupling -a_g g_B exists only when L_g is gauged
        assert (float(o[name["p"]]) != 0) == (matter == "gauged")
