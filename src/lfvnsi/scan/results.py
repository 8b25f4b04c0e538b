"""Scan results on disk: a directory of Parquet parts, one per chunk, and its description.

Layout of ``OUT`` (conventionally named ``something.parquet``)::

    OUT/_scan.json              spec (ScanSpec.to_json), fingerprint, bound ids, lfvnsi version,
                                and "parts": the row count, size and CRC-32 of each finished part
    OUT/part-000000.parquet     chunk 0: points 0 .. chunk-1
    OUT/part-000001.parquet     ...

A part appears only complete (written to a temporary name, then renamed), so an interrupted scan
leaves whole parts and nothing else; ``--resume`` computes the missing ones. What disks and
copies can still do to a finished part (truncate it, empty it, overwrite it) the checksum
recorded when it was written shows: readers name such a part in a one-line error, and
``--resume`` recomputes it. A part on disk without a record (the scan was killed between writing
it and recording it, or a version of lfvnsi that kept no records wrote it) counts as sound when
it reads as Parquet and holds exactly its chunk's points.

Columns of every part: ``point`` (int64, the global index), one float64 column per scanned
parameter (its name), one per kept observable (its name), ``valid`` (the point could be
evaluated), ``allowed``, ``max_ratio``, ``strongest`` (id of the applicable bound with the largest
ratio; "" if none) and ``ratio:<bound id>`` for every bound of the set (float32: NaN where it
does not apply, at most 3.4e38).

Reading needs ``pyarrow`` (``pip install 'lfvnsi[scan]'``).
"""

from __future__ import annotations

import json
import os
import re
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.exceptions import ConfigError, MissingExtraError

__all__ = ["PART_FORMAT", "SCAN_FILE", "DamagedPart", "check_part", "chunk_rows", "part_name",
           "part_path", "part_record", "read_description", "read_results", "require_pyarrow",
           "result_columns", "write_description"]

SCAN_FILE = "_scan.json"
PART_FORMAT = "part-{:06d}.parquet"
_PART = re.compile(r"^part-(\d{6,})\.parquet$")


def require_pyarrow() -> Any:
    """The pyarrow.parquet module, or a one-line error naming the extra to install."""
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is in the test extra
        raise MissingExtraError("pyarrow", "scan", "Parquet scan results") from None
    return pq


def part_name(chunk: int) -> str:
    return PART_FORMAT.format(chunk)


def part_path(out: Path, chunk: int) -> Path:
    return out / part_name(chunk)


def chunk_rows(description: dict[str, Any], chunk: int) -> int:
    """Number of points of ``chunk`` in the scan a description belongs to."""
    size, step = int(description["size"]), int(description["spec"]["chunk"])
    return max(0, min(step, size - chunk * step))


def part_record(data: Any, rows: int) -> dict[str, Any]:
    """What ``_scan.json`` keeps of a part: its rows, its size and the CRC-32 of its bytes.

    A checksum against damage (truncation, zeroed or overwritten blocks), not a signature: CRC-32
    misses a random alteration with probability 2^-32 and costs a fifth of SHA-256 (which would
    add 2.5% to a scan's time).
    """
    view = memoryview(data)
    return {"rows": rows, "bytes": view.nbytes, "crc32": f"{zlib.crc32(view):08x}"}


def read_description(path: str | Path) -> dict[str, Any]:
    """The ``_scan.json`` of a results directory."""
    path = Path(path)
    if not path.is_dir():
        raise ConfigError(f"{str(path)!r} is not an lfvnsi scan result (a directory with "
                          f"{SCAN_FILE} and part-*.parquet)")
    try:
        text = (path / SCAN_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{str(path)!r} is not an lfvnsi scan result (no {SCAN_FILE})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {str(path / SCAN_FILE)!r}: {exc}") from None
    try:
        description = json.loads(text)
        if not isinstance(description, dict) or "spec" not in description:
            raise ValueError("no spec")
    except ValueError:
        raise ConfigError(f"{str(path / SCAN_FILE)!r} is damaged (not the JSON description of a "
                          f"scan): the parts cannot be matched to a spec") from None
    return description


def write_description(out: Path, description: dict[str, Any]) -> None:
    """Write ``_scan.json`` atomically (a reader sees the old or the new one, never half)."""
    tmp = out / f".{SCAN_FILE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(description, indent=1), encoding="utf-8")
    os.replace(tmp, out / SCAN_FILE)


class DamagedPart(Exception):
    """A part that is missing, cut short or altered; the message says which and how."""


def check_part(out: Path, description: dict[str, Any], chunk: int,
               columns: list[str] | None = None) -> tuple[Any, dict[str, Any]]:
    """Read part ``chunk`` and check it against its record: (pyarrow.Table, record).

    A recorded part must have its recorded size and CRC-32; an unrecorded one must read as
    Parquet and hold the chunk's points in order. The record returned
    for an unrecorded part is made from its bytes. Raises ``DamagedPart`` otherwise.
    """
    pq = require_pyarrow()
    import pyarrow as pa

    name = part_name(chunk)
    record = (description.get("parts") or {}).get(name)
    rows = chunk_rows(description, chunk)
    try:
        data = (out / name).read_bytes()
    except FileNotFoundError:
        raise DamagedPart(f"{name} is missing") from None
    except OSError as exc:
        raise DamagedPart(f"{name} cannot be read ({exc.strerror or exc})") from None
    if record is not None:
        if len(data) != record["bytes"]:
            what = "empty" if not data else f"{len(data)} bytes long"
            raise DamagedPart(f"{name} is {what}, not the {record['bytes']} bytes written")
        if f"{zlib.crc32(data):08x}" != record["crc32"]:
            raise DamagedPart(f"{name} does not have the CRC-32 recorded when it was written")
    unreadable = (pa.ArrowException, OSError, ValueError)
    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
    except unreadable as exc:
        raise _unreadable(name, exc) from None
    names = parquet.schema_arrow.names
    unknown = [c for c in columns or () if c not in names]
    if unknown:
        raise ConfigError(f"column {unknown[0]!r} is not in the scan result {str(out)!r} "
                          f"(columns: {', '.join(names)})")
    try:
        table = parquet.read(columns=None if record is None else columns)
    except unreadable as exc:
        raise _unreadable(name, exc) from None
    if record is None:
        points = table.column("point").to_numpy() if "point" in table.column_names else None
        start = chunk * int(description["spec"]["chunk"])
        if (table.num_rows != rows or points is None
                or not np.array_equal(points, np.arange(start, start + rows))):
            raise DamagedPart(f"{name} does not hold the {rows} points of chunk {chunk}")
        record = part_record(data, rows)
        if columns is not None:
            table = table.select([c for c in columns if c in table.column_names])
    elif table.num_rows != record["rows"]:
        raise DamagedPart(f"{name} has {table.num_rows} rows, not the {record['rows']} written")
    return table, record


def _unreadable(name: str, exc: BaseException) -> DamagedPart:
    return DamagedPart(f"{name} is not a readable Parquet file ({' '.join(str(exc).split())[:120]})")


def _chunks_present(out: Path, description: dict[str, Any]) -> list[int]:
    """Chunks with a part on disk or a record (a recorded part that is gone is damage too)."""
    found = {int(m[1]) for p in out.iterdir() if (m := _PART.match(p.name))}
    found |= {int(m[1]) for name in (description.get("parts") or {}) if (m := _PART.match(name))}
    return sorted(found)


def _damaged(path: Path, exc: DamagedPart) -> ConfigError:
    return ConfigError(f"scan result {str(path)!r}: {exc}; 'lfvnsi scan SPEC --out {path} "
                       f"--resume' recomputes it")


def result_columns(path: str | Path) -> tuple[str, ...]:
    """The column names of a scan result (from its first part, checked like every part)."""
    pq = require_pyarrow()
    path = Path(path)
    description = read_description(path)
    chunks = _chunks_present(path, description)
    if not chunks:
        raise ConfigError(f"{str(path)!r} holds no finished chunk yet")
    try:
        check_part(path, description, chunks[0], columns=["point"])
    except DamagedPart as exc:
        raise _damaged(path, exc) from None
    return tuple(pq.read_schema(part_path(path, chunks[0])).names)


def read_results(path: str | Path, columns: list[str] | None = None) -> Any:
    """All finished parts of a scan as one ``pyarrow.Table``, sorted by ``point``.

    Every part is checked first (``check_part``): a damaged one stops the read with a one-line
    ``ConfigError`` naming it (``lfvnsi scan SPEC --out PATH --resume`` recomputes it).
    """
    require_pyarrow()
    import pyarrow as pa

    path = Path(path)
    description = read_description(path)
    chunks = _chunks_present(path, description)
    if not chunks:
        raise ConfigError(f"{str(path)!r} holds no finished chunk yet")
    tables = []
    for k in chunks:
        try:
            tables.append(check_part(path, description, k, columns)[0])
        except DamagedPart as exc:
            raise _damaged(path, exc) from None
    # parts of one scan written by different lfvnsi versions may differ in nullability only
    schema = pa.schema([f.with_nullable(True) for f in tables[0].schema])
    table = pa.concat_tables([t.cast(schema) for t in tables])
    if "point" in table.column_names:
        table = table.sort_by("point")
    return table
