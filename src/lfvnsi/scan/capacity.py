"""What a scan will need, estimated before it starts: disk for its parts, memory for its processes.

A spec of 1e15 points, or one chunk of 1e9, is one line to write and cannot run on any machine;
without a check it would fill the disk (or the memory) for hours before failing. ``check``
compares upper estimates with what this machine has and refuses what it cannot hold, naming
the numbers. The disk check may be overridden (``--skip-disk-check``: the estimate assumes no
compression at all); the memory check may not, since running out of memory kills processes
instead of stopping with an error.

Disk, per point: the columns uncompressed (8 bytes per float64 column: ``point``, the axes, the
kept observables, ``max_ratio``; 4 per float32 ``ratio:<bound id>`` column; 1 per boolean; 4 for
``strongest``), and per part its Parquet footer. The lz4 parts of the example specs take 55% of
this (columns constant over a chunk and the NaN of bounds that do not apply compress).

Memory: a process computing a chunk holds the pipeline's arrays, 4.1 kB per point measured at
131072 points (213 MB before the chunk, 722 MB after); here 6 kB per point and 300 MB per process
(imports, compiled kernels), the scan process's record of every part (300 bytes each), and for
Dask the columns of the chunks in flight that come back to be written.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from lfvnsi.exceptions import ConfigError
from lfvnsi.scan.spec import ScanSpec

__all__ = ["Footprint", "available_memory", "check", "estimate"]

#: Bytes per point of a chunk being computed (measured 4.1 kB, with room for the part's buffer).
POINT_WORKING_BYTES = 6_000
#: Bytes of a process that computes chunks, before its first chunk (measured 213 MB).
PROCESS_BYTES = 300_000_000
#: Bytes of the scan process itself when workers compute (measured 138 MB) and of a Dask
#: scheduler or nanny.
COORDINATOR_BYTES = 200_000_000
#: Bytes the scan process keeps per chunk (its record in memory and in ``_scan.json``).
RECORD_BYTES = 300
#: Parquet footer bytes per column and part (schema, column-chunk metadata, statistics).
FOOTER_BYTES_PER_COLUMN = 200
#: Chunks in flight per worker (the runner keeps workers busy with this many queued).
IN_FLIGHT = 2


@dataclass(frozen=True)
class Footprint:
    """Estimated needs of a scan (or of what is left of it): bytes on disk and in memory."""

    disk: int
    memory: int
    points: int
    bytes_per_point: float


def _columns(spec: ScanSpec, n_bounds: int) -> tuple[int, int]:
    """(number of columns, uncompressed bytes per row) of every part."""
    floats = 1 + len(spec.axes) + len(spec.outputs) + 1  # point, axes, outputs, max_ratio
    n_columns = floats + 2 + 1 + n_bounds
    return n_columns, 8 * floats + 2 + 4 + 4 * n_bounds


def estimate(spec: ScanSpec, n_bounds: int, chunks_left: int, workers: int = 1,
             executor: str = "serial", remote: bool = False) -> Footprint:
    """Disk and memory a scan needs for ``chunks_left`` chunks still to compute.

    ``executor`` is the resolved one (``serial``, ``processes`` or ``dask``); with ``remote`` (an
    existing Dask cluster) the chunks are computed elsewhere and only this process counts.
    """
    n_columns, row = _columns(spec, n_bounds)
    points = min(chunks_left * spec.chunk, spec.size)
    disk = points * row + chunks_left * n_columns * FOOTER_BYTES_PER_COLUMN
    chunk = min(spec.chunk, spec.size)
    computing = PROCESS_BYTES + POINT_WORKING_BYTES * chunk
    records = RECORD_BYTES * spec.n_chunks
    if executor == "serial":
        memory = computing
    elif executor == "processes":
        memory = COORDINATOR_BYTES + workers * computing
    else:  # dask: the columns of the chunks in flight come back to this process
        memory = COORDINATOR_BYTES + IN_FLIGHT * workers * chunk * row
        if not remote:  # a local cluster: its scheduler, and a nanny beside each worker
            memory += COORDINATOR_BYTES + workers * (COORDINATOR_BYTES + computing)
    return Footprint(disk, memory + records, points, row)


def available_memory() -> int | None:
    """Bytes of memory available to new processes (Linux MemAvailable), None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):
        return None


def _size(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB", "EB"):
        if n < 1000 or unit == "EB":
            return f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} EB"  # pragma: no cover


def _existing(path: Path) -> Path:
    """The nearest existing directory at or above ``path`` (where the parts will go)."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path if path.is_dir() else path.parent


def check(footprint: Footprint, out: Path, disk: bool = True) -> None:
    """Refuse a scan this machine cannot hold: memory always, disk unless ``disk`` is False."""
    memory = available_memory()
    if memory is not None and footprint.memory > memory:
        raise ConfigError(
            f"the scan needs about {_size(footprint.memory)} of memory and this machine has "
            f"{_size(memory)} available: use fewer --workers, a smaller chunk (points per "
            f"chunk set the memory of each process) or fewer points (every chunk has a record)")
    if not disk:
        return
    free = shutil.disk_usage(_existing(out)).free
    if footprint.disk > free:
        per = math.ceil(footprint.bytes_per_point)
        raise ConfigError(
            f"the scan needs up to {_size(footprint.disk)} on disk ({footprint.points:.4g} points "
            f"x {per} bytes uncompressed, and a footer per part) and {str(_existing(out))!r} has {_size(free)} free: "
            f"scan fewer points, keep fewer outputs, free space, or pass --skip-disk-check "
            f"(compressed parts take about half the estimate)")
