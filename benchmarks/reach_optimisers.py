"""Which optimiser finds the reach: CMA-ES, differential evolution and random sampling compared.

Run:  python benchmarks/reach_optimisers.py [--spec examples/scan.toml] [--bins 5,10,14,18]
(the `reach` extra). Writes benchmarks/results/reach_optimisers.json.

Each method gets the number of pipeline evaluations ``lfvnsi.scan.reach`` spends on a bin of the
spec's reach axis (25 log bins) and maximises |eps^u_emu| over the other scanned parameters under
"allowed":

* CMA-ES as ``lfvnsi.scan.reach`` runs it (augmented-Lagrangian constraint, restarts from the best
  allowed samples of the bin);
* differential evolution (scipy, vectorised, Lampinen's feasibility-first rule, populations
  seeded with the same samples, restarts) until the same budget is spent;
* random: the largest |objective| among the allowed points of as many uniform samples (what a
  scan of the bin would report).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from lfvnsi.scan import load_spec
from lfvnsi.scan.reach import _free_axes, _optimise_bin, _Problem, bin_edges, reach_from_mapping
from lfvnsi.scan.runner import _bounds

ROOT = Path(__file__).resolve().parents[1]


def _random(problem: _Problem, budget: int, seed: int) -> float | None:
    u = np.random.default_rng(seed).random((budget, len(problem.axes)))
    e, v = problem.evaluate(u)
    ok = v <= 0
    return float(np.exp(-e[ok].min())) if ok.any() else None


def _differential_evolution(problem: _Problem, budget: int, seed: int) -> float | None:
    from scipy.optimize import NonlinearConstraint, differential_evolution

    d = len(problem.axes)
    rng = np.random.default_rng(seed)
    sample = rng.random((2000, d))
    e, v = problem.evaluate(sample)
    best = float(np.exp(-e[v <= 0].min())) if np.any(v <= 0) else None
    order = np.argsort(np.where(v <= 0, e, np.inf))

    def energy(x: np.ndarray) -> np.ndarray | float:
        out = problem.evaluate(np.atleast_2d(x.T))[0]
        return out if x.ndim == 2 else float(out[0])

    def violation(x: np.ndarray) -> np.ndarray:
        out = problem.evaluate(np.atleast_2d(x.T))[1]
        return out[None, :] if x.ndim == 2 else out

    while problem.evaluations < budget:
        init = np.vstack([sample[order[:20]], rng.random((40, d))])
        generations = max(1, (budget - problem.evaluations) // 60 // 3)
        res = differential_evolution(energy, [(0.0, 1.0)] * d, maxiter=generations, init=init,
                                     seed=int(rng.integers(2**31)), tol=0.0, polish=False,
                                     vectorized=True, updating="deferred",
                                     constraints=NonlinearConstraint(violation, -np.inf, 0.0))
        e1, v1 = problem.evaluate(np.atleast_2d(res.x))
        if v1[0] <= 0:
            m = float(np.exp(-e1[0]))
            best = m if best is None or m > best else best
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "examples/scan.toml")
    parser.add_argument("--bins", default="5,10,14,18")
    args = parser.parse_args()
    spec = load_spec(args.spec)
    reach = reach_from_mapping(None, spec)
    edges = bin_edges(spec, reach)
    bounds = _bounds(spec)
    rows = []
    for index in (int(b) for b in args.bins.split(",")):
        lo, hi = float(edges[index]), float(edges[index + 1])
        t = time.perf_counter()
        de = _optimise_bin(spec, reach, index, lo, hi, bounds)
        t_de = time.perf_counter() - t
        budget = de.evaluations  # what the chosen optimiser spent
        row = {"bin": index, "m_zprime_GeV": [lo, hi], "evaluations": budget,
               "cma_es": de.max, "restarts": de.restarts, "cma_es_seconds": t_de}
        for name, method in (("random", _random), ("differential_evolution", _differential_evolution)):
            problem = _Problem(spec, _free_axes(spec, reach, lo, hi), reach.objective, bounds)
            t = time.perf_counter()
            row[name] = method(problem, budget, reach.seed + index)
            row[f"{name}_seconds"] = time.perf_counter() - t
        rows.append(row)
        print(json.dumps(row))
    out = ROOT / "benchmarks" / "results" / "reach_optimisers.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"spec": str(args.spec), "objective": reach.objective,
                               "date": time.strftime("%Y-%m-%d %H:%M"), "bins": rows}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
