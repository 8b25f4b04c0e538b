"""Helpers for the tests of curves read from tables: the packaged source copies, their rows, and
constructed heavy states."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from lfvnsi.constraints import load_bounds
from lfvnsi.constraints.database import Bound

DATA = Path(__file__).resolve().parents[2] / "src" / "lfvnsi" / "data"
SOURCE = DATA / "curves" / "source" / "heavy-neutrino-limits"
COMMIT = "8bcc041948b1e459af4bab9264f2ca1f710bb3fb"


def record(record_id: str) -> Bound:
    return next(b for b in load_bounds() if b.id == record_id)


def source_rows(name: str) -> np.ndarray:
    """(x, limit) of every data row of a source table, in its own order and units: HEPData CSV
    (``#:`` header, a column-name row, extra error columns) or whitespace-separated columns."""
    rows = []
    for line in (SOURCE / name).read_text(encoding="utf-8").splitlines():
        cells = line.replace(",", " ").split()
        if not cells or line.startswith("#"):
            continue
        try:
            rows.append((float(cells[0]), float(cells[1])))
        except ValueError:  # the column-name row
            continue
    return np.array(rows)


def with_states(r, masses: list[float], **u2: list[float]):
    """The evaluated point r with its heavy states replaced (masses, mixings; the remaining
    states at 5 GeV with no mixing): a constructed point for the bounds on heavy states."""
    per_state = dict(r.per_state)
    shape = r.per_state["m_N_GeV"].shape
    per_state["m_N_GeV"] = np.broadcast_to(np.array(masses + [5.0] * (shape[-1] - len(masses))), shape)
    for name in ("U2_e", "U2_mu", "U2_tau"):
        values = u2.get(name, [])
        per_state[name] = np.broadcast_to(np.array(values + [0.0] * (shape[-1] - len(values))), shape)
    return dataclasses.replace(r, per_state=per_state)
