"""The tables the docs hook generates (tools/docs_hooks.py) hold every registry entry and record."""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType

import pytest
from docs_support import ROOT


def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "tools" / "docs_hooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = _hooks()


def _first_column(table: str) -> list[str]:
    rows = [line for line in table.splitlines() if line.startswith("| ")][1:]
    return [row.split("|")[1].strip() for row in rows]


def test_parameters_table_has_every_parameter() -> None:
    from lfvnsi.model import Parameters

    names = [c.strip("`") for c in _first_column(hooks.parameters_table())]
    assert sorted(names) == sorted(Parameters.names())


def test_observables_table_has_every_observable_once() -> None:
    from lfvnsi.observables import OBSERVABLES

    names = [c.strip("`") for c in _first_column(hooks.observables_table())]
    assert names == list(OBSERVABLES)


def test_bounds_table_has_every_record_once() -> None:
    from lfvnsi.constraints import load_bounds

    table = hooks.bounds_table()
    ids = [c.replace("\\|", "|") for c in _first_column(table) if c != "id"]
    assert sorted(ids) == sorted(b.id for b in load_bounds())
    for status in ("current", "paper", "future"):
        assert f"### Status `{status}`" in table


def test_reproduce_table_has_every_claim() -> None:
    from lfvnsi.reproduce import claims

    ids = [c.strip("`") for c in _first_column(hooks.reproduce_table())]
    assert ids == [c.id for c in claims()]


def test_cevns_table_says_whether_the_counts_lie_within_the_published_prediction() -> None:
    rows = [line for line in hooks.cevns_sm_table().splitlines() if line.startswith("| `")]
    assert len(rows) == 3 and all(line.rstrip().endswith("| yes |") for line in rows)


def test_citations_link_only_to_anchors_that_exist() -> None:
    linked = hooks.link_citations("R.5.4, R.9.9, F11, F99, REFERENCE 4.6 and REFERENCE section 3")
    assert "[R.5.4](../physics/rates.md#R.5.4)" in linked
    assert "[F11](../physics/findings.md#F11)" in linked
    assert "[REFERENCE 4.6](../physics/nsi.md#section-4.6)" in linked
    assert "[REFERENCE section 3](../physics/mixing.md#section-3)" in linked
    assert "R.9.9" in linked and "[R.9.9]" not in linked and "[F99]" not in linked


def test_markers_are_replaced_and_unknown_ones_refused() -> None:
    page = "# Title\n\n<!-- lfvnsi:observables -->\n"
    assert "lfvnsi:" not in hooks.render(page)
    assert "](physics/rates.md#R.5.4)" in hooks.render(page, depth=0)
    with pytest.raises(KeyError, match="unknown docs table marker"):
        hooks.render("<!-- lfvnsi:nonsense -->\n")


def test_every_marker_in_the_docs_is_known() -> None:
    for page in (ROOT / "docs").rglob("*.md"):
        for name in re.findall(r"^<!-- lfvnsi:([\w-]+) -->$", page.read_text(encoding="utf-8"), re.MULTILINE):
            assert name in hooks.TABLES, f"{page}: {name}"
