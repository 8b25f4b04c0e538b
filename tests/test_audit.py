"""docs/audit.md keeps up with the code: every observable audited, every cited test real."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).parents[1]
AUDIT = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
TABLE_HEADING = "## Audit table"
UNCHECKED_HEADING = "## Observables without an independent normalisation check"

# Named placeholders as in tests/test_readme.py; a comma list {x,y} takes each value.
_BRACES = {"l": ("e", "mu", "tau"), "f": ("e", "u", "d", "p", "n"),
           "ab": ("ee", "mumu", "tautau", "emu", "etau", "mutau"), "N": ("Al", "Ti", "Au")}
_BRACE = re.compile(r"\{([^{}]+)\}")


def _expand(name: str) -> set[str]:
    match = _BRACE.search(name)
    if match is None:
        return {name}
    key = match.group(1)
    values = _BRACES.get(key) or (tuple(key.split(",")) if "," in key else None)
    assert values, f"unknown placeholder {{{key}}} in {name!r}"
    head, tail = name[:match.start()], name[match.end():]
    return set().union(*(_expand(head + v + tail) for v in values))


def _section(heading: str) -> str:
    assert heading in AUDIT, heading
    return AUDIT.split(heading, 1)[1].split("\n## ", 1)[0]


def _table_rows() -> list[list[str]]:
    rows = [line for line in _section(TABLE_HEADING).splitlines() if line.startswith("|")]
    cells = [[c.strip() for c in line.strip().strip("|").split("|")] for line in rows]
    assert len(cells) > 2 and all(len(c) == 4 for c in cells), "the table has four columns"
    return cells[2:]  # below the header and its separator


def _table_names() -> set[str]:
    names: set[str] = set()
    for row in _table_rows():
        for token in re.findall(r"`([^`]+)`", row[0]):
            names |= _expand(token)
    return names


def _unchecked_names() -> set[str]:
    names: set[str] = set()
    lead = re.compile(r"^- ((?:`[^`]+`(?:, | and )?)+)")
    bullets = re.split(r"\n(?=- )", _section(UNCHECKED_HEADING))  # continuation lines joined
    for bullet in bullets:
        match = lead.match(" ".join(part.strip() for part in bullet.strip().splitlines()))
        if match:
            for token in re.findall(r"`([^`]+)`", match.group(1)):
                names |= _expand(token)
    return names


@cache
def _test_functions(path: str) -> frozenset[str]:
    file = ROOT / path
    assert file.is_file(), f"{path} cited in docs/audit.md does not exist"
    return frozenset(re.findall(r"^\s*def (test_\w+)\s*\(", file.read_text(encoding="utf-8"),
                                re.MULTILINE))


def test_every_observable_is_audited() -> None:
    """Each name of OBSERVABLES is in the table or named among the unchecked observables."""
    from lfvnsi.observables import OBSERVABLES

    listed = _table_names() | _unchecked_names()
    missing = sorted(set(OBSERVABLES) - listed)
    assert not missing, missing


def test_audit_names_only_existing_observables() -> None:
    """No stale names: every name the audit lists expands to observables of the registry."""
    from lfvnsi.observables import OBSERVABLES

    stale = sorted((_table_names() | _unchecked_names()) - set(OBSERVABLES))
    assert not stale, stale


def test_every_cited_test_exists() -> None:
    references = re.findall(r"(tests/[\w/]+\.py)::(test_\w+)", AUDIT)
    assert len(references) > 20
    for path, name in references:
        assert name in _test_functions(path), f"{path}::{name} cited in docs/audit.md"


def test_every_table_row_cites_a_test() -> None:
    """A row of the table claims a check: it names the test that makes it."""
    for row in _table_rows():
        assert re.search(r"tests/[\w/]+\.py::test_\w+", row[2]), row[0]
