"""The DUNE analyses: settings, Delta chi^2 of model points, the scan column and the bound, and the
published DUNE numbers for this exposure (DUNE TDR, arXiv:2002.03005 Vol. I, tables of
sec. "CPV in the Neutrino Sector", and its milestone table; the same in arXiv:2006.16043)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lfvnsi.constraints import evaluate_constraints
from lfvnsi.exceptions import ParameterError
from lfvnsi.experiments import DuneAnalysis, dune_delta_chi2, dune_experiment, dune_settings
from lfvnsi.experiments.rates import parameter_vector
from lfvnsi.model.parameters import Parameters
from lfvnsi.oscillation import OscillationParameters
from lfvnsi.pipeline import evaluate, with_observables

EPS = np.array([[0.0, 0.05, 0.0], [0.05, 0.0, 0.0], [0.0, 0.0, 0.0]], dtype=complex)


@pytest.fixture(scope="module")
def analysis() -> DuneAnalysis:
    return DuneAnalysis()


def test_default_settings_are_the_data_file() -> None:
    s = dune_settings()
    assert s.true_vector == pytest.approx([0.59016, 0.15065, 0.86734, -math.pi / 2, 7.49e-5,
                                           2.513e-3, 1.0])
    assert s.prior == pytest.approx((0.023, 0.015, 0.041, 0.0, 0.028, 0.013, 0.02))
    assert s.deltas_deg.size == 101 and s.deltas_deg[0] == -180 and s.deltas_deg[-1] == 180
    assert s.test_deltas_deg == (0.0, 180.0) and s.bound_delta_chi2 == 9.0
    err = s.prior_errors(s.true_vector)
    assert err[2] == pytest.approx(0.041 * 0.86734) and err[6] == 0.02
    changed = s.with_changes(true_delta_cp_deg=0.0, prior_theta23=0.1, orderings="both")
    assert changed.true[3] == 0.0 and changed.prior[2] == 0.1 and changed.orderings == "both"


@pytest.mark.parametrize("change", [{"n_points": 1}, {"orderings": "all"},
                                    {"true_theta23": 2.0}, {"prior_theta12": -1.0},
                                    {"test_deltas_deg": ()}])
def test_bad_settings_are_refused(change: dict) -> None:
    with pytest.raises(ParameterError):
        dune_settings(**change)


def test_zero_nsi_gives_zero_delta_chi2(analysis: DuneAnalysis) -> None:
    assert analysis.exclusion(np.zeros((3, 3))).chi2[0] == 0.0
    assert analysis.discovery(np.zeros((3, 3))).chi2[0] == 0.0


def test_delta_chi2_grows_with_the_nsi_and_a_batch_is_one_at_a_time(analysis: DuneAnalysis
                                                                     ) -> None:
    scales = np.array([0.5, 1.0, 2.0, 4.0])
    batch = analysis.exclusion(scales[:, None, None] * EPS)
    assert np.all(batch.converged) and np.all(np.diff(batch.chi2) > 0)
    # small eps: Delta chi^2 quadratic in eps
    assert batch.chi2[1] / batch.chi2[0] == pytest.approx(4.0, rel=0.1)
    for k in (0, 3):
        assert batch.chi2[k] == pytest.approx(analysis.exclusion(scales[k] * EPS).chi2[0],
                                              rel=1e-10)
    assert np.all(analysis.discovery(scales[:, None, None] * EPS).chi2 > 0)


def test_both_orderings_never_do_worse(analysis: DuneAnalysis) -> None:
    both = DuneAnalysis(settings=analysis.settings.with_changes(orderings="both"))
    eps = 3.0 * EPS
    assert both.exclusion(eps).chi2[0] <= analysis.exclusion(eps).chi2[0] + 1e-9
    # the wrong ordering is excluded at far more than 5 sigma by these data
    wrong = DuneAnalysis(settings=analysis.settings.with_changes(
        true_dm31_eV2=-2.513e-3 + 7.49e-5))
    data = analysis.model.data(analysis.settings.true_vector)
    fit = wrong.profile(data, wrong.settings.true_vector, wrong.settings.true_vector)
    assert fit.chi2[0] > 25.0


def test_the_scan_column_and_the_dune_bound() -> None:
    params = Parameters.benchmark().replace(g_B=np.array([1e-4, 3e-3, 3e-3]),
                                            kinetic_mixing=np.array([0.0, 0.0, 0.0]))
    results = evaluate(params)
    column = dune_delta_chi2(results)
    analysis = DuneAnalysis()
    eps = results.nsi.matter(1.0)
    for k in range(3):
        assert column[k] == pytest.approx(analysis.exclusion(eps[k]).chi2[0], rel=1e-10)
    assert column[0] < 9.0 < column[1]
    # the 'DUNE 3 sigma' record: future status, evaluated on demand
    with_dune = with_observables(results, ["dune_delta_chi2"])
    assert np.array_equal(with_dune.observables["dune_delta_chi2"], column)
    future = evaluate_constraints(results, "future")
    k = [b.id for b in future.bounds].index("DUNE 3 sigma (TDR configuration, 336 kt MW yr)")
    assert np.allclose(future.ratio[k], column / 9.0)
    assert list(future.passed[k]) == [True, False, False]
    current = evaluate_constraints(results, "current")
    assert all(b.observable != "dune_delta_chi2" for b in current.bounds)
    with pytest.raises(ParameterError):
        with_observables(results, ["no_such_observable"])


def test_event_yields_against_the_tdr_tables() -> None:
    """Selected events 0.5-8 GeV, 3.5 + 3.5 years, delta_CP = 0, NuFIT 4.0 (normal ordering), as
    published: nu mode nu_e 1092, nu_e-bar 18, beam 190, NC 81, nu_mu 14; nu-bar mode nu_e 76,
    nu_e-bar 224, beam 117, NC 38, nu_mu 5; disappearance nu_mu 6200 (nu_mu-bar CC 389, NC 200),
    nu_mu-bar 2303 (nu_mu CC 1129, NC 101). The configuration approximates the full analysis:
    signals within 8%, NC within 25%; it predicts no nu_tau events (zero nu_tau cross-section
    columns, the TDR counts 32 + 20 and 46 + 27)."""
    osc = OscillationParameters.best_fit("normal", "nufit-4.0").replace(delta_cp=0.0)
    e = dune_experiment()
    rates = DuneAnalysis().rates(None, parameter_vector(osc))

    def events(*names: str) -> float:
        return float(sum(rates.channel[e.channel_index(n), 4:64].sum() for n in names))

    published = {
        ("FHC_app_osc_nue",): (1092, 0.08), ("FHC_app_osc_nuebar",): (18, 0.08),
        ("FHC_app_bkg_nue", "FHC_app_bkg_nuebar"): (190, 0.08),
        ("FHC_app_bkg_nuNC", "FHC_app_bkg_nubarNC"): (81, 0.25),
        ("FHC_app_bkg_numu", "FHC_app_bkg_numubar"): (14, 0.25),
        ("RHC_app_osc_nue",): (76, 0.08), ("RHC_app_osc_nuebar",): (224, 0.08),
        ("RHC_app_bkg_nue", "RHC_app_bkg_nuebar"): (117, 0.08),
        ("RHC_app_bkg_nuNC", "RHC_app_bkg_nubarNC"): (38, 0.25),
        ("RHC_app_bkg_numu", "RHC_app_bkg_numubar"): (5, 0.25),
        ("FHC_dis_sig_numu",): (6200, 0.08), ("FHC_dis_sig_numubar",): (389, 0.08),
        ("FHC_dis_bkg_nuNC", "FHC_dis_bkg_nubarNC"): (200, 0.25),
        ("RHC_dis_sig_numubar",): (2303, 0.08), ("RHC_dis_sig_numu",): (1129, 0.08),
        ("RHC_dis_bkg_nuNC", "RHC_dis_bkg_nubarNC"): (101, 0.25),
    }
    for names, (value, tolerance) in published.items():
        assert events(*names) == pytest.approx(value, rel=tolerance), names
    assert events("FHC_app_bkg_nutau", "FHC_app_bkg_nutaubar", "RHC_dis_bkg_nutau") == 0.0


def test_cp_violation_against_the_tdr_milestones(analysis: DuneAnalysis) -> None:
    """The TDR's staged milestones (true normal ordering): 5 sigma CPV at delta_CP = -pi/2 after 7
    years (this exposure), 3 sigma for 50% of delta_CP after 5 years, 5 sigma for 50% only after
    10 and 3 sigma for 75% only after 13 years. At 7 years therefore: about 5 sigma at -pi/2,
    3 sigma for more than half and 5 sigma for less than half of the values, 3 sigma for less
    than 75%."""
    result = DuneAnalysis(settings=analysis.settings.with_changes(n_points=41)).cpv()
    sigma = dict(zip(result.delta_cp_deg.round(6), result.sigma, strict=True))
    assert 4.5 < sigma[-90.0] < 6.0
    above3 = float(np.mean(result.sigma[:-1] > 3))  # -180 and 180 are the same point
    above5 = float(np.mean(result.sigma[:-1] > 5))
    assert 0.5 < above3 < 0.75 and above5 < 0.5
