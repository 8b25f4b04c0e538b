"""Read a point from a TOML configuration and ``--set NAME=VALUE`` overrides.

A configuration holds parameters either at top level or in a ``[parameters]`` table; any
parameter it does not name keeps its value from the built-in benchmark point.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lfvnsi.exceptions import ConfigError
from lfvnsi.model.parameters import Parameters

__all__ = ["load_point", "parse_override"]


def parse_override(text: str) -> tuple[str, Any]:
    """``"M1=2.5"`` -> ``("M1", 2.5)``; values are read as TOML, bare words as strings."""
    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    if not sep or not name or not raw:
        raise ConfigError(f"--set expects NAME=VALUE, got {text!r}")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word such as lnv or mu
    return name, value


def _read(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file {str(path)!r} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration {str(path)!r}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration {str(path)!r} is not valid TOML: {exc}") from None
    table = data.get("parameters", data)
    if not isinstance(table, dict):
        raise ConfigError(f"configuration {str(path)!r}: [parameters] must be a table")
    extra = set(data) - {"parameters"} if "parameters" in data else set()
    if extra:
        raise ConfigError(f"configuration {str(path)!r}: unknown top-level key(s) "
                          f"{', '.join(sorted(extra))} (parameters go in [parameters])")
    return table


def load_point(config: str | Path | None = None, overrides: Iterable[str] = ()) -> Parameters:
    """One parameter point: benchmark <- configuration file <- ``--set`` overrides."""
    values: dict[str, Any] = {}
    if config is not None:
        values.update(_read(Path(config)))
    for text in overrides:
        name, value = parse_override(text)
        values[name] = value
    for name, value in values.items():
        if isinstance(value, (list, dict)):
            raise ConfigError(f"parameter {name!r}: a point takes single values, got {value!r}")
    return Parameters.from_mapping(values, base=Parameters.benchmark())
