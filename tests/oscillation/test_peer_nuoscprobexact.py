"""Against NuOscProbExact (arXiv:1904.12391, the `peers` extra) with NSI switched on.

NuOscProbExact is run in its own units (eV, its km and its V_CC); we get the same Hamiltonian by
rescaling density and baseline (reference.py). Required: <= 1e-12 in constant matter.
"""

from __future__ import annotations

import hamiltonians3nu as h3  # NuOscProbExact, in the test extra (lfvnsi[peers])
import mpmath as mp
import numpy as np
import oscprob3nu as o3
import pytest
import slabs

from lfvnsi.oscillation import (
    OscillationParameters,
    hamiltonian,
    km_to_per_GeV,
    nuoscprobexact,
    probabilities,
)
from lfvnsi.oscillation.propagation import probabilities_layers

from .reference import NOPE_DENSITY_SCALE, NOPE_KM_PER_EV, NOPE_LENGTH_SCALE, nope_potential_eV


def _random_eps(scale: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
    return scale * (A + A.conj().T) / 2.0


def _theirs(params: OscillationParameters, E_GeV: np.ndarray, L_km: float, rho: float,
            eps: np.ndarray, antineutrino: bool) -> np.ndarray:
    h_vac = np.asarray(h3.hamiltonian_3nu_vacuum_energy_independent(
        np.sin(params.theta12), np.sin(params.theta23), np.sin(params.theta13), params.delta_cp,
        params.dm21_eV2, params.dm31_eV2))
    flat = nuoscprobexact(eps)
    V = nope_potential_eV(rho)
    if antineutrino:  # CP conjugate: conj(H_vac), -V, conj(eps)
        h_vac, V, flat = np.conj(h_vac), -V, [np.conj(z) for z in flat]
    H = h3.hamiltonian_3nu_nsi(h_vac, E_GeV * 1e9, V, flat)
    return np.asarray(o3.probabilities_3nu(H, L_km * NOPE_KM_PER_EV)).reshape(-1, 3, 3)


@pytest.mark.parametrize("ordering", ["normal", "inverted"])
@pytest.mark.parametrize("antineutrino", [False, True])
@pytest.mark.parametrize(("L_km", "rho", "E_min"), [(295.0, 2.6, 0.1), (1284.9, 2.848, 0.1),
                                                    (7000.0, 4.5, 0.5)])
def test_constant_matter_with_nsi_to_1e12(ordering: str, antineutrino: bool, L_km: float,
                                          rho: float, E_min: float) -> None:
    params = OscillationParameters.best_fit(ordering)
    E = np.geomspace(E_min, 100.0, 3000)
    for seed, scale in enumerate((0.05, 1.0)):
        eps = _random_eps(scale, seed)
        ours = probabilities(E, L_km * NOPE_LENGTH_SCALE, params,
                             density_g_cm3=rho * NOPE_DENSITY_SCALE, Ye=0.5, eps_matter=eps,
                             antineutrino=antineutrino)
        theirs = _theirs(params, E, L_km, rho, eps, antineutrino)
        assert np.max(np.abs(ours - theirs)) < 1e-12


def test_where_the_two_differ_most_we_are_the_exact_one() -> None:
    """7000 km at 0.1-0.5 GeV with |eps| ~ 1 (phases of hundreds of radians): the codes differ by
    up to ~1e-12; a 40-digit mpmath exponential says the difference is NuOscProbExact's."""
    params = OscillationParameters.best_fit("inverted")
    eps = _random_eps(1.0, 5)
    E = np.geomspace(0.1, 0.5, 400)
    L_km, rho = 7000.0, 4.5
    ours = probabilities(E, L_km * NOPE_LENGTH_SCALE, params,
                         density_g_cm3=rho * NOPE_DENSITY_SCALE, Ye=0.5, eps_matter=eps)
    theirs = _theirs(params, E, L_km, rho, eps, False)
    worst = np.argsort(np.max(np.abs(ours - theirs), axis=(1, 2)))[-4:]
    H = hamiltonian(E[worst], params, density_g_cm3=rho * NOPE_DENSITY_SCALE, Ye=0.5,
                    eps_matter=eps)
    L = L_km * NOPE_LENGTH_SCALE * km_to_per_GeV()
    mp.mp.dps = 40
    for k, i in enumerate(worst):
        M = mp.matrix([[mp.mpc(complex(H[k][a, b])) for b in range(3)] for a in range(3)])
        S = mp.expm(-1j * M * mp.mpf(L))
        exact = np.array([[float(abs(S[b, a]) ** 2) for b in range(3)] for a in range(3)])
        assert np.max(np.abs(ours[i] - exact)) < 1e-13
        assert np.max(np.abs(ours[i] - exact)) < np.max(np.abs(theirs[i] - exact))


def test_layers_against_their_slab_product() -> None:
    params = OscillationParameters.best_fit()
    eps = _random_eps(0.2, 9)
    lengths = np.array([300.0, 1200.0, 2500.0, 1200.0, 300.0])
    rho = np.array([3.3, 5.0, 11.5, 5.0, 3.3])
    E = np.geomspace(1.0, 50.0, 200)
    ours = probabilities_layers(E, lengths * NOPE_LENGTH_SCALE, rho * NOPE_DENSITY_SCALE, 0.5,
                                params, eps_matter=eps)
    h_vac = np.asarray(h3.hamiltonian_3nu_vacuum_energy_independent(
        np.sin(params.theta12), np.sin(params.theta23), np.sin(params.theta13), params.delta_cp,
        params.dm21_eV2, params.dm31_eV2))
    theirs = np.empty_like(ours)
    for i, e in enumerate(E):
        hs = [h3.hamiltonian_3nu_nsi(h_vac, e * 1e9, nope_potential_eV(r), nuoscprobexact(eps))
              for r in rho]
        theirs[i] = np.asarray(slabs.probabilities_3nu_slabs(hs, lengths * NOPE_KM_PER_EV)
                               ).reshape(3, 3)
    assert np.max(np.abs(ours - theirs)) < 1e-12
