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
A bound applies to a point only where its ``applies_to`` says so (version, pair, matter scheme, a
window of m_Z', a window ``m_N_GeV`` of the lightest heavy state's mass), and only if the decay
pattern it assumes holds (REFERENCE F10, the paper's section II A 3):
  zprime_invisible   BR(Z' -> nu nu) >= ``INVISIBLE_BR``;
  N_invisible        zprime_invisible and every heavy state decays to nu Z' (or N' Z') at least
                     ``DOMINANCE`` times faster than through the electroweak interaction;
  N_visible          not N_invisible (searches that need visible N decays).
The verdict of a point: allowed when every applicable bound passes; the strongest constraint is
the applicable bound with the largest ratio.

References: DESIGN.md (constraints layer); REFERENCE.md section 6 and F10.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lfvnsi.constraints.database import AppliesTo, Bound, Curve, load_bounds
from lfvnsi.exceptions import LfvnsiError
from lfvnsi.model.parameters import FLAVOURS, Parameters
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
    """The bounds evaluated on a batch (arrays are (n_bounds, *batch); ratio NaN where a bound
    does not apply)."""

    bounds: tuple[Bound, ...]
    value: np.ndarray | None  # None: evaluated with details=False
    limit: np.ndarray | None
    ratio: np.ndarray
    applicable: np.ndarray
    # per bound: the tests that failed, in order, as (mask of points failing it, reason)
    failures: tuple[tuple[tuple[np.ndarray, str], ...], ...]
    valid: np.ndarray | None = None  # (*batch) points that could be evaluated (None: all)

    def reason(self, k: int, index: tuple[int, ...] = ()) -> str:
        """Why bound k does not apply to the point at ``index`` ("" if it applies)."""
        for mask, why in self.failures[k]:
            if bool(np.broadcast_to(mask, self.applicable.shape[1:])[index]):
                return why
        return ""

    @property
    def passed(self) -> np.ndarray:
        """(n_bounds, *batch) True where the bound does not exclude the point (or does not apply)."""
        return ~self.applicable | (self.ratio <= 1.0)

    @property
    def allowed(self) -> np.ndarray:
        """(*batch) True where the point was evaluated and no applicable bound excludes it."""
        allowed = np.all(self.passed, axis=0)
        return allowed if self.valid is None else allowed & self.valid

    @property
    def strongest(self) -> np.ndarray:
        """(*batch) index of the applicable bound with the largest ratio (-1 if none applies)."""
        return self._strongest[1]

    def max_ratio(self) -> np.ndarray:
        """(*batch) the largest ratio among applicable bounds (0 if none applies)."""
        return self._strongest[0]

    @cached_property
    def _strongest(self) -> tuple[np.ndarray, np.ndarray]:
        from lfvnsi.constraints.kernel import strongest_bound

        batch = self.ratio.shape[1:]
        ratio = self.ratio.reshape(len(self.bounds), math.prod(batch))  # NaN: not applicable
        best, index = np.empty(ratio.shape[1]), np.empty(ratio.shape[1], dtype=np.int64)
        strongest_bound(ratio, best, index)
        return best.reshape(batch), index.reshape(batch)


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


class _Selection:
    """The points a group of bounds can apply to, and the observables gathered on them.

    Bounds with the same ``applies_to`` share the mask, and bounds on the same observable (the
    HNL curves share m_N and each U2_f) share its gathered values: a scan chunk then
    gathers each array once rather than once per bound.
    """

    def __init__(self, results: Results, ok: np.ndarray) -> None:
        self.results = results
        self.ok = ok
        self.every = bool(ok.all())  # then no gather and scatter
        self.any = self.every or bool(ok.any())
        self._taken: dict[str, np.ndarray] = {}
        self._logs: dict[str, np.ndarray] = {}

    def take(self, name: str) -> np.ndarray:
        """The observable on the selected points, flat: (points,) or (points, heavy states)."""
        if name not in self._taken:
            table = self.results.per_state if name in PER_STATE else self.results.observables
            full = np.asarray(table[name], dtype=float)
            ok = self.ok
            self._taken[name] = full.reshape(-1, *full.shape[ok.ndim:]) if self.every else full[ok]
        return self._taken[name]

    def log_abs(self, name: str) -> np.ndarray:
        """log|observable| on the selected points (-inf where it vanishes)."""
        if name not in self._logs:
            with np.errstate(divide="ignore", invalid="ignore"):
                self._logs[name] = np.log(np.abs(self.take(name)))
        return self._logs[name]


def _on_curve(curve: Curve, observable: str, value: np.ndarray, selection: _Selection
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, limit, ratio) of an excluded curve on the selected points (flat), worst heavy
    state for a per-state observable (compiled: ``kernel.worst_on_curve``)."""
    from lfvnsi.constraints.kernel import worst_on_curve

    states = value.reshape(len(value), -1)
    log_value = selection.log_abs(observable).reshape(states.shape)
    x, log_x = (np.broadcast_to(a.reshape(len(a), -1), states.shape)
                for a in (selection.take(curve.x_name), selection.log_abs(curve.x_name)))
    out = np.empty((3, len(states)))
    worst_on_curve(states, log_value, x, log_x, curve.x, curve.log_x, curve.log_limit,
                   curve.start, out[0], out[1], out[2])
    return out[0], out[1], out[2]


def _value_and_limit(bound: Bound, selection: _Selection,
                     out: tuple[np.ndarray | None, np.ndarray | None, np.ndarray]) -> None:
    """Write (value, limit, ratio) over the batch into ``out`` (a None target is skipped); NaN
    where not selected and where a curve does not reach the point (ratio NaN there too).

    Limits and ratios are computed only on the selected points (where the bound can apply),
    which in a scan is often a small part of the batch. A bound on a per-heavy-state observable
    is evaluated on every heavy state and reports the worst one.
    """
    value = selection.take(bound.observable)
    if bound.curve is not None:
        value, limit, ratio = _on_curve(bound.curve, bound.observable, value, selection)
    else:
        raw_limit: np.ndarray | tuple[float, float] = (
            bound.value if bound.kind == "range"  # type: ignore[assignment]
            else np.full(value.shape, float(bound.value)))  # type: ignore[arg-type]
        limit, ratio = _ratio(bound.kind, value, raw_limit, bound.null_value)
        limit = np.broadcast_to(limit, value.shape)
        if bound.observable in PER_STATE:  # the worst heavy state
            ranked = np.where(np.isnan(ratio), -np.inf, ratio)
            worst = np.argmax(ranked, axis=-1)[:, None]
            value, limit, ratio = (np.take_along_axis(a, worst, -1)[:, 0]
                                   for a in (value, limit, ratio))
    ok = selection.ok
    for target, a in zip(out, (value, limit, ratio)):
        if target is None:
            continue
        if selection.every:
            target[...] = a.reshape(ok.shape)
        else:
            target[...] = np.nan
            target[ok] = a


def _select(a: AppliesTo, results: Results, p: Parameters, pair: str, m_zp: np.ndarray,
            conditions: dict[str, np.ndarray], fails_condition: dict[str, np.ndarray],
            invalid: np.ndarray, everywhere: np.ndarray
            ) -> tuple[_Selection, list[tuple[np.ndarray, str]]]:
    """The points where bounds with applicability ``a`` can apply, and the tests that failed
    (in order, as (mask of points failing it, reason))."""
    ok = results.valid.copy()
    failed: list[tuple[np.ndarray, str]] = [(invalid, "the point could not be evaluated")]
    for name, allowed, current in (("version", a.version, p.version),
                                   ("pair", a.pair, pair), ("matter", a.matter, p.matter)):
        if allowed is not None and current not in allowed:
            failed.append((everywhere, f"{name} {current} not in {', '.join(allowed)}"))
            ok[...] = False
    if a.m_Zp_GeV is not None and ok.any():
        lo, hi = a.m_Zp_GeV
        outside = (m_zp < lo) | (m_zp > hi)
        failed.append((outside, f"m_Z' outside [{lo:g}, {hi:g}] GeV"))
        ok &= ~outside
    if a.m_N_GeV is not None and ok.any():
        lo, hi = a.m_N_GeV
        m_n1 = np.asarray(results.observables["m_N1_GeV"], dtype=float)
        outside = ~((m_n1 >= lo) & (m_n1 <= hi))  # also NaN (no heavy state)
        where = (f"outside [{lo:g}, {hi:g}] GeV" if math.isfinite(hi) else f"below {lo:g} GeV")
        failed.append((outside, f"lightest heavy state {where} (the bound's heavy-mass range)"))
        ok &= ~outside
    for name in a.requires:
        if ok.any():
            failed.append((fails_condition[name], _condition_reason(name)))
            ok &= conditions[name]
    return _Selection(results, ok), failed


def evaluate_constraints(results: Results, bound_set: str = "current",
                         bounds: tuple[Bound, ...] | None = None, details: bool = True
                         ) -> Constraints:
    """Evaluate a bound set (or the given records) on the points of ``results``.

    ``details=False`` keeps only ratios and applicability (``value`` and ``limit`` are None):
    what a scan stores, at a third of the memory traffic.

    References: see the module docstring; the records' citations are in ``data/bounds.toml``.
    """
    chosen = select(bound_set, bounds) if bounds is None else bounds
    from lfvnsi.observables import ON_DEMAND
    from lfvnsi.pipeline import with_observables

    # experiment-level predictions (DUNE) are computed only when a chosen bound needs them
    results = with_observables(results, [b.observable for b in chosen if b.observable in ON_DEMAND])
    p = results.params
    shape = p.shape
    pair = "".join(sorted((p.alpha, p.beta), key=FLAVOURS.index))
    conditions = _conditions(results)
    valid = results.valid
    m_zp = np.broadcast_to(p.m_zprime, shape)
    # shared masks (a scan chunk evaluates dozens of bounds on the same points)
    invalid, everywhere = ~valid, np.ones(shape, dtype=bool)
    fails_condition = {name: ~c for name, c in conditions.items()}
    # every row is written once below (no NaN pre-fill of arrays that are mostly overwritten)
    ratios = np.empty((len(chosen), *shape))
    values = np.empty((len(chosen), *shape)) if details else None
    limits = np.empty((len(chosen), *shape)) if details else None
    applicable = np.zeros((len(chosen), *shape), dtype=bool)
    failures = []
    selections: dict[AppliesTo, tuple[_Selection, list[tuple[np.ndarray, str]]]] = {}
    for k, b in enumerate(chosen):
        a = b.applies_to
        if a not in selections:  # bounds with the same applicability share mask and gathers
            selections[a] = _select(a, results, p, pair, m_zp, conditions, fails_condition,
                                    invalid, everywhere)
        selection, failed_before = selections[a]
        failed = list(failed_before)
        row = (None if values is None else values[k, ...],  # views, also for one point
               None if limits is None else limits[k, ...], ratios[k, ...])
        if selection.any:  # the prediction is needed only where the bound can apply
            _value_and_limit(b, selection, row)
            no_limit = np.isnan(row[2])  # a NaN limit gives a NaN ratio
            failed.append((no_limit, "outside the range the curve covers"))
            ok = selection.ok & ~no_limit
            row[2][~ok] = np.nan
            applicable[k] = ok
        else:
            for target in row:
                if target is not None:
                    target[...] = np.nan
        failures.append(tuple(failed))
    return Constraints(
        bounds=chosen,
        value=values,
        limit=limits,
        ratio=ratios,
        applicable=applicable,
        failures=tuple(failures),
        valid=None if results.spectrum.valid is None else valid,
    )
