"""Evaluate the bounds on a batch of points: value, limit, ratio, passed, and the verdict.

For each bound and point: ``ratio`` is how far the prediction is towards the limit (passed when
ratio <= 1):
  upper limit  |value| / limit;      lower limit  limit / value;
  range [lo, hi] around the null     (value - ref)/(hi - ref) above ref, (value - ref)/(lo - ref)
  value ref (0, or the record's      below;
  ``null_value``)
  excluded curve                     |value| / limit(x), limit interpolated at the point's x; a
                                     bound on every heavy state (``PER_STATE`` observables, e.g. the
                                     mixing U2_e against m_N) takes the worst heavy state.
A bound applies to a point only where its ``applies_to`` says so, and only if the decay pattern it
assumes holds (REFERENCE F10, the paper's section II A 3):
  zprime_invisible   BR(Z' -> nu nu) >= ``INVISIBLE_BR``;
  N_invisible        zprime_invisible and every heavy state decays to nu Z' (or N' Z') at least
                     ``DOMINANCE`` times faster than through the electroweak interaction;
  N_visible          not N_invisible (searches that need visible N decays).
The verdict of a point: allowed when every applicable bound passes; the strongest constraint is
the applicable bound with the largest ratio.

References: DESIGN.md (constraints layer); REFERENCE.md section 6 and F10.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lfvnsi.constraints.database import Bound, load_bounds
from lfvnsi.exceptions import LfvnsiError
from lfvnsi.model.parameters import FLAVOURS
from lfvnsi.observables import PER_STATE
from lfvnsi.pipeline import Results

__all__ = ["BOUND_SETS", "DOMINANCE", "INVISIBLE_BR", "Constraints", "evaluate_constraints",
           "select"]

#: Z' counts as invisible when BR(Z' -> nu nu) is at least this.
INVISIBLE_BR = 0.9
#: N counts as invisible when its two-body width beats the electroweak one by this factor.
DOMINANCE = 10.0
#: The bound sets of ``--bounds``: which statuses each uses.
BOUND_SETS = {"paper": ("paper",), "current": ("current",), "future": ("current", "future")}


def select(bound_set: str, bounds: tuple[Bound, ...] | None = None) -> tuple[Bound, ...]:
    """The records of a bound set (``paper``, ``current``, or ``future`` = current + projections)."""
    if bound_set not in BOUND_SETS:
        raise LfvnsiError(f"bound set {bound_set!r} is not one of {', '.join(BOUND_SETS)}")
    bounds = load_bounds() if bounds is None else bounds
    return tuple(b for b in bounds if b.status in BOUND_SETS[bound_set])


@dataclass(frozen=True)
class Constraints:
    """The bounds evaluated on a batch (arrays are (n_bounds, *batch))."""

    bounds: tuple[Bound, ...]
    value: np.ndarray
    limit: np.ndarray
    ratio: np.ndarray
    applicable: np.ndarray
    reasons: tuple[np.ndarray, ...]  # per bound: (*batch) object array, why it does not apply

    @property
    def passed(self) -> np.ndarray:
        """(n_bounds, *batch) True where the bound does not exclude the point (or does not apply)."""
        return ~self.applicable | (self.ratio <= 1.0)

    @property
    def allowed(self) -> np.ndarray:
        """(*batch) True where no applicable bound excludes the point."""
        return np.all(self.passed, axis=0)

    @property
    def strongest(self) -> np.ndarray:
        """(*batch) index of the applicable bound with the largest ratio (-1 if none applies)."""
        r = np.where(self.applicable, self.ratio, -np.inf)
        best = np.argmax(r, axis=0)
        return np.where(np.any(self.applicable, axis=0), best, -1)

    def max_ratio(self) -> np.ndarray:
        """(*batch) the largest ratio among applicable bounds (0 if none applies)."""
        return np.max(np.where(self.applicable, self.ratio, 0.0), axis=0)


def _conditions(results: Results) -> dict[str, np.ndarray]:
    obs = results.observables
    z_inv = obs["Br_Zp_invisible"] >= INVISIBLE_BR
    n_inv = z_inv & (obs["N_invisible_dominance"] >= DOMINANCE)
    return {"zprime_invisible": z_inv, "N_invisible": n_inv, "N_visible": ~n_inv}


def _condition_reason(name: str) -> str:
    if name == "zprime_invisible":
        return f"needs an invisible Z' (BR(Z' -> nu nu) >= {INVISIBLE_BR:g})"
    if name == "N_invisible":
        return (f"needs invisible N decays (N -> nu Z' >= {DOMINANCE:g} x electroweak and "
                f"BR(Z' -> nu nu) >= {INVISIBLE_BR:g})")
    return "needs visible N decays, but N -> nu Z', Z' -> nu nu dominate (REFERENCE F10)"


def _ratio(kind: str, value: np.ndarray, limit: np.ndarray | tuple[float, float],
           reference: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(limit on the relevant side, ratio) for a bound of this kind; see the module docstring."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "range":
            lo, hi = limit  # type: ignore[misc]
            side = np.where(value >= reference, hi, lo)
            return side, (value - reference) / (side - reference)
        limit = np.asarray(limit, dtype=float)
        if kind == "lower":
            return limit, np.where(value > 0, limit / np.where(value > 0, value, 1.0), np.inf)
        return limit, np.abs(value) / limit


def _value_and_limit(bound: Bound, results: Results) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, limit, ratio) over the batch; NaN ratio where a curve does not reach the point.

    A bound on a per-heavy-state observable is evaluated on every heavy state and reports the
    worst one.
    """
    obs, per_state = results.observables, results.per_state
    per_heavy = bound.observable in PER_STATE
    value = np.asarray((per_state if per_heavy else obs)[bound.observable], dtype=float)
    if bound.curve is not None:
        x_name = bound.curve.x_name
        x = per_state[x_name] if x_name in PER_STATE else np.asarray(obs[x_name])
        if per_heavy and x_name not in PER_STATE:
            x = x[..., None]
        raw_limit: np.ndarray | tuple[float, float] = bound.curve(x)
    else:
        raw_limit = bound.value if bound.kind == "range" else np.full(  # type: ignore[assignment]
            value.shape, float(bound.value))  # type: ignore[arg-type]
    limit, ratio = _ratio("upper" if bound.kind == "excluded_curve" else bound.kind, value,
                          raw_limit, bound.null_value)
    limit = np.broadcast_to(limit, value.shape)
    if not per_heavy:
        return value, limit, ratio
    ranked = np.where(np.isnan(ratio), -np.inf, ratio)
    worst = np.argmax(ranked, axis=-1)[..., None]
    pick = lambda a: np.take_along_axis(a, worst, -1)[..., 0]
    return pick(value), pick(limit), pick(ratio)


def evaluate_constraints(results: Results, bound_set: str = "current",
                         bounds: tuple[Bound, ...] | None = None) -> Constraints:
    """Evaluate a bound set (or the given records) on the points of ``results``.

    References: see the module docstring; the records' citations are in ``data/bounds.toml``.
    """
    chosen = select(bound_set, bounds) if bounds is None else bounds
    p = results.params
    shape = p.shape
    pair = "".join(sorted((p.alpha, p.beta), key=FLAVOURS.index))
    conditions = _conditions(results)
    m_zp = np.broadcast_to(p.m_zprime, shape)
    values, limits, ratios, applicable, reasons = [], [], [], [], []
    for b in chosen:
        value, limit, ratio = _value_and_limit(b, results)
        ok = np.ones(shape, dtype=bool)
        why = np.full(shape, "", dtype=object)
        a = b.applies_to
        for name, allowed, current in (("version", a.version, p.version),
                                       ("pair", a.pair, pair), ("matter", a.matter, p.matter)):
            if allowed is not None and current not in allowed:
                ok[...] = False
                why[...] = f"{name} {current} not in {', '.join(allowed)}"
        if a.m_Zp_GeV is not None:
            lo, hi = a.m_Zp_GeV
            outside = (m_zp < lo) | (m_zp > hi)
            why = np.where(ok & outside, f"m_Z' outside [{lo:g}, {hi:g}] GeV", why)
            ok &= ~outside
        for name in a.requires:
            fails = ~conditions[name]
            why = np.where(ok & fails, _condition_reason(name), why)
            ok &= ~fails
        no_limit = np.isnan(limit) | np.isnan(ratio)
        why = np.where(ok & no_limit, "outside the range the curve covers", why)
        ok &= ~no_limit
        values.append(value)
        limits.append(limit)
        ratios.append(np.where(ok, ratio, np.nan))
        applicable.append(ok)
        reasons.append(why)
    empty = np.zeros((0,) + shape)
    return Constraints(
        bounds=chosen,
        value=np.array(values) if values else empty,
        limit=np.array(limits) if limits else empty,
        ratio=np.array(ratios) if ratios else empty,
        applicable=np.array(applicable) if applicable else empty.astype(bool),
        reasons=tuple(reasons),
    )
