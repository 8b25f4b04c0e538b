"""``lfvnsi dune``: the JSON documents, the full CP-violation curve against GLoBES, one-line
errors with exit code 2."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "dune_globes"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lfvnsi.cli", "dune", *args],
                          capture_output=True, text=True, timeout=300, check=False)


def test_cpv_json_is_exactly_the_curve_and_agrees_with_globes() -> None:
    proc = run("cpv", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert set(doc) == {"delta_cp_deg", "sigma"}
    assert np.allclose(doc["delta_cp_deg"], np.linspace(-180, 180, 101))
    ref = json.loads((DATA / "cpv.json").read_text(encoding="utf-8"))
    theirs = np.sqrt(np.maximum(np.minimum(ref["chi2_test_0"], ref["chi2_test_pi"]), 0))
    assert np.max(np.abs(np.array(doc["sigma"]) - theirs)) < 1e-5


def test_cpv_settings_are_overridable() -> None:
    proc = run("cpv", "--json", "--n-points", "3", "--delta-min", "-90", "--delta-max", "90",
               "--prior", "theta13=0", "--true", "theta23=0.78", "--test-deltas", "0,180")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["delta_cp_deg"] == [-90.0, 0.0, 90.0]
    assert doc["sigma"][1] == pytest.approx(0.0, abs=1e-6) and doc["sigma"][0] > 2


def test_events_json_and_plot(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "spectra.png"
    proc = run("events", "--json", "--set", "g_B=3e-3", "--plot", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert {"configuration", "true", "eps_matter", "rules", "channels"} <= set(doc)
    assert out.is_file() and out.stat().st_size > 0
    ref = json.loads((DATA / "rates_sm.json").read_text(encoding="utf-8"))
    for k, rule in enumerate(doc["rules"]):
        assert rule["name"] == ref["rules"][k]
        window = slice(4, 70)  # 0.5-18 GeV
        sm = sum(ref["signal"][k][window]) + sum(ref["background"][k][window])
        assert rule["total_sm"] == pytest.approx(sm, rel=3e-6)
        assert rule["difference"] == pytest.approx(rule["total_model"] - rule["total_sm"])
        assert len(rule["spectrum_sm"]) == len(rule["bin_edges_GeV"]) - 1 == 66
    assert any(abs(r["difference"]) > 1 for r in doc["rules"])


def test_chi2_json_with_eps_given_directly() -> None:
    ref = json.loads((DATA / "rates_nsi.json").read_text(encoding="utf-8"))
    e = ref["eps_matter"]
    args = ["chi2", "--json", "--true", f"delta_cp_deg={math.degrees(ref['delta_cp'])}",
            f"--eps=ee={e['ee']}", f"--eps=mumu={e['mumu']}", f"--eps=tautau={e['tautau']}"]
    for name in ("emu", "etau", "mutau"):
        z = e[name][0] * complex(math.cos(e[name][1]), math.sin(e[name][1]))
        args.append(f"--eps={name}={z.real!r}{z.imag:+.17g}j")
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["exclusion"]["delta_chi2"] == pytest.approx(ref["chi2"]["forward_profiled"],
                                                           rel=1e-4)
    assert doc["discovery"]["delta_chi2"] == pytest.approx(ref["chi2"]["reverse_profiled"],
                                                           rel=1e-4)
    assert doc["tested"] is True and doc["threshold_delta_chi2"] == 9.0
    assert set(doc["exclusion"]["nuisance"]) == {"err_nue_sig", "err_nue_sigbar", "err_numu_sig",
                                                 "err_numu_sigbar", "err_numu_bg", "err_nue_bg",
                                                 "err_nutau_bg", "err_nue_bgbar", "err_nc_bgdis"}


def test_chi2_table_of_the_benchmark() -> None:
    proc = run("chi2")
    assert proc.returncode == 0, proc.stderr
    assert "Standard-Model data, model test" in proc.stdout and "not tested" in proc.stdout


@pytest.mark.parametrize("args", [
    ("events", "--true", "theta99=1"),
    ("events", "--true", "theta23"),
    ("events", "--eps", "ee=0.1j"),
    ("events", "--eps", "xy=0.1"),
    ("chi2", "--glb", "no-such-file.glb"),
    ("cpv", "--n-points", "1"),
    ("cpv", "--test-deltas", "zero"),
    ("cpv", "--prior", "theta12=-0.1"),
    ("events", "--plot", "spectra.jpg"),
    ("events", "--set", "no_such_parameter=1"),
])
def test_bad_input_is_one_line_and_exit_code_2(args: tuple[str, ...]) -> None:
    proc = run(*args)
    assert proc.returncode == 2, proc.stdout
    assert proc.stderr.startswith("lfvnsi: error: ") and proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr


def test_a_broken_glb_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.glb"
    bad.write_text('%!GLoBES\n$version = "3.2"\n$profiletype = 3\nrule(#r)< @signal = 1@#x >\n',
                   encoding="utf-8")
    proc = run("events", "--glb", str(bad))
    assert proc.returncode == 2
    assert proc.stderr.startswith("lfvnsi: error: bad.glb:4: unknown name #x")
