"""The documentation site builds offline in strict mode, with every page, table and tutorial.

The build runs ``mkdocs build --strict`` (every warning an error: broken links and anchors, pages
left out of the navigation, docstrings the API reference cannot resolve) on a copy of the
sources in a temporary directory, with the tutorials as the session fixture executed them, so the
notebooks run once per test session and nothing is written into the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docs_support import ROOT, Executed

pytest.importorskip("mkdocs", reason="the docs extra is not installed: pip install '.[docs]'")

#: What the build reads, besides the package itself.
SOURCES = ("mkdocs.yml", "docs", "tools/docs_hooks.py", "src", "CHANGELOG.md")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, executed_tutorials: dict[str, Executed]) -> Path:
    import nbformat

    work = tmp_path_factory.mktemp("docs-build")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.nbc", "*.nbi")
    for name in SOURCES:
        source, target = ROOT / name, work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignore)
        else:
            shutil.copy2(source, target)
    for name, run in executed_tutorials.items():
        assert run.error is None, f"{name} did not run: {run.error}"
        nbformat.write(run.notebook, work / "docs" / "tutorials" / name)
    env = dict(os.environ, LFVNSI_DOCS_EXECUTE="false", NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                           "-f", str(work / "mkdocs.yml"), "-d", str(work / "site")],
                          cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    return work / "site"


def _nav_pages() -> list[str]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:", 1)[1]
    return re.findall(r"([\w/.-]+\.(?:md|ipynb))\s*$", text, flags=re.MULTILINE)


def _html(site: Path, page: str) -> Path:
    stem = page.rsplit(".", 1)[0]
    return site / (stem + ".html")


def test_every_page_of_the_navigation_is_built(site: Path) -> None:
    pages = _nav_pages()
    assert len(pages) > 40
    missing = [p for p in pages if not _html(site, p).is_file()]
    assert not missing


def test_every_docs_page_is_in_the_navigation() -> None:
    docs = ROOT / "docs"
    pages = {str(p.relative_to(docs)) for p in docs.rglob("*") if p.suffix in (".md", ".ipynb")}
    assert pages - {"README.md"} == set(_nav_pages())


def test_generated_tables_are_in_the_site(site: Path) -> None:
    from lfvnsi.constraints import load_bounds
    from lfvnsi.observables import OBSERVABLES

    observables = _html(site, "reference/observables.md").read_text(encoding="utf-8")
    for name in OBSERVABLES:
        assert f"<code>{name}</code>" in observables, name
    bounds = _html(site, "reference/bounds.md").read_text(encoding="utf-8")
    assert bounds.count("<tr>") >= len(load_bounds()) + 3  # a header row per status
    validation = _html(site, "validation/index.md").read_text(encoding="utf-8")
    assert "does not follow" in validation and "eq15-paper-texture" in validation
    assert "lfvnsi:" not in observables + bounds + validation  # no marker left unreplaced


def test_citations_become_links_to_anchors(site: Path) -> None:
    observables = _html(site, "reference/observables.md").read_text(encoding="utf-8")
    assert 'href="../physics/rates.html#R.5.4"' in observables
    model = _html(site, "physics/model.md").read_text(encoding="utf-8")
    assert 'id="R.2.4"' in model and 'id="section-2.6"' in model


def test_tutorials_show_their_outputs(site: Path) -> None:
    for name in ("01-first-point", "02-scan-and-plots", "03-oscillation", "04-cevns", "05-fit"):
        page = (site / "tutorials" / f"{name}.html").read_text(encoding="utf-8")
        assert "data:image/png;base64" in page, name


def test_api_reference_is_generated_from_the_docstrings(site: Path) -> None:
    page = _html(site, "api/spectrum.md").read_text(encoding="utf-8")
    assert "compute_spectrum" in page and "Takagi" in page
    assert "Parameters" in _html(site, "api/lfvnsi.md").read_text(encoding="utf-8")


def test_the_build_left_nothing_in_the_repository(site: Path) -> None:
    assert not (ROOT / ".cache").exists() and not (ROOT / "site").exists()


def test_formulas_in_tables_use_vert_for_bars() -> None:
    """A bare | inside $...$ in a table row would split the cell; \\vert keeps the formula whole."""
    for page in (ROOT / "docs").rglob("*.md"):
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("|"):
                bad = [m for m in re.findall(r"\$[^$]+\$", line) if "|" in m]
                assert not bad, f"{page.relative_to(ROOT)}:{number}: {bad}"
