"""`lfvnsi oscillate` as a subprocess: the documented JSON, files, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq  # the parquet extra is part of the test extra
import pytest

from lfvnsi.model import Parameters
from lfvnsi.nsi import compute_nsi

JSON_KEYS = {"energy_GeV", "baseline_km", "oscillation_parameters", "density_g_cm3", "Ye",
             "eps_matter", "P", "P_sm"}
PARAM_KEYS = {"theta12", "theta13", "theta23", "delta_cp", "dm21_eV2", "dm31_eV2"}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lfvnsi.cli", "oscillate", *args],
                          capture_output=True, text=True, timeout=180, check=False, cwd=cwd)


def test_json_is_the_documented_contract() -> None:
    proc = run("--json", "--n-energies", "40")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert JSON_KEYS <= set(doc)
    assert set(doc["oscillation_parameters"]) == PARAM_KEYS
    assert len(doc["energy_GeV"]) == 40 and doc["baseline_km"] == 1284.9
    assert doc["density_g_cm3"] == 2.848 and doc["Ye"] == 0.5
    P, P_sm = np.array(doc["P"]), np.array(doc["P_sm"])
    assert P.shape == P_sm.shape == (3, 3, 40)  # [from][to][energy]
    assert np.max(np.abs(P.sum(axis=1) - 1)) < 1e-12
    # eps_matter is the model's eps^e + eps^p + Y_n eps^n with Y_n = (1 - Ye)/Ye = 1
    nsi = compute_nsi(Parameters.benchmark())
    expected = nsi.eps["e"] + nsi.eps["p"] + nsi.eps["n"]
    got = np.array(doc["eps_matter"]["re"]) + 1j * np.array(doc["eps_matter"]["im"])
    assert np.allclose(got, expected, rtol=1e-12, atol=0)
    assert np.max(np.abs(P - P_sm)) > 1e-4  # the benchmark's NSI are visible at DUNE


def test_no_coupling_to_matter_gives_the_standard_case(tmp_path: Path) -> None:
    config = tmp_path / "point.toml"
    config.write_text("[parameters]\ng_B = 0.0\n\n[oscillation]\npreset = 't2hk'\nn_energies = 25\n"
                      "ordering = 'inverted'\nantineutrino = true\n")
    proc = run(str(config), "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["baseline_km"] == 295.0 and doc["antineutrino"] and doc["ordering"] == "inverted"
    assert doc["oscillation_parameters"]["dm31_eV2"] < 0
    assert np.max(np.abs(np.array(doc["eps_matter"]["re"]))) == 0.0
    assert doc["P"] == doc["P_sm"]


def test_atmospheric_oscillogram_files(tmp_path: Path) -> None:
    proc = run("--preset", "atmospheric", "--n-zenith", "4", "--n-energies", "6", "--json",
               "--out", str(tmp_path / "atm.parquet"), "--plot", str(tmp_path / "atm.png"))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert np.array(doc["P"]).shape == (3, 3, 4, 6)  # [from][to][zenith][energy]
    assert len(doc["baseline_km"]) == 4 and doc["density_g_cm3"] is None
    assert set(doc["Ye"]) == {"mantle", "core"}
    table = pq.read_table(tmp_path / "atm.parquet")
    assert table.num_rows == 24 and "dP_mu_mu" in table.column_names
    assert (tmp_path / "atm.png").stat().st_size > 1000


def test_report_and_csv(tmp_path: Path) -> None:
    proc = run("--n-energies", "30", "--channel", "e->mu", "--out", str(tmp_path / "t.csv"),
               "--plot", str(tmp_path / "t.pdf"))
    assert proc.returncode == 0, proc.stderr
    assert "P(e->mu)" in proc.stdout and "eps_matter" in proc.stdout
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert len(lines) == 31 and lines[0].startswith("energy_GeV,baseline_km,P_e_e")


@pytest.mark.parametrize(("args", "needle"), [
    (("--energy-min", "-1"), "energy_min_GeV"),
    (("--preset", "minos"), "preset"),
    (("--ordering", "upside"), "ordering"),
    (("--channel", "e->x"), "channel"),
    (("--set", "M1=-2"), "M1"),
    (("--Ye", "2"), "Ye"),
    (("--out", "table.xlsx"), "out"),
])
def test_bad_input_is_one_line_with_exit_2(args: tuple[str, ...], needle: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stderr.startswith("lfvnsi: error: ") and proc.stderr.strip().count("\n") == 0
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_unknown_config_option(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[oscillation]\nbaseline = 3\n")
    proc = run(str(config))
    assert proc.returncode == 2 and "baseline" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_extra_names_the_pip_command(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['pyarrow'] = None; sys.modules['matplotlib'] = None; "
            "from lfvnsi.cli import main; main(sys.argv[1:])")
    for option, extra in (("--out", "parquet"), ("--plot", "plots")):
        target = tmp_path / ("x.parquet" if extra == "parquet" else "x.png")
        proc = subprocess.run([sys.executable, "-c", code, "oscillate", "--n-energies", "5",
                               option, str(target)], capture_output=True, text=True, timeout=180,
                              check=False)
        assert proc.returncode == 2
        assert f"pip install 'lfvnsi[{extra}]'" in proc.stderr
        assert proc.stderr.strip().count("\n") == 0


def _invoke(*args: str):
    from click.testing import CliRunner

    from lfvnsi.cli import cli

    return CliRunner().invoke(cli, ["oscillate", *args])


def _one_line_error(result, *needles: str) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lfvnsi: error: "), result.stderr
    assert all(n in lines[0] for n in needles), lines[0]
    return lines[0]


@pytest.mark.parametrize(("args", "name"), [
    (("--baseline", "1e30"), "baseline_km"), (("--energy-min", "1e-30"), "energy_min_GeV"),
    (("--density", "1e30"), "density_g_cm3"),
    (("--preset", "atmospheric", "--energy-min", "1e-6", "--set", "g_B=1", "--set", "a_tau=1",
      "--set", "m_zprime=1e-15"), "eps_matter"),
])
def test_extremes_that_gave_nan_are_refused_naming_the_input(args: tuple[str, ...], name: str
                                                            ) -> None:
    _one_line_error(_invoke(*args, "--json"), repr(name))


def test_the_phase_limit_is_the_vacuum_phase_of_the_textbook() -> None:
    """In vacuum the phase is dm^2 L/(2E) = 2 x 1.26693 dm^2[eV^2] L[km]/E[GeV]: the refusal
    quotes the baseline where the largest one reaches 1e8 rad, and just below it the run is
    fine (rows of P sum to 1)."""
    from lfvnsi.oscillation import OscillationParameters

    osc = OscillationParameters.best_fit()
    dm2 = max(abs(osc.dm31_eV2), abs(osc.dm31_eV2 - osc.dm21_eV2), abs(osc.dm21_eV2))
    expected = 1e8 * 0.5 / (2 * 1.26693 * dm2)
    line = _one_line_error(_invoke("--density", "0", "--baseline", "1e12", "--n-energies", "3"),
                           "'baseline_km'")
    quoted = float(line.rsplit("baseline_km <= ", 1)[1])
    assert quoted == pytest.approx(expected, rel=1e-3)
    ok = _invoke("--density", "0", "--baseline", f"{0.99 * quoted:.6g}", "--n-energies", "3",
                 "--json")
    assert ok.exit_code == 0, ok.output
    P = np.array(json.loads(ok.stdout)["P"])
    assert np.all(np.isfinite(P)) and np.max(np.abs(P.sum(axis=1) - 1)) < 1e-6
    _one_line_error(_invoke("--density", "0", "--baseline", f"{1.01 * quoted:.6g}"), "baseline_km")


@pytest.mark.parametrize(("args", "name"), [
    (("--preset", "dune", "--cos-zenith-min", "-0.5"), "cos_zenith_min"),
    (("--preset", "t2hk", "--slabs", "4"), "slabs_per_segment"),
    (("--preset", "atmospheric", "--baseline", "100"), "baseline_km"),
    (("--preset", "atmospheric", "--Ye", "0.4"), "Ye"),
])
def test_an_option_of_the_other_kind_of_preset_is_refused(args: tuple[str, ...], name: str) -> None:
    preset = args[1]
    _one_line_error(_invoke(*args), repr(name), repr(preset), "does not apply")


def test_a_config_table_option_of_the_other_kind_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[oscillation]\npreset = 'dune'\nn_zenith = 10\n")
    _one_line_error(_invoke(str(config)), "'n_zenith'", "'dune'")


def test_the_earth_grid_is_bounded() -> None:
    _one_line_error(_invoke("--preset", "atmospheric", "--n-zenith", "100000", "--n-energies",
                            "1000"), "'n_zenith'", "n_zenith <= 10000")


@pytest.mark.parametrize(("option", "path"), [("--out", "/proc/x.csv"), ("--out", "/dev/null/x.parquet"),
                                              ("--plot", "/proc/x.png")])
def test_an_unwritable_output_is_one_line(option: str, path: str) -> None:
    _one_line_error(_invoke("--n-energies", "4", option, path), "x.")
