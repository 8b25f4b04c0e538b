"""Run a scan: chunk by chunk through the batched pipeline, in one process, N processes or Dask.

Chunk k covers points [k chunk, (k + 1) chunk); ``compute_chunk`` is a pure function of (spec, k)
(sampling is counter-based, ``samplers``), so a chunk computed anywhere - this process, a local
worker process, a Dask worker, before or after an interruption - gives the same numbers. Each
part is written by one process (the local worker that computed it, or this process for Dask)
to a temporary name and renamed into ``part-<k>.parquet`` atomically, so a killed scan leaves
only whole parts, and ``resume`` computes exactly the missing ones. At most a few chunks per
worker are in flight: memory is bounded by the chunk size, not by the scan size.

References: DESIGN.md ("lfvnsi scan ... resumes from an existing output; progress bar").
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.exceptions import ConfigError, MissingExtraError
from lfvnsi.scan.results import SCAN_FILE, part_path, require_pyarrow
from lfvnsi.scan.samplers import sample
from lfvnsi.scan.spec import ScanSpec

__all__ = ["ScanSummary", "compute_chunk", "run_scan"]

#: Chunks in flight per worker (bounded memory, workers never idle).
IN_FLIGHT = 2


@dataclass(frozen=True)
class ScanSummary:
    """What a run did: chunks computed now, already present, points, wall time."""

    out: Path
    chunks_total: int
    chunks_computed: int
    chunks_skipped: int
    points_computed: int
    seconds: float

    @property
    def points_per_second(self) -> float:
        return self.points_computed / self.seconds if self.seconds > 0 else float("nan")


def _bounds(spec: ScanSpec) -> tuple[Any, ...]:
    from lfvnsi.constraints import select

    return select(spec.bounds)


_ALLOCATOR_TUNED = False


def _keep_freed_memory() -> None:
    """Let glibc's malloc reuse freed memory for the next chunk instead of returning it.

    A chunk allocates and frees the same few dozen arrays of megabytes each time. By default
    glibc serves such blocks with fresh mmap pages and unmaps them when freed, so every chunk
    page-faults its whole working set anew (about 1600 faults and 5-10% of the time of a
    16384-point chunk). Raising the mmap and trim thresholds keeps the pages in the heap for
    reuse; memory stays bounded by the largest chunk's working set. Once per process, and only
    where glibc's ``mallopt`` exists (elsewhere nothing changes).
    """
    global _ALLOCATOR_TUNED
    if _ALLOCATOR_TUNED:
        return
    _ALLOCATOR_TUNED = True
    import ctypes
    import ctypes.util

    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c")).mallopt
    except (OSError, AttributeError, TypeError):  # no C library found, or not glibc
        return
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # malloc.h
    mallopt(M_MMAP_THRESHOLD, 1 << 30)
    mallopt(M_TRIM_THRESHOLD, 1 << 30)


def compute_chunk(spec: ScanSpec, chunk: int) -> dict[str, np.ndarray]:
    """The result columns of one chunk (see ``results`` for the column list).

    Points that cannot be evaluated (mu terms not far below the heavy masses) are kept with
    ``valid`` False and NaN outputs.
    """
    from lfvnsi.constraints import evaluate_constraints
    from lfvnsi.observables import ON_DEMAND
    from lfvnsi.pipeline import evaluate, with_observables

    _keep_freed_memory()
    start = chunk * spec.chunk
    stop = min(start + spec.chunk, spec.size)
    values = sample(spec, start, stop)
    params = spec.base_parameters().replace(**values)
    # always the compiled kernels: "auto" would switch a short last chunk to numpy, and the
    # numbers would then depend on the chunk size in the last bit
    results = evaluate(params, backend="compiled", invalid="flag")
    bounds = _bounds(spec)
    needed = [o for o in (*spec.outputs, *(b.observable for b in bounds)) if o in ON_DEMAND]
    results = with_observables(results, needed)
    c = evaluate_constraints(results, bounds=bounds, details=False)
    columns: dict[str, np.ndarray] = {"point": np.arange(start, stop, dtype=np.int64)}
    for name, value in values.items():
        columns[name] = np.asarray(value, dtype=np.float64)
    for name in spec.outputs:
        columns[name] = np.asarray(results.observables[name], dtype=np.float64)
    columns["valid"] = np.asarray(results.valid, dtype=bool)
    columns["allowed"] = np.asarray(c.allowed, dtype=bool)
    columns["max_ratio"] = np.asarray(c.max_ratio(), dtype=np.float64)
    ids = np.array([b.id for b in bounds] + [""], dtype=object)
    columns["strongest"] = ids[np.asarray(c.strongest)]  # -1 -> ""
    for k, b in enumerate(bounds):  # NaN where the bound does not apply
        columns[f"ratio:{b.id}"] = c.ratio[k].astype(np.float32)
    return columns


def _write_part(out: Path, chunk: int, columns: dict[str, np.ndarray]) -> None:
    pq = require_pyarrow()
    import pyarrow as pa

    # required (non-nullable) columns: no value is ever missing (NaN is a value), and Parquet
    # then writes no definition levels (a fifth of the encoding time)
    arrays = {k: pa.array(v) for k, v in columns.items()}
    schema = pa.schema([pa.field(k, a.type, nullable=False) for k, a in arrays.items()])
    table = pa.table(arrays, schema=schema)
    final = part_path(out, chunk)
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    # dictionary encoding only where values repeat (on random floats it costs time and space);
    # lz4 and no min/max statistics for the ratio columns: encoding is a tenth of a scan's
    # time, and these save 40% of it for 10% more bytes than zstd
    stats = [k for k in columns if not k.startswith("ratio:")]
    pq.write_table(table, tmp, compression="lz4", use_dictionary=["strongest"],
                   write_statistics=stats)
    os.replace(tmp, final)  # atomic: a part is either absent or complete


def _prepare(spec: ScanSpec, out: Path, resume: bool) -> set[int]:
    """Create or check ``out``; return the chunks already finished."""
    description = {"spec": spec.to_json(), "fingerprint": spec.fingerprint(),
                   "bounds": [b.id for b in _bounds(spec)], "size": spec.size,
                   "chunks": spec.n_chunks, "lfvnsi": _version()}
    meta = out / SCAN_FILE
    if out.exists() and any(out.iterdir()):
        if not resume:
            raise ConfigError(f"output {str(out)!r} exists: pass --resume to continue that scan, "
                              f"or choose another --out")
        try:
            old = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ConfigError(f"{str(out)!r} is not an lfvnsi scan result (no {SCAN_FILE})"
                              ) from None
        if old.get("fingerprint") != description["fingerprint"]:
            raise ConfigError(f"{str(out)!r} was written by a different scan spec (fingerprint "
                              f"{old.get('fingerprint')} != {description['fingerprint']}): "
                              f"resume only with the same spec")
        for stale in out.glob(".part-*.tmp"):
            stale.unlink()  # half-written chunks of the interrupted run
        return {int(p.stem.split("-")[1]) for p in out.glob("part-*.parquet")}
    out.mkdir(parents=True, exist_ok=True)
    tmp = meta.with_name(f".{SCAN_FILE}.tmp")
    tmp.write_text(json.dumps(description, indent=1), encoding="utf-8")
    os.replace(tmp, meta)
    return set()


def _version() -> str:
    from lfvnsi import __version__

    return __version__


def write_chunk(spec: ScanSpec, chunk: int, out: Path) -> int:
    """Compute one chunk and write its part (where it was computed: local workers share the
    disk, and the parent then only keeps count). Returns the number of points."""
    columns = compute_chunk(spec, chunk)
    _write_part(out, chunk, columns)
    return len(columns["point"])


def _serial(spec: ScanSpec, todo: list[int], out: Path) -> Iterator[tuple[int, int]]:
    for k in todo:
        yield k, write_chunk(spec, k, out)


def _exit_with_parent(parent: int) -> None:
    """Worker initialiser: leave when the scan process dies (a SIGKILLed parent must not leave
    workers behind, blocked forever on its queue). Checks every half second in a thread."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)  # an unfinished part stays a temporary file; --resume removes it

    threading.Thread(target=watch, daemon=True).start()


def _processes(spec: ScanSpec, todo: list[int], workers: int, out: Path
               ) -> Iterator[tuple[int, int]]:
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = mp.get_context("spawn")  # no fork of a process holding numba/BLAS threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_exit_with_parent, initargs=(os.getpid(),)) as pool:
        pending = iter(todo)
        running: dict[Any, int] = {}

        def submit(k: int) -> None:
            running[pool.submit(write_chunk, spec, k, out)] = k

        for k in itertools.islice(pending, IN_FLIGHT * workers):
            submit(k)
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                k = running.pop(future)
                yield k, future.result()
                for nxt in itertools.islice(pending, 1):
                    submit(nxt)


def _dask(spec: ScanSpec, todo: list[int], workers: int, scheduler: str | None, out: Path
          ) -> Iterator[tuple[int, int]]:
    """Chunks on Dask workers; their columns come back and this process writes them (a
    cluster's workers need not share this machine's disk)."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise MissingExtraError("dask.distributed", "dask", "Scans on a Dask cluster") from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=":0")
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        n = max(1, len(client.scheduler_info(n_workers=-1)["workers"])) if scheduler else workers
        pending = iter(todo)
        futures = as_completed()
        keys: dict[Any, int] = {}
        prefix = f"lfvnsi-chunk-{spec.fingerprint()}"

        def submit(k: int) -> None:
            f = client.submit(compute_chunk, spec, k, key=f"{prefix}-{k}", pure=False)
            keys[f] = k
            futures.add(f)

        for k in itertools.islice(pending, IN_FLIGHT * n):
            submit(k)
        for f in futures:
            k = keys.pop(f)
            columns = f.result()
            f.release()
            _write_part(out, k, columns)
            yield k, len(columns["point"])
            for nxt in itertools.islice(pending, 1):
                submit(nxt)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_scan(spec: ScanSpec, out: str | Path, resume: bool = False, workers: int = 1,
             executor: str = "auto", scheduler: str | None = None,
             on_chunk: Callable[[int, int], None] | None = None,
             on_start: Callable[[int], None] | None = None) -> ScanSummary:
    """Run (or resume) a scan into the results directory ``out``.

    Parameters
    ----------
    spec : the scan.
    out : results directory (created; must not exist unless ``resume``).
    resume : continue a scan of the same spec: only chunks without a part are computed.
    workers : local worker processes (``executor="processes"``) or local Dask workers.
    executor : ``"serial"``, ``"processes"``, ``"dask"`` or ``"auto"`` (Dask when a
        ``scheduler`` is given, processes when ``workers > 1``, else serial).
    scheduler : address of an existing Dask scheduler, e.g. ``tcp://host:8786``.
    on_chunk : called as ``on_chunk(chunk, points)`` after each chunk is written (progress).
    on_start : called once with the number of points already done (non-zero when resuming).
    """
    require_pyarrow()
    if executor == "auto":
        executor = "dask" if scheduler else ("processes" if workers > 1 else "serial")
    if executor not in ("serial", "processes", "dask"):
        raise ConfigError(f"executor {executor!r} must be serial, processes or dask")
    if workers < 1:
        raise ConfigError(f"--workers {workers} must be at least 1")
    out = Path(out)
    done = _prepare(spec, out, resume)
    todo = [k for k in range(spec.n_chunks) if k not in done]
    if on_start is not None:
        on_start(sum(min(spec.chunk, spec.size - k * spec.chunk) for k in done))
    t0 = time.perf_counter()
    if executor == "serial":
        stream = _serial(spec, todo, out)
    elif executor == "processes":
        stream = _processes(spec, todo, workers, out)
    else:
        stream = _dask(spec, todo, workers, scheduler, out)
    points = 0
    for k, n in stream:
        points += n
        if on_chunk is not None:
            on_chunk(k, n)
    return ScanSummary(out, spec.n_chunks, len(todo), len(done), points,
                       time.perf_counter() - t0)
