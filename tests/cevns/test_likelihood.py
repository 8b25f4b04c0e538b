"""The profiled likelihood against independent minimisations (scipy), and its invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize, minimize_scalar
from scipy.special import xlogy

from lfvnsi.cevns.detectors import RELEASES, release
from lfvnsi.cevns.likelihood import Likelihood, chi2_counting_csi2017, likelihood
from lfvnsi.cevns.rates import predict


def _brute_force_chi2(like: Likelihood, signal: np.ndarray) -> float:
    """Minimise the full chi^2 numerically: nuisances by Nelder-Mead, each off-bin b by a 1-D search."""
    n, m = like.observed, like.off
    T = np.concatenate([signal[None, :], like.templates])

    def chi2(a: np.ndarray) -> float:
        s = (1 + a) @ T
        total = np.sum(a**2 / like.sigmas**2)
        if m is None:
            mu = s
            return float(total + 2 * np.sum(mu - n + xlogy(n, n) - xlogy(n, mu)))
        for i in range(len(n)):
            def f(log_b: float, i: int = i) -> float:
                b = np.exp(log_b)
                mu = s[i] + b
                return 2 * (mu - n[i] + xlogy(n[i], n[i]) - xlogy(n[i], mu)
                            + b - m[i] + xlogy(m[i], m[i]) - xlogy(m[i], b))
            if m[i] == 0 and n[i] <= 2 * s[i]:
                mu = s[i]
                total += 2 * (mu - n[i] + xlogy(n[i], n[i]) - xlogy(n[i], mu))
            else:
                total += minimize_scalar(f, bounds=(-30, 10), method="bounded",
                                         options={"xatol": 1e-10}).fun
        return float(total)

    res = minimize(chi2, np.zeros(len(like.sigmas)), method="Nelder-Mead",
                   options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000})
    return float(res.fun)


@pytest.mark.parametrize(("name", "scales"), [("csi2021", (1.0,)), ("lar2020", (0.5, 1.0, 1.7))])
def test_profile_equals_brute_force_minimisation(name: str, scales: tuple[float, ...]) -> None:
    rel = release(name)
    like = likelihood(rel)
    sm = predict(rel).bins
    for scale in scales:
        assert float(like.chi2(scale * sm)) == pytest.approx(_brute_force_chi2(like, scale * sm), abs=2e-4)


def test_counting_chi2_closed_form_equals_numerical_minimum() -> None:
    for N in (0.0, 100.0, 173.0, 400.0):
        def chi2(x: np.ndarray, N: float = N) -> float:
            a, b = x
            sig = np.sqrt(142 + 2 * 405 + 6)
            return float(((142 - N * (1 + a) - 6 * (1 + b)) / sig) ** 2 + (a / 0.28) ** 2 + (b / 0.25) ** 2)
        best = minimize(chi2, [0.0, 0.0], method="BFGS", options={"gtol": 1e-10}).fun
        assert float(chi2_counting_csi2017(N)) == pytest.approx(best, abs=1e-8)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_perfect_data_has_zero_chi2_and_chi2_is_nonnegative(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_bins = 12
    templates = rng.uniform(0.5, 5.0, size=(2, n_bins))
    signal = rng.uniform(0.1, 10.0, size=n_bins)
    exact = Likelihood(observed=signal + templates.sum(0), off=None, templates=templates,
                       sigmas=np.array([0.1, 0.2, 0.3]))
    assert float(exact.chi2(signal)) == pytest.approx(0.0, abs=1e-9)
    counts = rng.poisson(signal + templates.sum(0)).astype(float)
    off = rng.poisson(3.0, size=n_bins).astype(float)
    noisy = Likelihood(observed=counts, off=off, templates=templates, sigmas=np.array([0.1, 0.2, 0.3]))
    batch = signal[None, :] * rng.uniform(0, 3, size=(5, 1))
    assert np.all(noisy.chi2(batch) >= 0)


@pytest.mark.parametrize("name", RELEASES)
def test_batch_equals_one_at_a_time(name: str) -> None:
    rel = release(name)
    like = likelihood(rel)
    sm = predict(rel).bins
    scales = np.array([0.3, 1.0, 2.2])
    batch = like.chi2(scales[:, None] * sm)
    single = [float(like.chi2(s * sm)) for s in scales]
    assert np.allclose(batch, single, rtol=1e-12)


@pytest.mark.parametrize("name", ["csi2021", "lar2020"])
def test_profiled_minimum_to_1e9(name: str) -> None:
    """The Newton profile stops at the minimum: an independent minimisation of the same chi^2
    (written here: b profiled per bin by its own closed form, the nuisances by Nelder-Mead to
    1e-13) finds no lower value, to 1e-9 in chi^2."""
    rel = release(name)
    like = likelihood(rel)
    sm = predict(rel).bins
    n, m = like.observed, like.off
    T = np.concatenate([sm[None, :], like.templates])

    def chi2(a: np.ndarray, scale: float) -> float:
        s = (1 + a) @ (T * np.r_[scale, np.ones(len(T) - 1)][:, None])
        total = float(np.sum(a**2 / like.sigmas**2))
        if m is None:
            return total + 2 * float(np.sum(s - n + xlogy(n, n) - xlogy(n, s)))
        # 2 b^2 + (2 s - n - m) b - m s = 0, the positive root
        A = 2 * s - n - m
        b = (np.sqrt(A * A + 8 * m * s) - A) / 4
        mu = s + b
        return total + 2 * float(np.sum(mu - n + xlogy(n, n) - xlogy(n, mu) + b - m
                                        + xlogy(m, m) - xlogy(m, np.maximum(b, 1e-300))))

    for scale in (0.4, 1.0, 2.3):
        ours = float(like.chi2(scale * sm))
        res = minimize(chi2, like.fit(scale * sm).nuisances, args=(scale,), method="Nelder-Mead",
                       options={"xatol": 1e-11, "fatol": 1e-13, "maxiter": 20000})
        assert ours <= res.fun + 1e-9
        assert ours == pytest.approx(res.fun, abs=1e-9)
