"""The model's reach: the largest |objective| in each bin of one axis, by constrained optimisation.

A random scan only gives a lower estimate of how large an observable can get with every bound
satisfied: the allowed region near the limits is a thin sliver that random points rarely hit. For
each bin of one scanned parameter (default m_zprime, log bins over its scanned range) this module
maximises |objective| (default eps^u of the spec's flavour pair) over the other scanned parameters
within their ranges, subject to "allowed by the spec's bound set":

* optimiser: CMA-ES (N. Hansen's ``cma`` package) on the unit cube of the parameters (log or
  linear as the spec says), minimising -log|objective|, with its augmented-Lagrangian handling of
  the constraint log(max ratio) <= 0 (feasible points first, then the Lagrangian drives the
  search along the boundary of the allowed sliver instead of rejecting what misses it); every
  generation is evaluated as one batch of the pipeline;
* restarts: several independent runs with fixed seeds, started from the best allowed points of a
  random sample of the bin (what a scan of the bin would report), then from the centre and random
  points; the best is the reach, the spread of the restarts' maxima its convergence measure;
* per bin: the maximum, the full parameter point, the bounds within 5% of their limit there
  (what limits the reach) and the spread. Finished bins are written to the output as they come,
  so an interrupted run resumes where it stopped.

The choice of optimiser is measured in ``benchmarks/reach_optimisers.py``: at the same number of
evaluations CMA-ES reaches a larger allowed maximum than differential evolution (scipy, with
Lampinen's feasibility-first rule) in every bin compared, and random sampling stays far below
both where the allowed region is thin (README, "Reach").

References: N. Hansen, arXiv:1604.00772 (CMA-ES tutorial); N. Hansen et al., the ``cma`` package
(github.com/CMA-ES/pycma); A. Atamna, A. Auger, N. Hansen, Proc. FOGA 2017 (augmented Lagrangian
constraint handling).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.exceptions import ConfigError
from lfvnsi.scan.spec import Axis, ScanSpec

__all__ = [
    "BinResult",
    "ReachResult",
    "ReachSpec",
    "evaluate_batch",
    "reach_from_mapping",
    "run_reach",
]

#: A bound within this fraction of its limit at the optimum is named as limiting the reach.
LIMITING = 0.95
#: The optimum must pass every bound with this much to spare (ratio <= 1 - MARGIN), so that the
#: same point evaluated alone is allowed too: a single point integrates the meson decays directly,
#: a batch interpolates their tabulated kernel (2e-7), and backends differ in the last bits.
MARGIN = 1e-6
_REACH_KEYS = {"axis", "bins", "objective", "restarts", "generations", "population", "seed",
               "seeding", "workers"}
_PAIRS = {frozenset(("e", "mu")): "emu", frozenset(("e", "tau")): "etau",
          frozenset(("mu", "tau")): "mutau"}


@dataclass(frozen=True)
class ReachSpec:
    """What to maximise, along which axis, and how hard to search (the ``[reach]`` table).

    Attributes
    ----------
    axis : the binned parameter (one of the spec's scanned axes).
    bins : number of bins, equal widths in the axis's scale over its scanned range.
    objective : observable maximised in absolute value.
    restarts : independent optimiser runs per bin (fixed seeds).
    generations : CMA-ES iterations per run (at most).
    population : CMA-ES population per iteration.
    seed : base seed; bin b, restart r use seed + 1000 b + r.
    seeding : random points per bin evaluated to seed the populations.
    workers : processes over bins (1: in this process).
    """

    axis: str
    bins: int = 25
    objective: str = "eps_u_emu"
    restarts: int = 3
    generations: int = 300
    population: int = 40
    seed: int = 0
    seeding: int = 2000
    workers: int = 1

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("axis", "bins", "objective", "restarts",
                                              "generations", "population", "seed", "seeding")}


def _default_objective(spec: ScanSpec) -> str:
    alpha = str(spec.fixed.get("alpha", "e"))
    beta = str(spec.fixed.get("beta", "mu"))
    return f"eps_u_{_PAIRS.get(frozenset((alpha, beta)), 'emu')}"


def reach_from_mapping(table: dict[str, Any] | None, spec: ScanSpec, source: str = "<mapping>"
                       ) -> ReachSpec:
    """A validated ``ReachSpec`` from a spec's ``[reach]`` table (None: every default)."""
    from lfvnsi.observables import OBSERVABLES

    table = dict(table or {})

    def error(key: str, message: str) -> ConfigError:
        return ConfigError(f"reach spec {source!r}: [reach] {key}: {message}")

    unknown = set(table) - _REACH_KEYS
    if unknown:
        raise error(", ".join(sorted(unknown)), f"unknown key(s); known: {', '.join(sorted(_REACH_KEYS))}")
    names = [a.name for a in spec.axes]
    axis = table.get("axis", "m_zprime" if "m_zprime" in names else names[0])
    if axis not in names:
        raise error("axis", f"{axis!r} is not a scanned parameter of the spec (scanned: {', '.join(names)})")
    if len(names) < 2:
        raise error("axis", "the spec scans only the binned axis: nothing to optimise over")
    objective = table.get("objective", _default_objective(spec))
    if objective not in OBSERVABLES:
        raise error("objective", f"{objective!r} is not an observable")
    values: dict[str, int] = {}
    for key, default, low in (("bins", 25, 1), ("restarts", 3, 1), ("generations", 300, 1),
                              ("population", 40, 5), ("seed", 0, 0), ("seeding", 2000, 0),
                              ("workers", 1, 1)):
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise error(key, f"{value!r} must be an integer >= {low}")
        values[key] = value
    return ReachSpec(axis=axis, objective=objective, **values)


@dataclass(frozen=True)
class BinResult:
    """The reach in one bin [lo, hi] of the axis.

    ``max`` is the largest |objective| of an allowed point (None if no allowed point was found),
    ``value`` the signed objective there, ``point`` every scanned parameter of that point,
    ``limiting`` the bounds within 5% of their limit there, ``restarts`` each run's maximum and
    ``spread`` = (largest - smallest)/largest of those (0: every restart agrees);
    ``dune_delta_chi2`` what DUNE would see of the optimum (Delta chi^2 of Standard-Model data
    against it, ``lfvnsi.experiments.dune``; above 9 DUNE tests the reach at 3 sigma there).
    """

    lo: float
    hi: float
    max: float | None
    value: float | None
    point: dict[str, float]
    limiting: list[str]
    restarts: list[float | None]
    spread: float | None
    evaluations: int
    dune_delta_chi2: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"lo": self.lo, "hi": self.hi, "max": self.max, "value": self.value,
                "point": self.point, "limiting": self.limiting, "restarts": self.restarts,
                "spread": self.spread, "evaluations": self.evaluations,
                "dune_delta_chi2": self.dune_delta_chi2}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> BinResult:
        return cls(d["lo"], d["hi"], d["max"], d["value"], dict(d["point"]), list(d["limiting"]),
                   list(d["restarts"]), d["spread"], int(d["evaluations"]), d.get("dune_delta_chi2"))


@dataclass
class ReachResult:
    """Every bin's reach, with what determined it."""

    spec: ScanSpec
    reach: ReachSpec
    bins: list[BinResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The public document: objective, axis and the bins (lo, hi, max, point, limiting, ...)."""
        return {"objective": self.reach.objective, "axis": self.reach.axis,
                "bound_set": self.spec.bounds,
                "bins": [b.to_json() for b in self.bins]}


def _axis(spec: ScanSpec, name: str) -> Axis:
    return next(a for a in spec.axes if a.name == name)


def bin_edges(spec: ScanSpec, reach: ReachSpec) -> np.ndarray:
    """(bins + 1,) edges of the axis: equal steps in its scale over its scanned range."""
    a = _axis(spec, reach.axis)
    if a.scale == "log":
        return np.geomspace(a.low, a.high, reach.bins + 1)
    return np.linspace(a.low, a.high, reach.bins + 1)


def _free_axes(spec: ScanSpec, reach: ReachSpec, lo: float, hi: float) -> tuple[Axis, ...]:
    """The axes of one bin: the binned one restricted to [lo, hi], the others whole."""
    binned = _axis(spec, reach.axis)
    out = [Axis(binned.name, lo, hi, binned.scale)]
    out += [a for a in spec.axes if a.name != reach.axis]
    return tuple(out)


@dataclass(frozen=True)
class Evaluation:
    """Objective, largest ratio, validity and (optionally) every bound's ratio of a batch."""

    objective: np.ndarray
    max_ratio: np.ndarray
    valid: np.ndarray
    ratios: np.ndarray | None = None


def evaluate_batch(spec: ScanSpec, values: dict[str, np.ndarray], objective: str,
                   bounds: Sequence[Any], details: bool = False) -> Evaluation:
    """Evaluate points (parameter name -> (n,) values over the spec's fixed point)."""
    from lfvnsi.constraints import evaluate_constraints
    from lfvnsi.pipeline import evaluate

    params = spec.base_parameters().replace(**values)
    results = evaluate(params, backend="compiled", invalid="flag")
    c = evaluate_constraints(results, bounds=tuple(bounds), details=False)
    return Evaluation(np.asarray(results.observables[objective], dtype=float),
                      np.asarray(c.max_ratio(), dtype=float), np.asarray(results.valid, bool),
                      np.asarray(c.ratio, dtype=float) if details else None)


class _Problem:
    """One bin as an optimisation problem on the unit cube, with a cache of evaluated rows (the
    optimiser asks for constraints of a whole population and then for objectives of part of it)."""

    def __init__(self, spec: ScanSpec, axes: tuple[Axis, ...], objective: str,
                 bounds: Sequence[Any]) -> None:
        self.spec, self.axes, self.objective, self.bounds = spec, axes, objective, bounds
        self.cache: dict[bytes, tuple[float, float]] = {}
        self.evaluations = 0

    def values(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """(n, d) unit-cube rows -> parameter arrays."""
        return {a.name: np.asarray(a.map(np.clip(u[:, i], 0.0, 1.0)), dtype=float)
                for i, a in enumerate(self.axes)}

    def evaluate(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(-log|objective|, log(max ratio/(1 - MARGIN))) of the rows (feasible: <= 0); unevaluable
    points get a large violation."""
        keys = [row.tobytes() for row in u]
        todo = [i for i, k in enumerate(keys) if k not in self.cache]
        if todo:
            ev = evaluate_batch(self.spec, self.values(u[todo]), self.objective, self.bounds)
            self.evaluations += len(todo)
            with np.errstate(divide="ignore", invalid="ignore"):
                energy = -np.log(np.abs(ev.objective))
                violation = np.log(np.maximum(ev.max_ratio, 1e-300)) - math.log1p(-MARGIN)
            energy = np.where(ev.valid & np.isfinite(energy), energy, 1e3)
            violation = np.where(ev.valid & np.isfinite(violation), violation, 1e3)
            if len(self.cache) > 200_000:  # keep memory bounded over long runs
                self.cache.clear()
            for j, i in enumerate(todo):
                self.cache[keys[i]] = (float(energy[j]), float(violation[j]))
        pairs = [self.cache[k] for k in keys]
        return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


def _cma_run(problem: _Problem, mean: np.ndarray, sigma: float, popsize: int, iterations: int,
             seed: int) -> tuple[float, np.ndarray] | None:
    """One CMA-ES run from ``mean`` with the augmented-Lagrangian constraint; the best feasible
    (energy, x), or None if it found no feasible point."""
    import warnings

    try:
        import cma
    except ImportError:  # pragma: no cover - cma is in the test extra
        from lfvnsi.exceptions import MissingExtraError

        raise MissingExtraError("cma", "reach", "the reach optimisation") from None

    import cma.constraints_handler as handler
    from cma.logger import LoggerDummy

    d = len(problem.axes)
    # the augmented Lagrangian logs to files in the working directory whatever its logging
    # option; cma's own switch for that is its module's logger class (restored below)
    logger = handler._Logger
    handler._Logger = LoggerDummy
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # cma's note that an optional archiving package is absent
            es = cma.CMAEvolutionStrategy(np.clip(mean, 0.0, 1.0), sigma, {
                "bounds": [0.0, 1.0], "seed": seed, "verbose": -9, "verb_log": 0, "verb_disp": 0,
                "popsize": popsize, "maxiter": iterations, "tolfun": 0.0, "tolx": 1e-12})
            al = cma.ConstrainedFitnessAL(
                lambda x: float(problem.evaluate(np.atleast_2d(x))[0][0]),
                lambda x: [float(problem.evaluate(np.atleast_2d(x))[1][0])],
                find_feasible_first=True, logging=0)
            while not es.stop():
                xs = es.ask()
                problem.evaluate(np.asarray(xs))  # the whole population in one pipeline batch
                es.tell(xs, [al(x) for x in xs])
                al.update(es)
    finally:
        handler._Logger = logger
    x = al.best_feas.x
    if x is None or d == 0:
        return None
    e, v = problem.evaluate(np.atleast_2d(x))
    return (float(e[0]), np.asarray(x)) if v[0] <= 0.0 and e[0] < 1e3 else None


def _optimise_bin(spec: ScanSpec, reach: ReachSpec, index: int, lo: float, hi: float,
                  bounds: Sequence[Any]) -> BinResult:
    """The reach in one bin (every restart), and the bounds that limit it."""
    axes = _free_axes(spec, reach, lo, hi)
    problem = _Problem(spec, axes, reach.objective, bounds)
    d = len(axes)
    rng = np.random.default_rng([reach.seed, index])
    best: tuple[float, np.ndarray] | None = None
    starts: list[np.ndarray] = []
    if reach.seeding:
        sample_u = rng.random((reach.seeding, d))
        sample_e, sample_v = problem.evaluate(sample_u)
        feasible = np.flatnonzero(sample_v <= 0.0)
        ranked = feasible[np.argsort(sample_e[feasible])]
        if len(ranked):
            best = (float(sample_e[ranked[0]]), sample_u[ranked[0]])
        starts = [sample_u[i] for i in ranked[: reach.restarts]]  # the best allowed samples
    while len(starts) < reach.restarts:  # then the centre and random points of the cube
        starts.append(np.full(d, 0.5) if len(starts) == 0 else rng.random(d))
    restarts: list[float | None] = []
    for r, mean in enumerate(starts):
        found = _cma_run(problem, mean, 0.3 if r == 0 and not reach.seeding else 0.2,
                         reach.population, reach.generations, int(rng.integers(1, 2**31)))
        restarts.append(math.exp(-found[0]) if found else None)
        if found and (best is None or found[0] < best[0]):
            best = found
    if best is None:
        return BinResult(lo, hi, None, None, {}, [], restarts, None, problem.evaluations)
    values = problem.values(np.atleast_2d(best[1]))
    ev = evaluate_batch(spec, values, reach.objective, bounds, details=True)
    assert ev.ratios is not None
    limiting = [b.id for b, q in zip(bounds, ev.ratios[:, 0], strict=True)
                if np.isfinite(q) and q >= LIMITING]
    found_max = [m for m in restarts if m is not None]
    spread = (max(found_max) - min(found_max)) / max(found_max) if found_max else None
    return BinResult(lo, hi, float(abs(ev.objective[0])), float(ev.objective[0]),
                     {k: float(v[0]) for k, v in values.items()}, limiting, restarts, spread,
                     problem.evaluations, _dune(spec, values))


def _dune(spec: ScanSpec, values: dict[str, np.ndarray]) -> float | None:
    """DUNE's Delta chi^2 of one point (None where the model's matter NSI vanish, e.g. kinetic
    mixing, or the point cannot be evaluated)."""
    from lfvnsi.experiments import dune_delta_chi2
    from lfvnsi.pipeline import evaluate

    results = evaluate(spec.base_parameters().replace(**values), backend="compiled", invalid="flag")
    value = float(np.asarray(dune_delta_chi2(results)).reshape(-1)[0])
    return value if np.isfinite(value) else None


def fingerprint(spec: ScanSpec, reach: ReachSpec) -> str:
    text = json.dumps({"spec": spec.to_json(), "reach": reach.to_json()}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _state_path(out: Path) -> Path:
    return out.with_name(out.name + ".bins.json")


def _load_state(out: Path | None, key: str) -> dict[int, BinResult]:
    if out is None or not _state_path(out).exists():
        return {}
    try:
        state = json.loads(_state_path(out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if state.get("fingerprint") != key:
        raise ConfigError(f"{_state_path(out)} belongs to another reach run (different spec or "
                          f"[reach] settings): remove it or choose another output")
    return {int(i): BinResult.from_json(b) for i, b in state.get("bins", {}).items()}


def _save_state(out: Path, key: str, done: dict[int, BinResult]) -> None:
    path = _state_path(out)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"fingerprint": key, "bins": {str(i): b.to_json()
                                                            for i, b in sorted(done.items())}}),
                   encoding="utf-8")
    os.replace(tmp, path)  # atomic: an interrupted write leaves the previous state


def _bin_task(args: tuple[ScanSpec, ReachSpec, int, float, float]) -> tuple[int, BinResult]:
    from lfvnsi.scan.runner import _bounds

    spec, reach, index, lo, hi = args
    return index, _optimise_bin(spec, reach, index, lo, hi, _bounds(spec))


def run_reach(spec: ScanSpec, reach: ReachSpec, out: str | Path | None = None,
              progress: Callable[[int, int], None] | None = None) -> ReachResult:
    """The reach in every bin (``out``: where finished bins are kept, ``<out>.bins.json``, so
    that an interrupted run resumes; the bins already there are not recomputed)."""
    from lfvnsi.scan.runner import _bounds

    edges = bin_edges(spec, reach)
    key = fingerprint(spec, reach)
    out_path = Path(out) if out is not None else None
    done = _load_state(out_path, key)
    todo = [(spec, reach, i, float(edges[i]), float(edges[i + 1]))
            for i in range(reach.bins) if i not in done]
    if progress:
        progress(len(done), reach.bins)

    def record(index: int, result: BinResult) -> None:
        done[index] = result
        if out_path is not None:
            _save_state(out_path, key, done)
        if progress:
            progress(len(done), reach.bins)

    if reach.workers > 1 and len(todo) > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=reach.workers, mp_context=mp.get_context("fork")) as pool:
            futures = [pool.submit(_bin_task, t) for t in todo]
            for f in as_completed(futures):
                record(*f.result())
    else:
        bounds = _bounds(spec)
        for _, _, i, lo, hi in todo:
            record(i, _optimise_bin(spec, reach, i, lo, hi, bounds))
    return ReachResult(spec, reach, [done[i] for i in range(reach.bins)])


def write_reach(result: ReachResult, out: str | Path) -> Path:
    """Write the bins as a Parquet table: one row per bin (lo, hi, max, value, spread,
    evaluations, limiting as 'id | id', every parameter of the optimum; NaN where a bin has no
    allowed point), the reach settings in the file's metadata."""
    from lfvnsi.scan.results import require_pyarrow

    pq = require_pyarrow()
    import pyarrow as pa

    names = [a.name for a in result.spec.axes]
    rows = result.bins

    def column(get: Callable[[BinResult], Any]) -> list[Any]:
        return [get(b) for b in rows]

    table = {
        "bin": list(range(len(rows))),
        "lo": column(lambda b: b.lo), "hi": column(lambda b: b.hi),
        "max": column(lambda b: math.nan if b.max is None else b.max),
        "value": column(lambda b: math.nan if b.value is None else b.value),
        "spread": column(lambda b: math.nan if b.spread is None else b.spread),
        "evaluations": column(lambda b: b.evaluations),
        "dune_delta_chi2": column(lambda b: math.nan if b.dune_delta_chi2 is None
                                  else b.dune_delta_chi2),
        "limiting": column(lambda b: " | ".join(b.limiting)),
    }
    for name in names:
        table[name] = [b.point.get(name, math.nan) for b in rows]
    meta = {"lfvnsi.reach": json.dumps({"spec": result.spec.to_json(), "reach": result.reach.to_json(),
                                        "objective": result.reach.objective})}
    arrow = pa.table(table).replace_schema_metadata(meta)
    path = Path(out)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(arrow, tmp)
    os.replace(tmp, path)
    return path
