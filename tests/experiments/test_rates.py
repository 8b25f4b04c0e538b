"""Event rates: a one-bin toy equals the direct integral of flux x P x sigma x efficiency, zero NSI
is the Standard Model bit for bit, antineutrinos see conj(eps), a batch equals one at a time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.linalg import expm

from lfvnsi.experiments import RateEngine, dune_experiment, load_experiment, parameter_vector
from lfvnsi.oscillation import OscillationParameters, probabilities
from lfvnsi.oscillation.matter import km_to_per_GeV, matter_potential_GeV

from .toy import FLUX_E, XSEC_LOG10E, flux_columns, one_bin, xsec_columns

OSC = OscillationParameters(theta12=0.59016, theta13=0.15065, theta23=0.86734, delta_cp=-1.2,
                            dm21_eV2=7.49e-5, dm31_eV2=2.513e-3)
X = parameter_vector(OSC)
EPS = np.array([[0.3, 0.1 * np.exp(0.8j), 0.15 * np.exp(-1.1j)],
                [0.1 * np.exp(-0.8j), -0.05, 0.05 * np.exp(0.4j)],
                [0.15 * np.exp(1.1j), 0.05 * np.exp(-0.4j), 0.1]])


def _direct_integral(column: int, oscillated: bool) -> float:
    """int_1^3 dE flux(E) sigma(E) P(E) * efficiency * normalisation, by adaptive quadrature of the
    same tables (linear in E, sigma/E linear in log10 E) and the exact P."""
    flux = flux_columns(FLUX_E)[column]
    xsec = xsec_columns(XSEC_LOG10E)[column if not oscillated else 0]  # nu_e CC for mu -> e

    def integrand(E: float) -> float:
        f = np.interp(E, FLUX_E, flux)
        s = E * np.interp(np.log10(E), XSEC_LOG10E, xsec)
        if not oscillated:
            return float(f * s)
        P = probabilities(E, 1300.0, OSC, density_g_cm3=2.8, Ye=0.5)[1, 0]  # mu -> e
        return float(f * s * P)

    knots = [e for e in FLUX_E if 1.0 < e < 3.0]
    value, _ = quad(integrand, 1.0, 3.0, points=knots, limit=400, epsabs=0, epsrel=1e-11)
    return value * 2.0 * 3.0 * 1e5 / 1300.0**2 * 10.0  # @time @power @norm / L^2 x target mass


def test_one_bin_rate_is_the_integral_of_flux_probability_cross_section_efficiency(
        tmp_path: Path) -> None:
    e = load_experiment(one_bin(tmp_path, 4000))
    rates = RateEngine(e).rates(X)
    signal = rates.channel[0, 0]
    assert signal == pytest.approx(0.8 * _direct_integral(1, oscillated=True), rel=2e-7)
    # the unoscillated (NOSC) antineutrino channel: nu_mu-bar flux x nu_mu-bar cross section
    nc = rates.channel[1, 0]
    assert nc == pytest.approx(_direct_integral(4, oscillated=False), rel=2e-7)
    # rule: 1.0 x signal + 0.5 x background
    assert rates.signal[0, 0] == signal and rates.background[0, 0] == 0.5 * nc


def test_the_midpoint_rule_converges_at_second_order(tmp_path: Path) -> None:
    """GLoBES samples at bin centres: a step four times smaller divides the error by about 16
    (the kinks of the linearly interpolated tables make single halvings irregular)."""
    exact = 0.8 * _direct_integral(1, oscillated=True)
    errors = []
    for n in (50, 200):
        folder = tmp_path / str(n)
        folder.mkdir()
        errors.append(abs(RateEngine(load_experiment(one_bin(folder, n))).rates(X).channel[0, 0]
                          - exact))
    assert 8.0 < errors[0] / errors[1] < 32.0


def test_zero_nsi_is_the_standard_model_bit_for_bit() -> None:
    engine = RateEngine(dune_experiment())
    sm = engine.channel_rates(X)
    assert np.array_equal(engine.channel_rates(X, np.zeros((3, 3))), sm)
    assert np.array_equal(engine.channel_rates(X, np.zeros((4, 3, 3)))[2], sm)


def test_a_batch_equals_one_point_at_a_time() -> None:
    engine = RateEngine(dune_experiment())
    xs = np.tile(X, (3, 1))
    xs[1, 3], xs[2, 6] = 0.7, 1.04
    eps = np.stack([EPS, np.zeros((3, 3)), 0.5 * EPS])
    batch = engine.channel_rates(xs, eps)
    for k in range(3):
        assert np.array_equal(batch[k], engine.channel_rates(xs[k], eps[k]))


def test_antineutrinos_see_the_conjugate_hamiltonian() -> None:
    """P-bar(alpha -> beta) = |exp(-i H-bar L)|^2 with H-bar = conj(M)/2E - V (1_ee + conj(eps)):
    conj(U) and eps -> eps*, the potential reversed (checked with scipy's expm)."""
    engine = RateEngine(dune_experiment())
    P = engine.probabilities(X, EPS)
    E = engine.experiment.sampling.centres
    M = OSC.mass_matrix_GeV2()
    V = float(matter_potential_GeV(2.848, 0.5))
    L = 1284.9 * km_to_per_GeV()
    N = np.diag([1.0, 0.0, 0.0]) + EPS
    for i in (10, 20, 40):
        for anti, H in ((0, M / (2 * E[i]) + V * N), (1, np.conj(M) / (2 * E[i]) - V * np.conj(N))):
            S = expm(-1j * H * L)
            assert np.allclose(P[0, anti, :, :, i], np.abs(S.T) ** 2, rtol=0, atol=1e-11)
    # the engine's result is not the one of H-bar with eps instead of conj(eps) (phases matter)
    H_wrong = np.conj(M) / (2 * E[20]) - V * (np.diag([1.0, 0.0, 0.0]) + EPS)
    assert not np.allclose(P[0, 1, :, :, 20], np.abs(expm(-1j * H_wrong * L).T) ** 2, atol=1e-4)


def test_density_scale_scales_the_matter_potential() -> None:
    """Density scale s at density rho is the same as density s rho (the NSI term scales too)."""
    e = dune_experiment()
    engine = RateEngine(e)
    x = X.copy()
    x[6] = 1.07
    P = engine.probabilities(x, EPS)[0, 0]
    direct = probabilities(e.sampling.centres, e.baseline_km, OSC, density_g_cm3=1.07 * 2.848,
                           Ye=0.5, eps_matter=EPS)
    assert np.allclose(P, np.moveaxis(direct, 0, -1), rtol=0, atol=1e-14)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.floats(0.0, 2 * np.pi), st.floats(0.1, 1.4), st.floats(0.9, 1.1),
       st.lists(st.floats(-0.5, 0.5), min_size=9, max_size=9))
def test_rates_are_finite_nonnegative_and_nosc_channels_do_not_oscillate(
        delta: float, theta23: float, density: float, entries: list[float]) -> None:
    engine = RateEngine(dune_experiment())
    x = X.copy()
    x[2], x[3], x[6] = theta23, delta, density
    d0, d1, d2, r01, i01, r02, i02, r12, i12 = entries
    eps = np.array([[d0, r01 + 1j * i01, r02 + 1j * i02],
                    [r01 - 1j * i01, d1, r12 + 1j * i12],
                    [r02 - 1j * i02, r12 - 1j * i12, d2]])
    rates = engine.channel_rates(x, eps)
    assert np.all(np.isfinite(rates)) and np.all(rates >= 0)
    nosc = [i for i, c in enumerate(engine.experiment.channels) if not c.oscillates]
    assert np.array_equal(rates[nosc], engine.channel_rates(X)[nosc])
