"""BibTeX for what a run used: the model, the theory inputs, and every bound that applied.

Entries are built from ``data/references.toml`` and from the citation fields of the bound
records (arXiv, DOI, INSPIRE); no network access is needed.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from typing import Any

from lfvnsi.constraints.database import Bound

__all__ = ["bibtex"]


def _key(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "", text.title())[:60] or "ref"


def _entry(kind: str, key: str, fields: dict[str, Any]) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items()
                      if value not in ("", None))
    return f"@{kind}{{{key},\n{body}\n}}"


def _references() -> dict[str, dict[str, Any]]:
    text = resources.files("lfvnsi.data").joinpath("references.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def bibtex(bounds: tuple[Bound, ...] = ()) -> str:
    """BibTeX of the core references and of the given bound records (deduplicated)."""
    entries = []
    for key, ref in _references().items():
        fields = {"author": ref["author"], "title": ref["title"], "journal": ref["journal"],
                  "volume": ref["volume"], "pages": ref["pages"], "year": ref["year"]}
        if ref.get("arxiv"):
            fields.update(eprint=ref["arxiv"], archivePrefix="arXiv")
        fields["note"] = f"lfvnsi: {ref['used_for']}"
        entries.append(_entry("article", key, fields))
    seen: set[str] = set()
    for b in bounds:
        ident = b.arxiv or b.doi or b.inspire
        key = _key(f"{b.experiment} {b.year} {ident}")
        if key in seen:
            continue
        seen.add(key)
        fields = {"author": f"{{{b.experiment}}}", "title": b.id, "year": b.year,
                  "eprint": b.arxiv, "archivePrefix": "arXiv" if b.arxiv else "", "doi": b.doi,
                  "note": f"lfvnsi bound on {b.observable}"
                          + (f"; INSPIRE {b.inspire}" if b.inspire else "")}
        entries.append(_entry("misc", key, fields))
    return "\n\n".join(entries) + "\n"
