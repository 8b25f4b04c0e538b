"""Against NuOscProbExact (arXiv:1904.12391, the `peers` extra) with NSI switched on.

NuOscProbExact is run in its own units (eV, its km and its V_CC); we get the same Hamiltonian by
rescaling density and baseline (reference.py). Required: <= 1e-12 in constant matter.
"""

from __future__ import annotations

import numpy as np
import pytest

from lfvnsi.oscillation import OscillationParameters, nuoscprobexact, probabilities
from lfvnsi.oscillation.propagation import probabilities_layers

from .reference import NOPE_DENSITY_SCALE, NOPE_KM_PER_EV, NOPE_LENGTH_SCALE, nope_potential_eV

h3 = pytest.importorskip("hamiltonians3nu", reason="NuOscProbExact is in the test extra")
o3 = pytest.importorskip("oscprob3nu")

RNG = np.random.default_rng(20260521)


def _random_eps(scale: float) -> np.ndarray:
    A = RNG.normal(size=(3, 3)) + 1j * RNG.normal(size=(3, 3))
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
@pytest.mark.parametrize(("L_km", "rho"), [(1284.9, 2.848), (295.0, 2.6), (7000.0, 4.5)])
def test_constant_matter_with_nsi_to_1e12(ordering: str, antineutrino: bool, L_km: float,
                                          rho: float) -> None:
    params = OscillationParameters.best_fit(ordering)
    E = np.geomspace(0.1, 100.0, 3000)
    for scale in (0.05, 1.0):
        eps = _random_eps(scale)
        ours = probabilities(E, L_km * NOPE_LENGTH_SCALE, params,
                             density_g_cm3=rho * NOPE_DENSITY_SCALE, Ye=0.5, eps_matter=eps,
                             antineutrino=antineutrino)
        theirs = _theirs(params, E, L_km, rho, eps, antineutrino)
        assert np.max(np.abs(ours - theirs)) < 1e-12


def test_layers_against_their_slab_product() -> None:
    slabs = pytest.importorskip("slabs")
    params = OscillationParameters.best_fit()
    eps = _random_eps(0.2)
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
