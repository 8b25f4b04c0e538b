"""The tutorial notebooks run from top to bottom and compute what their text says.

The notebooks are executed by the session fixture ``executed_tutorials`` (tests/docs/conftest.py)
with nbclient, each in a fresh kernel whose working directory is a temporary folder.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docs_support import NOTEBOOKS, ROOT, Executed

EXAMPLES = ROOT / "examples"


def _number_after(text: str, label: str) -> float:
    m = re.search(re.escape(label) + r"\s*([-+0-9.eE]+)", text)
    assert m, f"{label!r} not printed"
    return float(m[1])


def test_there_are_five_tutorials() -> None:
    assert [p.stem[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_notebooks_carry_no_outputs(path: Path) -> None:
    """The site shows the outputs of the current code, never stored ones."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code and all(not c["outputs"] and c["execution_count"] is None for c in code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_tutorial_runs(executed_tutorials: dict[str, Executed], path: Path) -> None:
    assert executed_tutorials[path.name].error is None, executed_tutorials[path.name].error


def test_first_point(executed_tutorials: dict[str, Executed]) -> None:
    t = executed_tutorials["01-first-point.ipynb"]
    text = t.text()
    assert "allowed: True" in text
    assert _number_after(text, "|g_nu_emu| / g_psi, texture paper:") < 1e-12          # F1
    assert _number_after(text, "|g_nu_emu| / g_psi, texture consistent:") == pytest.approx(7.12e-4, rel=1e-2)
    estimate = _number_after(text, "estimate g_psi sin(a) sin(b):")
    exact = _number_after(text, "exact (g_nu)_emu:")
    assert exact == pytest.approx(estimate, rel=3e-3)                                   # O(Theta^2)
    assert t.images() >= 1


def test_scan_and_plots(executed_tutorials: dict[str, Executed]) -> None:
    t = executed_tutorials["02-scan-and-plots.ipynb"]
    assert "3000 points" in t.text()
    assert t.images() >= 2
    written = {p.name for p in t.scratch.rglob("*") if p.is_file() and p.suffix in (".png", ".toml")}
    assert {"tutorial.toml", "region.png", "reach.png"} <= written


def test_oscillation(executed_tutorials: dict[str, Executed]) -> None:
    t = executed_tutorials["03-oscillation.ipynb"]
    assert _number_after(t.text(), "max |sum_b P(a -> b) - 1| =") < 1e-12
    assert t.images() >= 1


def test_cevns(executed_tutorials: dict[str, Executed]) -> None:
    t = executed_tutorials["04-cevns.ipynb"]
    text = t.text()
    assert _number_after(text, "Standard-Model CEvNS events in the analysis bins:") == pytest.approx(343.8, abs=0.2)
    contact = _number_after(text, "contact         90% CL limit near")
    light = _number_after(text, "m_Z' = 20 MeV   90% CL limit near")
    assert 0.03 < contact < 0.1 and light > 3 * contact   # the propagator weakens the limit


def test_fit(executed_tutorials: dict[str, Executed]) -> None:
    t = executed_tutorials["05-fit.ipynb"]
    assert "acceptance_fraction" in t.text()
    assert (t.scratch.rglob("chain.parquet").__next__()).exists()
    assert t.images() >= 1


def test_tutorials_write_nothing_into_the_repository(executed_tutorials: dict[str, Executed]) -> None:
    stray = [p for p in EXAMPLES.iterdir() if p.suffix in (".parquet", ".png")
             and p.stat().st_mtime > min(e.scratch.stat().st_ctime for e in executed_tutorials.values())]
    assert not stray, stray
    assert not (ROOT / "docs" / "tutorials" / "tutorial.toml").exists()
