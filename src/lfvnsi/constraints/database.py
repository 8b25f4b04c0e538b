"""The bounds database: ``data/bounds.toml`` and its curves, loaded and schema-checked.

One ``[[bound]]`` record per experimental limit or projection (schema in ``data/bounds.md`` and
the README). Loading checks every record: unknown or missing fields, types, allowed values, that
the observable (and a curve's abscissa) is one the code computes, that a citation is present,
that curves exist and parse; a broken record stops the load with a ``BoundsError`` naming the
record and the field.

References: DESIGN.md (constraints layer); STYLE.md ("data vs code").
"""

from __future__ import annotations

import csv
import io
import math
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.exceptions import LfvnsiError

__all__ = ["KINDS", "REQUIREMENTS", "STATUSES", "AppliesTo", "Bound", "BoundsError", "Curve",
           "load_bounds"]

KINDS = ("upper", "lower", "range", "excluded_curve")
STATUSES = ("paper", "current", "future")
#: Decay assumptions a search may need (REFERENCE F10): an invisible Z', invisible N, visible N.
REQUIREMENTS = ("zprime_invisible", "N_invisible", "N_visible")
_VERSIONS = ("lnv", "lnc")
_PAIRS = ("emu", "etau", "mutau")
_MATTER = ("gauged", "kinetic")
_FIELDS = {"id", "observable", "kind", "value", "null_value", "curve", "column", "x", "cl", "status",
           "experiment", "year", "arxiv", "inspire", "doi", "verified", "note", "applies_to"}
_REQUIRED = ("id", "observable", "kind", "cl", "status", "experiment", "year", "verified", "note")
_APPLIES = {"version", "pair", "matter", "m_Zp_GeV", "m_N_GeV", "requires"}


class BoundsError(LfvnsiError):
    """A record of the bounds database is malformed: names the record and the field."""

    def __init__(self, record: str, field_name: str, message: str) -> None:
        self.record = record
        self.field = field_name
        super().__init__(f"bounds record {record!r}, field {field_name!r}: {message}")


@dataclass(frozen=True)
class Curve:
    """An upper limit tabulated against an abscissa: ``limit(x)`` inside [x[0], x[-1]]."""

    path: str
    x_name: str
    x: np.ndarray
    limit: np.ndarray
    log_x: np.ndarray = field(init=False, repr=False, compare=False)
    log_limit: np.ndarray = field(init=False, repr=False, compare=False)
    start: np.ndarray = field(init=False, repr=False, compare=False)  # lookup accelerator

    def __post_init__(self) -> None:
        # the log-log table, once (curves are evaluated on every chunk of a scan)
        object.__setattr__(self, "log_x", np.log(self.x))
        object.__setattr__(self, "log_limit", np.log(self.limit))
        from lfvnsi.constraints.kernel import bucket_index

        object.__setattr__(self, "start", bucket_index(self.log_x))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Limit at x (log-log interpolation); NaN outside the tabulated range."""
        x = np.asarray(x, dtype=float)
        inside = (x >= self.x[0]) & (x <= self.x[-1])
        safe = np.where(inside & (x > 0), x, self.x[0])
        value = np.exp(np.interp(np.log(safe), self.log_x, self.log_limit))
        return np.where(inside, value, np.nan)


@dataclass(frozen=True)
class AppliesTo:
    """Where a bound applies; ``None`` means everywhere."""

    version: tuple[str, ...] | None = None
    pair: tuple[str, ...] | None = None
    matter: tuple[str, ...] | None = None
    m_Zp_GeV: tuple[float, float] | None = None
    #: window of the lightest heavy state's mass (a fit that assumes every heavy state is
    #: heavier than its processes' energies); ``inf`` as the upper end means no upper end
    m_N_GeV: tuple[float, float] | None = None
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bound:
    """One record of the bounds database."""

    id: str
    observable: str
    kind: str
    cl: float
    status: str
    experiment: str
    year: int
    verified: bool
    note: str
    value: float | tuple[float, float] | None = None
    null_value: float = 0.0  # a range's null (Standard-Model) value, inside [lo, hi]
    curve: Curve | None = None
    arxiv: str = ""
    inspire: str = ""
    doi: str = ""
    applies_to: AppliesTo = field(default_factory=AppliesTo)

    @property
    def reference(self) -> str:
        """Short citation: arXiv number, else DOI, else INSPIRE record."""
        if self.arxiv:
            return f"arXiv:{self.arxiv}"
        if self.doi:
            return f"doi:{self.doi}"
        return f"INSPIRE {self.inspire}"


def _known_names() -> set[str]:
    from lfvnsi.observables import OBSERVABLES, ON_DEMAND, PER_STATE

    return set(OBSERVABLES) | set(PER_STATE) | set(ON_DEMAND)


def _read_curve(record: str, path: Path, column: str, x_name: str) -> Curve:
    if not path.is_file():
        raise BoundsError(record, "curve", f"file {path.name!r} not found")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    if not rows:
        raise BoundsError(record, "curve", f"{path.name}: no data")
    header = [h.strip() for h in rows[0]]
    if column not in header:
        raise BoundsError(record, "column", f"{path.name} has no column {column!r} "
                                            f"(columns: {', '.join(header)})")
    try:
        data = np.array([[float(v) for v in row] for row in rows[1:]])
    except ValueError:
        raise BoundsError(record, "curve", f"{path.name}: a row is not numeric") from None
    if data.ndim != 2 or len(data) < 2:
        raise BoundsError(record, "curve", f"{path.name}: needs at least two rows")
    x, limit = data[:, 0], data[:, header.index(column)]
    if not np.all(np.diff(x) > 0):
        raise BoundsError(record, "curve", f"{path.name}: x must be strictly ascending")
    if not np.all(np.isfinite(limit) & (limit > 0)) or not np.all(x > 0):
        raise BoundsError(record, "curve", f"{path.name}: x and limits must be positive")
    return Curve(path.name, x_name, x, limit)


def _strings(record: str, name: str, value: Any, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BoundsError(record, f"applies_to.{name}", "must be a list of strings")
    for v in value:
        if v not in allowed:
            raise BoundsError(record, f"applies_to.{name}", f"{v!r} is not one of "
                                                             f"{', '.join(allowed)}")
    return tuple(value)


def _window(record: str, name: str, window: Any) -> tuple[float, float] | None:
    """A mass window [lo, hi] in GeV (TOML ``inf`` for no upper end), or None if absent."""
    if window is None:
        return None
    if (not isinstance(window, list) or len(window) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in window)
            or not 0 <= window[0] <= window[1] or math.isnan(window[1])):
        raise BoundsError(record, f"applies_to.{name}", "must be [lo, hi] with 0 <= lo <= hi")
    return float(window[0]), float(window[1])


def _applies(record: str, raw: Any) -> AppliesTo:
    if not isinstance(raw, dict):
        raise BoundsError(record, "applies_to", "must be a table")
    unknown = set(raw) - _APPLIES
    if unknown:
        raise BoundsError(record, "applies_to", f"unknown key(s) {', '.join(sorted(unknown))}")
    return AppliesTo(
        version=_strings(record, "version", raw["version"], _VERSIONS) if "version" in raw else None,
        pair=_strings(record, "pair", raw["pair"], _PAIRS) if "pair" in raw else None,
        matter=_strings(record, "matter", raw["matter"], _MATTER) if "matter" in raw else None,
        m_Zp_GeV=_window(record, "m_Zp_GeV", raw.get("m_Zp_GeV")),
        m_N_GeV=_window(record, "m_N_GeV", raw.get("m_N_GeV")),
        requires=_strings(record, "requires", raw.get("requires", []), REQUIREMENTS),
    )


def _bound(raw: dict[str, Any], directory: Path, names: set[str]) -> Bound:
    record = str(raw.get("id", "<no id>"))
    unknown = set(raw) - _FIELDS
    if unknown:
        raise BoundsError(record, min(unknown), "unknown field")
    for key in _REQUIRED:
        if key not in raw:
            raise BoundsError(record, key, "missing")
    for key in ("id", "observable", "kind", "status", "experiment", "note", "arxiv", "inspire",
                "doi"):
        if key in raw and not isinstance(raw[key], str):
            raise BoundsError(record, key, "must be a string")
    if not raw["id"].strip():
        raise BoundsError(record, "id", "must not be empty")
    if raw["observable"] not in names:
        raise BoundsError(record, "observable", f"{raw['observable']!r} is not an observable the "
                                                f"code computes")
    if raw["kind"] not in KINDS:
        raise BoundsError(record, "kind", f"{raw['kind']!r} is not one of {', '.join(KINDS)}")
    if raw["status"] not in STATUSES:
        raise BoundsError(record, "status", f"{raw['status']!r} is not one of "
                                            f"{', '.join(STATUSES)}")
    cl = raw["cl"]
    if not isinstance(cl, (int, float)) or not 0 < cl < 1:
        raise BoundsError(record, "cl", f"{cl!r} must be a fraction in (0, 1)")
    if not isinstance(raw["year"], int) or not 1950 <= raw["year"] <= 2100:
        raise BoundsError(record, "year", f"{raw['year']!r} is not a year")
    if not isinstance(raw["verified"], bool):
        raise BoundsError(record, "verified", "must be true or false")
    if not any(str(raw.get(k, "")).strip() for k in ("arxiv", "inspire", "doi")):
        raise BoundsError(record, "arxiv", "a citation is required (arxiv, inspire or doi)")
    value: float | tuple[float, float] | None = None
    curve = None
    kind = raw["kind"]
    if kind == "excluded_curve":
        for key in ("curve", "x"):
            if not isinstance(raw.get(key), str):
                raise BoundsError(record, key, "an excluded_curve needs it (a string)")
        if raw["x"] not in names:
            raise BoundsError(record, "x", f"{raw['x']!r} is not an observable the code computes")
        if "value" in raw:
            raise BoundsError(record, "value", "an excluded_curve takes its limit from the curve")
        curve = _read_curve(record, directory / raw["curve"], str(raw.get("column", "limit")),
                            raw["x"])
    else:
        if "curve" in raw or "x" in raw:
            raise BoundsError(record, "curve", f"only an excluded_curve has a curve (kind {kind})")
        v = raw.get("value")
        if kind == "range":
            ref = raw.get("null_value", 0.0)
            if not isinstance(ref, (int, float)):
                raise BoundsError(record, "null_value", "must be a number")
            if (not isinstance(v, list) or len(v) != 2
                    or not all(isinstance(t, (int, float)) for t in v) or not v[0] < ref < v[1]):
                raise BoundsError(record, "value", f"a range is [lo, hi] with lo < null_value < hi "
                                                   f"(null_value = {ref:g})")
            value = (float(v[0]), float(v[1]))
        else:
            if not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
                raise BoundsError(record, "value", f"{v!r} must be a positive number")
            value = float(v)
    return Bound(
        id=raw["id"], observable=raw["observable"], kind=kind, cl=float(cl),
        status=raw["status"], experiment=raw["experiment"], year=raw["year"],
        verified=raw["verified"], note=raw["note"], value=value,
        null_value=float(raw.get("null_value", 0.0)), curve=curve,
        arxiv=raw.get("arxiv", ""), inspire=raw.get("inspire", ""), doi=raw.get("doi", ""),
        applies_to=_applies(record, raw.get("applies_to", {})),
    )


def load_bounds(path: str | Path | None = None) -> tuple[Bound, ...]:
    """All records of a bounds file (default: the packaged ``data/bounds.toml``).

    Raises ``BoundsError`` (naming record and field) for a malformed record or duplicate ids.
    """
    if path is None:
        return _packaged()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BoundsError(str(path), "file", "not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise BoundsError(str(path), "file", f"not valid TOML: {exc}") from None
    return _parse(data, path.parent)


def _parse(data: dict[str, Any], directory: Path) -> tuple[Bound, ...]:
    records = data.get("bound")
    if not isinstance(records, list) or set(data) - {"bound"}:
        raise BoundsError("<file>", "bound", "the file must hold [[bound]] records only")
    names = _known_names()
    bounds = [_bound(raw, directory, names) for raw in records]
    seen: set[str] = set()
    for b in bounds:
        if b.id in seen:
            raise BoundsError(b.id, "id", "duplicate id")
        seen.add(b.id)
    return tuple(bounds)


@cache
def _packaged() -> tuple[Bound, ...]:
    root = resources.files("lfvnsi.data")
    data = tomllib.loads(root.joinpath("bounds.toml").read_text(encoding="utf-8"))
    with resources.as_file(root) as directory:
        return _parse(data, Path(directory))
