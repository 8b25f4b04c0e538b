"""lfvnsi plot: region and reach figures of a scan result render and hold the expected artists.

The scan result is a real one (``run_scan`` on 240 Latin-hypercube points, three chunks), and
the figures are checked against numbers recomputed from its table.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.patches import StepPatch
from scan_specs import replace_part

from lfvnsi.constraints import load_bounds
from lfvnsi.exceptions import ConfigError
from lfvnsi.plots import ScanTable, load_scan, plot_scan, reach_figure, region_figure, save_figure
from lfvnsi.plots.scan import reach_values
from lfvnsi.scan.results import SCAN_FILE
from lfvnsi.scan.runner import run_scan
from lfvnsi.scan.spec import spec_from_mapping

OUTPUTS = ["eps_u_emu", "eps_p_emu", "eps_earth_emu", "eps_u_etau", "g_nu_ab"]


@pytest.fixture(scope="module")
def result_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = spec_from_mapping({"parameters": {"g_B": 5e-5}, "scan": {
        "name": "plot test", "sampler": "latin", "points": 240, "chunk": 100, "seed": 3,
        "outputs": OUTPUTS,
        "vary": {"m_zprime": {"range": [0.002, 1.0], "scale": "log"},
                 "g_psi": {"range": [0.001, 1.0], "scale": "log"}}}})
    out = tmp_path_factory.mktemp("scan") / "plot-test.parquet"
    run_scan(spec, out, executor="serial")
    return out


@pytest.fixture(scope="module")
def scan(result_dir: Path) -> ScanTable:
    return load_scan(result_dir)


def collections(fig) -> dict[str, PathCollection]:  # type: ignore[no-untyped-def]
    return {c.get_label(): c for c in fig.axes[0].collections if isinstance(c, PathCollection)}


def test_the_fixture_has_allowed_and_excluded_points(scan: ScanTable) -> None:
    allowed = scan.columns["allowed"]
    assert scan.size == 240 and 20 < np.sum(allowed) < 220
    assert len(set(scan.columns["strongest"][~allowed])) >= 3


def test_region_plot_one_collection_per_category_with_the_right_points(scan: ScanTable) -> None:
    fig = region_figure(scan, n_legend=3)
    ax = fig.axes[0]
    allowed = scan.columns["allowed"]
    counts = Counter(scan.columns["strongest"][~allowed])
    top = sorted(counts, key=lambda s: (-counts[s], s))[:3]
    expected = {f"{bid} ({counts[bid]})": counts[bid] for bid in top}
    rest = sum(counts.values()) - sum(counts[b] for b in top)
    if rest:
        expected[f"other ({rest})"] = rest
    expected[f"allowed ({int(np.sum(allowed))})"] = int(np.sum(allowed))
    got = collections(fig)
    assert list(got) == list(expected)  # excluded by frequency, other, allowed last (on top)
    for label, n in expected.items():
        assert len(got[label].get_offsets()) == n, label
    # the points are where the table says
    for bid in top:
        pick = ~allowed & (scan.columns["strongest"] == bid)
        xy = np.column_stack([scan.columns["m_zprime"][pick], scan.columns["g_psi"][pick]])
        assert np.array_equal(np.asarray(got[f"{bid} ({counts[bid]})"].get_offsets()), xy)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == list(expected)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "m_zprime [GeV]" and ax.get_ylabel() == "g_psi"
    title = ax.get_title()
    assert "plot test" in title and "240 points" in title
    assert f"{np.sum(allowed) / 240:.1%} allowed" in title


def test_region_plot_of_outputs_with_linear_axes(scan: ScanTable) -> None:
    fig = region_figure(scan, "eps_u_emu", "g_nu_ab", logx=False)
    ax = fig.axes[0]
    assert ax.get_xscale() == "linear" and ax.get_yscale() == "log"
    assert sum(len(c.get_offsets()) for c in collections(fig).values()) == 240
    few = region_figure(scan, n_legend=0)
    assert [lab.split(" (")[0] for lab in collections(few)] == ["other", "allowed"]


def test_reach_plot_steps_and_the_current_nsi_bounds(scan: ScanTable) -> None:
    fig = reach_figure(scan, n_bins=12)
    ax = fig.axes[0]
    steps = {p.get_label(): p for p in ax.patches if isinstance(p, StepPatch)}
    # eps_u_etau is zero for an e-mu model: not shown
    assert list(steps) == ["eps_u_emu", "eps_p_emu", "eps_earth_emu"]
    m = scan.columns["m_zprime"]
    edges = np.geomspace(m.min(), m.max(), 13)
    ok = scan.columns["allowed"]
    for name, patch in steps.items():
        values, got_edges, _ = patch.get_data()
        assert np.allclose(got_edges, edges)
        for i in range(12):
            inside = ok & (m >= edges[i]) & ((m < edges[i + 1]) | (i == 11))
            want = np.max(np.abs(scan.columns[name][inside])) if np.any(inside) else np.nan
            assert values[i] == pytest.approx(want, nan_ok=True), (name, i)
    lines = {ln.get_label(): ln for ln in ax.get_lines() if isinstance(ln, Line2D)}
    for column, (lo, hi) in (("eps_u_emu", (-0.06, 0.049)), ("eps_p_emu", (-0.178, 0.147))):
        record = next(b for b in load_bounds() if b.observable == column and b.status == "current")
        label = next(lab for lab in lines if lab.startswith(record.id))
        assert lines[label].get_ydata()[0] == pytest.approx(hi)
        assert f"[{lo:g}, {hi:g}]" in label
        assert any(ln.get_ydata()[0] == pytest.approx(-lo) and ln.get_linestyle() == ":"
                   for ln in ax.get_lines())
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "eps_u_emu" in legend and any("Esteban et al. 2018" in t for t in legend)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"


def test_reach_values_by_hand(scan: ScanTable) -> None:
    m, eps, ok = scan.columns["m_zprime"], scan.columns["eps_u_emu"], scan.columns["allowed"]
    split = float(np.median(m[ok]))  # both bins hold allowed points
    got = reach_values(scan, "eps_u_emu", np.array([0.002, split, 1.0]))
    assert got[0] == np.max(np.abs(eps[ok & (m < split)]))
    assert got[1] == np.max(np.abs(eps[ok & (m >= split)]))


def test_png_and_pdf_by_extension(result_dir: Path, tmp_path: Path) -> None:
    fig, png = plot_scan(result_dir, tmp_path / "region.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    _, pdf = plot_scan(result_dir, tmp_path / "reach.pdf", reach=True)
    assert pdf.read_bytes()[:4] == b"%PDF"
    default = plot_scan(result_dir, x="g_psi", y="eps_u_emu")[1]
    assert default == result_dir.with_name("plot-test_g_psi_eps_u_emu.png") and default.is_file()
    with pytest.raises(ConfigError, match=r"\.png or \.pdf"):
        save_figure(fig, tmp_path / "region.svg")


def test_bad_input_is_one_error_naming_it(result_dir: Path, scan: ScanTable, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'m_zee'.*columns: m_zprime, g_psi"):
        region_figure(scan, "m_zee", "g_psi")
    with pytest.raises(ConfigError, match="not numeric"):
        region_figure(scan, "m_zprime", "strongest")
    with pytest.raises(ConfigError, match="not an lfvnsi scan result"):
        load_scan(tmp_path)  # a directory without _scan.json
    with pytest.raises(ConfigError, match="not an lfvnsi scan result"):
        load_scan(result_dir / SCAN_FILE)  # a file
    no_mass = ScanTable(scan.path, {k: v for k, v in scan.columns.items() if k != "m_zprime"},
                        scan.description)
    with pytest.raises(ConfigError, match="needs m_Z'"):
        reach_figure(no_mass)
    with pytest.raises(ConfigError, match="eps_"):
        reach_figure(ScanTable(scan.path, {k: v for k, v in scan.columns.items()
                                           if not k.startswith("eps_")}, scan.description))
    # the reach's y axis is "largest |eps|": another column would be mislabelled
    with pytest.raises(ConfigError, match=r"NSI columns \(eps_\*\), not 'g_psi'.*keeps eps_"):
        reach_figure(scan, ["g_psi"])


def lfvnsi(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lfvnsi.cli", *args], capture_output=True,
                          text=True, timeout=300, check=False, cwd=cwd)


def test_cli_plot_writes_png_and_pdf(result_dir: Path, tmp_path: Path) -> None:
    proc = lfvnsi("plot", str(result_dir), "--x", "m_zprime", "--y", "eps_p_emu", "--linx",
                  "--out", "r.pdf", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "wrote r.pdf" and (tmp_path / "r.pdf").read_bytes()[:4] == b"%PDF"
    proc = lfvnsi("plot", str(result_dir), "--reach", "--bins", "8", "--out", "reach.png",
                  cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "reach.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(("args", "needle"), [
    (("--x", "nonsense"), "'nonsense'"),
    (("--out", "plot.svg"), ".png or .pdf"),
    (("--reach", "--y", "g_psi", "--bins", "0"), "bins"),
    (("--reach", "--y", "g_psi"), "not 'g_psi'"),
])
def test_cli_plot_errors_are_one_line(result_dir: Path, tmp_path: Path, args: tuple[str, ...],
                                      needle: str) -> None:
    proc = lfvnsi("plot", str(result_dir), *args, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("lfvnsi: error:") and proc.stderr.strip().count("\n") == 0
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_cli_plot_of_something_that_is_not_a_scan(tmp_path: Path) -> None:
    (tmp_path / "x.parquet").write_bytes(b"PAR1")
    for target in ("x.parquet", "missing.parquet"):
        proc = lfvnsi("plot", target, cwd=tmp_path)
        assert proc.returncode == 2 and "not an lfvnsi scan result" in proc.stderr
        assert proc.stderr.strip().count("\n") == 0


def test_only_the_needed_columns_are_read(result_dir: Path) -> None:
    scan = load_scan(result_dir, ["m_zprime", "eps_u_emu"])
    assert set(scan.columns) == {"m_zprime", "eps_u_emu", "valid", "allowed", "strongest"}
    assert "g_psi" in scan.names and any(n.startswith("ratio:") for n in scan.names)
    with pytest.raises(ConfigError, match="'nope'"):
        load_scan(result_dir, ["nope"])


def test_points_that_could_not_be_evaluated_are_left_out(result_dir: Path, tmp_path: Path) -> None:
    """Rows with valid = False (NaN outputs, no strongest bound) appear in no collection and in
    no reach bin, but count in the title's number of points."""
    import shutil

    copy = tmp_path / "with-invalid.parquet"
    shutil.copytree(result_dir, copy)
    part = copy / "part-000000.parquet"
    original = pq.read_table(part)
    table = original.to_pydict()
    for i in range(10):
        table["valid"][i], table["allowed"][i], table["strongest"][i] = False, False, None
        table["eps_u_emu"][i] = float("nan")
    nullable = pa.schema([f.with_nullable(True) for f in original.schema])  # None below
    replace_part(copy, 0, pa.table(table, schema=nullable))
    scan = load_scan(copy)
    fig = region_figure(scan)
    assert sum(len(c.get_offsets()) for c in collections(fig).values()) == 230
    assert "240 points" in fig.axes[0].get_title()
    assert "" not in set(scan.columns["strongest"][scan.columns["valid"]])
    reach = reach_figure(scan, ["eps_u_emu"])
    values = next(p for p in reach.axes[0].patches if isinstance(p, StepPatch)).get_data()[0]
    assert np.all(np.isnan(values) | (values > 0))


def test_cli_plot_without_matplotlib_names_the_extra(result_dir: Path, tmp_path: Path) -> None:
    code = ("import sys; sys.modules['matplotlib'] = None; from lfvnsi.cli import main; "
            f"main(['plot', {str(result_dir)!r}])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=False, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0
    assert "lfvnsi[plots]" in proc.stderr and "Traceback" not in proc.stderr
