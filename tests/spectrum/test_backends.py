"""The compiled kernel and the numpy path: one algorithm, two implementations, same numbers."""

from __future__ import annotations

import numpy as np
import pytest

from lfvnsi import Parameters, compute_couplings, compute_spectrum
from lfvnsi.exceptions import HierarchyError, LfvnsiError


def batch(version: str, texture: str, z2_broken: bool, n: int = 400, seed: int = 11) -> Parameters:
    rng = np.random.default_rng(seed)

    def logu(lo: float, hi: float) -> np.ndarray:
        return np.exp(rng.uniform(np.log(lo), np.log(hi), n))

    def signed(lo: float, hi: float) -> np.ndarray:
        return rng.choice([-1.0, 1.0], n) * logu(lo, hi)

    kw = {"version": version, "texture": texture, "alpha": "mu", "beta": "tau", "g_psi": logu(1e-3, 1.0),
              "mt_alpha": logu(1e-3, 0.3), "mt_beta": logu(1e-3, 0.3), "M1": logu(0.3, 50),
              "M2": logu(0.3, 50), "M_N": logu(0.3, 50), "mu_L1": signed(1e-12, 1e-8),
              "mu_L2": signed(1e-12, 1e-8), "mu_R1": signed(1e-12, 1e-8), "mu_R2": signed(1e-12, 1e-8)}
    if z2_broken:
        kw.update(mu_21=signed(1e-13, 1e-9), mu_21R=signed(1e-13, 1e-9))
    if texture == "paper":
        kw.update(m1=logu(0.3, 50), m2=logu(0.3, 50))
    elif texture == "consistent":
        kw.update(mp1=logu(0.3, 50), mp2=logu(0.3, 50), m1=logu(0.01, 1), m2=logu(0.01, 1))
    else:
        kw.update(sin_alpha=logu(1e-4, 0.3), sin_beta=logu(1e-4, 0.3))
    return Parameters(**kw)


CASES = [(v, t, z) for v, t in (("lnv", "paper"), ("lnc", "paper"), ("lnc", "consistent"),
                                ("lnc", "effective")) for z in (False, True)]


@pytest.mark.parametrize(("version", "texture", "z2_broken"), CASES)
def test_compiled_equals_numpy(version: str, texture: str, z2_broken: bool) -> None:
    p = batch(version, texture, z2_broken)
    sc = compute_spectrum(p, backend="compiled")
    sn = compute_spectrum(p, backend="numpy")
    light_floor = 1e-13 * sn.light_masses.max(axis=-1, keepdims=True)
    assert np.all(np.abs(sc.light_masses - sn.light_masses)
                  <= 1e-12 * sn.light_masses + light_floor)
    np.testing.assert_allclose(sc.heavy_masses, sn.heavy_masses, rtol=1e-13, atol=0)
    np.testing.assert_allclose(sc.light_projector, sn.light_projector, rtol=0, atol=1e-14)
    # Angles are amplitudes formed from light vectors whose sterile parts are O(mu/M), so their
    # absolute floor is ~eps x mu/M. With texture `paper` (lnc) the psi_R content of a light
    # state is second order in mu/M (1e-30 - 1e-18 here, REFERENCE F1) and sits near that floor.
    mus = np.max([np.abs(getattr(p, n)) for n in ("mu_L1", "mu_L2", "mu_R1", "mu_R2", "mu_21",
                                                     "mu_21R")], axis=0)
    floor = 1e-14 * mus / np.min(sn.heavy_masses, axis=-1)
    for name in ("sin_alpha", "sin_beta", "sin_alpha_prime", "sin_beta_prime"):
        a, b = getattr(sc, name), getattr(sn, name)
        assert np.all(np.abs(a - b) <= 1e-11 * b + floor), name
    gc = compute_couplings(p, sc).g_nu
    gn = compute_couplings(p, sn).g_nu
    scale = np.abs(gn).max(axis=(-1, -2), keepdims=True)
    assert np.all(np.abs(gc - gn) <= 1e-11 * scale)
    U = sc.mixing
    n = U.shape[-1]
    assert np.max(np.abs(np.conj(np.swapaxes(U, -1, -2)) @ U - np.eye(n))) < 1e-13


def test_auto_backend_switches_at_the_batch_size() -> None:
    from lfvnsi.backend import COMPILED_MIN_BATCH

    p = batch("lnc", "consistent", True, n=COMPILED_MIN_BATCH)
    auto = compute_spectrum(p)
    compiled = compute_spectrum(p, backend="compiled")
    np.testing.assert_array_equal(auto.masses, compiled.masses)
    with pytest.raises(ValueError, match="backend"):
        compute_spectrum(p, backend="gpu")


def test_compiled_backend_refuses_a_broken_hierarchy() -> None:
    p = batch("lnc", "consistent", False, n=300).replace(mu_L1=0.5)
    with pytest.raises(HierarchyError, match="mu_L1"):
        compute_spectrum(p, backend="compiled")


@pytest.mark.parametrize("backend", ["numpy", "compiled"])
def test_a_second_massless_state_is_refused(backend: str) -> None:
    """mt_alpha = 0 and M1 M_N = m1 mp1: D of sector 1 has rank 1 (R.2.6 with A_1 = 0, n_1 = 0)."""
    p = Parameters(version="lnc", texture="consistent", mt_alpha=np.zeros(300), mt_beta=0.05,
                   M1=1.0, M2=1.2, M_N=1.5, mp1=2.0, m1=0.75, mp2=1.0, mu_L1=1e-9)
    with pytest.raises(LfvnsiError, match="massless"):
        compute_spectrum(p, backend=backend)
