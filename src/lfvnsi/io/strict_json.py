"""Strict JSON (RFC 8259) for every ``--json`` document of the command line.

JSON has no infinity and no NaN: ``json.dumps`` would write them as the bare words ``Infinity``
and ``NaN``, which strict parsers (JavaScript's, ``jq``'s, Python's with ``parse_constant``
refusing them) reject. A number that is not finite is written as ``null`` instead; the README
says, key by key, where one can appear and what it means (``schwarz_ratio_u`` is infinite when
the diagonal entries vanish, say). The property tests accept a null only at those keys, so a
computation that fails silently still shows.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

__all__ = ["finite_or_null", "to_json"]


def finite_or_null(value: Any) -> Any:
    """``value`` with every non-finite float (nested in dicts, lists, tuples) replaced by None."""
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_null(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_null(v) for v in value]
    return value


def to_json(document: Any, indent: int | None = 1) -> str:
    """The document as strict JSON text (non-finite numbers as null; nothing else changes)."""
    return json.dumps(finite_or_null(document), indent=indent, allow_nan=False)
