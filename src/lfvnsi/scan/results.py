"""Scan results on disk: a directory of Parquet parts, one per chunk, and its description.

Layout of ``OUT`` (conventionally named ``something.parquet``)::

    OUT/_scan.json              spec (ScanSpec.to_json), fingerprint, bound ids, lfvnsi version
    OUT/part-000000.parquet     chunk 0: points 0 .. chunk-1
    OUT/part-000001.parquet     ...

A part appears only complete (written to a temporary name, then renamed), so an interrupted scan
leaves whole parts and nothing else; ``--resume`` computes the missing ones. Columns of every
part: ``point`` (int64, the global index), one float64 column per scanned parameter (its name),
one per kept observable (its name), ``valid`` (the point could be evaluated), ``allowed``,
``max_ratio``, ``strongest`` (id of the applicable bound with the largest ratio; "" if none) and
``ratio:<bound id>`` for every bound of the set (NaN where it does not apply).

Reading needs ``pyarrow`` (``pip install 'lfvnsi[scan]'``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lfvnsi.exceptions import ConfigError, MissingExtraError

__all__ = ["PART_FORMAT", "SCAN_FILE", "part_path", "read_description", "read_results",
           "require_pyarrow"]

SCAN_FILE = "_scan.json"
PART_FORMAT = "part-{:06d}.parquet"


def require_pyarrow() -> Any:
    """The pyarrow.parquet module, or a one-line error naming the extra to install."""
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is in the test extra
        raise MissingExtraError("pyarrow", "scan", "Parquet scan results") from None
    return pq


def part_path(out: Path, chunk: int) -> Path:
    return out / PART_FORMAT.format(chunk)


def read_description(path: str | Path) -> dict[str, Any]:
    """The ``_scan.json`` of a results directory."""
    path = Path(path)
    try:
        return json.loads((path / SCAN_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{str(path)!r} is not an lfvnsi scan result (no {SCAN_FILE})") from None


def read_results(path: str | Path, columns: list[str] | None = None) -> Any:
    """All finished parts of a scan as one ``pyarrow.Table``, sorted by ``point``."""
    pq = require_pyarrow()
    import pyarrow as pa

    path = Path(path)
    read_description(path)
    parts = sorted(path.glob("part-*.parquet"))
    if not parts:
        raise ConfigError(f"{str(path)!r} holds no finished chunk yet")
    tables = [pq.read_table(p, columns=columns) for p in parts]
    # parts of one scan written by different lfvnsi versions may differ in nullability only
    schema = pa.schema([f.with_nullable(True) for f in tables[0].schema])
    table = pa.concat_tables([t.cast(schema) for t in tables])
    if "point" in table.column_names:
        table = table.sort_by("point")
    return table
