"""Read a point from a TOML configuration and ``--set NAME=VALUE`` overrides.

A configuration holds parameters either at top level or in a ``[parameters]`` table; any
parameter it does not name keeps its value from the built-in benchmark point. Besides
``[parameters]`` a file may hold one table per command that reads options from it (``SECTIONS``),
so one file can describe a point and how to oscillate or scan it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lfvnsi.exceptions import ConfigError
from lfvnsi.model.parameters import Parameters

__all__ = ["SECTIONS", "config_section", "load_point", "parse_override", "read_config"]

#: Top-level tables a configuration file may hold; every other top-level table is an error.
SECTIONS = ("parameters", "oscillation", "cevns", "scan", "fit", "reach", "plot")


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


def read_config(path: str | Path) -> dict[str, Any]:
    """The whole configuration document, its top-level tables checked against ``SECTIONS``."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file {str(path)!r} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration {str(path)!r}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration {str(path)!r} is not valid TOML: {exc}") from None
    tables = [key for key, value in data.items() if isinstance(value, dict)]
    sectioned = "parameters" in data or any(key in SECTIONS for key in tables)
    extra = sorted(set(data) - set(SECTIONS)) if sectioned else sorted(tables)
    if extra:
        raise ConfigError(f"configuration {str(path)!r}: unknown top-level key(s) "
                          f"{', '.join(extra)} (parameters go in [parameters]; other tables "
                          f"allowed: {', '.join(SECTIONS[1:])})")
    for key in SECTIONS:
        if key in data and not isinstance(data[key], dict):
            raise ConfigError(f"configuration {str(path)!r}: [{key}] must be a table")
    if not sectioned:
        data = {"parameters": data}
    return data


def config_section(config: dict[str, Any] | None, name: str) -> dict[str, Any]:
    """The ``[name]`` table of a document from ``read_config`` (empty when absent or no file)."""
    if name not in SECTIONS:
        raise ValueError(f"unknown configuration section {name!r}")
    return dict(config.get(name, {})) if config is not None else {}


def load_point(config: str | Path | None = None, overrides: Iterable[str] = ()) -> Parameters:
    """One parameter point: benchmark <- configuration file <- ``--set`` overrides."""
    values: dict[str, Any] = {}
    if config is not None:
        values.update(config_section(read_config(config), "parameters"))
    for text in overrides:
        name, value = parse_override(text)
        values[name] = value
    for name, value in values.items():
        if isinstance(value, (list, dict)):
            raise ConfigError(f"parameter {name!r}: a point takes single values, got {value!r}")
    return Parameters.from_mapping(values, base=Parameters.benchmark())
