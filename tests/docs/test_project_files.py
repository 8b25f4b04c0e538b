"""CITATION.cff, CHANGELOG.md and the example point configuration keep up with the package."""

from __future__ import annotations

import tomllib

import pytest
from docs_support import ROOT

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_citation_file_names_the_version_and_licence() -> None:
    yaml = pytest.importorskip("yaml")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == VERSION
    assert cff["license"] == "MIT"
    assert any("1912.09408" in str(ref) for ref in cff["references"])


def test_changelog_has_the_current_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = [line[3:].strip() for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == "Unreleased" and VERSION in headings


def test_example_point_names_every_parameter_and_is_allowed() -> None:
    import lfvnsi
    from lfvnsi.constraints import evaluate_constraints
    from lfvnsi.io import load_point
    from lfvnsi.io.config import read_config

    config = read_config(ROOT / "examples" / "point.toml")
    assert set(config["parameters"]) == set(lfvnsi.Parameters.names()) - {"sin_alpha", "sin_beta"}
    point = load_point(ROOT / "examples" / "point.toml")
    assert bool(evaluate_constraints(lfvnsi.evaluate(point), "current").allowed)  # as its header says
