"""GLoBES's chi^2: the Poisson terms, correlated pulls, priors only on free parameters, and a
minimiser that finds the minimum an independent optimiser finds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import minimize

from lfvnsi.exceptions import ParameterError
from lfvnsi.experiments import Chi2Model, Priors, RateEngine, load_experiment, minimise
from lfvnsi.experiments.likelihood import poisson_chi2

from .toy import two_rules

X = np.array([0.59016, 0.15065, 0.86734, -1.2, 7.49e-5, 2.513e-3, 1.0])


def test_poisson_terms_are_globes_likelihood() -> None:
    data = np.array([10.0, 4.0, 0.0, 3.0])
    fit = np.array([12.0, 4.0, 2.5, 0.0])
    expected = [2 * (12 - 10 + 10 * np.log(10 / 12)), 0.0, 2 * 2.5, 2e100]
    assert poisson_chi2(data[:3], fit[:3]) == pytest.approx(sum(expected[:3]), rel=1e-15)
    assert poisson_chi2(data[3:], fit[3:]) == 2e100  # empty prediction where data are not
    assert poisson_chi2(np.array([5.0]), np.array([-1.0])) == 2e100


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Chi2Model:
    folder: Path = tmp_path_factory.mktemp("two")
    return Chi2Model(RateEngine(load_experiment(two_rules(folder))))


def test_a_common_sys_name_is_one_nuisance_parameter(toy: Chi2Model) -> None:
    assert toy.nuisance == ("common", "sig")  # #unused appears in no rule
    assert np.array_equal(toy.nuisance_errors, [0.05, 0.02])
    T0, J = toy.components(X)
    assert T0.shape == (1, 2 + 4) and J.shape == (1, 2, 6)  # app window: 2 bins, dis: 4
    e = toy.engine.experiment
    chan = toy.engine.channel_rates(X)
    # d T / d a_common = background of the appearance rule and signal of the disappearance rule
    bkg = chan[e.channel_index("bkg_nu"), 1:3]
    dis = chan[e.channel_index("dis_nu"), 0:4]
    assert np.allclose(J[0, 0], np.concatenate([bkg, dis]), rtol=1e-15)
    assert np.allclose(J[0, 1, :2], chan[e.channel_index("sig_nu"), 1:3], rtol=1e-15)
    assert np.all(J[0, 1, 2:] == 0)


def test_systematics_off_has_no_nuisance(toy: Chi2Model) -> None:
    off = Chi2Model(toy.engine, systematics=False)
    assert off.nuisance == ()
    T0, J = off.components(X)
    assert J.shape == (1, 0, 6) and np.array_equal(T0, toy.components(X)[0])


def test_pull_minimisation_matches_an_independent_optimiser(toy: Chi2Model) -> None:
    """Data at delta = -1.2, test delta = 0.4 with every oscillation parameter fixed: minimise over
    the two pulls (exact Newton-type) and compare with scipy on the same formula."""
    data = toy.data(X) * np.array([1.0, 1.1, 0.9, 1.05, 1.0, 0.97])  # data off the model
    test = X.copy()
    test[3] = 0.4
    res = minimise(toy, data, test, np.zeros(7, bool), Priors(X, np.zeros(7)))
    T0, J = toy.components(test)

    def chi2(a: np.ndarray) -> float:
        return float(poisson_chi2(data[0], T0[0] + a @ J[0]) + np.sum((a / toy.nuisance_errors) ** 2))

    ref = minimize(chi2, np.zeros(2), method="Nelder-Mead",
                   options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000})
    assert res.converged[0]
    assert res.chi2[0] == pytest.approx(ref.fun, abs=1e-9)
    assert np.allclose(res.a[0], ref.x, atol=1e-6)
    assert res.chi2[0] <= ref.fun + 1e-12


def test_priors_apply_to_free_parameters_only(toy: Chi2Model) -> None:
    data = toy.data(X)
    test = X.copy()
    test[2] += 0.05  # theta23 off its prior centre
    errors = np.array([0.0, 0.0, 0.02, 0.0, 0.0, 0.0, 0.0])
    fixed = minimise(toy, data, test, np.zeros(7, bool), Priors(X, errors))
    no_prior = minimise(toy, data, test, np.zeros(7, bool), Priors(X, np.zeros(7)))
    assert fixed.chi2[0] == no_prior.chi2[0]  # theta23 fixed: its prior does not count
    free = np.zeros(7, bool)
    free[2] = True
    profiled = minimise(toy, data, test, free, Priors(X, errors))
    assert profiled.chi2[0] == pytest.approx(0.0, abs=1e-8)  # back to the truth
    assert profiled.x[0, 2] == pytest.approx(X[2], abs=1e-5)


def test_profiling_agrees_with_an_independent_optimiser(toy: Chi2Model) -> None:
    """theta23 and dm31 free with priors, the pulls free: compare with Nelder-Mead on the full
    function (rates recomputed at every step)."""
    data = toy.data(X) * np.array([1.02, 0.95, 1.0, 1.04, 0.99, 1.01])
    free = np.zeros(7, bool)
    free[[2, 5]] = True
    errors = np.array([0.0, 0.0, 0.03, 0.0, 0.0, 5e-5, 0.0])
    res = minimise(toy, data, X, free, Priors(X, errors))

    def chi2(z: np.ndarray) -> float:
        x = X.copy()
        x[2], x[5] = z[0], z[1] * 1e-3
        T0, J = toy.components(x)
        a = z[2:]
        prior = ((x[2] - X[2]) / 0.03) ** 2 + ((x[5] - X[5]) / 5e-5) ** 2
        return float(poisson_chi2(data[0], T0[0] + a @ J[0]) + np.sum((a / toy.nuisance_errors) ** 2)
                     + prior)

    ref = minimize(chi2, np.array([X[2], X[5] * 1e3, 0.0, 0.0]), method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 40000, "maxfev": 40000})
    assert res.converged[0]
    assert res.chi2[0] == pytest.approx(ref.fun, abs=1e-7)
    assert res.chi2[0] <= ref.fun + 1e-9


def test_batch_minimisation_equals_one_at_a_time(toy: Chi2Model) -> None:
    xs = np.tile(X, (3, 1))
    xs[:, 3] = [-1.2, 0.3, 2.0]
    data = toy.data(xs)
    start = xs.copy()
    start[:, 3] = 0.0
    free = np.array([0, 0, 1, 0, 0, 1, 0], bool)
    errors = np.array([0.0, 0.0, 0.03, 0.0, 0.0, 5e-5, 0.0])
    batch = minimise(toy, data, start, free, Priors(xs, errors))
    for k in range(3):
        one = minimise(toy, data[k:k + 1], start[k], free, Priors(xs[k], errors))
        assert batch.chi2[k] == pytest.approx(one.chi2[0], rel=1e-12, abs=1e-12)


def test_bad_priors_are_refused() -> None:
    with pytest.raises(ParameterError):
        Priors(X, np.zeros(6))
    with pytest.raises(ParameterError):
        Priors(X, -np.ones(7))
