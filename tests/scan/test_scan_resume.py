"""A scan killed with SIGKILL and resumed: no finished chunk recomputed, no row lost or doubled
(a real ``lfvnsi scan`` subprocess)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psutil
import pytest
from scan_specs import FIXED

from lfvnsi.scan import read_results
from lfvnsi.scan.results import require_pyarrow

POINTS, CHUNK = 40_000, 500


def _write_spec(path: Path) -> None:
    fixed = "\n".join(f"{k} = {v!r}".replace("'", '"') for k, v in FIXED.items())
    path.write_text(f"""[parameters]
{fixed}

[scan]
name = "killed"
sampler = "random"
points = {POINTS}
chunk = {CHUNK}
seed = 3

[scan.vary.m_zprime]
range = [0.001, 3.0]
scale = "log"

[scan.vary.M1]
range = [0.3, 10.0]
scale = "log"
""")


def _command(spec: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "lfvnsi", "scan", str(spec), "--out", str(out), "--quiet",
            *extra]


@pytest.mark.parametrize("workers", [1, 2])
def test_sigkill_then_resume(tmp_path: Path, workers: int) -> None:
    spec, out = tmp_path / "spec.toml", tmp_path / "out.parquet"
    _write_spec(spec)
    log = tmp_path / "first.log"
    with log.open("wb") as sink:
        run = subprocess.Popen(_command(spec, out, "--workers", str(workers)), stdout=sink,
                               stderr=sink)
        deadline = time.monotonic() + 120
        while len(list(out.glob("part-*.parquet"))) < 5:  # kill it in the middle of the scan
            assert run.poll() is None, log.read_text()
            assert time.monotonic() < deadline
            time.sleep(0.005)
        children = psutil.Process(run.pid).children(recursive=True)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, "worker processes outlived the killed scan"
    assert run.returncode == -signal.SIGKILL
    pq = require_pyarrow()
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.glob("part-*.parquet")}
    n_chunks = POINTS // CHUNK
    assert 5 <= len(before) < n_chunks, "the kill should land mid-scan"
    for name in before:  # every part on disk is whole
        assert pq.read_table(out / name).num_rows == CHUNK

    resumed = subprocess.run(_command(spec, out, "--resume"), capture_output=True, timeout=600,
                             check=False)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert f"({len(before)} already done)" in resumed.stdout.decode()
    after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.glob("part-*.parquet")}
    assert len(after) == n_chunks
    for name, stamp in before.items():  # finished chunks were not recomputed or rewritten
        assert after[name] == stamp, name
    assert not list(out.glob(".*.tmp"))
    points = read_results(out, columns=["point"]).column("point").to_numpy()
    np.testing.assert_array_equal(points, np.arange(POINTS))  # none lost, none twice
