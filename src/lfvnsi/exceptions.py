"""Exceptions raised for malformed input.

Physical viability of a point (a point excluded by a bound, say) is never an exception; it is a
boolean column of the results. These classes are for input the tool cannot evaluate at all.
"""

from __future__ import annotations

__all__ = ["AedlError", "ConfigError", "HierarchyError", "LfvnsiError", "MissingExtraError",
           "ParameterError"]


class LfvnsiError(ValueError):
    """Base class of every input error raised by lfvnsi; its message is one line."""


class ParameterError(LfvnsiError):
    """A parameter has an unknown name, a wrong type or a value outside its allowed range."""

    def __init__(self, name: str, value: object, allowed: str) -> None:
        self.name = name
        self.value = value
        self.allowed = allowed
        super().__init__(f"parameter {name!r} = {value!r} is not allowed: {allowed}")


class ConfigError(LfvnsiError):
    """A configuration file or a --set override cannot be read."""


class AedlError(ConfigError):
    """A GLoBES (AEDL) experiment file cannot be read: a syntax error, an unknown name, or a
    construct the reader does not support; the message names the file and line."""


class HierarchyError(ParameterError):
    """A lepton-number-violating mu term is not far below the heavy masses (inverse seesaw fails)."""


class MissingExtraError(LfvnsiError, ImportError):
    """An optional feature needs a package that is not installed; the message names the extra."""

    def __init__(self, package: str, extra: str, feature: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(f"{feature} needs {package}: pip install 'lfvnsi[{extra}]'")
