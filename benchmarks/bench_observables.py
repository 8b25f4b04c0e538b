"""Cost of the observables next to the spectrum they stand on, one core.

Run:  python benchmarks/bench_observables.py [--points 100000] [--chunk 4096]
      [--out benchmarks/results/observables.json]

For each version, on random points of the paper's regime (heavy states 0.5-5 GeV, m_Z'
0.01-1 GeV, gauged B - 3 L_tau), measures (best of three):
  * spectrum: compute_spectrum + compute_couplings (g_nu), i.e. what issue 2 benchmarks;
  * pipeline: lfvnsi.pipeline.evaluate, which adds matter couplings, NSI and every observable;
both on the whole batch at once and in chunks of ``--chunk`` points (how scans run it). The
issue asks that the observables add no more than the spectrum's own cost (pipeline <= 2 x
spectrum).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: set before numpy loads BLAS
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import platform
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_spectrum import best_of, points

from lfvnsi import Parameters, compute_couplings, compute_spectrum
from lfvnsi.pipeline import evaluate


def regime(version: str, n: int, seed: int = 2) -> Parameters:
    texture = "paper" if version == "lnv" else "consistent"
    rng = np.random.default_rng(seed)
    return points(version, texture, n, z2_broken=False, seed=seed).replace(
        m_zprime=np.exp(rng.uniform(np.log(0.01), np.log(1.0), n)),
        g_psi=rng.uniform(0.02, 0.5, n), g_B=rng.uniform(0, 1e-3, n), a_tau=3.0)


def chunks(p: Parameters, size: int) -> list[Parameters]:
    names = [k for k in Parameters.names() if isinstance(getattr(p, k), np.ndarray)]
    return [p.replace(**{k: getattr(p, k)[i:i + size] for k in names})
            for i in range(0, p.size, size)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--chunk", type=int, default=4096)
    ap.add_argument("--out", default="benchmarks/results/observables.json")
    args = ap.parse_args()
    n = args.points
    evaluate(regime("lnc", 300))  # compile / load the kernels
    evaluate(regime("lnv", 300))
    rows = []
    for version in ("lnv", "lnc"):
        p = regime(version, n)
        parts = chunks(p, args.chunk)

        def spectrum(batch: list[Parameters]) -> None:
            for q in batch:
                s = compute_spectrum(q)
                compute_couplings(q, s).g_nu  # noqa: B018 - force evaluation

        def pipeline(batch: list[Parameters]) -> None:
            for q in batch:
                evaluate(q)

        row = {"version": version, "points": n, "chunk": args.chunk}
        for label, batch in (("whole", [p]), ("chunked", parts)):
            t_s = best_of(lambda b=batch: spectrum(b))
            t_p = best_of(lambda b=batch: pipeline(b))
            row[f"{label}_spectrum_points_per_s"] = n / t_s
            row[f"{label}_pipeline_points_per_s"] = n / t_p
            row[f"{label}_observables_over_spectrum"] = (t_p - t_s) / t_s
            print(f"{version} {label:8s}: spectrum {n / t_s:9.3g} points/s, pipeline {n / t_p:9.3g}"
                  f" points/s; observables cost {(t_p - t_s) / t_s:5.2f} x the spectrum")
        rows.append(row)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"machine": platform.machine(), "python": platform.python_version(),
            "numpy": np.__version__, "cores_used": 1}
    out.write_text(json.dumps({"meta": meta, "results": rows}, indent=1))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
