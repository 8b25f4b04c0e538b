"""Invariants of the spectrum and couplings (hypothesis property tests)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lfvnsi import Parameters, compute_couplings, compute_spectrum
from lfvnsi.model import mass_matrix

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)
masses = st.floats(0.5, 10.0)
mixings = st.floats(1e-3, 0.3)
mus = st.floats(-1e-7, 1e-7)


@st.composite
def points(draw) -> dict:
    version, texture = draw(st.sampled_from([("lnv", "paper"), ("lnc", "paper"),
                                             ("lnc", "consistent")]))
    alpha, beta = draw(st.permutations(["e", "mu", "tau"]))[:2]
    kw = {"version": version, "texture": texture, "alpha": alpha, "beta": beta,
              "g_psi": draw(st.floats(1e-3, 1.0)), "mt_alpha": draw(mixings), "mt_beta": draw(mixings),
              "M1": draw(masses), "M2": draw(masses), "M_N": draw(masses), "mu_L1": draw(mus),
              "mu_L2": draw(mus), "mu_R1": draw(mus), "mu_R2": draw(mus), "mu_21": draw(mus),
              "mu_21R": draw(mus)}
    if texture == "paper":
        kw.update(m1=draw(masses), m2=draw(masses))
    else:
        kw.update(mp1=draw(masses), mp2=draw(masses))
    return kw


@SETTINGS
@given(points(), st.sampled_from(["numpy", "compiled"]))
def test_mixing_is_unitary_and_takagi(kw: dict, backend: str) -> None:
    p = Parameters(**kw)
    s = compute_spectrum(p, backend=backend)
    U, M = s.mixing, mass_matrix(p).matrix
    n = U.shape[-1]
    assert np.max(np.abs(U.conj().T @ U - np.eye(n))) < 1e-12
    assert np.max(np.abs(U.T @ M @ U - np.diag(s.masses))) < 1e-12 * s.masses.max()
    assert np.all(s.masses >= 0)


@SETTINGS
@given(points())
def test_g_nu_hermitian_and_linear_in_g_psi(kw: dict) -> None:
    p = Parameters(**kw)
    s = compute_spectrum(p)
    g = compute_couplings(p, s).g_nu
    assert np.allclose(g, g.conj().T, rtol=0, atol=1e-15 * max(np.abs(g).max(), 1e-300))
    g2 = compute_couplings(p.replace(g_psi=2 * p.g_psi), s).g_nu
    np.testing.assert_array_equal(g2, 2 * g)


@SETTINGS
@given(points())
def test_no_yukawa_no_coupling(kw: dict) -> None:
    """mt_beta = 0: nu_beta does not mix, so (g_nu)_{alpha beta} and sin(beta) vanish."""
    p = Parameters(**{**kw, "mt_beta": 0.0})
    s = compute_spectrum(p)
    c = compute_couplings(p, s)
    a, b = s.flavours
    assert c.g_nu[a, b] == 0 and s.sin_beta == 0 and s.sin_beta_prime == 0


@SETTINGS
@given(points())
def test_g_nu_independent_of_light_basis(kw: dict) -> None:
    """At mu = 0 all three light states are exactly degenerate (massless); g_nu is still defined
    by the light subspace, and equals the mu -> 0 limit of the non-degenerate case."""
    zero = {k: 0.0 for k in ("mu_L1", "mu_L2", "mu_R1", "mu_R2", "mu_21", "mu_21R")}
    p0 = Parameters(**{**kw, **zero})
    s0 = compute_spectrum(p0)
    assert np.all(s0.light_masses == 0)
    g0 = compute_couplings(p0, s0).g_nu
    tiny = {k: 1e-15 * np.sign(v) for k, v in kw.items() if k in zero}
    p1 = Parameters(**{**kw, **tiny})
    g1 = compute_couplings(p1, compute_spectrum(p1)).g_nu
    scale = max(np.abs(g0).max(), 1e-30)
    assert np.max(np.abs(g1 - g0)) < 1e-9 * scale + 1e-30


@SETTINGS
@given(st.lists(points(), min_size=2, max_size=4), st.sampled_from(["numpy", "compiled"]))
def test_batch_equals_scalar(kws: list[dict], backend: str) -> None:
    first = kws[0]
    kws = [{**k, **{n: first[n] for n in ("version", "texture", "alpha", "beta")},
            **({"m1": 0.0, "m2": 0.0} if first["texture"] != "paper" else {"mp1": 0.0,
                                                                            "mp2": 0.0})}
           for k in kws]
    kws = [{**k, **({"m1": k.get("m1", 1.0) or 1.0, "m2": k.get("m2", 1.0) or 1.0}
                    if first["texture"] == "paper" else
                    {"mp1": k.get("mp1", 1.0) or 1.0, "mp2": k.get("mp2", 1.0) or 1.0})}
           for k in kws]
    numeric = [n for n, v in kws[0].items() if isinstance(v, float)]
    batch = Parameters(**{**kws[0], **{n: np.array([k[n] for k in kws]) for n in numeric}})
    sb = compute_spectrum(batch, backend=backend)
    gb = compute_couplings(batch, sb).g_nu
    for i, k in enumerate(kws):
        p = Parameters(**k)
        s = compute_spectrum(p, backend=backend)
        np.testing.assert_allclose(sb.masses[i], s.masses, rtol=1e-13, atol=0)
        g = compute_couplings(p, s).g_nu
        np.testing.assert_allclose(gb[i], g, rtol=1e-12, atol=1e-14 * np.abs(g).max())
