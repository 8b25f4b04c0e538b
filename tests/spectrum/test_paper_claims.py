"""One test per claim of the paper (and of REFERENCE.md/TEXTURES.md) about the spectrum and g_nu.

Independent numbers come from closed forms (REFERENCE R.2.3, R.2.6-R.2.11, section 2.10), from
mpmath at 50 digits, or from the numbers printed in TEXTURES.md / REFERENCE.md V20-V21.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest

from lfvnsi import Parameters, compute_couplings, compute_spectrum
from lfvnsi.model import mass_matrix

TEXTURES_POINT = {"version": "lnc", "alpha": "e", "beta": "mu", "g_psi": 1.0, "mt_alpha": 0.05, "mt_beta": 0.03,
                      "M1": 1.0, "M2": 1.2, "M_N": 1.3, "mu_L1": 1e-9, "mu_L2": 2e-9}


def evaluate(**kw):
    p = Parameters(**kw)
    s = compute_spectrum(p)
    return p, s, compute_couplings(p, s)


def test_eq14_determinant_vanishes_at_mu_zero() -> None:
    """Eq. 14: det = 0 for any mt, M2, m2, M_N, so one state is exactly massless (50 digits)."""
    rng = np.random.default_rng(3)
    mp.mp.dps = 50
    for _ in range(20):
        mt, M2, m2, MN = (mp.mpf(float(x)) for x in rng.uniform(0.01, 5, 4))
        eq14 = mp.matrix([[0, 0, mt, 0], [0, 0, M2, 0], [mt, M2, 0, m2], [0, 0, m2, MN]])
        assert mp.det(eq14) == 0
        _p, s, _ = evaluate(version="lnv", texture="paper", mt_beta=float(mt), M2=float(M2),
                           m2=float(m2), M_N=float(MN), mt_alpha=0.1, m1=1.0)
        assert np.all(s.light_masses == 0.0)


def test_eq14_null_vector_has_no_psi_component() -> None:
    """R.2.3: the massless state is (M2, -mt, 0, 0)/norm, so sin(beta) = 0 exactly (F1)."""
    _p, s, c = evaluate(version="lnv", texture="paper", alpha="e", beta="mu", mt_alpha=0.07,
                       mt_beta=0.05, M1=1.1, M2=1.0, m1=0.8, m2=1.0, M_N=1.0)
    assert s.sin_beta == 0.0 and s.sin_alpha == 0.0
    assert s.sin_beta_prime == pytest.approx(0.05 / np.hypot(1.0, 0.05), rel=1e-14)
    assert np.all(c.g_nu == 0.0)


def test_paper_texture_g_nu_is_mu_suppressed_textures_md() -> None:
    """TEXTURES.md: texture 'paper' with m1 = 0.9, m2 = 1.1 gives |g_nu| ~ 1.2e-21 g_psi."""
    _, _, c = evaluate(texture="paper", m1=0.9, m2=1.1, **TEXTURES_POINT)
    assert abs(c.g_nu[0, 1]) == pytest.approx(1.2e-21, rel=0.05)


def test_consistent_texture_reproduces_textures_md_and_v21() -> None:
    """TEXTURES.md / REFERENCE V21: 7.2877e-4 (flavour projection), 7.30507e-4 (mass basis)."""
    _, _s, c = evaluate(texture="consistent", mp1=0.9, mp2=1.1, **TEXTURES_POINT)
    assert abs(c.g_nu[0, 1]) == pytest.approx(7.28769e-4, rel=2e-6)
    assert np.max(np.abs(c.g_nu_mass_basis)) == pytest.approx(7.30507e-4, rel=2e-6)
    assert c.g_nu_diagonal_max < 1e-60


def test_reference_v20_repaired_model_angles() -> None:
    """REFERENCE V20 (massmatrix.py point): sin a, sin a', sin b, sin b' and |G_ab| (mass basis)."""
    _, s, c = evaluate(version="lnc", texture="consistent", alpha="e", beta="mu", g_psi=1.0,
                       mt_alpha=0.03, mt_beta=0.03, M1=1.0, M2=1.2, m1=0.7, m2=0.5, mp1=0.8,
                       mp2=0.9, M_N=1.0)
    assert s.sin_alpha == pytest.approx(0.05434, abs=1e-5)
    assert s.sin_alpha_prime == pytest.approx(0.06792, abs=1e-5)
    assert s.sin_beta == pytest.approx(0.03595, abs=1e-5)
    assert s.sin_beta_prime == pytest.approx(0.03994, abs=1e-5)
    assert np.max(np.abs(c.g_nu_mass_basis)) == pytest.approx(1.9534e-3, rel=1e-4)


@pytest.mark.parametrize("seed", range(5))
def test_closed_form_angles_and_heavy_masses_r26_r210(seed: int) -> None:
    """R.2.6-R.2.7 (zero mode) and R.2.10 (heavy Dirac masses) at mu = 0; g_nu = -sin a sin b."""
    rng = np.random.default_rng(seed)
    mt, M, m, mpp = rng.uniform(0.01, 0.2), rng.uniform(0.5, 3), rng.uniform(0, 2), \
        rng.uniform(0.3, 3)
    MN = rng.uniform(0.5, 3)
    _, s, c = evaluate(version="lnc", texture="consistent", alpha="mu", beta="tau", g_psi=1.0,
                       mt_alpha=mt, mt_beta=0.05, M1=M, M2=1.0, m1=m, m2=0.0, mp1=mpp, mp2=1.0,
                       M_N=MN)
    A = M - m * mpp / MN
    n = np.sqrt(A**2 + mt**2 * (1 + mpp**2 / MN**2))
    assert s.sin_alpha_prime == pytest.approx(mt / n, rel=1e-12)
    assert s.sin_alpha == pytest.approx(mt * mpp / (MN * n), rel=1e-12)
    T = mt**2 + M**2 + m**2 + mpp**2 + MN**2
    Delta = (mt**2 + M**2 + m**2) * (mpp**2 + MN**2) - (M * mpp + m * MN) ** 2
    sig = np.sqrt([(T - np.sqrt(T**2 - 4 * Delta)) / 2, (T + np.sqrt(T**2 - 4 * Delta)) / 2])
    heavy = s.heavy_masses
    for x in sig:  # each Dirac mass appears twice (a Weyl pair)
        assert np.sum(np.isclose(heavy, x, rtol=1e-12)) == 2
    G = c.g_nu_mass_basis
    assert np.max(np.abs(G)) == pytest.approx(s.sin_alpha * s.sin_beta, rel=1e-12)


def test_literal_lnv_heavy_masses_are_cubic_roots() -> None:
    """REFERENCE 2.10: M' = m = M_N = 1 gives |roots| of x^3 - x^2 - 2x + 1 (mt -> 0 limit)."""
    roots = sorted(abs(r) for r in np.roots([1, -1, -2, 1]))
    Mp = 1.0
    mt = 1e-7  # M' = sqrt(M^2 + mt^2) = 1 to 5e-15
    _, s, _ = evaluate(version="lnv", texture="paper", mt_alpha=mt, mt_beta=mt,
                       M1=np.sqrt(Mp**2 - mt**2), M2=np.sqrt(Mp**2 - mt**2), m1=1.0, m2=1.0,
                       M_N=1.0)
    np.testing.assert_allclose(np.unique(np.round(s.heavy_masses, 12)), roots, rtol=1e-12)


def test_first_order_light_masses_r211() -> None:
    """R.2.11: m_nu ~ mu_L sin^2(alpha') (inverse seesaw) to relative O(mu/M)."""
    mt, M = 0.05, 1.0
    _, s, _ = evaluate(version="lnv", texture="paper", mt_alpha=mt, mt_beta=mt, M1=M, M2=M,
                       m1=1.0, m2=1.0, M_N=1.0, mu_L1=1e-6, mu_L2=2e-6, mu_R1=3e-6, mu_R2=1e-6,
                       mu_21=5e-7, mu_21R=4e-7)
    s2 = mt**2 / (mt**2 + M**2)
    first = np.linalg.svd(np.array([[1e-6, 5e-7], [5e-7, 2e-6]]) * s2, compute_uv=False)
    np.testing.assert_allclose(np.sort(s.light_masses[1:]), np.sort(first), rtol=1e-5)
    # the numbers quoted in REFERENCE.md R.2.11 (full-matrix singular values)
    np.testing.assert_allclose(np.sort(s.light_masses[1:]), [1.977289e-9, 5.504015e-9],
                               rtol=1e-6)


@pytest.mark.parametrize("version_texture", [("lnv", "paper"), ("lnc", "paper"),
                                             ("lnc", "consistent"), ("lnc", "effective")])
def test_z2_forbids_diagonal_g_nu(version_texture: tuple[str, str]) -> None:
    """With mu_21 = mu_21R = 0 N_1 mixes only with nu_alpha, N_2 only with nu_beta: no diagonal."""
    version, texture = version_texture
    rng = np.random.default_rng(5)
    n = 50
    kw = {"version": version, "texture": texture, "alpha": "e", "beta": "tau",
              "mt_alpha": rng.uniform(0.01, 0.2, n), "mt_beta": rng.uniform(0.01, 0.2, n),
              "M1": rng.uniform(0.5, 3, n), "M2": rng.uniform(0.5, 3, n), "M_N": rng.uniform(0.5, 3, n),
              "mu_L1": rng.uniform(-1e-8, 1e-8, n), "mu_L2": rng.uniform(-1e-8, 1e-8, n),
              "mu_R1": rng.uniform(-1e-8, 1e-8, n), "mu_R2": rng.uniform(-1e-8, 1e-8, n)}
    if texture == "paper":
        kw.update(m1=rng.uniform(0.5, 3, n), m2=rng.uniform(0.5, 3, n))
    elif texture == "consistent":
        kw.update(mp1=rng.uniform(0.5, 3, n), mp2=rng.uniform(0.5, 3, n))
    else:
        kw.update(sin_alpha=rng.uniform(0.001, 0.1, n), sin_beta=rng.uniform(0.001, 0.1, n))
    _, _s, c = evaluate(**kw)
    assert np.all(np.diagonal(c.g_nu, axis1=-2, axis2=-1) == 0.0)
    # switching mu_21 on breaks the Z2 and diagonal entries appear
    _, _, c2 = evaluate(**{**kw, "mu_21": 1e-8})
    if texture != "paper" or version == "lnc":
        assert np.all(c2.g_nu_diagonal_max > 0)


def test_effective_texture_reproduces_eq15() -> None:
    """texture 'effective': sin_alpha, sin_beta as given and g_nu = +g_psi sin a sin b (Eq. 15)."""
    _, s, c = evaluate(version="lnc", texture="effective", alpha="e", beta="mu", g_psi=0.3,
                       mt_alpha=0.04, mt_beta=0.02, M1=1.5, M2=0.9, M_N=2.0, sin_alpha=0.03,
                       sin_beta=0.011)
    assert s.sin_alpha == pytest.approx(0.03, rel=1e-13)
    assert s.sin_beta == pytest.approx(0.011, rel=1e-13)
    assert c.g_nu_mass_basis[1, 2].real == pytest.approx(0.3 * 0.03 * 0.011, rel=1e-12) or \
        np.max(c.g_nu_mass_basis.real) == pytest.approx(0.3 * 0.03 * 0.011, rel=1e-12)


def test_spectator_flavour_is_massless_and_decoupled() -> None:
    """F9: the third flavour has no entries, stays massless and unmixed."""
    p, s, c = evaluate(**{**TEXTURES_POINT, "texture": "consistent", "mp1": 0.9, "mp2": 1.1})
    tau = 2
    assert s.light_masses[0] == 0.0
    assert np.all(c.g_nu[tau] == 0) and s.non_unitarity[tau, tau] == 0.0
    assert mass_matrix(p).matrix[tau].any() == np.False_
