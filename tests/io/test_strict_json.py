"""Every --json document is strict JSON (RFC 8259): no bare Infinity or NaN, null where documented."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from lfvnsi.cli import cli
from lfvnsi.io.strict_json import finite_or_null, to_json


def strict_loads(text: str) -> Any:
    """json.loads that refuses the non-standard constants NaN, Infinity and -Infinity."""
    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def nulls(document: Any, path: str = "") -> list[str]:
    """Paths of the nulls of a document, e.g. ``observables.schwarz_ratio_u``."""
    if document is None:
        return [path]
    if isinstance(document, dict):
        return [p for k, v in document.items() for p in nulls(v, f"{path}.{k}" if path else k)]
    if isinstance(document, list):
        return [p for i, v in enumerate(document) for p in nulls(v, f"{path}[{i}]")]
    return []


def test_strict_parser_refuses_what_json_dumps_writes_by_default() -> None:
    with pytest.raises(ValueError, match="Infinity"):
        strict_loads(json.dumps({"x": math.inf}))
    with pytest.raises(ValueError, match="NaN"):
        strict_loads(json.dumps([math.nan]))


def test_non_finite_numbers_become_null_everywhere_and_nothing_else_changes() -> None:
    doc = {"a": math.inf, "b": [1.5, -math.inf, {"c": np.float64("nan"), "d": np.float32(2.0)}],
           "e": (np.float64(3.0), "inf", None, 0, True), "f": 1e308}
    assert finite_or_null(doc) == {"a": None, "b": [1.5, None, {"c": None, "d": 2.0}],
                                   "e": [3.0, "inf", None, 0, True], "f": 1e308}
    text = to_json(doc)
    assert strict_loads(text) == finite_or_null(doc)
    assert "Infinity" not in text and "NaN" not in text


def _json_of(args: list[str]) -> Any:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return strict_loads(result.stdout)


def test_point_document_is_strict_with_the_documented_null() -> None:
    """The benchmark's gauged coupling has a_e = a_mu = 0: the u-quark diagonal eps_ee, eps_mumu
    vanish and the Schwarz ratio is infinite, written as null (README, JSON document)."""
    doc = _json_of(["point", "--json"])
    assert nulls(doc) == ["observables.schwarz_ratio_u"]
    eps = np.array(doc["nsi"]["eps"]["u"]["re"])
    assert eps[0, 0] == 0 and eps[1, 1] == 0 and eps[0, 1] != 0
    # Z2 broken by mu_21: a tiny diagonal, and the ratio is a (huge) number again
    doc = _json_of(["point", "--json", "--set", "mu_21=1e-9"])
    eps = np.array(doc["nsi"]["eps"]["u"]["re"])
    assert eps[0, 0] * eps[1, 1] != 0 and nulls(doc) == []
    assert doc["observables"]["schwarz_ratio_u"] == pytest.approx(
        eps[0, 1] ** 2 / abs(eps[0, 0] * eps[1, 1]), rel=1e-12)


@pytest.mark.parametrize("args", [["reproduce", "--json"], ["bounds", "--json"],
                                  ["oscillate", "--json"], ["cevns", "--json"]])
def test_other_documents_are_strict_and_have_no_null(args: list[str]) -> None:
    assert nulls(_json_of(args)) == []
