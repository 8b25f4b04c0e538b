"""The lfvnsi command: JSON contract, one-line errors with exit code 2, never a traceback."""

from __future__ import annotations

import json
import math
import string
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lfvnsi.cli import cli
from lfvnsi.model.parameters import PARAMETER_TABLE, Parameters


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lfvnsi.cli", *args], capture_output=True,
                          text=True, timeout=120, check=False)


def test_point_json_is_the_documented_contract() -> None:
    proc = run("point", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert {"inputs", "spectrum", "couplings", "nsi", "observables"} <= set(doc)
    # DESIGN.md: fixed names of the contract
    assert set(doc["couplings"]["g_f"]) >= {"e", "u", "d", "mu", "tau"}
    assert set(doc["nsi"]["eps"]) == {"e", "u", "d", "p", "n"}
    for m in doc["nsi"]["eps"].values():
        assert np.array(m["re"]).shape == (3, 3) and np.array(m["im"]).shape == (3, 3)
    for name in ("Gamma_Zp_GeV", "Br_Zp_invisible", "Br_h_inv", "Br_tau_to_e_Zp",
                 "Br_tau_to_mu_Zp", "Br_mu_to_e_Zp", "R_mue_Al", "R_mue_Au",
                 "Br_pi0_to_gamma_Zp", "Br_h_inv_paper_estimate", "R_mue_Au_paper_estimate"):
        assert isinstance(doc["observables"][name], float), name
    g = np.array(doc["couplings"]["g_nu"]["re"]) + 1j * np.array(doc["couplings"]["g_nu"]["im"])
    assert g.shape == (3, 3)
    masses = doc["spectrum"]["masses_GeV"]
    assert masses == sorted(masses) and len(masses) == 11
    assert len(doc["spectrum"]["light_masses_eV"]) == 3
    # the benchmark is the documented point: (g_nu)_e mu ~ 1e-3 g_psi, no diagonal entries
    g_psi = doc["inputs"]["g_psi"]
    assert 5e-4 < abs(g[0, 1]) / g_psi < 2e-3
    assert np.all(np.diag(g) == 0)
    assert min(doc["spectrum"]["heavy_masses_GeV"]) > 0.5


def test_point_report_and_error_as_subprocess() -> None:
    ok = run("point")
    assert ok.returncode == 0 and "g_nu" in ok.stdout
    bad = run("point", "--set", "M1=-2")
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0
    assert "M1" in bad.stderr and "-2" in bad.stderr and "Traceback" not in bad.stderr


def test_paper_texture_report_says_g_nu_vanishes() -> None:
    proc = run("point", "--json", "--set", "texture=paper", "--set", "mp1=0", "--set", "mp2=0",
               "--set", "m1=0.9", "--set", "m2=1.1")
    doc = json.loads(proc.stdout)
    assert any("does not follow" in note for note in doc["couplings"]["notes"])
    assert doc["couplings"]["g_nu_offdiagonal"] < 1e-15 * doc["inputs"]["g_psi"]


def test_config_file_and_override(tmp_path) -> None:
    cfg = tmp_path / "p.toml"
    cfg.write_text("[parameters]\nM1 = 2.0\nalpha = 'e'\nbeta = 'tau'\n")
    proc = run("point", str(cfg), "--set", "M2=3.0", "--json")
    doc = json.loads(proc.stdout)
    assert doc["inputs"]["M1"] == 2.0 and doc["inputs"]["M2"] == 3.0
    assert doc["inputs"]["beta"] == "tau"


def _invoke(args: list[str]):
    result = CliRunner().invoke(cli, args)
    return result


def _assert_clean_error(result) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("lfvnsi: error:"), result.stderr
    assert "Traceback" not in result.output


_NUMERIC = sorted(PARAMETER_TABLE)


@st.composite
def bad_override(draw) -> tuple[str, str]:
    """A --set that is malformed input: returns (override, name that must appear in the error)."""
    kind = draw(st.sampled_from(["unknown", "nonnumeric", "nonfinite", "range", "choice",
                                 "same_flavour", "texture_rule"]))
    if kind == "unknown":
        name = draw(st.text(string.ascii_letters + "_", min_size=1, max_size=8)
                    .filter(lambda s: s not in Parameters.names()))
        return f"{name}=1.0", name
    if kind == "nonnumeric":
        name = draw(st.sampled_from(_NUMERIC))
        word = draw(st.sampled_from(["abc", "'1e-3x'", "true", "[1, 2]"]))
        return f"{name}={word}", name
    if kind == "nonfinite":
        name = draw(st.sampled_from(_NUMERIC))
        return f"{name}={draw(st.sampled_from(['nan', 'inf', '-inf']))}", name
    if kind == "range":
        name = draw(st.sampled_from([n for n, r in PARAMETER_TABLE.items()
                                     if r.low != -math.inf or r.high != math.inf]))
        r = PARAMETER_TABLE[name]
        step = draw(st.floats(1e-3, 1e3))
        if r.high != math.inf and draw(st.booleans()):
            value = r.high + max(step, 1e-3 * abs(r.high))
        elif r.low != -math.inf and not r.symmetric:
            value = r.low - max(step, 1e-3 * abs(r.low))
        else:
            value = (r.high if r.high != math.inf else 1e300) * 2
        return f"{name}={value!r}", name
    if kind == "choice":
        name = draw(st.sampled_from(["version", "texture", "alpha", "beta", "matter"]))
        return f"{name}={draw(st.sampled_from(['foo', 'LNC', 'nu', 'Paper', '1']))}", name
    if kind == "same_flavour":
        return "beta=e", "beta"  # the benchmark has alpha = e
    name = draw(st.sampled_from(["sin_alpha", "sin_beta"]))
    return f"{name}=0.1", name  # only texture 'effective' takes mixing angles


@settings(max_examples=60, deadline=None, derandomize=True)
@given(bad_override())
def test_every_bad_input_is_one_line_exit_2(case: tuple[str, str]) -> None:
    override, name = case
    result = _invoke(["point", "--set", override])
    _assert_clean_error(result)
    assert repr(name)[1:-1] in result.stderr


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.sampled_from(["mu_L1", "mu_L2", "mu_R1", "mu_R2", "mu_21", "mu_21R"]),
       st.floats(1e-3, 1e2), st.booleans())
def test_mu_not_far_below_heavy_masses_is_refused(name: str, size: float, negative: bool) -> None:
    value = -size if negative else size
    result = _invoke(["point", "--set", f"{name}={value!r}"])
    _assert_clean_error(result)
    assert name in result.stderr and "lightest heavy mass" in result.stderr


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.floats(0.5, 20.0), st.floats(0.5, 20.0), st.floats(1e-3, 0.2),
       st.floats(-1e-6, 1e-6))
def test_valid_points_never_fail(M1: float, M_N: float, mt: float, mu: float) -> None:
    result = _invoke(["point", "--json", "--set", f"M1={M1!r}", "--set", f"M_N={M_N!r}",
                      "--set", f"mt_alpha={mt!r}", "--set", f"mu_21={mu!r}"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)


@pytest.mark.parametrize("args", [["point", "missing.toml"], ["point", "--set", "M1"]])
def test_config_errors_are_one_line(args: list[str]) -> None:
    _assert_clean_error(_invoke(args))


def test_bad_toml_is_one_line(tmp_path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("M1 = = 3\n")
    _assert_clean_error(_invoke(["point", str(cfg)]))


@pytest.mark.parametrize(("args", "named"), [
    (["point", "--bounds", "nonsense"], ["--bounds", "nonsense", "'current'"]),
    (["oscillate", "--n-energies", "abc"], ["--n-energies", "abc", "integer"]),
    (["point", "--jsn"], ["--jsn", "--json"]),
    (["scan"], ["SPEC"]),
    (["frobnicate"], ["frobnicate"]),
])
def test_click_usage_errors_are_one_line(args: list[str], named: list[str]) -> None:
    result = _invoke(args)
    _assert_clean_error(result)
    assert all(word in result.stderr for word in named), result.stderr
    assert "Usage:" not in result.stderr


def test_a_directory_as_config_is_one_line(tmp_path) -> None:
    result = _invoke(["point", str(tmp_path)])
    _assert_clean_error(result)
    assert str(tmp_path) in result.stderr and "directory" in result.stderr


def test_bare_command_prints_the_help() -> None:
    result = _invoke([])
    assert "Usage:" in result.output and "point" in result.output


def test_report_says_infinite_where_the_json_has_null() -> None:
    """The benchmark's Schwarz ratio is infinite (its diagonal eps vanish): the report says so
    in words, the JSON document has null (strict JSON has no Infinity)."""
    out = _invoke(["point"]).stdout
    row = next(line for line in out.splitlines() if "|eps_ab|^2/|eps_aa eps_bb|" in line)
    assert "infinite" in row
    doc = json.loads(_invoke(["point", "--json"]).stdout)
    assert doc["observables"]["schwarz_ratio_u"] is None
