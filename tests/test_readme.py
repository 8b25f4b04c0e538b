"""The README keeps its promises: the two commands first, every parameter documented."""

from __future__ import annotations

from pathlib import Path

import lfvnsi
from lfvnsi.model import Parameters

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_first_lines_are_the_two_commands() -> None:
    head = README.split("```bash", 1)[1].split("```", 1)[0]
    assert "lfvnsi point" in head and "pytest" in head


def test_ci_runs_exactly_the_readme_test_command() -> None:
    head = README.split("```bash", 1)[1].split("```", 1)[0]
    test_line = next(line for line in head.splitlines() if "pytest" in line)
    command = test_line.split("#")[0].strip()
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci


def test_every_parameter_is_in_the_table() -> None:
    for name in Parameters.names():
        assert f"`{name}`" in README, name


def test_public_api_is_pinned() -> None:
    assert sorted(lfvnsi.__all__) == sorted([
        "Parameters", "Spectrum", "Couplings", "compute_spectrum", "compute_couplings",
        "LfvnsiError", "ParameterError", "ConfigError", "HierarchyError"])
