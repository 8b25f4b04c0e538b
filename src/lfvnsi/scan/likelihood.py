"""A chi^2 (and log-likelihood) built from the bound records, for fits and for ranking points.

Every record of the bounds database is a limit at a confidence level CL; ``Constraints.ratio``
already measures a prediction against it (0 at the null, 1 exactly at the limit; see
``lfvnsi.constraints.evaluate``). Two readings of a limit are offered:

``mode="gaussian"`` (the default)
    A limit is read as a Gaussian in the prediction, centred on the null (Standard-Model) value,
    whose width puts the limit at the CL quantile. For an upper limit that is a one-sided
    (half-normal) Gaussian in |value| centred on zero: its CL quantile sits at z sigma with
    z = Phi^-1((1 + CL)/2), so sigma = limit / z and

        chi2_b = (z * ratio)^2 = q(CL) * ratio^2,    q(CL) = z^2 = chi2_1 quantile of CL,

    i.e. a prediction exactly at the limit costs q = 2.7055 (90% CL), 3.8415 (95%), 4.0
    (CL = 0.9545, "2 sigma"); half-way to a 90% limit costs 2.7055/4 = 0.676. This is the usual
    Delta chi^2 = 2.71 reading of a 90% CL limit (the one the CEvNS curves of this package were
    made with, ``lfvnsi.cevns.bounds``). The same formula serves every kind, because ``ratio``
    is defined for each so that the null is 0 and the limit is 1:

    - ``upper`` and ``excluded_curve``: ratio = |value| / limit (the curve's limit at the point);
    - ``range`` [lo, hi] around the null value ref: ratio = (value - ref)/(hi - ref) above ref,
      (value - ref)/(lo - ref) below, i.e. a two-sided Gaussian with the width of each side set
      by its own edge (the edges of a central CL interval lie at z sigma, the same z);
    - ``lower`` (value >= limit): read as an upper limit on 1/value, ratio = limit / value, so
      chi2 = q * (limit/value)^2: q at the limit, falling as 1/value^2 above it, infinite for
      value <= 0. A lower limit thus costs a little even where it passes, exactly as an upper
      limit costs a little below it; there is no jump at the limit.

    Records are treated as independent measurements: the chi^2 is the sum over applicable bounds.
    Records on the same observable from the same data (the two nuclear-matrix-element extremes of
    KamLAND-Zen, say) are therefore counted twice; choose the bound set accordingly.

``mode="step"``
    The verdict of ``Constraints.allowed`` as a likelihood: chi2 = 0 where every applicable
    bound passes (ratio <= 1), +inf otherwise (log-likelihood -inf). A fit in this mode samples
    the allowed region uniformly in the prior.

A bound that does not apply to a point (``applicable`` False: decay assumptions, flavour pair,
mass window, outside a curve) contributes nothing in either mode. A point that could not be
evaluated (``Constraints.valid`` False, from ``evaluate(..., invalid="flag")``) has chi2 = +inf
in both modes: no bound applies to it, but it is not a point of the model.

References: PDG, Review of Particle Physics, "Statistics" (Wilks: Delta chi^2 quantiles of
chi^2_1); DESIGN.md (``lfvnsi.scan``: likelihood and MCMC); ``lfvnsi.constraints.evaluate``
(the ratios).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2 as chi2_distribution

from lfvnsi.constraints import Constraints
from lfvnsi.exceptions import LfvnsiError

__all__ = ["MODES", "chi2", "chi2_at_limit", "chi2_terms", "log_likelihood"]

MODES = ("gaussian", "step")


def chi2_at_limit(cl: float | np.ndarray) -> np.ndarray:
    """q(CL): the chi^2 a prediction exactly at a limit of confidence level CL costs.

    q = [Phi^-1((1 + CL)/2)]^2, the chi^2 distribution's (one degree of freedom) CL quantile:
    2.7055 at 90%, 3.8415 at 95%, 4.0 at 0.9545.

    Parameters
    ----------
    cl : float or array, fraction in (0, 1)

    References: PDG "Statistics" (Delta chi^2 for one parameter at a given CL).
    """
    return np.asarray(chi2_distribution.ppf(np.asarray(cl, dtype=float), 1))


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise LfvnsiError(f"likelihood mode {mode!r} is not one of {', '.join(MODES)}")


def chi2_terms(constraints: Constraints, mode: str = "gaussian") -> np.ndarray:
    """Per-bound chi^2 contributions, (n_bounds, *batch); 0 where a bound does not apply.

    ``gaussian``: q(CL_b) ratio_b^2 (module docstring); ``step``: 0 where the bound passes,
    +inf where it excludes the point.
    """
    _check_mode(mode)
    ratio = np.where(constraints.applicable, constraints.ratio, 0.0)
    if mode == "step":
        return np.where(ratio > 1.0, np.inf, 0.0)
    cl = np.array([b.cl for b in constraints.bounds], dtype=float)
    q = chi2_at_limit(cl).reshape((len(cl),) + (1,) * (ratio.ndim - 1))
    with np.errstate(over="ignore"):
        return q * np.square(ratio)


def chi2(constraints: Constraints, mode: str = "gaussian") -> np.ndarray:
    """Total chi^2 of each point, shape (*batch): the sum of ``chi2_terms`` over the bounds
    (+inf where the point could not be evaluated).

    Parameters
    ----------
    constraints : the bounds evaluated on a batch (``lfvnsi.constraints.evaluate_constraints``).
    mode : ``"gaussian"`` (limits as Gaussians, the default) or ``"step"`` (0 or +inf).

    References: module docstring (the convention, with numbers).
    """
    terms = chi2_terms(constraints, mode)
    total = np.sum(terms, axis=0) if len(terms) else np.zeros(terms.shape[1:])
    if constraints.valid is not None:
        total = np.where(constraints.valid, total, np.inf)
    return total


def log_likelihood(constraints: Constraints, mode: str = "gaussian") -> np.ndarray:
    """log L = -chi2/2 (up to a constant), shape (*batch); -inf where step mode excludes."""
    return 0.0 - 0.5 * chi2(constraints, mode)  # 0.0 - : an allowed point gives 0, not -0
