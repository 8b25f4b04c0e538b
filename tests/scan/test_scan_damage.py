"""Damaged scan outputs: every part's record in _scan.json, readers that name a damaged part in
one line, and --resume that recomputes exactly the damaged parts, bit for bit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from scan_specs import assert_same, columns, document, spec

from lfvnsi.cli import cli
from lfvnsi.exceptions import ConfigError
from lfvnsi.scan import read_description, read_results, run_scan
from lfvnsi.scan.results import SCAN_FILE, part_path

EXAMPLES = Path(__file__).parents[2] / "examples"
CHUNKS = 6


def _spec():  # six parts of 500 points
    return spec(points=3000, chunk=500)


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("damage") / "original.parquet"
    run_scan(_spec(), out)
    return out


@pytest.fixture
def copy(original: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy.parquet"
    shutil.copytree(original, target)
    return target


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def random_bytes(path: Path) -> None:
    path.write_bytes(np.random.default_rng(5).bytes(path.stat().st_size))


def flip_one_byte(path: Path) -> None:  # a data page altered in place, same size
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated": (truncate, "bytes long, not the"),
    "empty": (empty, "is empty"),
    "random bytes": (random_bytes, "CRC-32"),
    "one byte flipped": (flip_one_byte, "CRC-32"),
    "deleted": (Path.unlink, "is missing"),
}


def test_every_part_is_recorded_with_its_rows_size_and_checksum(original: Path) -> None:
    parts = read_description(original)["parts"]
    assert sorted(parts) == [part_path(original, k).name for k in range(CHUNKS)]
    for name, record in parts.items():
        data = (original / name).read_bytes()
        assert record == {"rows": pq.read_metadata(original / name).num_rows, "bytes": len(data),
                          "crc32": f"{zlib.crc32(data):08x}"}
        assert record["rows"] == 500


@pytest.mark.parametrize("kind", DAMAGE)
def test_readers_name_the_damaged_part_in_one_line(copy: Path, kind: str) -> None:
    damage, says = DAMAGE[kind]
    damage(part_path(copy, 3))
    with pytest.raises(ConfigError, match=rf"part-000003\.parquet .*{says}"):
        read_results(copy)
    # the plot command (it reads the first part's schema, then every part)
    result = CliRunner().invoke(cli, ["plot", str(copy), "--out", str(copy.parent / "p.png")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "part-000003.parquet" in lines[0] and "--resume" in lines[0]
    # the example script of the README
    proc = subprocess.run([sys.executable, str(EXAMPLES / "scan_summary.py"), str(copy)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "part-000003.parquet" in proc.stderr


def test_a_damaged_first_part_is_named_too(copy: Path) -> None:
    empty(part_path(copy, 0))
    result = CliRunner().invoke(cli, ["plot", str(copy)])
    assert result.exit_code == 2 and "part-000000.parquet is empty" in result.stderr


def test_resume_recomputes_the_damaged_parts_bit_for_bit(original: Path, copy: Path,
                                                         tmp_path: Path) -> None:
    """Half of one part, another emptied, a third overwritten with random bytes: --resume
    computes those three again, leaves the others alone, and the result is the undamaged one."""
    truncate(part_path(copy, 1))
    empty(part_path(copy, 2))
    random_bytes(part_path(copy, 4))
    untouched = {k: os.stat(part_path(copy, k)).st_mtime_ns for k in (0, 3, 5)}
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(_toml(document(points=3000, chunk=500)))
    result = CliRunner().invoke(cli, ["scan", str(spec_file), "--out", str(copy), "--resume",
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    assert "1500 points in 3 chunks (3 already done, 3 damaged and computed again)" in result.stdout
    assert {k: os.stat(part_path(copy, k)).st_mtime_ns for k in (0, 3, 5)} == untouched
    assert_same(columns(copy), columns(original))
    # the recomputed parts are the very bytes of the undamaged run
    for k in range(CHUNKS):
        assert part_path(copy, k).read_bytes() == part_path(original, k).read_bytes(), k
    assert read_description(copy)["parts"] == read_description(original)["parts"]


def _toml(doc: dict) -> str:
    lines = ["[parameters]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in doc["parameters"].items()]
    scan = {k: v for k, v in doc["scan"].items() if k != "vary"}
    lines += ["", "[scan]"] + [f"{k} = {json.dumps(v)}" for k, v in scan.items()]
    for name, axis in doc["scan"]["vary"].items():
        lines += ["", f"[scan.vary.{name}]"] + [f"{k} = {json.dumps(v)}" for k, v in axis.items()]
    return "\n".join(lines) + "\n"


def test_a_part_written_but_not_yet_recorded_is_checked_and_kept(original: Path, copy: Path
                                                                 ) -> None:
    """A scan killed between writing a part and recording it (records are written back at most
    once a second) leaves a sound part without a record: --resume keeps it and records it."""
    description = read_description(copy)
    record = description["parts"].pop("part-000002.parquet")
    (copy / SCAN_FILE).write_text(json.dumps(description))
    stamp = os.stat(part_path(copy, 2)).st_mtime_ns
    summary = run_scan(_spec(), copy, resume=True)
    assert (summary.chunks_computed, summary.chunks_repaired) == (0, 0)
    assert os.stat(part_path(copy, 2)).st_mtime_ns == stamp
    assert read_description(copy)["parts"]["part-000002.parquet"] == record


def test_an_unrecorded_part_with_the_wrong_points_is_recomputed(original: Path, copy: Path
                                                                ) -> None:
    description = read_description(copy)
    description["parts"].pop("part-000002.parquet")
    (copy / SCAN_FILE).write_text(json.dumps(description))
    shutil.copy(part_path(copy, 1), part_path(copy, 2))  # sound Parquet, chunk 1's points
    summary = run_scan(_spec(), copy, resume=True)
    assert (summary.chunks_computed, summary.chunks_repaired) == (1, 1)
    assert_same(columns(copy), columns(original))


def test_a_damaged_description_is_one_line(copy: Path) -> None:
    (copy / SCAN_FILE).write_text('{"spec": {"fixed"')
    with pytest.raises(ConfigError, match=r"_scan\.json' is damaged"):
        read_results(copy)
    with pytest.raises(ConfigError, match=r"_scan\.json' is damaged"):
        run_scan(_spec(), copy, resume=True)
