"""The README keeps its promises: the two commands first, every parameter documented."""

from __future__ import annotations

import subprocess
import sys
import tomllib
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


def test_licence_is_the_mit_licence_pyproject_declares() -> None:
    root = Path(__file__).parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == {"text": "MIT"}
    text = (root / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) the lfvnsi authors\n")
    assert "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND" in text


def test_version_option_prints_the_version_pyproject_declares() -> None:
    root = Path(__file__).parents[1]
    declared = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    proc = subprocess.run([sys.executable, "-m", "lfvnsi", "--version"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"lfvnsi, version {declared}"
    assert lfvnsi.__version__ == declared


def test_every_parameter_is_in_the_table() -> None:
    for name in Parameters.names():
        assert f"`{name}`" in README, name


def test_public_api_is_pinned() -> None:
    assert sorted(lfvnsi.__all__) == sorted([
        "Parameters", "Spectrum", "Couplings", "Results", "compute_spectrum", "compute_couplings",
        "evaluate", "LfvnsiError", "ParameterError", "ConfigError", "HierarchyError"])


_BRACES = {"{l}": ("e", "mu", "tau"), "{f}": ("e", "u", "d", "p", "n"),
           "{ab}": ("ee", "mumu", "tautau", "emu", "etau", "mutau"), "{N}": ("Al", "Ti", "Au"),
           "{e,mu}": ("e", "mu"), "{u,d}": ("u", "d"), "{u,d,p}": ("u", "d", "p")}


def _expand(name: str) -> set[str]:
    for key, values in _BRACES.items():
        if key in name:
            return set().union(*(_expand(name.replace(key, v, 1)) for v in values))
    return {name}


def test_every_observable_is_in_the_readme_table() -> None:
    """The README's table of predictions names every observable the code computes."""
    import re

    from lfvnsi.observables import OBSERVABLES

    table = README.split("## Predictions", 1)[1].split("\n## ", 1)[0]
    listed: set[str] = set()
    for token in re.findall(r"`([^`]+)`", table):
        listed |= _expand(token)
    paper_row = "`..._paper_estimate` of those" in table
    for name in OBSERVABLES:
        base = name.removesuffix("_paper_estimate")
        assert name in listed or (paper_row and base in listed), name
