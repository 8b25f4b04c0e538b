"""Media for the effective NSI of propagation: neutron-to-electron ratios Y_n = N_n/N_e.

The effective matrix of a neutral medium is eps^m = eps^e + eps^p + Y_n eps^n (normalised to the
electron density, REFERENCE R.4.7). Built-in media are read from ``data/media.toml`` (each with
its citation); a hydrogen/helium plasma such as the Sun has Y_n = (1 - X)/(1 + X) with X the
hydrogen mass fraction (helium-4 brings one neutron per electron, hydrogen none).

References: REFERENCE.md sections 4.4 and R.4.7.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["MEDIA", "Medium", "medium"]


@dataclass(frozen=True)
class Medium:
    """A neutral medium: name, Y_n = N_n/N_e, description and source."""

    name: str
    Y_n: float
    description: str = ""
    source: str = ""

    @classmethod
    def hydrogen_helium(cls, X: float, name: str = "H/He plasma") -> Medium:
        """Hydrogen mass fraction X, the rest helium-4: Y_n = (1 - X)/(1 + X)."""
        if not 0.0 <= X <= 1.0:
            raise ValueError(f"hydrogen mass fraction X = {X!r} must lie in [0, 1]")
        return cls(name, (1.0 - X) / (1.0 + X), f"hydrogen mass fraction {X:g}")


@cache
def _table() -> dict[str, Medium]:
    text = resources.files("lfvnsi.data").joinpath("media.toml").read_text(encoding="utf-8")
    out = {}
    for name, entry in tomllib.loads(text).items():
        if "Y_n" in entry:
            out[name] = Medium(name, float(entry["Y_n"]), entry["description"], entry["source"])
        else:
            base = Medium.hydrogen_helium(float(entry["hydrogen_mass_fraction"]), name)
            out[name] = Medium(name, base.Y_n, entry["description"], entry["source"])
    return out


#: Names of the built-in media.
MEDIA = ("earth", "earth_mantle", "earth_core", "sun_center")


def medium(name: str) -> Medium:
    """A built-in medium by name (see ``MEDIA``)."""
    table = _table()
    if name not in table:
        raise KeyError(f"unknown medium {name!r}; known: {', '.join(table)}")
    return table[name]
