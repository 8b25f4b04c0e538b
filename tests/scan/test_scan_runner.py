"""Scan execution: the numbers do not depend on chunk size, worker count or executor, agree with
single-point evaluation, and points that cannot be evaluated are flagged, not fatal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scan_specs import assert_same, columns, replace_part, spec

from lfvnsi.constraints import evaluate_constraints
from lfvnsi.exceptions import ConfigError, HierarchyError
from lfvnsi.pipeline import evaluate
from lfvnsi.scan import read_description, run_scan


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    out = tmp_path_factory.mktemp("serial") / "scan.parquet"
    summary = run_scan(spec(chunk=1000), out)
    assert (summary.chunks_total, summary.chunks_computed, summary.points_computed) == (3, 3, 3000)
    return columns(out)


def test_every_point_once_in_order(serial: dict[str, np.ndarray]) -> None:
    np.testing.assert_array_equal(serial["point"], np.arange(3000))
    assert serial["valid"].all()
    assert 0 < serial["allowed"].mean() < 1  # the box straddles the bounds
    assert any(k.startswith("ratio:") for k in serial)


def test_chunk_size_does_not_matter(serial: dict[str, np.ndarray], tmp_path: Path) -> None:
    run_scan(spec(chunk=700), tmp_path / "s")
    assert_same(columns(tmp_path / "s"), serial)


def test_worker_processes_give_the_same_numbers(serial: dict[str, np.ndarray],
                                                tmp_path: Path) -> None:
    run_scan(spec(chunk=400), tmp_path / "s", workers=2, executor="processes")
    assert_same(columns(tmp_path / "s"), serial)


@pytest.mark.parametrize("index", [0, 1234, 2999])
def test_rows_equal_single_point_evaluation(serial: dict[str, np.ndarray], index: int) -> None:
    """A row of a compiled, chunked scan = that point alone (numpy backend, batch of one)."""
    s = spec(chunk=1000)
    point = s.base_parameters().replace(**{a.name: float(serial[a.name][index]) for a in s.axes})
    results = evaluate(point, backend="numpy")
    for name in s.outputs:
        np.testing.assert_allclose(serial[name][index], results.observables[name], rtol=1e-9,
                                   atol=1e-300, err_msg=name)
    c = evaluate_constraints(results, "current")
    assert bool(serial["allowed"][index]) == bool(c.allowed)
    ids = [b.id for b in c.bounds]
    assert serial["strongest"][index] == (ids[int(c.strongest)] if c.strongest >= 0 else "")
    np.testing.assert_allclose(serial["max_ratio"][index], c.max_ratio(), rtol=1e-9)


def test_unevaluable_points_are_flagged_not_fatal(tmp_path: Path) -> None:
    """mu_L1 up to 1e-2 GeV against heavy states of 0.3 - 10 GeV: some points break the inverse
    seesaw. Exactly those the single-point evaluation refuses are flagged invalid."""
    s = spec(points=200, chunk=64, sampler="random",
             vary={"mu_L1": {"range": [1e-6, 1e-2], "scale": "log"},
                   "M1": {"range": [0.3, 10.0], "scale": "log"}})
    run_scan(s, tmp_path / "s")
    got = columns(tmp_path / "s")
    assert 0 < got["valid"].sum() < 200
    for i in range(0, 200, 7):
        point = s.base_parameters().replace(mu_L1=got["mu_L1"][i], M1=got["M1"][i])
        try:
            evaluate(point, backend="numpy")
            refused = False
        except HierarchyError:
            refused = True
        assert refused == (not got["valid"][i]), i
    bad = ~got["valid"]
    assert np.isnan(got["g_nu_ab"][bad]).all() and not got["allowed"][bad].any()
    assert (got["strongest"][bad] == "").all()


def test_existing_output_needs_resume_and_the_same_spec(tmp_path: Path) -> None:
    out = tmp_path / "s"
    run_scan(spec(points=100, chunk=50), out)
    with pytest.raises(ConfigError, match="--resume"):
        run_scan(spec(points=100, chunk=50), out)
    with pytest.raises(ConfigError, match="different scan spec"):
        run_scan(spec(points=100, chunk=50, seed=12), out, resume=True)
    summary = run_scan(spec(points=100, chunk=50), out, resume=True)
    assert (summary.chunks_computed, summary.chunks_skipped) == (0, 2)
    assert read_description(out)["size"] == 100


def test_parts_are_required_columns_and_older_nullable_parts_still_read(
        serial: dict[str, np.ndarray], tmp_path: Path) -> None:
    """Parts declare every column required (no nulls are ever written); a scan resumed across
    versions may hold parts with nullable columns, and reading concatenates both."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "s"
    run_scan(spec(chunk=1000), out)
    part = out / "part-000001.parquet"
    assert not any(f.nullable for f in pq.read_schema(part))
    old = pq.read_table(part)
    # nullable, as an older lfvnsi wrote parts (and kept no record of them)
    replace_part(out, 1, pa.table({k: old.column(k) for k in old.column_names}), recorded=False)
    assert all(f.nullable for f in pq.read_schema(part))
    assert_same(columns(out), serial)


@pytest.mark.parametrize("executor", ["processes", "dask"])
def test_workers_from_a_plain_script_without_a_main_guard(tmp_path: Path, executor: str) -> None:
    """Spawned workers used to run the calling script again (no `if __name__ == "__main__":`),
    breaking the pool (BrokenProcessPool; Dask: 'Nanny failed to start'). The script runs once
    and its result equals a run in one process."""
    script = tmp_path / "plain.py"
    script.write_text(f"""import sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from scan_specs import spec
from lfvnsi.scan import run_scan
summary = run_scan(spec(points=2000, chunk=500), sys.argv[1], workers=2, executor={executor!r})
print("done", summary.points_computed)
""")
    out = tmp_path / "plain.parquet"
    proc = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True,
                          timeout=300, check=False, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["done 2000"]
    run_scan(spec(points=2000, chunk=500), tmp_path / "serial.parquet")
    assert_same(columns(out), columns(tmp_path / "serial.parquet"))


def test_ratios_beyond_float32_are_stored_as_its_largest_value(tmp_path: Path) -> None:
    """A Yukawa of 1e18 GeV gives ratios to some limits beyond 3.4e38: stored as the largest
    float32 (once an overflow warning and inf), never inf."""
    from lfvnsi.scan import spec_from_mapping

    doc = {"parameters": {}, "scan": {"sampler": "random", "points": 1, "chunk": 1, "seed": 0,
                                      "vary": {"mp2": {"range": [1.0, 1e18]}}}}
    out = tmp_path / "big.parquet"
    run_scan(spec_from_mapping(doc), out)
    ratios = {k: v for k, v in columns(out).items() if k.startswith("ratio:")}
    top = np.finfo(np.float32).max
    assert any(v[0] == top for v in ratios.values())
    assert all(np.isnan(v[0]) or np.isfinite(v[0]) for v in ratios.values())
