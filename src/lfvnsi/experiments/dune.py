"""DUNE as the experiment sees it: the packaged TDR configuration, event rates and Delta chi^2.

The far-detector configuration of the DUNE TDR analysis (``data/dune``, GLoBES AEDL, read by
``glb``) with the settings of ``data/dune/settings.toml``: true oscillation parameters, Gaussian
priors (the input errors of the configuration's example driver), systematics on. Analyses:

* ``rates``: events per channel, rule and reconstructed bin for a point (eps^m = 0: the
  Standard Model).
* ``exclusion``: data simulated in the Standard Model at the true parameters, fitted with the
  model's eps^m fixed and every oscillation parameter and the density scale free (priors):
  Delta chi^2 = chi^2_min(model) - chi^2_min(SM), the second term 0 (the SM fits its own Asimov
  data exactly). This is the scan column ``dune_delta_chi2`` and the "DUNE 3 sigma" bound.
* ``discovery`` (the reverse): data simulated at the model point, fitted with the Standard
  Model: chi^2_min(SM), how well DUNE would reject the SM if the model were true.
* ``cpv``: the standard CP-violation sensitivity, sqrt of the smaller profiled chi^2 of
  delta_CP = 0 and pi against each true delta_CP (validation against GLoBES and the DUNE TDR).

Profiles are local minimisations from the true parameters, as GLoBES's ``glbChiNP`` does;
``orderings="both"`` also starts from the other mass ordering (Delta m^2_31 -> -Delta m^2_31 +
Delta m^2_21, i.e. the same |Delta m^2_32|, with the prior on Delta m^2_31 mirrored the same way)
and keeps the smaller chi^2. The model's eps^m = eps^e + eps^p + Y_n eps^n uses the
configuration's Y_e = 0.5 (Y_n = 1).

References: DUNE, arXiv:2103.04797 (the configuration), arXiv:2006.16043 and arXiv:2002.03005
(the physics and its published sensitivities); GLoBES 3.2 (semantics, ``glb``); README "DUNE".
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.exceptions import ParameterError
from lfvnsi.experiments.glb import Experiment, load_experiment
from lfvnsi.experiments.likelihood import Chi2Model, FitResult, Priors, minimise
from lfvnsi.experiments.rates import PARAMETER_NAMES, EventRates, RateEngine

__all__ = ["ORDERINGS", "CpvResult", "DuneAnalysis", "DuneSettings", "dune_configuration",
           "dune_delta_chi2", "dune_experiment", "dune_settings", "model_eps_matter_batch"]

#: Which mass orderings a profile starts from: the true one, or both.
ORDERINGS = ("true", "both")
_DENSITY = PARAMETER_NAMES.index("density_scale")
_DELTA = PARAMETER_NAMES.index("delta_cp")
_DM21, _DM31 = PARAMETER_NAMES.index("dm21_eV2"), PARAMETER_NAMES.index("dm31_eV2")


@cache
def _settings_table() -> dict[str, Any]:
    text = resources.files("lfvnsi.data").joinpath("dune", "settings.toml").read_text(
        encoding="utf-8")
    return tomllib.loads(text)


def dune_configuration() -> Path:
    """Path of the packaged DUNE GLoBES file (``data/dune/DUNE_GLoBES.glb``)."""
    name = str(_settings_table()["configuration"])
    return Path(str(resources.files("lfvnsi.data").joinpath("dune", name)))


@cache
def dune_experiment() -> Experiment:
    """The packaged DUNE TDR experiment (read once)."""
    return load_experiment(dune_configuration())


@dataclass(frozen=True)
class DuneSettings:
    """Settings of the DUNE analyses (defaults: ``data/dune/settings.toml``).

    true : (7,) true point x (``PARAMETER_NAMES``; radians, eV^2, density scale).
    prior : (7,) one-sigma priors: fractions of the true value for the oscillation parameters,
        absolute for the density scale; 0 = no prior.
    """

    true: tuple[float, ...]
    prior: tuple[float, ...]
    n_points: int = 101
    delta_min_deg: float = -180.0
    delta_max_deg: float = 180.0
    test_deltas_deg: tuple[float, ...] = (0.0, 180.0)
    bound_delta_chi2: float = 9.0
    systematics: bool = True
    orderings: str = "true"

    def __post_init__(self) -> None:
        for name, values in (("true", self.true), ("prior", self.prior)):
            if len(values) != len(PARAMETER_NAMES) or not all(math.isfinite(v) for v in values):
                raise ParameterError(name, values, f"{len(PARAMETER_NAMES)} finite numbers "
                                                   f"({', '.join(PARAMETER_NAMES)})")
        if any(v < 0 for v in self.prior):
            raise ParameterError("prior", self.prior, "errors >= 0")
        if not (0 <= self.true[0] <= math.pi / 2 and 0 <= self.true[1] <= math.pi / 2
                and 0 <= self.true[2] <= math.pi / 2):
            raise ParameterError("true angles", self.true[:3], "0 <= theta <= pi/2 (radians)")
        if self.true[_DENSITY] <= 0:
            raise ParameterError("density_scale", self.true[_DENSITY], "> 0")
        if not isinstance(self.n_points, int) or self.n_points < 2:
            raise ParameterError("n_points", self.n_points, "an integer >= 2")
        if not self.test_deltas_deg:
            raise ParameterError("test_deltas_deg", self.test_deltas_deg, "at least one value")
        if self.orderings not in ORDERINGS:
            raise ParameterError("orderings", self.orderings, f"one of {', '.join(ORDERINGS)}")
        if not self.bound_delta_chi2 > 0:
            raise ParameterError("bound_delta_chi2", self.bound_delta_chi2, "> 0")

    def with_changes(self, **changes: Any) -> DuneSettings:
        """A copy with some fields changed; ``true_<name>``/``prior_<name>`` change one entry
        (e.g. ``true_delta_cp_deg=0``, ``prior_theta23=0``)."""
        true, prior = list(self.true), list(self.prior)
        plain = {}
        for key, value in changes.items():
            if value is None:
                continue
            if key == "true_delta_cp_deg":
                true[_DELTA] = math.radians(float(value))
            elif key.startswith("true_") and key[5:] in PARAMETER_NAMES:
                true[PARAMETER_NAMES.index(key[5:])] = float(value)
            elif key.startswith("prior_") and key[6:] in PARAMETER_NAMES:
                prior[PARAMETER_NAMES.index(key[6:])] = float(value)
            else:
                plain[key] = value
        return replace(self, true=tuple(true), prior=tuple(prior), **plain)

    @property
    def true_vector(self) -> np.ndarray:
        return np.array(self.true, dtype=float)

    def prior_errors(self, true: np.ndarray) -> np.ndarray:
        """(7,) absolute prior errors at a true point (fractions times |true value|)."""
        fraction = np.array(self.prior, dtype=float)
        error = fraction * np.abs(np.asarray(true, dtype=float))
        error[_DENSITY] = fraction[_DENSITY]
        return error

    @property
    def deltas_deg(self) -> np.ndarray:
        """The true delta_CP grid of the CP-violation sensitivity (degrees)."""
        return np.linspace(self.delta_min_deg, self.delta_max_deg, self.n_points)


def dune_settings(**changes: Any) -> DuneSettings:
    """The default settings (``data/dune/settings.toml``), optionally changed (``with_changes``)."""
    t = _settings_table()
    true = t["true"]
    x = [float(true["theta12"]), float(true["theta13"]), float(true["theta23"]),
         math.radians(float(true["delta_cp_deg"])), float(true["dm21_eV2"]),
         float(true["dm31_eV2"]), float(true["density_scale"])]
    prior = [float(t["priors"][n]) for n in PARAMETER_NAMES]
    cpv = t["cpv"]
    base = DuneSettings(true=tuple(x), prior=tuple(prior), n_points=int(cpv["n_points"]),
                        delta_min_deg=float(cpv["delta_min_deg"]),
                        delta_max_deg=float(cpv["delta_max_deg"]),
                        test_deltas_deg=tuple(float(v) for v in cpv["test_deltas_deg"]),
                        bound_delta_chi2=float(t["bound"]["delta_chi2"]))
    return base.with_changes(**changes) if changes else base


def _other_ordering(x: np.ndarray) -> np.ndarray:
    """The same points with the other mass ordering (same |Delta m^2_32|)."""
    y = np.array(x, dtype=float)
    y[..., _DM31] = -y[..., _DM31] + y[..., _DM21]
    return y


@dataclass(frozen=True)
class CpvResult:
    """The CP-violation sensitivity: sigma = sqrt(min over test deltas of chi^2_min)."""

    delta_cp_deg: np.ndarray
    sigma: np.ndarray
    chi2: np.ndarray  # (n_points, n_tests) profiled chi^2 of each test delta
    test_deltas_deg: tuple[float, ...]
    settings: DuneSettings

    def document(self) -> dict[str, list[float]]:
        """The ``lfvnsi dune cpv --json`` document."""
        return {"delta_cp_deg": [float(v) for v in self.delta_cp_deg],
                "sigma": [float(v) for v in self.sigma]}


@dataclass(frozen=True, eq=False)
class DuneAnalysis:
    """Rates and chi^2 of the DUNE configuration (or another GLoBES file) with ``settings``."""

    settings: DuneSettings = field(default_factory=dune_settings)
    experiment: Experiment = field(default_factory=dune_experiment)

    @cached_property
    def engine(self) -> RateEngine:
        return RateEngine(self.experiment)

    @cached_property
    def model(self) -> Chi2Model:
        return Chi2Model(self.engine, self.settings.systematics)

    def rates(self, eps_matter: object = None, x: object = None) -> EventRates:
        """Event rates at x (default: the true point) with eps^m (default 0, the SM)."""
        X = self.settings.true_vector if x is None else np.asarray(x, dtype=float)
        return self.engine.rates(X, eps_matter)

    def profile(self, data: np.ndarray, true: np.ndarray, start: np.ndarray,
                eps_matter: object = None, free: object = None) -> FitResult:
        """Minimum chi^2 of ``data`` (n, N) over the free parameters (default: all but the
        ones with a zero prior that are fixed by ``free``) from ``start`` (n, 7), priors
        centred on ``true`` (n, 7); with ``orderings="both"`` the smaller of both orderings."""
        free = np.ones(len(PARAMETER_NAMES), dtype=bool) if free is None else np.asarray(free)
        T = np.atleast_2d(np.asarray(true, dtype=float))
        S = np.broadcast_to(np.asarray(start, dtype=float), T.shape)
        errors = np.array([self.settings.prior_errors(t) for t in T])
        # the prior errors depend on the true point only through |x|: the same for all rows
        priors = Priors(central=T, error=errors[0])
        best = minimise(self.model, data, S, free, priors, eps_matter)
        if self.settings.orderings == "true":
            return best
        T_other = _other_ordering(T)
        other = minimise(self.model, data, _other_ordering(S), free,
                         Priors(central=T_other, error=self.settings.prior_errors(T_other[0])),
                         eps_matter)
        better = other.chi2 < best.chi2
        return FitResult(chi2=np.where(better, other.chi2, best.chi2),
                         x=np.where(better[:, None], other.x, best.x),
                         a=np.where(better[:, None], other.a, best.a), nuisance=best.nuisance,
                         converged=np.where(better, other.converged, best.converged),
                         iterations=best.iterations + other.iterations)

    def _eps(self, eps_matter: object) -> np.ndarray:
        E = np.asarray(eps_matter, dtype=complex)
        if E.shape[-2:] != (3, 3):
            raise ParameterError("eps_matter", E.shape, "shape (3, 3) or (n, 3, 3)")
        return E.reshape(-1, 3, 3)

    def exclusion(self, eps_matter: object) -> FitResult:
        """Delta chi^2 (``.chi2``) of each model point against Standard-Model data: (n,)."""
        eps = self._eps(eps_matter)
        x = self.settings.true_vector
        data = self.model.data(x)
        n = eps.shape[0]
        return self.profile(np.repeat(data, n, axis=0), np.tile(x, (n, 1)), np.tile(x, (n, 1)),
                            eps)

    def discovery(self, eps_matter: object) -> FitResult:
        """chi^2_min of the Standard Model against data simulated at each model point: (n,)."""
        eps = self._eps(eps_matter)
        x = self.settings.true_vector
        n = eps.shape[0]
        X = np.tile(x, (n, 1))
        return self.profile(self.model.data(X, eps), X, X, None)

    def cpv(self) -> CpvResult:
        """The CP-violation sensitivity on the settings' grid of true delta_CP."""
        s = self.settings
        deltas = s.deltas_deg
        X = np.tile(s.true_vector, (deltas.size, 1))
        X[:, _DELTA] = np.radians(deltas)
        data = self.model.data(X)
        free = np.ones(len(PARAMETER_NAMES), dtype=bool)
        free[_DELTA] = False
        tests = s.test_deltas_deg
        starts = np.concatenate([X.copy() for _ in tests])
        for k, d in enumerate(tests):
            starts[k * deltas.size:(k + 1) * deltas.size, _DELTA] = math.radians(d)
        fit = self.profile(np.tile(data, (len(tests), 1)), np.tile(X, (len(tests), 1)), starts,
                           None, free)
        chi2 = fit.chi2.reshape(len(tests), deltas.size).T
        sigma = np.sqrt(np.maximum(np.min(chi2, axis=1), 0.0))
        return CpvResult(deltas, sigma, chi2, tests, s)


def model_eps_matter_batch(nsi: Any, Ye: float) -> np.ndarray:
    """(..., 3, 3) eps^m = eps^e + eps^p + Y_n eps^n of a batch (``NSI``) in matter with Y_e."""
    return np.asarray(nsi.matter((1.0 - Ye) / Ye), dtype=complex)


def dune_delta_chi2(results: Any, analysis: DuneAnalysis | None = None) -> np.ndarray:
    """(*batch) the scan column ``dune_delta_chi2``: ``DuneAnalysis.exclusion`` of each point
    of a pipeline ``Results`` (0 where eps^m vanishes exactly, NaN where the point is invalid)."""
    analysis = DuneAnalysis() if analysis is None else analysis
    eps = model_eps_matter_batch(results.nsi, analysis.experiment.Ye)
    batch = eps.shape[:-2]
    flat = eps.reshape(-1, 3, 3)
    valid = np.asarray(results.valid, dtype=bool).reshape(-1) & np.all(np.isfinite(flat),
                                                                       axis=(1, 2))
    out = np.where(valid, 0.0, np.nan)
    todo = np.flatnonzero(valid & np.any(flat != 0, axis=(1, 2)))
    if todo.size:
        out[todo] = analysis.exclusion(flat[todo]).chi2
    return out.reshape(batch)
