"""What a scan is refused before it starts: an unusable --out, an unreachable scheduler, more
disk or memory than the machine has. One line each, exit code 2, nothing left behind."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from scan_specs import spec

from lfvnsi.cli import cli
from lfvnsi.exceptions import ConfigError
from lfvnsi.scan import capacity, read_description, run_scan
from lfvnsi.scan.results import SCAN_FILE


def _spec_file(tmp_path: Path, points: int = 40, chunk: int = 20) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(f"""[scan]
name = "small"
points = {points}
chunk = {chunk}
[scan.vary.m_zprime]
range = [0.01, 1.0]
scale = "log"
""")
    return path


def _one_line_error(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lfvnsi: error: ") and result.stdout == ""
    return lines[0]


@pytest.mark.parametrize(("target", "says"), [
    ("/proc/x.parquet", "cannot create the results directory"),
    ("/dev/null/x.parquet", "cannot create the results directory"),
    ("existing", "is a file"),
])
def test_an_unusable_out_is_one_line(tmp_path: Path, target: str, says: str) -> None:
    if target == "existing":
        target = str(tmp_path / "existing.parquet")
        Path(target).write_text("not a scan")
    line = _one_line_error(["scan", str(_spec_file(tmp_path)), "--out", target, "--quiet"])
    assert f"--out {target!r}" in line and says in line


def test_an_unreachable_scheduler_is_one_line_within_seconds(tmp_path: Path) -> None:
    """distributed alone retried for 32 s and ended in an OSError traceback."""
    start = time.monotonic()
    line = _one_line_error(["scan", str(_spec_file(tmp_path)), "--out", str(tmp_path / "o"),
                            "--scheduler", "tcp://127.0.0.1:1", "--quiet"])
    assert time.monotonic() - start < 10
    assert "'tcp://127.0.0.1:1'" in line and "cannot connect" in line
    assert not (tmp_path / "o" / SCAN_FILE).exists()
    line = _one_line_error(["scan", str(_spec_file(tmp_path)), "--out", str(tmp_path / "p"),
                            "--scheduler", "tcp://nowhere", "--quiet"])
    assert "not an address like tcp://host:8786" in line


def test_a_scan_no_machine_can_hold_is_refused_at_once(tmp_path: Path) -> None:
    """points = 1e15 grew to 22 GB before it was killed: its record of 1.2e11 chunks alone
    needs ~37 TB of memory, and memory is checked even with --skip-disk-check."""
    spec_file = _spec_file(tmp_path, points=10**15, chunk=8192)
    start = time.monotonic()
    for extra in ([], ["--skip-disk-check"]):
        line = _one_line_error(["scan", str(spec_file), "--out", str(tmp_path / "huge.parquet"),
                                "--quiet", *extra])
        assert "of memory" in line and "available" in line
    assert time.monotonic() - start < 10
    assert not (tmp_path / "huge.parquet").exists()  # nothing left behind


def test_the_disk_check_refuses_and_can_be_skipped(tmp_path: Path, monkeypatch) -> None:
    class Usage:
        free = 10_000  # bytes: less than the 40 points need

    monkeypatch.setattr(capacity.shutil, "disk_usage", lambda path: Usage())
    out = tmp_path / "s.parquet"
    with pytest.raises(ConfigError, match=r"on disk \(40 points .*--skip-disk-check"):
        run_scan(spec(points=40, chunk=20), out)
    assert not out.exists()
    line = _one_line_error(["scan", str(_spec_file(tmp_path)), "--out", str(out), "--quiet"])
    assert "--skip-disk-check" in line
    result = CliRunner().invoke(cli, ["scan", str(_spec_file(tmp_path)), "--out", str(out),
                                      "--quiet", "--skip-disk-check"])
    assert result.exit_code == 0, result.output
    assert len(read_description(out)["parts"]) == 2


def test_the_memory_check_cannot_be_skipped(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(capacity, "available_memory", lambda: 100_000_000)  # 100 MB
    with pytest.raises(ConfigError, match="of memory"):
        run_scan(spec(points=40, chunk=20), tmp_path / "s", check_disk=False)


def test_the_estimates_bound_what_a_scan_takes(tmp_path: Path) -> None:
    """The disk estimate is an upper bound (no compression), within a factor 3 of the parts'
    bytes; the memory estimate grows with the chunk and the workers."""
    s = spec(points=3000, chunk=1000)
    out = tmp_path / "s.parquet"
    run_scan(s, out)
    n_bounds = len(read_description(out)["bounds"])
    written = sum(p.stat().st_size for p in out.glob("part-*.parquet"))
    disk = capacity.estimate(s, n_bounds, s.n_chunks).disk
    assert written <= disk <= 3 * written
    memory = {(c, w): capacity.estimate(spec(points=10**6, chunk=c), n_bounds, 1, w,
                                        "processes").memory
              for c in (1000, 100_000) for w in (1, 4)}
    assert memory[1000, 1] < memory[100_000, 1] < memory[100_000, 4]
    assert capacity.available_memory() is None or capacity.available_memory() > 0
    json.dumps(read_description(out))  # the record stays plain JSON
