"""Throughput of spectrum + couplings on 1e5 points per version, one core, against plain SVD.

Run:  python benchmarks/bench_spectrum.py [--points 100000] [--out benchmarks/results/spectrum.json]

Measures, for each version/texture:
  * lfvnsi: compute_spectrum + compute_couplings (g_nu and the full mass-basis Z' matrix), with
    the compiled backend (what a batch of this size uses) and, for reference, the numpy one;
  * baseline: numpy.linalg.svd of the same mass matrices cast to complex (the generic route),
    which gives masses only, and with ~1e-16 x M absolute error on the light ones;
and the largest relative light-mass deviation of the SVD baseline from lfvnsi on those points.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: set before numpy loads BLAS
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

from lfvnsi.couplings import compute_couplings
from lfvnsi.model import Parameters, mass_matrix
from lfvnsi.spectrum import compute_spectrum


def points(version: str, texture: str, n: int, z2_broken: bool, seed: int = 1) -> Parameters:
    rng = np.random.default_rng(seed)

    def logu(lo: float, hi: float) -> np.ndarray:
        return np.exp(rng.uniform(np.log(lo), np.log(hi), n))

    kw = {"version": version, "texture": texture, "mt_alpha": logu(1e-3, 0.3), "mt_beta": logu(1e-3, 0.3),
              "M1": logu(0.5, 5), "M2": logu(0.5, 5), "M_N": logu(0.5, 5), "mu_L1": logu(1e-10, 1e-7),
              "mu_L2": logu(1e-10, 1e-7), "mu_R1": logu(1e-10, 1e-7), "mu_R2": logu(1e-10, 1e-7)}
    if z2_broken:
        kw.update(mu_21=logu(1e-11, 1e-8), mu_21R=logu(1e-11, 1e-8))
    if texture == "paper":
        kw.update(m1=logu(0.5, 5), m2=logu(0.5, 5))
    else:
        kw.update(mp1=logu(0.5, 5), mp2=logu(0.5, 5))
    return Parameters(**kw)


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--out", default="benchmarks/results/spectrum.json")
    args = ap.parse_args()
    n = args.points
    t = time.perf_counter()
    compute_spectrum(points("lnc", "consistent", 4, True), backend="compiled")
    print(f"compiled kernel ready in {time.perf_counter() - t:.2f} s (JIT or numba cache)")
    rows = []
    for version, texture, broken in (("lnv", "paper", False), ("lnv", "paper", True),
                                     ("lnc", "consistent", False), ("lnc", "consistent", True),
                                     ("lnc", "paper", True)):
        p = points(version, texture, n, broken)

        def ours(p: Parameters = p, backend: str = "compiled") -> None:
            s = compute_spectrum(p, backend=backend)
            c = compute_couplings(p, s)
            c.g_nu, c.zprime  # noqa: B018 - force evaluation

        t_ours = best_of(ours)
        t_numpy = best_of(lambda: ours(backend="numpy"), repeat=1)
        M = mass_matrix(p).matrix.astype(complex)
        t_svd = best_of(lambda M=M: np.linalg.svd(M))
        s = compute_spectrum(p)
        sv = np.sort(np.linalg.svd(M, compute_uv=False), axis=-1)[..., 1:3]
        ref = s.light_masses[..., 1:3]
        svd_error = float(np.max(np.abs(sv - ref) / ref))
        row = {"version": version, "texture": texture, "z2_broken": broken, "points": n,
                   "lfvnsi_points_per_s": n / t_ours, "numpy_backend_points_per_s": n / t_numpy,
                   "svd_points_per_s": n / t_svd,
                   "svd_light_mass_max_rel_error": svd_error}
        rows.append(row)
        print(f"{version}/{texture:10s} Z2 {'broken' if broken else 'exact '}: "
              f"lfvnsi {n / t_ours:9.3g} points/s (spectrum + couplings; numpy backend "
              f"{n / t_numpy:8.3g})   "
              f"plain complex SVD {n / t_svd:9.3g} points/s (masses only; light masses off by "
              f"up to {svd_error:.1e} relative)")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"machine": platform.machine(), "python": platform.python_version(),
                "numpy": np.__version__, "cores_used": 1}
    out.write_text(json.dumps({"meta": meta, "results": rows}, indent=1))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
