"""Configuration files and --set overrides."""

from __future__ import annotations

import pytest

from lfvnsi.exceptions import ConfigError, ParameterError
from lfvnsi.io import load_point, parse_override
from lfvnsi.io.config import config_section, read_config
from lfvnsi.model import Parameters


@pytest.mark.parametrize(("text", "expected"), [
    ("M1=2.5", ("M1", 2.5)), ("mu_L1=1e-9", ("mu_L1", 1e-9)), ("version=lnv", ("version", "lnv")),
    ("alpha='tau'", ("alpha", "tau")), (" g_psi = 0.3 ", ("g_psi", 0.3)),
])
def test_parse_override(text: str, expected: tuple[str, object]) -> None:
    assert parse_override(text) == expected


def test_unspecified_parameters_keep_benchmark_values(tmp_path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("M1 = 3.0\n")
    p = load_point(cfg)
    bench = Parameters.benchmark()
    assert float(p.M1) == 3.0
    assert float(p.M2) == float(bench.M2) and p.texture == bench.texture


def test_unknown_name_in_config_is_named(tmp_path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[parameters]\nMM1 = 3.0\n")
    with pytest.raises(ParameterError, match="MM1.*did you mean 'M1'"):
        load_point(cfg)


def test_arrays_rejected_for_a_point(tmp_path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("M1 = [1.0, 2.0]\n")
    with pytest.raises(ConfigError, match="M1"):
        load_point(cfg)


def test_stray_top_level_table(tmp_path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[parameters]\nM1 = 1.0\n[scna]\nn = 3\n")
    with pytest.raises(ConfigError, match="scna"):
        load_point(cfg)


def test_command_sections_sit_beside_the_parameters(tmp_path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[parameters]\nM1 = 1.5\n[oscillation]\npreset = 'dune'\n")
    assert float(load_point(cfg).M1) == 1.5
    assert config_section(read_config(cfg), "oscillation") == {"preset": "dune"}
    assert config_section(read_config(cfg), "cevns") == {}


def test_top_level_parameters_with_a_stray_table(tmp_path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("M1 = 1.5\n[oscilation]\npreset = 'dune'\n")
    with pytest.raises(ConfigError, match="oscilation"):
        load_point(cfg)
