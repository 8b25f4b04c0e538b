"""One point's constraints as plain data: the JSON entries, the verdict, skipped bounds, next tests.

References: DESIGN.md ("constraints": id, observable, value, limit, ratio, passed, reference,
status).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lfvnsi.constraints.evaluate import Constraints, evaluate_constraints, select
from lfvnsi.pipeline import Results

__all__ = ["constraint_entries", "point_constraints"]


def _float(x: Any) -> float:
    return float(np.asarray(x))


def constraint_entries(c: Constraints, index: tuple[int, ...] = ()) -> dict[str, Any]:
    """Applicable bounds of one point (sorted by ratio, largest first), skipped ones, verdict.

    The verdict names the unverified bounds it rests on (``unverified_deciding``: among those that
    exclude the point, or the closest bound of an allowed point), says whether only unverified
    bounds exclude it, and counts the applicable bounds and the unverified ones among them (a
    record is unverified when its number was not read from a source it cites; data/bounds.md).
    """
    if c.value is None or c.limit is None:
        raise ValueError("constraint_entries needs evaluate_constraints(..., details=True)")
    applied: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for k, b in enumerate(c.bounds):
        if bool(c.applicable[(k, *index)]):
            ratio = _float(c.ratio[(k, *index)])
            applied.append({
                "id": b.id, "observable": b.observable, "value": _float(c.value[(k, *index)]),
                "limit": _float(c.limit[(k, *index)]), "ratio": ratio, "passed": ratio <= 1.0,
                "reference": b.reference, "status": b.status, "cl": b.cl,
                "experiment": b.experiment, "year": b.year, "verified": b.verified,
            })
        else:
            skipped.append({"id": b.id, "reason": c.reason(k, index)})
    applied.sort(key=lambda e: -e["ratio"])
    allowed = all(e["passed"] for e in applied)
    strongest = applied[0] if applied else None
    excluded_by = [e for e in applied if not e["passed"]]
    # the bounds the verdict rests on: those that exclude the point, else the closest one
    deciding = excluded_by if excluded_by else applied[:1]
    verdict = {
        "allowed": allowed,
        "strongest": strongest["id"] if strongest else None,
        "strongest_ratio": strongest["ratio"] if strongest else None,
        "excluded_by": [e["id"] for e in excluded_by],
        "unverified_deciding": [e["id"] for e in deciding if not e["verified"]],
        "excluded_only_by_unverified": bool(excluded_by) and not any(e["verified"] for e in excluded_by),
        "applicable": len(applied),
        "unverified_applicable": sum(not e["verified"] for e in applied),
    }
    return {"constraints": applied, "skipped": skipped, "verdict": verdict}


def point_constraints(results: Results, bound_set: str = "current") -> dict[str, Any]:
    """The JSON pieces of one point: ``constraints``, ``constraints_skipped``, ``verdict`` and,
    unless the set already holds them, ``next_tests`` (the projections that apply, by ratio)."""
    entries = constraint_entries(evaluate_constraints(results, bound_set))
    out: dict[str, Any] = {
        "constraints": entries["constraints"],
        "constraints_skipped": entries["skipped"],
        "verdict": {"bound_set": bound_set, **entries["verdict"]},
    }
    if bound_set != "future":
        future = tuple(b for b in select("future") if b.status == "future")
        tests = constraint_entries(evaluate_constraints(results, bounds=future))["constraints"]
        out["next_tests"] = [{"id": e["id"], "observable": e["observable"], "ratio": e["ratio"],
                              "would_exclude": not e["passed"], "reference": e["reference"]}
                             for e in tests]
    return out
