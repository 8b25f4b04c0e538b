"""Every citation of the physics reference in the code points to an anchor of docs/physics/.

The code, its data notes and the tool's messages cite the reference as "REFERENCE R.2.4",
"REFERENCE.md sections 2.2-2.4, 2.7", "REFERENCE 4.6", "REFERENCE section 6 row 12", "REFERENCE F11",
"REFERENCE V17" or "TEXTURES.md" (docs/physics/index.md explains the numbering). This test
collects them from the repository's own files, expands ranges, and checks that each one is an
anchor of a page of docs/physics (an explicit ``{#id}`` on a heading or an ``<a id="...">``). It
also checks that the anchors are unique, that the observables registry cites only what exists,
and that the links of the docs pages to each other's anchors resolve.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PHYSICS = DOCS / "physics"
#: Folders whose text files are scanned for citations, and the suffixes read there.
SCANNED = ("src", "tests", "examples", "benchmarks", "tools")
SUFFIXES = (".py", ".toml", ".md")
#: These files quote citations of missing anchors on purpose (to test that they are caught); the
#: independent scripts cite nothing.
SKIPPED = (Path(__file__).resolve(), ROOT / "tests" / "docs" / "test_generated_tables.py",
           ROOT / "tools" / "independent_checks")

_MENTION = re.compile(r"\bREFERENCE(?:\.md)?(?:'s)?(?!\w|\s*=|\[|\()")
_EQUATION = re.compile(r"\bR\.(\d+)\.(\d+)([a-c]?)(?:\s*-\s*R\.(\d+)\.(\d+))?")
_FINDING = re.compile(r"\bF(\d{1,2})(?:\s*-\s*F(\d{1,2}))?\b")
_TARGET = re.compile(r"\bV(\d{1,2})(?:\s*-\s*V(\d{1,2}))?\b")
_SECTION_KEYWORD = re.compile(r"\b(?:sections?|§)\s*")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)[a-z]?(?:\s*-\s*(\d+(?:\.\d+)?))?(?![\d.]\d)")
_ROWS = re.compile(r"\s*rows?\s+(\d+(?:\s*,\s*\d+)*)")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_SEPARATOR = re.compile(r"\s*(?:,|and)\s*(?=\d)")
_SEGMENT_END = re.compile(r"[;\"`]|\.(?=\s|$)|$")


def _numbers(first: str, last: str | None) -> list[str]:
    """'2.2', '2.4' -> ['2.2', '2.3', '2.4']; '4', '6' -> ['4', '5', '6']; a single number as is."""
    if last is None:
        return [first]
    head, _, lo = first.rpartition(".")
    head_last, _, hi = last.rpartition(".")
    assert head == head_last, f"range {first}-{last} crosses sections"
    prefix = f"{head}." if head else ""
    return [f"{prefix}{k}" for k in range(int(lo), int(hi) + 1)]


def _section_list(text: str, start: int) -> list[str]:
    """Section anchors of a list such as '3 (Theta^2), 4.6, 6 rows 7, 14' starting at ``start``."""
    found: list[str] = []
    pos = start
    while True:
        number = _NUMBER.match(text, pos)
        if number is None:
            return found
        sections = _numbers(number[1], number[2])
        found += [f"section-{s}" for s in sections]
        pos = number.end()
        parenthesis = _PARENTHESES.match(text, pos)
        if parenthesis:
            pos = parenthesis.end()
        rows = _ROWS.match(text, pos)
        if rows:
            found += [f"section-{sections[-1]}-row-{r.strip()}" for r in rows[1].split(",")]
            pos = rows.end()
        separator = _SEPARATOR.match(text, pos)
        if separator is None:
            return found
        pos = separator.end()


def _expand(pattern: re.Pattern[str], text: str, name: str) -> list[str]:
    out = []
    for m in pattern.finditer(text):
        last = m[2] if m[2] is not None else m[1]
        out += [f"{name}{k}" for k in range(int(m[1]), int(last) + 1)]
    return out


def equations(text: str) -> list[str]:
    """Every equation tag R.n.m (ranges expanded) anywhere in ``text``."""
    out = []
    for m in _EQUATION.finditer(text):
        if m[4] is None:
            out.append(f"R.{m[1]}.{m[2]}{m[3]}")
            continue
        assert m[4] == m[1], f"equation range {m[0]!r} crosses sections"
        out += [f"R.{m[1]}.{k}" for k in range(int(m[2]), int(m[5]) + 1)]
    return out


def citations(text: str) -> list[str]:
    """The anchors that the citations in ``text`` name ('reference' for a bare mention)."""
    text = re.sub(r"\s+", " ", text)
    found = equations(text)
    for mention in _MENTION.finditer(text):
        rest = text[mention.end():mention.end() + 400]
        segment = rest[:_SEGMENT_END.search(rest).start()]  # type: ignore[union-attr]
        targets = _expand(_FINDING, segment, "F") + _expand(_TARGET, segment, "V")
        targets += equations(segment)
        direct = re.match(r"\s+(?=\d)", segment)
        if direct:
            targets += _section_list(segment, direct.end())
        for keyword in _SECTION_KEYWORD.finditer(segment):
            targets += _section_list(segment, keyword.end())
        found += targets or ["reference"]
    if re.search(r"\bTEXTURES\.md\b", text):
        found.append("textures")
    return found


def _slug(heading: str) -> str:
    """The anchor mkdocs gives a heading without an explicit id (toc's default slugify)."""
    text = re.sub(r"[`*$\\]", "", heading)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


@cache
def anchors(page: Path) -> tuple[str, ...]:
    """Anchors a docs page defines: {#id} on headings, id="..." in HTML, and heading slugs."""
    found = []
    in_code = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        found += re.findall(r"\bid=\"([^\"]+)\"", line)
        heading = re.match(r"#{1,6}\s+(.*)", line)
        if heading:
            explicit = re.search(r"\{[^}]*#([^\s}]+)[^}]*\}\s*$", heading[1])
            found.append(explicit[1] if explicit else _slug(heading[1]))
    return tuple(found)


def physics_anchors() -> dict[str, Path]:
    """Every anchor of docs/physics/*.md and the page that defines it."""
    out: dict[str, Path] = {}
    for page in sorted(PHYSICS.glob("*.md")):
        for anchor in anchors(page):
            out.setdefault(anchor, page)
    out["reference"] = PHYSICS / "index.md"
    out["textures"] = PHYSICS / "textures.md"
    return out


def _scanned_files() -> list[Path]:
    files = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in SUFFIXES or "__pycache__" in path.parts or not path.is_file():
                continue
            if any(path == s or s in path.parents for s in SKIPPED):
                continue
            files.append(path)
    return files + [DOCS / "audit.md"]


def _all_citations() -> dict[str, list[str]]:
    cited: dict[str, list[str]] = {}
    for path in _scanned_files():
        text = path.read_text(encoding="utf-8")
        for target in citations(text):
            cited.setdefault(target, []).append(str(path.relative_to(ROOT)))
    return cited


# -- the parser -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("References: REFERENCE.md sections 2.2-2.4, 2.7 (R.2.4), F9.",
     {"section-2.2", "section-2.3", "section-2.4", "section-2.7", "R.2.4", "F9"}),
    ("(REFERENCE 4.6)", {"section-4.6"}),
    ("REFERENCE 5.6 (ii)). References", {"section-5.6"}),
    ("a loop-induced mixing, REFERENCE 4.2b), so", {"section-4.2"}),
    ("REFERENCE.md sections 3 (Theta^2), 4.6 (N N^dagger), 6 rows 7, 14, 15; paper section II A 3",
     {"section-3", "section-4.6", "section-6", "section-6-row-7", "section-6-row-14",
      "section-6-row-15"}),
    ("REFERENCE.md section 0 findings F1-F8", {"section-0"} | {f"F{k}" for k in range(1, 9)}),
    ("REFERENCE.md sections 0 and 7.", {"section-0", "section-7"}),
    ("References: REFERENCE.md R.2.1-R.2.3 (lnv null vector), R.2.2, section 3; TEXTURES.md.",
     {"R.2.1", "R.2.2", "R.2.3", "section-3", "textures"}),
    ("the V13-V16 of REFERENCE section 7", {"section-7"}),
    ("REFERENCE V17", {"V17"}),
    ("number from REFERENCE.md (memory)", {"reference"}),
    ("source: R.5.9, R.5.10 and R.5.7c", {"R.5.9", "R.5.10", "R.5.7c"}),
    ("REFERENCE = json.loads(text); REFERENCE_DIR, REFERENCE['cases']", set()),
])
def test_the_citation_parser(text: str, expected: set[str]) -> None:
    assert set(citations(text)) == expected


def test_a_citation_of_a_missing_anchor_is_reported() -> None:
    known = physics_anchors()
    assert "R.2.4" in known and "section-4.6" in known
    assert "R.9.9" not in known and "section-4.9" not in known and "F14" not in known


# -- the citations of the repository ----------------------------------------------------------


def test_every_citation_in_the_code_has_its_anchor() -> None:
    known = physics_anchors()
    cited = _all_citations()
    assert sum(map(len, cited.values())) > 300 and len(cited) > 80, "the scanner finds the citations"
    missing = {target: sorted(set(where)) for target, where in cited.items() if target not in known}
    assert not missing, f"cited but not defined in docs/physics: {missing}"


def test_the_observables_registry_cites_only_what_exists() -> None:
    from lfvnsi.observables import OBSERVABLES

    known = physics_anchors()
    for name, observable in OBSERVABLES.items():
        source = observable.source
        targets = equations(source) + _expand(_FINDING, source, "F") + citations(source)
        for target in targets:
            if target != "reference":
                assert target in known, f"{name}: {source!r} cites {target}, not in docs/physics"


def test_anchors_of_the_physics_reference_are_unique() -> None:
    counts: Counter[str] = Counter()
    for page in PHYSICS.glob("*.md"):
        counts.update(a for a in anchors(page) if re.match(r"(R\.|F\d|V\d|section-)", a))
    assert not [a for a, n in counts.items() if n > 1]


def test_the_numbering_is_complete() -> None:
    """Every equation, finding and target of the numbering exists, without gaps."""
    known = physics_anchors()
    last_equation = {1: 2, 2: 11, 4: 9, 5: 15}
    for section, last in last_equation.items():
        for k in range(1, last + 1):
            assert f"R.{section}.{k}" in known
    assert all(f"F{k}" in known for k in range(1, 14))
    assert all(f"V{k}" in known for k in range(1, 22))
    assert all(f"section-{k}" in known for k in range(10))


# -- the docs cite each other by anchors ------------------------------------------------------

_LINK = re.compile(r"\]\(([^)\s]+?\.md)?(?:#([^)\s]+))?\)")


def _docs_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", _docs_pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_links_between_docs_pages_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    for m in _LINK.finditer(text):
        target_name, anchor = m[1], m[2]
        if target_name is None and anchor is None:
            continue
        if target_name and re.match(r"[a-z]+:", target_name):
            continue
        target = (page.parent / target_name).resolve() if target_name else page
        assert target.is_file(), f"{page.relative_to(DOCS)} links to missing {target_name}"
        if anchor:
            assert anchor in anchors(target), f"{page.relative_to(DOCS)}: no #{anchor} in {target_name}"


@pytest.mark.parametrize("page", _docs_pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_tests_named_in_the_docs_exist(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for m in re.finditer(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", text):
        path = ROOT / m[1]
        assert path.is_file(), f"{page.relative_to(DOCS)} names {m[1]}, which does not exist"
        if m[2]:
            assert re.search(rf"^\s*def {m[2]}\(", path.read_text(encoding="utf-8"), re.MULTILINE), (
                f"{page.relative_to(DOCS)} names {m[1]}::{m[2]}, which does not exist")


# -- DESIGN.md and STYLE.md: the design page ---------------------------------------------------

DESIGN = DOCS / "design.md"


def test_design_and_style_citations_point_to_the_design_page() -> None:
    """'DESIGN.md "The public contract"' and 'STYLE.md ("data vs code")' name text of docs/design.md."""
    page = re.sub(r"\s+", " ", DESIGN.read_text(encoding="utf-8")).lower()
    assert "{#house-style}" in page and "{#the-public-contract}" in page
    quoted = re.compile(r"\b(DESIGN|STYLE)\.md \(?\"([^\"]+)\"")
    found = 0
    for path in _scanned_files():
        text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
        for m in quoted.finditer(text):
            phrase = m[2].split("...")[0].strip(" :").lower()
            assert phrase in page, f"{path.relative_to(ROOT)} cites {m[1]}.md {m[2]!r}, not in docs/design.md"
            found += 1
    assert found >= 8


def test_design_page_lists_every_parameter_name() -> None:
    from lfvnsi.model import Parameters

    section = DESIGN.read_text(encoding="utf-8").split("## Parameter names", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`(\w+)`", section)) - {"Parameters"}
    assert listed == set(Parameters.names())
