"""Per-release summary: expected SM and model events, observed events, chi^2 of each.

References: REFERENCE.md R.4.9; the releases of ``releases.toml``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from lfvnsi.cevns.cross_section import CEvNSCouplings
from lfvnsi.cevns.detectors import RELEASES, Release, release
from lfvnsi.cevns.likelihood import Fit, likelihood
from lfvnsi.cevns.rates import Prediction, predict

__all__ = ["DatasetResult", "analyse"]


@dataclass(frozen=True)
class DatasetResult:
    """Comparison of one release with the SM and with a model point (batch shape S).

    ``observed_events`` is the total observed count in the analysis bins (signal window,
    backgrounds included) and ``expected_background_events`` the nominal background there
    (templates plus the anti-coincidence counts), so that observed ~ expected + background.
    """

    release: Release
    sm: Prediction
    model: Prediction
    fit_sm: Fit
    fit_model: Fit

    @property
    def name(self) -> str:
        """Release name."""
        return self.release.name

    @property
    def observed_events(self) -> float:
        """Observed counts in the analysis bins."""
        return float(np.sum(self.release.observed))

    @property
    def expected_background_events(self) -> float:
        """Nominal background in the analysis bins."""
        return float(np.sum(self.release.background_total()))

    def summary(self) -> dict[str, float | list[float]]:
        """The documented JSON keys (numbers for a single point, lists for a batch)."""

        def num(x: np.ndarray) -> float | list[float]:
            x = np.asarray(x, dtype=float)
            return float(x) if x.ndim == 0 else x.tolist()

        info = self.release.info
        return {
            "expected_sm_events": num(self.sm.total),
            "expected_model_events": num(self.model.total),
            "observed_events": self.observed_events,
            "chi2_sm": num(self.fit_sm.chi2),
            "chi2_model": num(self.fit_model.chi2),
            "delta_chi2": num(self.fit_model.chi2 - self.fit_sm.chi2),
            "expected_background_events": self.expected_background_events,
            "n_bins": self.release.n_bins,
            "published_sm_events": float(info["published_sm_events"]),
            "published_sm_uncertainty": float(info["published_sm_uncertainty"]),
        }


def analyse(couplings: CEvNSCouplings | None, datasets: Iterable[str] = RELEASES,
            form_factor: str = "helm") -> dict[str, DatasetResult]:
    """SM and model predictions and chi^2 for each release in ``datasets``.

    References: REFERENCE.md R.4.9; likelihood of ``lfvnsi.cevns.likelihood``.
    """
    out = {}
    for name in datasets:
        rel = release(name, form_factor)
        like = likelihood(rel)
        sm = predict(rel)
        model = predict(rel, couplings)
        out[name] = DatasetResult(rel, sm, model, like.fit(sm.bins), like.fit(model.bins))
    return out
