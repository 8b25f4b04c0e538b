"""Exclusion curves: packaged CSVs recomputed, heavy-mediator limit = contact result, scalings."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar

from lfvnsi.cevns.bounds import (
    DELTA_CHI2_90,
    PAIRS,
    SCHEMES,
    _couplings,
    curve_columns,
    eps_for_unit_coupling,
    excluded_coupling,
    masses_default,
    read_curve,
)
from lfvnsi.cevns.detectors import RELEASES, release
from lfvnsi.cevns.likelihood import likelihood
from lfvnsi.cevns.rates import predict


@pytest.mark.parametrize("name", RELEASES)
def test_packaged_curve_is_recomputed(name: str) -> None:
    curve = read_curve(name)
    assert list(curve) == ["m_zprime_GeV", *curve_columns()]
    assert np.allclose(curve["m_zprime_GeV"], masses_default(), rtol=1e-6)
    for column in curve_columns():
        values = curve[column]
        assert np.all(np.isfinite(values) & (values > 0)), column
    idx = np.array([3, 20, 37])
    m = curve["m_zprime_GeV"][idx]
    for scheme, pair in (("baryonic", "emu"), ("kinetic", "mutau")):
        column = f"{'gnu_gq' if scheme == 'baryonic' else 'gnu_gp_kinetic'}_{pair}"
        again = excluded_coupling(name, scheme, pair, m)
        assert np.allclose(again, curve[column][idx], rtol=1e-4), column


def _contact_eps_limit(name: str, scheme: str, pair: str) -> float:
    """|eps_ab| at 90% CL from the contact engine (mediator None), by an independent root search."""
    rel = release(name)
    like = likelihood(rel)

    def chi2(eps: float) -> float:
        return float(like.chi2(predict(rel, _couplings(scheme, pair, np.array(eps), None)).bins))

    grid = np.linspace(0.0, 3.0, 301)
    values = np.array([chi2(e) for e in grid])
    best = int(np.argmin(values))
    if best > 0:
        fine = minimize_scalar(chi2, bounds=(grid[best - 1], grid[best + 1]), method="bounded",
                               options={"xatol": 1e-12})
        values[best] = min(values[best], fine.fun)
    target = values[best] + DELTA_CHI2_90
    k = best + int(np.argmax(values[best:] > target))
    return brentq(lambda e: chi2(e) - target, grid[k - 1], grid[k], xtol=1e-12)


@pytest.mark.parametrize("name", RELEASES)
def test_heavy_mediator_limit_equals_contact_result(name: str) -> None:
    """Two paths, one number: y/(2 sqrt2 G_F m^2) at m_Z' = 1 TeV equals the contact eps limit."""
    for scheme, pair in (("baryonic", "emu"), ("kinetic", "etau")):
        y = excluded_coupling(name, scheme, pair, np.array([1000.0]))[0]
        assert y * eps_for_unit_coupling(1000.0) == pytest.approx(_contact_eps_limit(name, scheme, pair),
                                                                  rel=1e-5)


def test_heavy_mediator_prediction_equals_contact_prediction() -> None:
    for name in RELEASES:
        rel = release(name)
        eps = np.array(0.2)
        contact = predict(rel, _couplings("baryonic", "emu", eps, None)).bins
        heavy = predict(rel, _couplings("baryonic", "emu", eps, np.array(1e5))).bins
        assert np.allclose(heavy, contact, rtol=1e-9)


def test_scaling_light_and_heavy_mediator() -> None:
    """y ~ m^2 well above the momentum transfer (Q ~ 0.05-0.1 GeV), y independent of m well below."""
    curve = read_curve("csi2021")
    m, y = curve["m_zprime_GeV"], curve["gnu_gq_emu"]
    heavy = (m >= 2.0)
    assert np.allclose(y[heavy] / m[heavy] ** 2, y[-1] / m[-1] ** 2, rtol=0.01)
    light = m <= 2e-3
    assert np.allclose(y[light], y[0], rtol=0.01)


def test_kinetic_and_baryonic_limits_scale_with_the_nuclear_charge() -> None:
    """Argon: P = 3 A eps (baryonic) vs Z eps (kinetic), so y_kin / y_bar = 3 A / Z ~ 6.67."""
    curve = read_curve("lar2020")
    ratio = curve["gnu_gp_kinetic_emu"] / curve["gnu_gq_emu"]
    assert np.allclose(ratio, 3 * 40 / 18, rtol=2e-3)


def test_tau_pairs_need_the_flavours_of_the_sns_flux() -> None:
    """e-mu touches all three SNS components, e-tau only nu_e, mu-tau the two nu_mu ones."""
    curve = read_curve("csi2021")
    assert np.all(curve["gnu_gq_emu"] < curve["gnu_gq_mutau"])
    assert np.all(curve["gnu_gq_mutau"] < curve["gnu_gq_etau"])
    assert set(PAIRS) == {"emu", "etau", "mutau"} and set(SCHEMES) == {"baryonic", "kinetic"}
