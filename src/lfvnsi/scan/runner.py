"""Run a scan: chunk by chunk through the batched pipeline, in one process, N processes or Dask.

Chunk k covers points [k chunk, (k + 1) chunk); ``compute_chunk`` is a pure function of (spec, k)
(sampling is counter-based, ``samplers``), so a chunk computed anywhere - this process, a local
worker process, a Dask worker, before or after an interruption - gives the same numbers. Each
part is written by one process (the local worker that computed it, or this process for Dask)
to a temporary name and renamed into ``part-<k>.parquet`` atomically, so a killed scan leaves
only whole parts; its row count, size and CRC-32 go into ``_scan.json``. ``resume`` checks
every part against that record (``results.check_part``) and computes exactly the missing and
the damaged ones. At most a few chunks per worker are in flight: memory is bounded by the chunk
size, not by the scan size, and ``capacity`` refuses beforehand what this machine cannot hold.

References: DESIGN.md ("lfvnsi scan ... resumes from an existing output; progress bar").
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import time
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.exceptions import ConfigError, MissingExtraError
from lfvnsi.scan import capacity
from lfvnsi.scan.capacity import IN_FLIGHT
from lfvnsi.scan.results import (
    SCAN_FILE,
    DamagedPart,
    check_part,
    part_name,
    part_path,
    part_record,
    read_description,
    require_pyarrow,
    write_description,
)
from lfvnsi.scan.samplers import sample
from lfvnsi.scan.spec import ScanSpec

__all__ = ["ScanSummary", "compute_chunk", "run_scan"]

_FLOAT32_MAX = float(np.finfo(np.float32).max)
#: Seconds between two rewrites of ``_scan.json`` while parts are being recorded: a rewrite
#: costs O(chunks), and a part finished but not yet recorded when the scan is killed is checked
#: and kept by ``--resume`` anyway.
RECORD_INTERVAL = 1.0



@dataclass(frozen=True)
class ScanSummary:
    """What a run did: chunks computed now, already present, points, wall time."""

    out: Path
    chunks_total: int
    chunks_computed: int
    chunks_skipped: int
    points_computed: int
    seconds: float
    chunks_repaired: int = 0  # damaged parts found by --resume (and computed again)

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
        # float32 ends at 3.4e38: a ratio beyond (a point excluded by that much) is stored as
        # the largest float32, not as inf; NaN stays NaN
        columns[f"ratio:{b.id}"] = np.minimum(c.ratio[k], _FLOAT32_MAX).astype(np.float32)
    return columns


def _write_part(out: Path, chunk: int, columns: dict[str, np.ndarray]) -> dict[str, Any]:
    """Write one part (atomically) and return its record: rows, bytes and CRC-32."""
    pq = require_pyarrow()
    import pyarrow as pa

    # required (non-nullable) columns: no value is ever missing (NaN is a value), and Parquet
    # then writes no definition levels (a fifth of the encoding time)
    arrays = {k: pa.array(v) for k, v in columns.items()}
    schema = pa.schema([pa.field(k, a.type, nullable=False) for k, a in arrays.items()])
    table = pa.table(arrays, schema=schema)
    # dictionary encoding only where values repeat (on random floats it costs time and space);
    # lz4 and no min/max statistics for the ratio columns: encoding is a tenth of a scan's
    # time, and these save 40% of it for 10% more bytes than zstd. The part is encoded in
    # memory so that its checksum is taken from the very bytes written.
    stats = [k for k in columns if not k.startswith("ratio:")]
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="lz4", use_dictionary=["strongest"],
                   write_statistics=stats)
    data = sink.getvalue()
    final = part_path(out, chunk)
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(memoryview(data))
        os.replace(tmp, final)  # atomic: a part is either absent or complete
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ConfigError(f"cannot write {str(final)!r}: {exc.strerror or exc}; the finished "
                          f"parts are kept: run the scan again with --resume") from None
    return part_record(data, table.num_rows)


def _description(spec: ScanSpec) -> dict[str, Any]:
    return {"spec": spec.to_json(), "fingerprint": spec.fingerprint(),
            "bounds": [b.id for b in _bounds(spec)], "size": spec.size,
            "chunks": spec.n_chunks, "lfvnsi": _version(), "parts": {}}


def _usable_output(out: Path) -> None:
    """Refuse an --out that cannot become a results directory, before anything is computed."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {str(out)!r} is a file: a scan writes a directory (_scan.json "
                          f"and one Parquet part per chunk); choose a new path")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"--out {str(out)!r}: cannot create the results directory "
                          f"({exc.strerror or exc}); choose a path in a writable directory"
                          ) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ConfigError(f"--out {str(out)!r}: the directory is not writable")


def _resume(spec: ScanSpec, out: Path) -> tuple[dict[str, Any], dict[int, dict[str, Any]], int]:
    """Check an existing result of the same spec: (description, sound parts, damaged count).

    Every part is checked against its record; a damaged one (missing, cut short, altered) is
    removed so that it is computed again, and one finished but never recorded is kept.
    """
    old = read_description(out)
    description = _description(spec)
    if old.get("fingerprint") != description["fingerprint"]:
        raise ConfigError(f"{str(out)!r} was written by a different scan spec (fingerprint "
                          f"{old.get('fingerprint')} != {description['fingerprint']}): "
                          f"resume only with the same spec")
    for stale in out.glob(".*.tmp"):
        stale.unlink()  # half-written parts (and records) of the interrupted run
    records = dict(old.get("parts") or {})
    candidates = {int(p.stem.split("-")[1]) for p in out.glob("part-*.parquet")}
    candidates |= {int(name[5:-8]) for name in records}
    sound: dict[int, dict[str, Any]] = {}
    damaged = 0
    checking = {**old, "parts": records}
    for k in sorted(c for c in candidates if c < spec.n_chunks):
        try:
            sound[k] = check_part(out, checking, k, columns=["point"])[1]
        except DamagedPart:
            damaged += 1
            with contextlib.suppress(FileNotFoundError):
                part_path(out, k).unlink()
    description["parts"] = {part_name(k): r for k, r in sorted(sound.items())}
    write_description(out, description)
    return description, sound, damaged


def _prepare(spec: ScanSpec, out: Path, resume: bool
             ) -> tuple[dict[str, Any], dict[int, dict[str, Any]], int]:
    """Create or check ``out``: (description, finished parts by chunk, damaged parts found).

    A new scan's description is not written yet (``_start``): its size is checked first.
    """
    _usable_output(out)
    if any(out.iterdir()):
        if not resume:
            raise ConfigError(f"output {str(out)!r} exists: pass --resume to continue that scan, "
                              f"or choose another --out")
        return _resume(spec, out)
    return _description(spec), {}, 0


def _start(out: Path, description: dict[str, Any]) -> None:
    try:
        write_description(out, description)
    except OSError as exc:
        raise ConfigError(f"--out {str(out)!r}: cannot write {SCAN_FILE} ({exc.strerror or exc})"
                          ) from None


class _Records:
    """The parts record of ``_scan.json``: added as parts are written, written back at most
    every ``RECORD_INTERVAL`` seconds and when the run ends (however it ends)."""

    def __init__(self, out: Path, description: dict[str, Any]) -> None:
        self.out, self.description = out, description
        self.pending = False
        self.last = time.monotonic()

    def add(self, chunk: int, record: dict[str, Any]) -> None:
        self.description["parts"][part_name(chunk)] = record
        self.pending = True
        if time.monotonic() - self.last >= RECORD_INTERVAL:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            write_description(self.out, self.description)
            self.pending = False
        self.last = time.monotonic()


def _version() -> str:
    from lfvnsi import __version__

    return __version__


def write_chunk(spec: ScanSpec, chunk: int, out: Path) -> dict[str, Any]:
    """Compute one chunk and write its part (where it was computed: local workers share the
    disk, and the parent then only keeps the records). Returns the part's record."""
    return _write_part(out, chunk, compute_chunk(spec, chunk))


Stream = Iterator[tuple[int, dict[str, Any]]]


def _serial(spec: ScanSpec, todo: Iterable[int], out: Path) -> Stream:
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


@contextlib.contextmanager
def _workers_need_no_main() -> Iterator[None]:
    """Start worker processes without running the caller's ``__main__`` again.

    The spawn start method runs the parent's main module anew in every child, under the name
    ``__mp_main__``, so that functions defined there can be unpickled. A plain script that calls
    ``run_scan(..., workers=2)`` without an ``if __name__ == "__main__":`` guard would then start
    the scan again inside each worker, and the pool breaks. The workers run only lfvnsi's own
    functions on lfvnsi objects and need nothing from ``__main__``, so while they start it is
    replaced by an empty module (as in an interactive session, where spawn imports nothing).
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _processes(spec: ScanSpec, todo: Iterable[int], workers: int, out: Path) -> Stream:
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = mp.get_context("spawn")  # no fork of a process holding numba/BLAS threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_exit_with_parent, initargs=(os.getpid(),)) as pool:
        pending = iter(todo)
        running: dict[Any, int] = {}

        def submit(k: int) -> None:
            running[pool.submit(write_chunk, spec, k, out)] = k

        # the pool starts one process per submission until it has ``workers``, and no more
        with _workers_need_no_main():
            for k in itertools.islice(pending, IN_FLIGHT * workers):
                submit(k)
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                k = running.pop(future)
                try:
                    record = future.result()
                except BrokenProcessPool:
                    raise ConfigError("a worker process died (killed, or out of memory); the "
                                      "finished parts are kept: run the scan again with --resume"
                                      ) from None
                yield k, record
                for nxt in itertools.islice(pending, 1):
                    submit(nxt)


def _scheduler_address(scheduler: str) -> str:
    """The scheduler's address, after a plain socket connection to it for a TCP address: a
    one-line error within seconds where distributed would retry a refused connection for its
    whole timeout (30 s) and end in a traceback."""
    import socket
    from urllib.parse import urlsplit

    address = scheduler if "://" in scheduler else f"tcp://{scheduler}"
    parts = urlsplit(address)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme == "tcp":
        if parts.hostname is None or port is None:
            raise ConfigError(f"--scheduler {scheduler!r} is not an address like "
                              f"tcp://host:8786")
        try:
            socket.create_connection((parts.hostname, port), timeout=5).close()
        except OSError as exc:
            raise ConfigError(f"--scheduler {scheduler!r}: cannot connect to a Dask scheduler "
                              f"there ({exc.strerror or exc}); start one with 'dask scheduler' "
                              f"or check the address") from None
    return address


def _connect(scheduler: str) -> Any:
    """A client of the Dask scheduler at ``scheduler``, or a one-line error."""
    from distributed import Client

    address = _scheduler_address(scheduler)
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"--scheduler {scheduler!r}: cannot connect to a Dask scheduler there "
                          f"({' '.join(str(exc).split())[:160]})") from None


def _dask(spec: ScanSpec, todo: Iterable[int], workers: int, scheduler: str | None, out: Path
          ) -> Stream:
    """Chunks on Dask workers; their columns come back and this process writes them (a
    cluster's workers need not share this machine's disk)."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise MissingExtraError("dask.distributed", "dask", "Scans on a Dask cluster") from None
    cluster = None
    if scheduler is None:
        with _workers_need_no_main():
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=":0")
        client = Client(cluster)
    else:
        client = _connect(scheduler)
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
            yield k, _write_part(out, k, columns)
            for nxt in itertools.islice(pending, 1):
                submit(nxt)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_scan(spec: ScanSpec, out: str | Path, resume: bool = False, workers: int = 1,
             executor: str = "auto", scheduler: str | None = None,
             on_chunk: Callable[[int, int], None] | None = None,
             on_start: Callable[[int], None] | None = None,
             check_disk: bool = True) -> ScanSummary:
    """Run (or resume) a scan into the results directory ``out``.

    Parameters
    ----------
    spec : the scan.
    out : results directory (created; must not exist unless ``resume``).
    resume : continue a scan of the same spec: every part is checked against the record made
        when it was written, and only the missing and damaged chunks are computed.
    workers : local worker processes (``executor="processes"``) or local Dask workers.
    executor : ``"serial"``, ``"processes"``, ``"dask"`` or ``"auto"`` (Dask when a
        ``scheduler`` is given, processes when ``workers > 1``, else serial).
    scheduler : address of an existing Dask scheduler, e.g. ``tcp://host:8786``.
    on_chunk : called as ``on_chunk(chunk, points)`` after each chunk is written (progress).
    on_start : called once with the number of points already done (non-zero when resuming).
    check_disk : refuse a scan whose parts may not fit on the disk (``capacity``); the memory
        check cannot be turned off.

    Works from a plain script too (no ``if __name__ == "__main__":`` guard needed): worker
    processes do not run the caller's script again.
    """
    require_pyarrow()
    if executor == "auto":
        executor = "dask" if scheduler else ("processes" if workers > 1 else "serial")
    if executor not in ("serial", "processes", "dask"):
        raise ConfigError(f"executor {executor!r} must be serial, processes or dask")
    if not isinstance(workers, int) or workers < 1:
        raise ConfigError(f"--workers {workers} must be at least 1")
    if executor == "dask" and scheduler is not None:
        _scheduler_address(scheduler)  # an unreachable cluster is an error before any output
    out = Path(out)
    created = not out.exists()
    description, done, repaired = _prepare(spec, out, resume)
    new = not (out / SCAN_FILE).exists()
    left = spec.n_chunks - len(done)
    try:
        capacity.check(capacity.estimate(spec, len(description["bounds"]), left, workers,
                                         executor, remote=scheduler is not None),
                       out, disk=check_disk)
    except ConfigError:
        if created:  # leave nothing behind for a scan that never started
            with contextlib.suppress(OSError):
                out.rmdir()
        raise
    if new:
        _start(out, description)
    todo = (k for k in range(spec.n_chunks) if k not in done)
    if on_start is not None:
        on_start(sum(r["rows"] for r in done.values()))
    t0 = time.perf_counter()
    if executor == "serial":
        stream = _serial(spec, todo, out)
    elif executor == "processes":
        stream = _processes(spec, todo, workers, out)
    else:
        stream = _dask(spec, todo, workers, scheduler, out)
    records = _Records(out, description)
    points = 0
    try:
        for k, record in stream:
            records.add(k, record)
            points += record["rows"]
            if on_chunk is not None:
                on_chunk(k, record["rows"])
    finally:  # whatever stops the run, the parts already written stay recorded
        records.flush()
    return ScanSummary(out, spec.n_chunks, left, len(done), points, time.perf_counter() - t0,
                       repaired)
