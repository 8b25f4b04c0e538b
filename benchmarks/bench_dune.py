"""DUNE speed on one core: event rates, a profiled Delta chi^2, the CPV curve, batches of points.

Run:  python benchmarks/bench_dune.py [--repeat 20] [--out benchmarks/results/dune.json]

Measures (median of --repeat runs after a warm-up, process pinned to one CPU, numba and BLAS
single-threaded), on the packaged DUNE TDR configuration (32 channels, 4 rules, 99 sampling
energies, 80 bins):
  * rates of one point: ``RateEngine.rates`` (probabilities for neutrinos and antineutrinos at the
    99 sampling energies, every channel smeared, rules summed), Standard Model and with eps^m;
  * a profiled Delta chi^2 of one model point (``DuneAnalysis.exclusion``: SM data against the
    point, the six oscillation parameters and the density profiled with priors, nine chiMultiExp
    pulls), and the same per point in a batch of 64 points;
  * rates per point in a batch of 1000 points;
  * the 101-point CP-violation sensitivity (202 profiles, batched);
  * GLoBES 3.2.17 on the same files and machine (tests/data/dune_globes/cpv.json, measured with the
    reference driver): one glbChiNP of the CPV task and one glbSetRates.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import datetime
import json
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from lfvnsi.experiments import DuneAnalysis, RateEngine, dune_experiment

EPS = np.array([[0.0, 0.05 + 0.02j, 0.0], [0.05 - 0.02j, 0.0, 0.01], [0.0, 0.01, -0.03]])


def median_of(fn: Callable[[], object], repeat: int) -> float:
    fn()  # compile / warm caches
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--out", default="benchmarks/results/dune.json")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    analysis = DuneAnalysis()
    engine = RateEngine(dune_experiment())
    x = analysis.settings.true_vector
    result: dict[str, object] = {
        "date": datetime.date.today().isoformat(), "cpu": _cpu(), "cores_used": 1,
        "python": platform.python_version(), "numpy": np.__version__,
        "note": "shared 2-core machine; figures drift by ~20% between runs"}

    t_sm = median_of(lambda: engine.rates(x), args.repeat)
    t_nsi = median_of(lambda: engine.rates(x, EPS), args.repeat)
    result["rates_one_point_ms"] = {"standard_model": 1e3 * t_sm, "with_eps": 1e3 * t_nsi}

    X = np.tile(x, (1000, 1))
    eps = np.linspace(0.0, 1.0, 1000)[:, None, None] * EPS
    t_batch = median_of(lambda: engine.rates(X, eps), max(2, args.repeat // 5))
    result["rates_per_point_batch_of_1000_ms"] = 1e3 * t_batch / 1000

    fit = analysis.exclusion(EPS)
    t_one = median_of(lambda: analysis.exclusion(EPS), args.repeat)
    result["profiled_delta_chi2_one_point_s"] = t_one
    result["profiled_delta_chi2_value"] = float(fit.chi2[0])
    result["profiled_delta_chi2_iterations"] = int(fit.iterations[0])
    batch = np.linspace(0.2, 2.0, 64)[:, None, None] * EPS
    t_many = median_of(lambda: analysis.exclusion(batch), max(2, args.repeat // 5))
    result["profiled_delta_chi2_per_point_batch_of_64_s"] = t_many / 64

    t_cpv = median_of(analysis.cpv, max(2, args.repeat // 5))
    result["cpv_101_points_s"] = t_cpv

    reference = Path(__file__).resolve().parents[1] / "tests" / "data" / "dune_globes" / "cpv.json"
    if reference.is_file():
        timing = json.loads(reference.read_text(encoding="utf-8"))["timing"]
        result["globes_3.2.17_same_machine"] = {
            "glbChiNP_cpv_test_s": timing["seconds_per_glbChiNP"],
            "glbSetRates_ms": 1e3 * timing["seconds_per_glbSetRates"]}

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
