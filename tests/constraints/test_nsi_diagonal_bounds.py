"""The flavour-diagonal NSI records of the global fit arXiv:1805.04530 (eps_ee - eps_mumu and
eps_tautau - eps_mumu for NSI with u, d or p only): without them a gauged B - 3 L_tau point with
|eps_tautau| ~ 1e4 passed every current bound."""

from __future__ import annotations

import math

import pytest

from lfvnsi import Parameters, evaluate
from lfvnsi.constraints import evaluate_constraints, load_bounds
from lfvnsi.constraints.database import Bound
from lfvnsi.observables import OBSERVABLES

G_F = 1.1663787e-5  # GeV^-2 (REFERENCE section 7): an independent input for the hand value
COMBINATIONS = [(f, c) for f in ("u", "d", "p") for c in ("ee", "tautau")]
TAUTAU_U = "Esteban et al. 2018 OSC+COHERENT eps_u_tautau_minus_mumu"


def diagonal_records() -> dict[tuple[str, str], Bound]:
    return {(f, c): next(b for b in load_bounds() if b.observable == f"eps_{f}_{c}_minus_mumu")
            for f, c in COMBINATIONS}


def heavy_b_minus_3l_tau() -> Parameters:
    """Gauged B - 3 L_tau with g_B = 3e-3 and a 3 MeV Z': eps^q_tautau ~ -3e4 (R.4.6)."""
    return Parameters.benchmark().replace(g_B=3e-3, m_zprime=0.003)


def test_one_current_gauged_range_per_fermion_and_combination() -> None:
    records = diagonal_records()
    assert len({b.id for b in records.values()}) == len(COMBINATIONS)
    for (f, c), b in records.items():
        assert b.observable in OBSERVABLES and b.id.endswith(f"eps_{f}_{c}_minus_mumu")
        assert b.kind == "range" and b.status == "current" and b.cl == pytest.approx(0.9545)
        assert b.applies_to.matter == ("gauged",)  # neutral matter: no propagation NSI (R.4.7)
        assert b.arxiv == "1805.04530" and b.doi == "10.1007/JHEP08(2018)180"
        assert b.note


@pytest.mark.parametrize(("f", "combination"), COMBINATIONS)
def test_each_interval_contains_the_standard_model(f: str, combination: str) -> None:
    b = diagonal_records()[(f, combination)]
    assert isinstance(b.value, tuple)
    lo, hi = b.value
    assert b.null_value == 0.0 and lo < 0.0 < hi


def test_heavy_b_minus_3l_tau_point_is_excluded_by_tautau_minus_mumu() -> None:
    p = heavy_b_minus_3l_tau()
    assert p.matter == "gauged" and float(p.a_tau) == 3.0
    r = evaluate(p)
    # eps^u_tautau - eps^u_mumu = g_q (-3 a_tau g_q) / (sqrt2 G_F m^2), a_mu = 0 (R.4.6, eps^V)
    g_q = float(p.g_B) / 3
    by_hand = g_q * (-3 * float(p.a_tau) * g_q) / (math.sqrt(2) * G_F * float(p.m_zprime) ** 2)
    assert float(r.observables["eps_u_tautau_minus_mumu"]) == pytest.approx(by_hand, rel=1e-6)
    assert by_hand < -1e4
    c = evaluate_constraints(r, "current")
    k = [b.id for b in c.bounds].index(TAUTAU_U)
    assert bool(c.applicable[k]) and float(c.ratio[k]) > 1e5
    assert not bool(c.passed[k]) and not bool(c.allowed)


def test_the_records_do_not_apply_to_kinetic_mixing() -> None:
    """Kinetic mixing: eps^e + eps^p = 0 in neutral matter, so oscillations bound nothing."""
    p = heavy_b_minus_3l_tau().replace(matter="kinetic", g_B=0.0, kinetic_mixing=1e-3)
    c = evaluate_constraints(evaluate(p), "current")
    ids = [b.id for b in c.bounds]
    for b in diagonal_records().values():
        assert not bool(c.applicable[ids.index(b.id)])


def test_benchmark_point_is_still_allowed() -> None:
    v = evaluate_constraints(evaluate(Parameters.benchmark()), "current")
    assert bool(v.allowed)
