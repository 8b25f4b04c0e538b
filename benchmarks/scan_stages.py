"""Where a scan's time goes: microseconds per point of each stage of a chunk, one warm process.

Run:  python benchmarks/scan_stages.py [--chunks 16] [--spec examples/scan-paper.toml]

Stages (as ``scan.runner.write_chunk`` runs them): sampling and parameter validation, the
pipeline (spectrum, couplings, NSI, every observable), the bound set, the result columns, and
the Parquet encoding and write of the part (to a temporary directory). Medians over the chunks
after a first, untimed one (kernels loaded from numba's cache, tables built).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from lfvnsi.constraints import evaluate_constraints
from lfvnsi.pipeline import evaluate
from lfvnsi.scan import load_spec
from lfvnsi.scan.runner import _bounds, _keep_freed_memory, _write_part, compute_chunk
from lfvnsi.scan.samplers import sample

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=16)
    parser.add_argument("--spec", type=Path, default=ROOT / "examples/scan-paper.toml")
    args = parser.parse_args()
    spec = load_spec(args.spec)
    bounds = _bounds(spec)
    out = Path(tempfile.mkdtemp(prefix="lfvnsi-stages-"))
    _keep_freed_memory()  # as a scan worker does
    _write_part(out, 0, compute_chunk(spec, 0))  # one-time costs
    times: dict[str, list[float]] = {}
    for k in range(1, args.chunks + 1):
        start, stop = k * spec.chunk, min((k + 1) * spec.chunk, spec.size)
        marks = [time.perf_counter()]
        params = spec.base_parameters().replace(**sample(spec, start, stop))
        marks.append(time.perf_counter())
        results = evaluate(params, backend="compiled", invalid="flag")
        marks.append(time.perf_counter())
        evaluate_constraints(results, bounds=bounds, details=False)
        marks.append(time.perf_counter())
        columns = compute_chunk(spec, k)  # the same again, timed whole, for the column step
        marks.append(time.perf_counter())
        _write_part(out, k, columns)
        marks.append(time.perf_counter())
        n = stop - start
        step = np.diff(marks) / n * 1e6
        whole = step[3] - step[0] - step[1] - step[2]
        for name, value in (("sampling + validation", step[0]), ("pipeline", step[1]),
                            ("constraints", step[2]), ("result columns", whole),
                            ("Parquet part", step[4]), ("compute_chunk, whole", step[3])):
            times.setdefault(name, []).append(value)
    print(f"{spec.name}: {args.chunks} chunks of {spec.chunk} points, us per point (median)")
    for name, values in times.items():
        print(f"  {name:45s} {np.median(values):6.2f}")


if __name__ == "__main__":
    main()
