"""Cross section, form factors, flux: closed forms against independent quadratures and hand formulas."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import spherical_jn

from lfvnsi.cevns import flux
from lfvnsi.cevns.cross_section import (
    CEvNSCouplings,
    differential_cross_section,
    flavour_weight,
    nucleon_eps,
    weak_charge,
)
from lfvnsi.cevns.form_factors import hbar_c_GeV_fm, helm, klein_nystrand
from lfvnsi.cevns.nuclei import nucleus, target
from lfvnsi.constants import standard_model

NUCLEI = ["Cs133", "I127", "Ar40"]


def _offdiag(a: int, b: int, value: complex) -> np.ndarray:
    m = np.zeros((3, 3), dtype=complex)
    m[a, b] = value
    m[b, a] = np.conj(value)
    return m


@pytest.mark.parametrize("name", NUCLEI)
@pytest.mark.parametrize("component", ["nu_e", "nubar_mu", "nu_mu"])
def test_kinematic_integral_closed_form_equals_quadrature(name: str, component: str) -> None:
    M = nucleus(name).mass
    T_max = flux.recoil_max_of(flux.endpoint_energy(), M)
    for T in np.linspace(0.02, 0.98, 7) * T_max:
        E_min = 0.5 * (T + np.sqrt(T * T + 2 * M * T))
        if component == "nu_mu":
            E = flux.prompt_energy()
            expected = max(1 - T / E - M * T / (2 * E * E), 0.0)
        else:
            def integrand(E: float, T: float = T) -> float:
                return float(flux.spectrum(component, E)) * (1 - T / E - M * T / (2 * E * E))

            expected = quad(integrand, E_min, flux.endpoint_energy(), epsabs=0, epsrel=1e-12)[0] \
                if E_min < flux.endpoint_energy() else 0.0
        got = float(flux.kinematic_integral(component, np.array([T]), M)[0])
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-14)


@pytest.mark.parametrize(("component", "mean_over_m_mu"), [("nu_e", 0.3), ("nubar_mu", 0.35)])
def test_michel_spectra_normalised_with_textbook_means(component: str, mean_over_m_mu: float) -> None:
    m = standard_model().m_mu
    norm = quad(lambda E: float(flux.spectrum(component, E)), 0, m / 2)[0]
    mean = quad(lambda E: E * float(flux.spectrum(component, E)), 0, m / 2)[0]
    assert norm == pytest.approx(1.0, rel=1e-12)
    assert mean / m == pytest.approx(mean_over_m_mu, rel=1e-12)  # 31.7 and 37.0 MeV


def test_prompt_line_is_29p79_MeV() -> None:
    assert flux.prompt_energy() * 1e3 == pytest.approx(29.79, abs=0.01)


def test_timing_cdfs_are_distributions() -> None:
    t = np.linspace(-2, 40, 4001)
    for cdf in (flux.prompt_time_cdf, flux.delayed_time_cdf):
        c = cdf(t, 0.5, 0.15)
        assert np.all(np.diff(c) >= -1e-15) and c[0] < 1e-10 and c[-1] == pytest.approx(1.0, abs=1e-6)
    tau_pi, tau_mu = flux.lifetimes_us()
    # the mean arrival time is pulse mean + lifetimes (numerical integral of 1 - CDF)
    tt = np.linspace(0, 60, 600001)
    mean_delayed = np.trapezoid(1 - flux.delayed_time_cdf(tt, 0.5, 0.15), tt)
    assert mean_delayed == pytest.approx(0.5 + tau_pi + tau_mu, rel=1e-4)


@pytest.mark.parametrize("A", [40, 127, 133])
def test_form_factors_against_scipy_bessel(A: int) -> None:
    q = np.linspace(0.0, 0.2, 41)  # GeV
    qfm = q / hbar_c_GeV_fm()
    R_A = 1.2 * A ** (1 / 3)
    x = np.where(qfm > 0, qfm * R_A, 1.0)
    kn = np.where(qfm > 0, 3 * spherical_jn(1, x) / x, 1.0) / (1 + (0.7 * qfm) ** 2)
    assert np.allclose(klein_nystrand(q, A), kn, rtol=1e-10, atol=1e-13)
    c = 1.23 * A ** (1 / 3) - 0.60
    R0 = np.sqrt(c * c + 7 / 3 * np.pi**2 * 0.52**2 - 5 * 0.81)
    x = np.where(qfm > 0, qfm * R0, 1.0)
    hl = np.where(qfm > 0, 3 * spherical_jn(1, x) / x, 1.0) * np.exp(-(qfm * 0.9) ** 2 / 2)
    assert np.allclose(helm(q, A), hl, rtol=1e-10, atol=1e-13)
    assert float(helm(0.0, A)) == 1.0 and float(klein_nystrand(0.0, A)) == 1.0


@pytest.mark.parametrize("name", NUCLEI)
def test_sm_cross_section_is_the_textbook_formula(name: str) -> None:
    nuc = nucleus(name)
    s2 = standard_model().sin2_theta_w_low_energy
    G_F, M = standard_model().G_F, nuc.mass
    E = 0.03
    T = np.linspace(1e-6, 0.9 * flux.recoil_max_of(E, M), 50)
    Q_W = nuc.N - (1 - 4 * s2) * nuc.Z
    F = helm(np.sqrt(2 * M * T), nuc.A)
    textbook = G_F**2 * M / (4 * np.pi) * Q_W**2 * (1 - T / E - M * T / (2 * E * E)) * F**2
    for alpha in (0, 1):
        assert np.allclose(differential_cross_section(E, T, nuc, alpha), textbook, rtol=1e-12)


def test_d_quark_nsi_is_built_from_d_quark_charges() -> None:
    """A pure eps^d shifts the nuclear charge by (Z + 2N) eps^d, a pure eps^u by (2Z + N) eps^u."""
    nuc = nucleus("Cs133")
    Q = weak_charge(nuc)
    e = 0.1
    diag = np.zeros((3, 3), dtype=complex)
    diag[0, 0] = e
    Q2 = np.array([0.0])
    only_d = CEvNSCouplings(np.zeros((3, 3), dtype=complex), diag, None)
    only_u = CEvNSCouplings(diag, np.zeros((3, 3), dtype=complex), None)
    assert flavour_weight(only_d, nuc, 0, Q2)[0] == pytest.approx((Q + (55 + 2 * 78) * e) ** 2, rel=1e-14)
    assert flavour_weight(only_u, nuc, 0, Q2)[0] == pytest.approx((Q + (2 * 55 + 78) * e) ** 2, rel=1e-14)
    assert np.allclose(nucleon_eps(0 * diag, diag, "n"), 2 * diag)
    assert np.allclose(nucleon_eps(0 * diag, diag, "p"), diag)


def test_flavour_changing_weight_adds_incoherently_with_light_mediator() -> None:
    nuc = nucleus("Ar40")
    Q = weak_charge(nuc)
    e, m = 0.3 + 0.2j, 0.02
    Q2 = np.array([0.0, 1e-4, 4e-4, 1e-2])
    c = CEvNSCouplings(_offdiag(0, 1, e), _offdiag(0, 1, e), np.array(m))
    h = m**2 / (m**2 + Q2)
    P = 3 * nuc.A * abs(e)  # eps^p = eps^n = 3 eps for eps^u = eps^d
    for alpha in (0, 1):
        assert np.allclose(flavour_weight(c, nuc, alpha, Q2), Q**2 + (P * h) ** 2, rtol=1e-13)
    assert np.allclose(flavour_weight(c, nuc, 2, Q2), Q**2, rtol=1e-14)  # no nu_tau involved


def test_nucleon_matrices_agree_with_lfvnsi_nsi() -> None:
    """Two independent constructions of eps^p, eps^n: lfvnsi.nsi (couplings) and quark content here."""
    from lfvnsi.model import Parameters
    from lfvnsi.nsi import compute_nsi

    for overrides in ({}, {"matter": "kinetic", "kinetic_mixing": 1e-4, "g_B": 0.0}):
        p = Parameters.benchmark().replace(**overrides) if overrides else Parameters.benchmark()
        nsi = compute_nsi(p)
        for f in ("p", "n"):
            assert np.allclose(nucleon_eps(nsi.eps["u"], nsi.eps["d"], f), nsi.eps[f], rtol=1e-13, atol=0)


def test_nuclear_masses_have_physical_binding_energies() -> None:
    sm = standard_model()
    for name in ("Cs133", "I127", "Ar36", "Ar38", "Ar40"):
        n = nucleus(name)
        binding_per_nucleon = (n.Z * sm.m_p + n.N * sm.m_n - n.mass) / n.A
        assert 8.0e-3 < binding_per_nucleon < 8.8e-3, name
    assert sum(target("Ar").counts) == pytest.approx(1.0, abs=1e-9)


hermitian = st.tuples(*[st.floats(-2, 2) for _ in range(9)]).map(
    lambda v: np.array([[v[0], v[1] + 1j * v[2], v[3] + 1j * v[4]],
                        [v[1] - 1j * v[2], v[5], v[6] + 1j * v[7]],
                        [v[3] - 1j * v[4], v[6] - 1j * v[7], v[8]]]))


@settings(max_examples=40, deadline=None)
@given(u=hermitian, d=hermitian, log_m=st.floats(-3, 2))
def test_rates_nonnegative_and_zero_couplings_give_sm(u: np.ndarray, d: np.ndarray, log_m: float) -> None:
    from lfvnsi.cevns.detectors import release
    from lfvnsi.cevns.rates import predict

    rel = release("csi2021")
    c = CEvNSCouplings.from_arrays(u, d, 10.0**log_m)
    assert np.all(predict(rel, c).bins >= -1e-12)
    zero = CEvNSCouplings.from_arrays(0 * u, 0 * d, 10.0**log_m)
    assert np.allclose(predict(rel, zero).bins, predict(rel).bins, rtol=1e-13, atol=0)
