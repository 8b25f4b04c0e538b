"""The lfvnsi cevns command: JSON contract, [cevns] table, plots, one-line errors, model glue."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from lfvnsi.cli import cli

KEYS = {"expected_sm_events", "expected_model_events", "observed_events", "chi2_sm", "chi2_model"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lfvnsi.cli", *args], capture_output=True, text=True,
                          timeout=300, check=False)


def test_json_has_the_documented_keys_per_dataset() -> None:
    proc = run("cevns", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert set(doc) == {"csi2017", "csi2021", "lar2020"}
    for name, d in doc.items():
        assert KEYS <= set(d), name
        assert all(math.isfinite(d[k]) for k in KEYS)
        assert abs(d["expected_sm_events"] - d["published_sm_events"]) < d["published_sm_uncertainty"]
        assert d["observed_events"] == int(d["observed_events"])
    assert doc["lar2020"]["observed_events"] == 3752


def _assert_clean_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("lfvnsi: error:"), result.stderr
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("args", "needles"), [
    (["cevns", "--datasets", "csi2019"], ("datasets", "csi2019", "csi2017, csi2021, lar2020")),
    (["cevns", "--form-factor", "fermi"], ("form_factor", "fermi", "helm")),
    (["cevns", "--set", "m_zprime=-1"], ("m_zprime", "-1")),
])
def test_bad_input_is_one_line(args: list[str], needles: tuple[str, ...]) -> None:
    _assert_clean_error(CliRunner().invoke(cli, args), *needles)


def test_config_table_and_its_errors(tmp_path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[parameters]\nm_zprime = 0.05\n[cevns]\ndatasets = ['lar2020']\n"
                   "form_factor = 'klein_nystrand'\n")
    result = CliRunner().invoke(cli, ["cevns", str(cfg), "--json"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == {"lar2020"}
    bad = tmp_path / "bad.toml"
    bad.write_text("[cevns]\ndataset = ['lar2020']\n")
    _assert_clean_error(CliRunner().invoke(cli, ["cevns", str(bad)]), "dataset", "allowed")


def test_plots_are_written(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["cevns", "--datasets", "csi2021", "--plots", str(tmp_path)])
    assert result.exit_code == 0, result.output
    png = tmp_path / "cevns_csi2021.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plots_without_matplotlib_name_the_extra(tmp_path, monkeypatch) -> None:
    for mod in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")
                or m == "lfvnsi.cevns.plots"]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = CliRunner().invoke(cli, ["cevns", "--datasets", "csi2021", "--plots", str(tmp_path)])
    _assert_clean_error(result, "pip install 'lfvnsi[plots]'")


def test_kinetic_mixing_shows_in_cevns_not_in_neutral_matter() -> None:
    """Paper section II B: kinetic mixing gives eps^m = 0 in neutral matter but a CEvNS signal."""
    from lfvnsi.cevns.analysis import analyse
    from lfvnsi.cevns.model import couplings_from_parameters
    from lfvnsi.model import Parameters
    from lfvnsi.nsi import compute_nsi

    p = Parameters.benchmark().replace(matter="kinetic", g_B=0.0, kinetic_mixing=3e-3, m_zprime=0.03)
    assert np.allclose(compute_nsi(p).matter(1.051), 0.0, atol=1e-15)
    res = analyse(couplings_from_parameters(p), ["csi2021"])["csi2021"]
    assert float(res.model.total) > 1.02 * float(res.sm.total)
