"""The reach by constrained optimisation: honest against the random scan, the point itself, and
the bound set.

A small spec (the example scan's space with fewer generations) keeps these fast; the property
each test checks does not depend on the search budget.
"""

from __future__ import annotations

import numpy as np
import pytest

from lfvnsi.constraints import evaluate_constraints, select
from lfvnsi.exceptions import ConfigError
from lfvnsi.pipeline import evaluate
from lfvnsi.scan.reach import (
    LIMITING,
    MARGIN,
    ReachSpec,
    _optimise_bin,
    bin_edges,
    reach_from_mapping,
    run_reach,
)
from lfvnsi.scan.samplers import sample
from lfvnsi.scan.spec import spec_from_mapping

VARY = {"m_zprime": {"range": [0.004, 1.0], "scale": "log"},
        "g_psi": {"range": [0.01, 1.0], "scale": "log"},
        "g_B": {"range": [1e-8, 3e-3], "scale": "log"},
        "M_N": {"range": [0.3, 10.0], "scale": "log"},
        "mp1": {"range": [0.1, 10.0], "scale": "log"},
        "mt_alpha": {"range": [1e-4, 0.3], "scale": "log"},
        "mt_beta": {"range": [1e-4, 0.3], "scale": "log"}}
FIXED = {"version": "lnc", "texture": "consistent", "alpha": "e", "beta": "mu", "m1": 0.0,
         "m2": 0.0, "matter": "gauged", "a_e": 0.0, "a_mu": 0.0, "a_tau": 3.0}


@pytest.fixture(scope="module")
def spec():
    return spec_from_mapping({"parameters": FIXED, "scan": {
        "name": "reach-test", "sampler": "random", "points": 6000, "seed": 11, "chunk": 6000,
        "outputs": ["eps_u_emu"], "vary": VARY}})


@pytest.fixture(scope="module")
def reach(spec):
    return reach_from_mapping({"bins": 4, "restarts": 2, "generations": 40, "population": 40,
                               "seeding": 600, "seed": 3}, spec)


@pytest.fixture(scope="module")
def result(spec, reach):
    return run_reach(spec, reach)


def test_defaults_and_validation(spec) -> None:
    r = reach_from_mapping(None, spec)
    assert (r.axis, r.bins, r.objective) == ("m_zprime", 25, "eps_u_emu")
    assert reach_from_mapping(None, spec_from_mapping({"parameters": {**FIXED, "beta": "tau"},
                                                       "scan": {"vary": VARY}})).objective == "eps_u_etau"
    for bad, word in (({"axis": "M1"}, "not a scanned parameter"), ({"objective": "nope"}, "observable"),
                      ({"bins": 0}, "integer >= 1"), ({"speed": 2}, "unknown key")):
        with pytest.raises(ConfigError, match=word):
            reach_from_mapping(bad, spec)


def test_reach_is_at_least_the_random_scans_envelope(spec, reach, result) -> None:
    """In every bin the optimum is >= the largest |eps| of the allowed points of a random scan of
    the same spec (6000 points): the optimisation can only find more than random sampling."""
    values = sample(spec, 0, spec.size)
    r = evaluate(spec.base_parameters().replace(**values), backend="compiled", invalid="flag")
    c = evaluate_constraints(r, bounds=select(spec.bounds), details=False)
    m, eps = values["m_zprime"], np.abs(r.observables["eps_u_emu"])
    allowed = np.asarray(c.allowed) & np.asarray(r.valid)
    edges = bin_edges(spec, reach)
    compared = 0
    for b, lo, hi in zip(result.bins, edges[:-1], edges[1:], strict=True):
        inside = allowed & (m >= lo) & (m <= hi)
        if inside.any():
            assert b.max is not None and b.max >= eps[inside].max()
            compared += 1
    assert compared >= 3


def test_each_optimum_is_allowed_alone_with_the_same_objective(spec, result) -> None:
    """The optimum of each bin, evaluated on its own (a batch of one, default backend), passes
    every bound and gives the same objective to 1e-9; the limiting bounds sit at >= 0.95."""
    bounds = select(spec.bounds)
    assert any(b.limiting for b in result.bins)
    for b in result.bins:
        if b.max is None:
            continue
        p = spec.base_parameters().replace(**b.point)
        r = evaluate(p)
        c = evaluate_constraints(r, bounds=bounds)
        assert bool(c.allowed) and float(c.max_ratio()) <= 1.0 - MARGIN / 2
        assert abs(float(r.observables["eps_u_emu"])) == pytest.approx(b.max, rel=1e-9)
        ratio = {bd.id: float(q) for bd, q in zip(bounds, np.asarray(c.ratio), strict=True)}
        assert all(ratio[i] >= LIMITING for i in b.limiting)
        assert b.lo <= b.point["m_zprime"] <= b.hi


def test_removing_a_bound_does_not_lower_the_reach(spec, reach, result) -> None:
    """Drop the bound that limits a bin: the optimum of the smaller bound set is at least as large
    (the old optimum stays feasible and seeds nothing: the search is run afresh)."""
    index = next(i for i, b in enumerate(result.bins) if b.max is not None and b.limiting)
    b = result.bins[index]
    fewer = tuple(x for x in select(spec.bounds) if x.id != b.limiting[0])
    again = _optimise_bin(spec, reach, index, b.lo, b.hi, fewer)
    assert again.max is not None and again.max >= b.max * (1 - 1e-12)


def test_interrupted_run_resumes(tmp_path, spec, result) -> None:
    """Finished bins are kept beside the output; a rerun computes only the missing ones."""
    small = ReachSpec(axis="m_zprime", bins=4, objective="eps_u_emu", restarts=1, generations=5,
                      population=10, seeding=20, seed=1)
    out = tmp_path / "reach.parquet"
    calls: list[tuple[int, int]] = []
    first = run_reach(spec, small, out, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (4, 4) and (tmp_path / "reach.parquet.bins.json").exists()
    calls.clear()
    again = run_reach(spec, small, out, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(4, 4)]  # nothing recomputed
    assert again.to_json() == first.to_json()
    other = ReachSpec(axis="m_zprime", bins=5, objective="eps_u_emu", seed=1)
    with pytest.raises(ConfigError, match="another reach run"):
        run_reach(spec, other, out)


def test_table_and_figure(tmp_path, spec, result) -> None:
    """The Parquet table has one row per bin with the optimum's parameters; the figure draws the
    reach, numbers the limiting bounds and shows a random scan behind it."""
    import pyarrow.parquet as pq
    from matplotlib.patches import StepPatch

    from lfvnsi.plots.reach import reach_result_figure
    from lfvnsi.plots.scan import load_scan
    from lfvnsi.scan.reach import write_reach
    from lfvnsi.scan.runner import run_scan

    table = pq.read_table(write_reach(result, tmp_path / "reach.parquet"))
    assert table.num_rows == len(result.bins)
    rows = table.to_pylist()
    for row, b in zip(rows, result.bins, strict=True):
        assert (row["lo"], row["hi"]) == (b.lo, b.hi)
        if b.max is not None:
            assert row["max"] == b.max and row["m_zprime"] == b.point["m_zprime"]
            assert row["limiting"] == " | ".join(b.limiting)
    scan_out = tmp_path / "scan.parquet"
    run_scan(spec, scan_out, executor="serial")
    fig = reach_result_figure(result, load_scan(scan_out, ["m_zprime", "eps_u_emu"]))
    ax = fig.axes[0]
    steps = {p.get_label(): p for p in ax.patches if isinstance(p, StepPatch)}
    assert "optimised reach" in steps and "largest of those per bin" in steps
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("1: limited by ") for t in labels)
    # DUNE's projection: each optimum carries its Delta chi^2, marked where it exceeds 9
    found = [b for b in result.bins if b.max is not None]
    assert all(b.dune_delta_chi2 is not None and b.dune_delta_chi2 >= 0 for b in found)
    assert any("DUNE" in t for t in labels) == any(b.dune_delta_chi2 > 9 for b in found)
    assert [r["dune_delta_chi2"] for r in rows if not np.isnan(r["max"])] == [
        b.dune_delta_chi2 for b in found]


def test_cli_contract_and_each_optimum_through_lfvnsi_point(tmp_path) -> None:
    """``lfvnsi reach SPEC --json``: objective, axis and bins (lo, hi, max, point, limiting); each
    optimum, given to ``lfvnsi point --set ...``, is allowed with the same objective to 1e-9."""
    import json
    import subprocess
    import sys

    spec_file = tmp_path / "small.toml"
    lines = ["[parameters]"] + [f"{k} = {json.dumps(v)}" for k, v in FIXED.items()]
    lines += ["[scan]", 'name = "small"', "[reach]", "bins = 2", "restarts = 1", "generations = 20",
              "population = 20", "seeding = 200"]
    for name, axis in VARY.items():
        lines += [f"[scan.vary.{name}]", f"range = {json.dumps(axis['range'])}", 'scale = "log"']
    spec_file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def lfvnsi(*args: str) -> str:
        proc = subprocess.run([sys.executable, "-m", "lfvnsi.cli", *args], capture_output=True,
                              text=True, cwd=tmp_path, timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    doc = json.loads(lfvnsi("reach", str(spec_file), "--json"))
    assert doc["objective"] == "eps_u_emu" and doc["axis"] == "m_zprime" and len(doc["bins"]) == 2
    assert (tmp_path / "small-reach.parquet").exists()
    found = 0
    for b in doc["bins"]:
        assert {"lo", "hi", "max", "point", "limiting"} <= set(b)
        if b["max"] is None:
            continue
        sets = [a for k, v in b["point"].items() for a in ("--set", f"{k}={v!r}")]
        point = json.loads(lfvnsi("point", str(spec_file), "--json", *sets))
        assert point["verdict"]["allowed"]
        assert abs(point["observables"]["eps_u_emu"]) == pytest.approx(b["max"], rel=1e-9)
        found += 1
    assert found >= 1
