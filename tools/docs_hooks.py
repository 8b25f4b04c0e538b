"""MkDocs hook: the tables of the docs site generated from the package at build time.

A page asks for a table with a marker comment on a line of its own; the hook replaces the marker
with Markdown built from the installed package, so the tables cannot drift from the code and no
generated file is committed:

    <!-- lfvnsi:parameters -->   the model parameters (lfvnsi.model.PARAMETER_TABLE and the choices)
    <!-- lfvnsi:observables -->  every flat observable (lfvnsi.observables.OBSERVABLES)
    <!-- lfvnsi:bounds -->       every record of src/lfvnsi/data/bounds.toml, by status
    <!-- lfvnsi:reproduce -->    the paper's claims recomputed (lfvnsi.reproduce.reproduction_table)
    <!-- lfvnsi:cevns-sm -->     the Standard-Model CEvNS counts of each COHERENT release, computed

Citations of the physics reference in the generated cells (R.5.4, F11, REFERENCE 4.6, ...) become
links to their anchors in docs/physics. ``tests/docs/test_generated_tables.py`` imports this file
and checks the tables against the registry and the database.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PHYSICS = ROOT / "docs" / "physics"
MARKER = re.compile(r"^<!-- lfvnsi:([\w-]+) -->$", re.MULTILINE)


@cache
def physics_anchors() -> dict[str, str]:
    """Anchor -> page file name (relative to docs/physics) for every explicit anchor there."""
    out: dict[str, str] = {}
    for page in sorted(PHYSICS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for anchor in re.findall(r"\bid=\"([^\"]+)\"", text) + re.findall(r"\{#([^\s}]+)\}", text):
            out.setdefault(anchor, page.name)
    return out


def link_citations(text: str, prefix: str = "../physics/") -> str:
    """``text`` with R.n.m, Fn and 'REFERENCE n.m' / 'REFERENCE section n' turned into links."""
    known = physics_anchors()

    def link(label: str, anchor: str) -> str:
        page = known.get(anchor)
        return f"[{label}]({prefix}{page}#{anchor})" if page else label

    def section(m: re.Match[str]) -> str:
        return link(m[0], f"section-{m[1]}")

    text = re.sub(r"\bREFERENCE(?: section)? (\d+(?:\.\d+)?)", section, text)
    text = re.sub(r"\bR\.\d+\.\d+[a-c]?", lambda m: link(m[0], m[0]), text)
    return re.sub(r"\bF\d{1,2}\b", lambda m: link(m[0], m[0]), text)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _number(x: float) -> str:
    if isinstance(x, float) and not math.isfinite(x):
        return "—"
    return f"{x:.4g}"


def parameters_table(prefix: str = "../physics/") -> str:
    from lfvnsi.model.parameters import FLAVOURS, MATTER_SCHEMES, PARAMETER_TABLE, TEXTURES, VERSIONS

    choices_of = {"version": VERSIONS, "texture": TEXTURES, "alpha": FLAVOURS, "beta": FLAVOURS,
                  "matter": MATTER_SCHEMES}
    lines = ["| name | unit | allowed | meaning |", "|---|---|---|---|"]
    for name, choices in choices_of.items():
        lines.append(f"| `{name}` | — | {', '.join(f'`{c}`' for c in choices)} | |")
    for name, r in PARAMETER_TABLE.items():
        lines.append(f"| `{name}` | {r.unit or '—'} | {_cell(r.describe(name))} | "
                     f"{link_citations(_cell(r.meaning), prefix)} |")
    return "\n".join(lines)


def observables_table(prefix: str = "../physics/") -> str:
    from lfvnsi.observables import OBSERVABLES

    lines = ["| name | unit | meaning | source |", "|---|---|---|---|"]
    for name, o in OBSERVABLES.items():
        lines.append(f"| `{name}` | {o.unit or '—'} | {_cell(o.description)} | "
                     f"{link_citations(_cell(o.source), prefix)} |")
    return "\n".join(lines)


def _limit(b: Any) -> str:
    if b.curve is not None:
        return f"curve against `{b.curve.x_name}` (`{b.curve.path}`)"
    if isinstance(b.value, tuple):
        return f"[{_number(b.value[0])}, {_number(b.value[1])}]"
    return {"upper": "< ", "lower": "> "}.get(b.kind, "") + _number(b.value)


def _applies(b: Any) -> str:
    a = b.applies_to
    parts = []
    for name in ("version", "pair", "matter", "requires"):
        value = getattr(a, name, None)
        if value:
            parts.append(f"{name}: {', '.join(value) if isinstance(value, tuple) else value}")
    for name in ("m_Zp_GeV", "m_N_GeV"):
        window = getattr(a, name, None)
        if window:
            parts.append(f"{name} in [{_number(window[0])}, {_number(window[1])}]")
    return "; ".join(parts) or "always"


def bounds_table(prefix: str = "../physics/") -> str:
    from lfvnsi.constraints import load_bounds

    bounds = load_bounds()
    out = [f"{len(bounds)} records: "
           + ", ".join(f"{sum(b.status == s for b in bounds)} `{s}`" for s in ("paper", "current", "future"))
           + f"; {sum(b.verified for b in bounds)} verified against a source they cite."]
    for status in ("current", "paper", "future"):
        out += ["", f"### Status `{status}`", "",
                "| id | observable | limit | CL | experiment, year | reference | verified | applies |",
                "|---|---|---|---|---|---|---|---|"]
        for b in bounds:
            if b.status != status:
                continue
            out.append(f"| {_cell(b.id)} | `{b.observable}` | {_cell(_limit(b))} | {b.cl:g} | "
                       f"{_cell(b.experiment)}, {b.year} | {_cell(b.reference)} | "
                       f"{'yes' if b.verified else 'no'} | {_cell(_applies(b))} |")
    return "\n".join(out)


def reproduce_table(prefix: str = "../physics/") -> str:
    from lfvnsi.reproduce import reproduction_table

    lines = ["| id | where | claim | paper | lfvnsi | ratio | verdict | reason |",
             "|---|---|---|---|---|---|---|---|"]
    for r in reproduction_table():
        lines.append(f"| `{r['id']}` | {_cell(r['where'])} | {_cell(r['claim'])} | "
                     f"{_number(r['paper'])} | {_number(r['ours'])} | {_number(r['ratio'])} | "
                     f"{r['verdict']} | {link_citations(_cell(r['reason']), prefix)} |")
    return "\n".join(lines)


def cevns_sm_table(prefix: str = "../physics/") -> str:
    from lfvnsi.cevns.detectors import release
    from lfvnsi.cevns.rates import predict

    lines = ["| release | lfvnsi, Helm | lfvnsi, Klein-Nystrand | published prediction | within it |",
             "|---|---|---|---|---|"]
    for name in ("csi2017", "csi2021", "lar2020"):
        helm, kn = (float(predict(release(name, form_factor=ff)).total)
                    for ff in ("helm", "klein_nystrand"))
        info = release(name).info
        centre, sigma = float(info["published_sm_events"]), float(info["published_sm_uncertainty"])
        inside = all(abs(x - centre) <= sigma for x in (helm, kn))
        lines.append(f"| `{name}` | {helm:.1f} | {kn:.1f} | {centre:g} ± {sigma:g} | "
                     f"{'yes' if inside else 'no'} |")
    return "\n".join(lines)


TABLES: dict[str, Callable[[str], str]] = {
    "parameters": parameters_table,
    "observables": observables_table,
    "bounds": bounds_table,
    "reproduce": reproduce_table,
    "cevns-sm": cevns_sm_table,
}


def render(markdown: str, depth: int = 1) -> str:
    """``markdown`` of a page ``depth`` folders below docs/ with every table marker replaced by its
    table (an unknown marker is an error)."""
    prefix = "../" * depth + "physics/"

    def table(m: re.Match[str]) -> str:
        if m[1] not in TABLES:
            raise KeyError(f"unknown docs table marker {m[0]!r}; known: {sorted(TABLES)}")
        return TABLES[m[1]](prefix)

    return MARKER.sub(table, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return render(markdown, page.file.src_uri.count("/"))
