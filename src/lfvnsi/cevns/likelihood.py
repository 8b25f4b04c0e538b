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
a_k by Newton's method on the profiled function (convex), vectorised over any batch of signals.
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

_N_NEWTON = 10
_STEPS = np.array([1.0, 0.5, 0.25, 0.1, 0.03, 0.0])


@dataclass(frozen=True)
class Fit:
    """Result of profiling: chi^2 (...,), nuisances a (..., 1 + K) and expected counts (..., n)."""

    chi2: np.ndarray
    nuisances: np.ndarray
    expected: np.ndarray


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

    def _objective(self, a: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        s = np.einsum("...k,...ki->...i", 1.0 + a, T)
        b = self._profile_b(s)
        mu = np.maximum(s + b, 1e-100)
        n = self.observed
        chi2 = 2.0 * np.sum(mu - n + xlogy(n, n) - xlogy(n, mu), axis=-1)
        if self.off is not None:
            m = self.off
            chi2 = chi2 + 2.0 * np.sum(b - m + xlogy(m, m) - xlogy(m, np.maximum(b, 1e-100)), axis=-1)
        chi2 = chi2 + np.sum((a / self.sigmas) ** 2, axis=-1)
        return chi2, mu, b

    def fit(self, signal: np.ndarray) -> Fit:
        """Profile all nuisance parameters for each signal (..., n) of the batch."""
        signal = np.asarray(signal, dtype=float)
        batch = signal.shape[:-1]
        T = np.concatenate([signal[..., None, :],
                            np.broadcast_to(self.templates, batch + self.templates.shape)], axis=-2)
        a = np.zeros(batch + (T.shape[-2],))
        inv_var = 1.0 / self.sigmas**2
        n = self.observed
        for _ in range(_N_NEWTON):
            chi2, mu, b = self._objective(a, T)
            w = np.where(n > 0, n / mu**2, 0.0)
            if self.off is not None:
                curv = w + self.off / np.where(b > 0, b, 1.0) ** 2
                c = np.where((b > 0) & (curv > 0), w / np.where(curv > 0, curv, 1.0), 0.0)
                w_eff = w * (1.0 - c)
            else:
                w_eff = w
            grad = np.einsum("...ki,...i->...k", T, 1.0 - n / mu) + a * inv_var  # mu >= 1e-100
            H = np.einsum("...ki,...li,...i->...kl", T, T, w_eff) + np.diag(inv_var)
            step = np.linalg.solve(H, grad[..., None])[..., 0]
            trials = np.maximum(a[..., None, :] - _STEPS[:, None] * step[..., None, :], -0.999)
            values = self._objective(trials, T[..., None, :, :])[0]
            best = np.argmin(values, axis=-1)
            a = np.take_along_axis(trials, best[..., None, None], axis=-2)[..., 0, :]
        chi2, mu, _ = self._objective(a, T)
        return Fit(chi2=chi2, nuisances=a, expected=mu)

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
