"""The 3x3 evolution operator against 50-digit mpmath and closed forms, including stiff cases.

NuOscProbExact's stiff_reference.json (its tests/ folder) holds 4x4 (3+1) matrices only, outside a three-flavour engine;
the same recipes (a pair split by 1e-8 and 1e-16, exact degeneracy, strong hierarchy, random
Hermitian) are rebuilt here at 3x3 and refereed by mpmath.expm at 50 digits.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import scipy.linalg

from lfvnsi.oscillation import (
    OscillationParameters,
    evolution_operator,
    hamiltonian,
    km_to_per_GeV,
    matter_potential_GeV,
    probabilities,
)
from lfvnsi.oscillation.kernels import amplitudes_kernel, probabilities_kernel
from lfvnsi.oscillation.propagation import pack_hermitian

RNG = np.random.default_rng(7)


def _unitary() -> np.ndarray:
    q, r = np.linalg.qr(RNG.normal(size=(3, 3)) + 1j * RNG.normal(size=(3, 3)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def _kernel_S(H: np.ndarray, L: float) -> np.ndarray:
    """exp(-i H~ L) of the traceless part, straight from the kernel (E = 1/2: H = m)."""
    out = np.empty((18, 1))
    amplitudes_kernel(pack_hermitian(H), np.zeros(9), np.array([0.5]), np.array([L]),
                      np.zeros(1), out)
    return (out[0::2, 0] + 1j * out[1::2, 0]).reshape(3, 3)


def _mpmath_S(H: np.ndarray, L: float) -> np.ndarray:
    mp.mp.dps = 50
    Ht = H - np.trace(H).real / 3.0 * np.eye(3)  # the traceless part, as the kernel uses
    M = mp.matrix([[mp.mpc(complex(Ht[a, b])) for b in range(3)] for a in range(3)])
    S = mp.expm(-1j * M * mp.mpf(L))
    return np.array([[complex(S[a, b]) for b in range(3)] for a in range(3)])


def _hermitian_with(eigenvalues: tuple[float, float, float]) -> np.ndarray:
    U = _unitary()
    H = (U * np.array(eigenvalues)) @ U.conj().T
    return 0.5 * (H + H.conj().T)


STIFF = {
    "random Hermitian": lambda: _hermitian_with(tuple(RNG.normal(size=3))),
    "pair split 1e-8": lambda: _hermitian_with((1.0, 1.0 + 1e-8, -2.0)),
    "pair split 1e-16": lambda: _hermitian_with((1.0, 1.0 + 1e-16, -2.0)),
    "lower pair split 1e-12": lambda: _hermitian_with((2.0, -1.0, -1.0 - 1e-12)),
    "exact double root": lambda: np.diag([1.0, 1.0, -2.0]).astype(complex),
    "hierarchy 1e6": lambda: _hermitian_with((1e6, 1.0, 0.0)),
    "hierarchy 1e-9 pair": lambda: _hermitian_with((1.0, 1e-9, 0.0)),
    "triple degenerate": lambda: 3.0 * np.eye(3, dtype=complex),
}


@pytest.mark.parametrize("case", list(STIFF))
@pytest.mark.parametrize("L", [1e-3, 1.0, 30.0])
def test_stiff_cases_against_mpmath(case: str, L: float) -> None:
    H = STIFF[case]()
    S = _kernel_S(H, L)
    ref = _mpmath_S(H, L)
    scale = max(1.0, float(np.max(np.abs(np.linalg.eigvalsh(H - np.trace(H).real / 3 * np.eye(3)))))
                * L)
    assert np.max(np.abs(S - ref)) < 4e-15 * scale, case
    assert np.max(np.abs(np.abs(S) ** 2 - np.abs(ref) ** 2)) < 4e-15 * scale, case
    assert np.max(np.abs(S @ S.conj().T - np.eye(3))) < 4e-15 * scale


def test_evolution_operator_is_the_matrix_exponential() -> None:
    params = OscillationParameters.best_fit()
    eps = np.array([[0.1, 0.05 - 0.02j, 0.01j], [0.05 + 0.02j, -0.2, 0.3], [-0.01j, 0.3, 0.0]])
    E = np.array([0.3, 1.0, 3.0, 20.0])
    for anti in (False, True):
        S = evolution_operator(E, 1284.9, params, density_g_cm3=2.848, eps_matter=eps,
                               antineutrino=anti)
        H = hamiltonian(E, params, density_g_cm3=2.848, eps_matter=eps, antineutrino=anti)
        L = 1284.9 * km_to_per_GeV()
        for i in range(E.size):
            assert np.max(np.abs(S[i] - scipy.linalg.expm(-1j * H[i] * L))) < 1e-13


def test_antineutrino_hamiltonian_is_the_cp_conjugate() -> None:
    """H_bar = conj(U D U^+)/2E - V conj(1_ee + eps), built here from the PMNS matrix."""
    params = OscillationParameters.best_fit("inverted")
    eps = np.array([[0.2, 0.1j, 0.0], [-0.1j, 0.0, 0.05 + 0.05j], [0.0, 0.05 - 0.05j, -0.1]])
    E, rho, Ye = 2.0, 3.0, 0.49
    U = params.pmns()
    D = np.diag([0.0, params.dm21_eV2, params.dm31_eV2]) * 1e-18
    V = float(matter_potential_GeV(rho, Ye))
    expected = np.conj(U @ D @ U.conj().T) / (2 * E) - V * np.conj(np.diag([1.0, 0, 0]) + eps)
    got = hamiltonian(E, params, density_g_cm3=rho, Ye=Ye, eps_matter=eps, antineutrino=True)
    assert np.max(np.abs(got - expected)) < 1e-16 * np.max(np.abs(expected))


def test_two_flavour_vacuum_formula() -> None:
    """theta12 = theta13 = 0, dm21 = 0: nu_e decouples, P(mu->tau) = sin^2 2th23 sin^2(dm L/4E)."""
    th = 0.7
    params = OscillationParameters(0.0, 0.0, th, 1.3, 0.0, 2.5e-3)
    E = np.geomspace(0.1, 50.0, 500)
    L = 810.0
    P = probabilities(E, L, params)
    phase = 2.5e-3 * 1e-18 * L * km_to_per_GeV() / (4.0 * E)
    expected = math.sin(2 * th) ** 2 * np.sin(phase) ** 2
    assert np.max(np.abs(P[:, 1, 2] - expected)) < 1e-13
    assert np.max(np.abs(P[:, 0, 0] - 1.0)) < 1e-14


@pytest.mark.parametrize("eps_scale", [0.0, 1.0])
def test_two_flavour_msw_with_nsi_closed_form(eps_scale: float) -> None:
    """theta12 = theta23 = 0, dm21 = 0, eps_emu = eps_mutau = 0: an exact e-tau two-level system,
    P(e->tau) = 4|O|^2/w^2 sin^2(w L/2), w^2 = D^2 + 4|O|^2, with D = -k cos2th + V (1 + eps_ee -
    eps_tautau), O = (k/2) sin2th exp(-i delta) + V eps_etau, k = dm31/2E (Wolfenstein; MSW)."""
    th, delta, dm = 0.15, 0.9, 2.5e-3
    params = OscillationParameters(0.0, th, 0.0, delta, 0.0, dm)
    eps = eps_scale * np.array([[0.3, 0, 0.2 - 0.1j], [0, 0.7, 0], [0.2 + 0.1j, 0, -0.25]])
    E = np.geomspace(0.5, 60.0, 400)
    L_km, rho = 6000.0, 4.0
    P = probabilities(E, L_km, params, density_g_cm3=rho, eps_matter=eps)
    V = float(matter_potential_GeV(rho, 0.5))
    k = dm * 1e-18 / (2 * E)
    D = -k * math.cos(2 * th) + V * (1 + eps[0, 0].real - eps[2, 2].real)
    O = 0.5 * k * math.sin(2 * th) * np.exp(-1j * delta) + V * eps[0, 2]
    w = np.sqrt(D**2 + 4 * np.abs(O) ** 2)
    expected = 4 * np.abs(O) ** 2 / w**2 * np.sin(w * L_km * km_to_per_GeV() / 2) ** 2
    assert np.max(np.abs(P[:, 0, 2] - expected)) < 1e-13
    assert np.max(np.abs(P[:, 1, 1] - 1.0)) < 1e-13  # nu_mu decouples (phases up to 40 rad)


def test_cpt_in_matter_at_kernel_level() -> None:
    """P[conj(H)] = P[H]^T: an antineutrino in CPT-conjugate matter retraces the neutrino."""
    params = OscillationParameters.best_fit()
    M = params.mass_matrix_GeV2()
    N = np.array([[1.2, 0.1 + 0.3j, -0.2j], [0.1 - 0.3j, 0.4, 0.05], [0.2j, 0.05, -0.3]])
    E = np.geomspace(0.2, 40, 300)
    L = np.full(E.size, 3000.0 * km_to_per_GeV())
    V = np.full(E.size, float(matter_potential_GeV(3.5, 0.5)))
    P = np.empty((9, E.size))
    P_conj = np.empty((9, E.size))
    probabilities_kernel(pack_hermitian(M), pack_hermitian(N), E, L, V, P)
    probabilities_kernel(pack_hermitian(np.conj(M)), pack_hermitian(np.conj(N)), E, L, V, P_conj)
    P3 = P.reshape(3, 3, -1)
    assert np.max(np.abs(P_conj.reshape(3, 3, -1) - np.swapaxes(P3, 0, 1))) < 1e-13
