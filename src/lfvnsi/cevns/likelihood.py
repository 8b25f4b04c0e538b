"""Binned Poisson likelihood with the releases' nuisance parameters, profiled, as a chi^2.

For observed counts n_i, expected counts

    mu_i = (1 + a_0) s_i + sum_k (1 + a_k) B_ki + b_i,

with s the CEvNS prediction, B_k the templated beam-related backgrounds, a_k Gaussian nuisance
parameters of width sigma_k (the release's normalisation uncertainties), and b_i the
steady-state background of bin i, which the CsI releases measure bin by bin in the
anti-coincidence window of the same exposure (m_i ~ Poisson(b_i)). The statistic is the profiled
Poisson deviance

    chi^2 = min_{a, b} 2 sum_i [mu_i - n_i + n_i ln(n_i/mu_i)] + 2 sum_i [b_i - m_i + m_i ln(m_i/b_i)]
            + sum_k a_k^2/sigma_k^2,

which tends to a chi^2 distribution and whose differences give confidence regions (Wilks).
b_i is profiled in closed form (root of 2 b^2 + (2 s' - n - m) b - m s' = 0, s' = mu - b), the
a_k by damped Newton on the profiled function (convex) until the Newton decrement of every point
is below 1e-12 (chi^2 then within ~1e-13 of its minimum), vectorised over any batch of signals.
Shape uncertainties of the releases are not included.

``chi2_counting_csi2017`` is the single-bin chi^2 of COHERENT's 2017 paper, used for the
cross-check against the bradkav/CEvNS reference grids.

References: arXiv:1708.01294 (CsI 2017 counting chi^2 and nuisances); arXiv:2003.10630,
arXiv:2006.12659 (LAr nuisances); arXiv:2110.07730 (CsI 2021); Cousins, Linnemann and Tucker,
NIM A 595 (2008) 480, arXiv:physics/0702156 (on/off profile likelihood).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import xlogy

from lfvnsi.cevns.detectors import Release

__all__ = ["Fit", "Likelihood", "chi2_counting_csi2017", "likelihood"]

_MAX_NEWTON = 50
#: Newton decrement g.H^-1 g (chi^2 units) below which a point's minimum is reached: the chi^2
#: is then within ~1e-13 of the minimum (quadratic convergence: the next step would be smaller).
_DECREMENT = 1e-12
#: Points x bins per block of the fit (its temporaries then fit in a core's cache).
_BLOCK_ELEMENTS = 32768


@dataclass(frozen=True)
class Fit:
    """Result of profiling: chi^2 (...,), nuisances a (..., 1 + K) and expected counts (..., n)."""

    chi2: np.ndarray
    nuisances: np.ndarray
    expected: np.ndarray


@dataclass(frozen=True)
class _Pass:
    """Value (chi^2/2), gradient, Hessian and expected counts at the nuisances of some points."""

    value: np.ndarray
    grad: np.ndarray
    hess: np.ndarray
    mu: np.ndarray


@dataclass(frozen=True)
class Likelihood:
    """Profiled Poisson chi^2 of one release.

    Attributes
    ----------
    observed : (n,) counts.
    off : (n,) anti-coincidence counts measuring the steady-state background, or None.
    templates : (K, n) nominal background templates.
    sigmas : (1 + K,) fractional uncertainties: the signal first, then each template.
    """

    observed: np.ndarray
    off: np.ndarray | None
    templates: np.ndarray
    sigmas: np.ndarray

    def _profile_b(self, s: np.ndarray) -> np.ndarray:
        if self.off is None:
            return np.zeros_like(s)
        n, m = self.observed, self.off
        A = 2.0 * s - n - m
        disc = np.sqrt(A * A + 8.0 * m * s)
        denom = A + disc
        return np.where(denom > 0, 2.0 * m * s / np.where(denom > 0, denom, 1.0), (disc - A) / 4.0)

    def _constant(self) -> float:
        """sum n ln n - n (+ m ln m - m): the a-independent part of chi^2/2."""
        n = self.observed
        total = float(np.sum(xlogy(n, n) - n))
        if self.off is not None:
            total += float(np.sum(xlogy(self.off, self.off) - self.off))
        return total

    def _pass(self, a: np.ndarray, signal: np.ndarray, constant: float) -> _Pass:
        """One pass over the bins: chi^2/2, its gradient and Hessian in a (b profiled, so the
        gradient is the partial one and the Hessian the Schur complement over b)."""
        n, m = self.observed, self.off
        s = (1.0 + a[:, :1]) * signal + (1.0 + a[:, 1:]) @ self.templates
        b = self._profile_b(s)
        mu = np.maximum(s + b, 1e-100)
        inv_var = 1.0 / self.sigmas**2
        positive = n > 0
        log_mu = np.log(mu[:, positive])
        value = np.sum(mu, axis=-1) - log_mu @ n[positive] + constant + 0.5 * (a * a) @ inv_var
        ratio = n / mu
        w = ratio / mu
        if m is not None:
            value = value + np.sum(b, axis=-1)
            seen = m > 0
            value = value - np.log(np.maximum(b[:, seen], 1e-100)) @ m[seen]
            curv = w + m / np.where(b > 0, b, 1.0) ** 2
            c = np.where((b > 0) & (curv > 0), w / np.where(curv > 0, curv, 1.0), 0.0)
            w = w * (1.0 - c)
        residual = 1.0 - ratio
        grad = np.empty_like(a)
        grad[:, 0] = np.sum(signal * residual, axis=-1)
        grad[:, 1:] = residual @ self.templates.T
        grad += a * inv_var
        k = a.shape[1]
        hess = np.empty(a.shape + (k,))
        ws = w * signal
        hess[:, 0, 0] = np.sum(ws * signal, axis=-1)
        if k > 1:
            cross = ws @ self.templates.T
            hess[:, 0, 1:] = cross
            hess[:, 1:, 0] = cross
            hess[:, 1:, 1:] = np.einsum("pi,ki,li->pkl", w, self.templates, self.templates)
        hess[:, np.arange(k), np.arange(k)] += inv_var
        return _Pass(value, grad, hess, mu)

    def fit(self, signal: np.ndarray) -> Fit:
        """Profile all nuisance parameters for each signal (..., n) of the batch.

        Damped Newton on the convex profiled function, every point until its Newton decrement is
        below ``_DECREMENT`` (a step that does not lower chi^2 is halved); one pass over the bins
        per iteration, in blocks of points small enough for the temporaries to stay in cache.
        """
        signal = np.asarray(signal, dtype=float)
        batch = signal.shape[:-1]
        flat = np.ascontiguousarray(signal.reshape(-1, signal.shape[-1]))
        block = max(1, _BLOCK_ELEMENTS // max(flat.shape[-1], 1))
        parts = [self._fit_block(flat[i:i + block]) for i in range(0, max(len(flat), 1), block)]
        chi2 = np.concatenate([p[0] for p in parts])
        a = np.concatenate([p[1] for p in parts])
        mu = np.concatenate([p[2] for p in parts])
        return Fit(chi2=chi2.reshape(batch), nuisances=a.reshape(batch + a.shape[-1:]),
                   expected=mu.reshape(batch + flat.shape[-1:]))

    def _fit_block(self, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(chi^2, nuisances, expected counts) of a block of points (see ``fit``)."""
        k = 1 + self.templates.shape[0]
        a = np.zeros((flat.shape[0], k))
        constant = self._constant()
        value = np.full(flat.shape[0], np.inf)
        mu = np.empty_like(flat)
        damping = np.ones(flat.shape[0])
        step = np.zeros_like(a)
        active = np.arange(flat.shape[0])
        for _ in range(_MAX_NEWTON):
            if active.size == 0:
                break
            trial = np.maximum(a[active] - damping[active, None] * step[active], -0.999)
            p = self._pass(trial, flat[active], constant)
            better = p.value <= value[active] + 1e-12 * np.abs(value[active])
            accept = active[better]
            a[accept], value[accept], mu[accept] = trial[better], p.value[better], p.mu[better]
            damping[active[~better]] *= 0.5  # retry the same direction, shorter
            new_step = np.linalg.solve(p.hess[better], p.grad[better][..., None])[..., 0]
            decrement = np.einsum("pk,pk->p", p.grad[better], new_step)
            step[accept], damping[accept] = new_step, 1.0
            done = np.zeros(flat.shape[0], dtype=bool)
            done[accept[decrement < _DECREMENT]] = True
            done[active[~better][damping[active[~better]] < 1e-6]] = True  # no decrease left
            active = active[~done[active]]
        return 2.0 * value, a, mu

    def chi2(self, signal: np.ndarray) -> np.ndarray:
        """(...,) profiled chi^2 for each signal (..., n)."""
        return self.fit(signal).chi2


def likelihood(release: Release) -> Likelihood:
    """The profiled Poisson likelihood of ``release`` with its documented nuisance parameters."""
    templates = np.stack([b.counts for b in release.backgrounds]) if release.backgrounds else \
        np.zeros((0, release.n_bins))
    sigmas = np.array([release.signal_uncertainty] + [b.uncertainty for b in release.backgrounds])
    return Likelihood(observed=release.observed, off=release.off, templates=templates, sigmas=sigmas)


def chi2_counting_csi2017(n_signal: np.ndarray | float, n_measured: float = 142.0,
                          n_beam_background: float = 6.0, n_steady_state: float = 405.0,
                          sigma_signal: float = 0.28, sigma_background: float = 0.25) -> np.ndarray:
    """COHERENT's 2017 single-bin chi^2, minimised in closed form over its two nuisances.

    chi^2 = (N_meas - N_sig (1 + a) - B (1 + b))^2 / sigma_stat^2 + (a/sigma_a)^2 + (b/sigma_b)^2
    with sigma_stat^2 = N_meas + 2 B_ss + B; linear in (a, b), so its minimum is
    (N_meas - N_sig - B)^2 / (sigma_stat^2 + (sigma_a N_sig)^2 + (sigma_b B)^2).

    References: arXiv:1708.01294 (supplementary materials, chi^2 of the counting analysis).
    """
    N = np.asarray(n_signal, dtype=float)
    var = (n_measured + 2.0 * n_steady_state + n_beam_background + (sigma_signal * N) ** 2
           + (sigma_background * n_beam_background) ** 2)
    return (n_measured - N - n_beam_background) ** 2 / var
