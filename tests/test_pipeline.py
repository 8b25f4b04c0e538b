"""The batched pipeline: invariants of every observable, limits, batch equals scalar."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lfvnsi import Parameters
from lfvnsi.observables import OBSERVABLES, PER_STATE
from lfvnsi.pipeline import evaluate

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)


@st.composite
def points(draw) -> dict:
    version, texture = draw(st.sampled_from([("lnv", "paper"), ("lnc", "paper"),
                                             ("lnc", "consistent")]))
    alpha, beta = draw(st.permutations(["e", "mu", "tau"]))[:2]
    masses = st.floats(0.3, 20.0)
    kw = {"version": version, "texture": texture, "alpha": alpha, "beta": beta,
          "g_psi": draw(st.floats(1e-3, 1.0)), "m_zprime": draw(st.floats(1e-3, 3.0)),
          "mt_alpha": draw(st.floats(1e-3, 0.3)), "mt_beta": draw(st.floats(1e-3, 0.3)),
          "M1": draw(masses), "M2": draw(masses), "M_N": draw(masses),
          "mu_L1": draw(st.floats(-1e-8, 1e-8)), "mu_L2": draw(st.floats(-1e-8, 1e-8)),
          "mu_21": draw(st.sampled_from([0.0, 3e-10])),
          "matter": draw(st.sampled_from(["gauged", "kinetic"])),
          "g_B": draw(st.floats(0, 1e-3)), "a_tau": draw(st.sampled_from([0.0, 3.0])),
          "kinetic_mixing": draw(st.floats(0, 1e-3))}
    if texture == "paper":
        kw.update(m1=draw(masses), m2=draw(masses))
    else:
        kw.update(mp1=draw(masses), mp2=draw(masses))
    return kw


@SETTINGS
@given(points())
def test_observables_are_finite_nonnegative_and_brs_sum_to_one(kw: dict) -> None:
    r = evaluate(Parameters(**kw))
    obs = r.observables
    assert set(obs) == set(OBSERVABLES) and set(r.per_state) == set(PER_STATE)
    signed = {k for k in obs if k.startswith("eps_")}
    for name, value in obs.items():
        if name == "schwarz_ratio_u" or name == "ctau_Zp_m":
            continue
        assert np.all(np.isfinite(value)), name
        if name not in signed:
            assert np.all(value >= 0), name
    total = sum(obs[f"Br_Zp_{k}"] for k in ("invisible", "to_nuN", "to_ee", "to_mumu",
                                            "to_tautau", "to_hadrons"))
    # a Z' with no open coupled channel (paper texture at mu = 0, no matter coupling) has none
    assert total == pytest.approx(1.0 if obs["Gamma_Zp_GeV"] > 0 else 0.0, rel=1e-12)
    assert 0 <= obs["Br_h_inv"] < 1
    for name in PER_STATE:
        assert np.all(r.per_state[name] >= 0), name


@SETTINGS
@given(points())
def test_no_matter_coupling_no_matter_observables(kw: dict) -> None:
    r = evaluate(Parameters(**{**kw, "g_B": 0.0, "kinetic_mixing": 0.0}))
    obs = r.observables
    for name in ("g_e", "g_q", "Br_Zp_to_ee", "Br_Zp_to_mumu", "Br_Zp_to_hadrons",
                 "Br_pi0_to_gamma_Zp", "R_mue_Al", "R_mue_Au"):
        assert obs[name] == 0, name
    assert all(not np.any(e) for e in r.nsi.eps.values())


@SETTINGS
@given(points())
def test_non_unitarity_is_half_the_active_heavy_mixing(kw: dict) -> None:
    """eta_ll = Theta_l^2/2 (N N^dagger + sum_heavy U U^dagger = 1, REFERENCE section 6 row 7)."""
    obs = evaluate(Parameters(**kw)).observables
    for f in ("e", "mu", "tau"):
        assert obs[f"eta_{f}{f}"] == pytest.approx(0.5 * obs[f"Theta2_{f}"], rel=1e-9, abs=1e-18)


def test_batch_equals_scalar_for_every_observable() -> None:
    rng = np.random.default_rng(4)
    n = 6
    batch = Parameters.benchmark().replace(m_zprime=rng.uniform(0.01, 1.5, n),
                                           M1=rng.uniform(0.6, 3, n), g_B=rng.uniform(0, 1e-3, n))
    rb = evaluate(batch)
    for i in range(n):
        single = Parameters.benchmark().replace(m_zprime=batch.m_zprime[i], M1=batch.M1[i],
                                                g_B=batch.g_B[i])
        rs = evaluate(single)
        for name, value in rs.observables.items():
            np.testing.assert_allclose(rb.observables[name][i], value, rtol=1e-10, atol=1e-300,
                                       err_msg=name)


def test_0nubb_mass_uses_the_vanishing_ee_entry() -> None:
    """M_ee = sum_k U_ek^2 m_k = 0 in every texture here, so the interpolating formula equals
    |sum_heavy U_ek^2 m_k^3/(<p^2> + m_k^2)| (heavy states only) - two routes, one number; and
    lnv's Majorana heavy states give far more than lnc's pseudo-Dirac pairs."""
    from lfvnsi.constants import standard_model

    p2 = standard_model().p_0nubb ** 2
    lnc = evaluate(Parameters.benchmark())
    U, m = lnc.spectrum.mixing, lnc.spectrum.masses
    heavy = abs(np.sum(U[0, 3:] ** 2 * m[3:] ** 3 / (p2 + m[3:] ** 2))) * 1e9
    assert float(lnc.observables["m_betabeta_eV"]) == pytest.approx(heavy, rel=1e-6)
    lnv = evaluate(Parameters(version="lnv", texture="paper", alpha="e", beta="mu", mt_alpha=0.05,
                              mt_beta=0.04, M1=1.0, M2=1.2, m1=1.0, m2=1.1, M_N=1.3,
                              mu_L1=4e-8, mu_L2=3e-8))
    assert float(lnv.observables["m_betabeta_eV"]) > 1e3 * float(lnc.observables["m_betabeta_eV"])
