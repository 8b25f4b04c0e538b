"""A scan of the full pipeline at scale: points/s, wall time and peak memory.

Run:  python benchmarks/bench_scan.py [--points 10000000] [--workers 2] [--chunk 16384]
      [--out benchmarks/results/scan.json] [--keep DIR]

The spec is ``examples/scan-paper.toml`` (the paper's parameter space, ten scanned parameters,
Latin hypercube) with ``--points`` points: spectrum, couplings, NSI, every observable and the
current bound set on every point, written as Parquet parts. Three measurements:

  * one core: the serial executor on a warm process (first chunk excluded), points/s;
  * the whole scan with ``--workers`` worker processes from a cold start (imports, compiled
    kernels loaded from numba's cache and meson tables in each worker included): points/s,
    wall time;
  * peak resident memory: each process's high-water mark (VmHWM), summed over this process
    and its workers (peaks need not coincide and shared pages count once per process, so the
    sum is an upper bound), the largest single process and this (the writing-free parent)
    process.

The targets: >= 1e5 points/s per core for the whole chain including constraints, peak
RSS < 1 GB whatever the scan size. Results go to ``--out`` (JSON).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one thread per process: workers own the cores
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import multiprocessing
import platform
import shutil
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Self

import psutil

from lfvnsi.scan import load_spec, run_scan
from lfvnsi.scan.runner import compute_chunk

ROOT = Path(__file__).resolve().parents[1]


class MemoryWatch:
    """Peak RSS of this process tree: per process the kernel's high-water mark (VmHWM, exact,
    Linux), read every ``period`` seconds from a thread; ``total`` sums the processes' peaks.

    Cheap on purpose: a watcher that walked the process tree every 50 ms took a few percent of
    a core from the two workers it was measuring.
    """

    def __init__(self, period: float = 0.25) -> None:
        self.period, self.total, self.largest, self.main = period, 0, 0, 0
        self._peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _peak(process: psutil.Process) -> int:
        try:
            with open(f"/proc/{process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) * 1024
        except OSError:  # no procfs, or the process just ended
            pass
        return process.memory_info().rss  # elsewhere: the current RSS, sampled

    def _sample(self, processes: list[psutil.Process]) -> None:
        for p in processes:
            try:
                self._peaks[p.pid] = max(self._peaks.get(p.pid, 0), self._peak(p))
            except psutil.Error:  # a process that just ended keeps its last reading
                pass
        me = os.getpid()
        self.main = self._peaks.get(me, 0)
        self.total = sum(self._peaks.values())
        self.largest = max(self._peaks.values())

    def _run(self) -> None:
        me = psutil.Process()
        processes, listed = [me], 0.0
        while not self._stop.is_set():
            if time.monotonic() - listed > 1.0:  # new workers appear only at the start
                processes, listed = [me, *me.children(recursive=True)], time.monotonic()
            self._sample(processes)
            self._stop.wait(self.period)
        self._sample(processes)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def one_core(spec, chunks: int = 6) -> float:
    """Points/s of compute_chunk in this (warm) process: the serial executor without writing."""
    compute_chunk(spec, 0)  # one-time costs: kernels from numba's cache, tables
    t0 = time.perf_counter()
    n = 0
    for k in range(1, chunks + 1):
        n += len(compute_chunk(spec, k)["point"])
    return n / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=16384)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/scan.json")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the scan here and keep it (default: a temporary directory)")
    args = parser.parse_args()

    spec = replace(load_spec(ROOT / "examples/scan-paper.toml"), points=args.points,
                   chunk=args.chunk)
    # before the scan (no disk write-back competing for the core), in a process of its own so
    # that this parent stays what the command-line parent is: it never runs the pipeline
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        serial = pool.submit(one_core, spec).result()
    where = args.keep or Path(tempfile.mkdtemp(prefix="lfvnsi-bench-")) / "scan.parquet"
    with MemoryWatch() as memory:
        t0 = time.perf_counter()
        summary = run_scan(spec, where, workers=args.workers,
                           executor="processes" if args.workers > 1 else "serial")
        wall = time.perf_counter() - t0
    disk = sum(p.stat().st_size for p in where.iterdir())
    if args.keep is None:
        shutil.rmtree(where.parent)
    result = {
        "points": spec.size, "chunk": spec.chunk, "workers": args.workers,
        "bound_set": spec.bounds, "outputs": len(spec.outputs),
        "wall_s": round(wall, 2),
        "points_per_s": round(summary.points_computed / wall),
        "points_per_s_per_worker": round(summary.points_computed / wall / args.workers),
        "one_core_points_per_s": round(serial),
        "peak_rss_total_MB": round(memory.total / 2**20),
        "peak_rss_largest_process_MB": round(memory.largest / 2**20),
        "peak_rss_main_process_MB": round(memory.main / 2**20),
        "output_MB": round(disk / 2**20),
        "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
