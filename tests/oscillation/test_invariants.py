"""Invariants of the probabilities: hypothesis properties over parameters, NSI and kinematics."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lfvnsi.oscillation import OscillationParameters, earth_path, probabilities
from lfvnsi.oscillation.propagation import probabilities_layers

angle = st.floats(0.0, np.pi / 2)
phase = st.floats(0.0, 2 * np.pi)
eps_entry = st.floats(-2.0, 2.0)


@st.composite
def setups(draw: st.DrawFn) -> dict:
    params = OscillationParameters(draw(angle), draw(angle), draw(angle), draw(phase),
                                   draw(st.floats(0.0, 1e-3)),
                                   draw(st.floats(1e-4, 5e-3)) * draw(st.sampled_from([1, -1])))
    re = np.array([draw(eps_entry) for _ in range(9)]).reshape(3, 3)
    im = np.array([draw(eps_entry) for _ in range(9)]).reshape(3, 3)
    A = re + 1j * im
    eps = draw(st.sampled_from([0.0, 1e-3, 1.0])) * 0.5 * (A + A.conj().T)
    return {
        "params": params,
        "eps": eps,
        "E": np.array(draw(st.lists(st.floats(0.05, 1e4), min_size=1, max_size=6))),
        "L": draw(st.floats(0.0, 13000.0)),
        "rho": draw(st.floats(0.0, 13.0)),
        "Ye": draw(st.floats(0.3, 1.0)),
        "anti": draw(st.booleans()),
    }


def _P(s: dict) -> np.ndarray:
    return probabilities(s["E"], s["L"], s["params"], density_g_cm3=s["rho"], Ye=s["Ye"],
                         eps_matter=s["eps"], antineutrino=s["anti"])


@settings(max_examples=150, deadline=None)
@given(setups())
def test_probabilities_are_unitary_and_in_range(s: dict) -> None:
    P = _P(s)
    assert np.all(P >= -1e-12) and np.all(P <= 1.0 + 1e-12)
    assert np.max(np.abs(P.sum(axis=-1) - 1.0)) < 1e-11  # rows: from alpha to anything
    assert np.max(np.abs(P.sum(axis=-2) - 1.0)) < 1e-11  # columns: anything to beta


@settings(max_examples=60, deadline=None)
@given(setups())
def test_identity_at_zero_baseline(s: dict) -> None:
    P = probabilities(s["E"], 0.0, s["params"], density_g_cm3=s["rho"], eps_matter=s["eps"])
    assert np.max(np.abs(P - np.eye(3))) == 0.0


@settings(max_examples=60, deadline=None)
@given(setups())
def test_batch_equals_scalar_bit_for_bit(s: dict) -> None:
    batch = _P(s)
    for i, e in enumerate(s["E"]):
        single = probabilities(float(e), s["L"], s["params"], density_g_cm3=s["rho"], Ye=s["Ye"],
                               eps_matter=s["eps"], antineutrino=s["anti"])
        assert single.shape == (3, 3)
        assert np.array_equal(single, batch[i])


@settings(max_examples=60, deadline=None)
@given(setups())
def test_cpt_in_vacuum(s: dict) -> None:
    """P(nu_a -> nu_b) = P(nubar_b -> nubar_a) without matter (any eps: it multiplies V = 0)."""
    P = probabilities(s["E"], s["L"], s["params"], eps_matter=s["eps"])
    Pbar = probabilities(s["E"], s["L"], s["params"], eps_matter=s["eps"], antineutrino=True)
    assert np.max(np.abs(P - np.swapaxes(Pbar, -1, -2))) < 1e-12


@settings(max_examples=60, deadline=None)
@given(setups())
def test_t_symmetry_without_phases(s: dict) -> None:
    """Real H (delta = 0 or pi, real eps): P(a -> b) = P(b -> a) in constant matter."""
    params = s["params"].replace(delta_cp=0.0)
    P = probabilities(s["E"], s["L"], params, density_g_cm3=s["rho"], eps_matter=s["eps"].real)
    assert np.max(np.abs(P - np.swapaxes(P, -1, -2))) < 1e-11


@settings(max_examples=40, deadline=None)
@given(setups(), st.integers(1, 7))
def test_layers_of_equal_matter_compose_to_one_slab(s: dict, k: int) -> None:
    P = _P(s)
    P_layers = probabilities_layers(s["E"], np.full(k, s["L"] / k), s["rho"], s["Ye"], s["params"],
                                    eps_matter=s["eps"], antineutrino=s["anti"])
    assert np.max(np.abs(P_layers - P)) < 1e-11


def test_zero_eps_is_standard_matter() -> None:
    params = OscillationParameters.best_fit()
    E = np.geomspace(0.2, 50, 200)
    standard = probabilities(E, 2000.0, params, density_g_cm3=3.2)
    assert np.array_equal(probabilities(E, 2000.0, params, density_g_cm3=3.2,
                                        eps_matter=np.zeros((3, 3))), standard)
    # an eps proportional to the identity is a common phase: no effect at all
    shifted = probabilities(E, 2000.0, params, density_g_cm3=3.2, eps_matter=0.7 * np.eye(3))
    assert np.max(np.abs(shifted - standard)) < 1e-13


def test_earth_chord_symmetry_and_shapes() -> None:
    """A chord through a layered sphere is a palindrome: with real H, P(a->b) = P(b->a)."""
    params = OscillationParameters.best_fit().replace(delta_cp=0.0)
    path = earth_path(-0.8)
    assert np.allclose(path.density_g_cm3, path.density_g_cm3[::-1], rtol=0, atol=1e-12)
    P = probabilities_layers(np.geomspace(1, 80, 50), path.lengths_km, path.density_g_cm3, path.Ye,
                             params)
    assert np.max(np.abs(P - np.swapaxes(P, -1, -2))) < 1e-11


def test_energy_baseline_grid_equals_one_at_a_time() -> None:
    params = OscillationParameters.best_fit("inverted")
    E = np.geomspace(0.3, 30.0, 7)
    L = np.array([0.0, 295.0, 1284.9, 8000.0])
    rho = np.array([2.6, 2.848, 4.0, 5.5])
    eps = np.array([[0.1, 0.2j, 0.0], [-0.2j, 0.0, 0.05], [0.0, 0.05, -0.1]])
    grid = probabilities(E[:, None], L[None, :], params, density_g_cm3=rho[None, :],
                         eps_matter=eps, antineutrino=True)
    assert grid.shape == (7, 4, 3, 3)
    for i in range(E.size):
        for j in range(L.size):
            one = probabilities(E[i], L[j], params, density_g_cm3=rho[j], eps_matter=eps,
                                antineutrino=True)
            assert np.array_equal(one, grid[i, j])
