"""Nuclei and detector targets for CEvNS: Z, N, nuclear masses, isotopic composition.

Inputs are read from ``data/cevns/nuclei.toml`` (AME2020 atomic masses, IUPAC 2013 abundances,
each with its citation); the atomic mass unit and the electron mass come from maintained
libraries (`scipy.constants`, the PDG database through ``lfvnsi.constants``).

References: REFERENCE.md section 8 (constants from libraries); nuclei.toml for the sources.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Nucleus", "Target", "nuclear_data", "nucleus", "target"]


@dataclass(frozen=True)
class Nucleus:
    """One isotope: proton number Z, neutron number N, nuclear mass in GeV.

    Attributes
    ----------
    name : e.g. ``"Cs133"``.
    Z, N : proton and neutron numbers.
    mass : nuclear mass M_A in GeV (atomic mass minus Z electron masses).
    atomic_mass_u : the tabulated atomic mass in u.
    """

    name: str
    Z: int
    N: int
    mass: float
    atomic_mass_u: float

    @property
    def A(self) -> int:
        """Mass number Z + N."""
        return self.Z + self.N


@dataclass(frozen=True)
class Target:
    """A detector material: isotopes and their number of nuclei per formula unit.

    ``formula_mass_u`` is the atomic mass of one formula unit (sum of the isotopes' atomic
    masses weighted by their count), so a detector of mass M holds ``M/formula_mass`` formula
    units and ``count * M/formula_mass`` nuclei of each isotope.
    """

    name: str
    isotopes: tuple[Nucleus, ...]
    counts: tuple[float, ...]

    @property
    def formula_mass_u(self) -> float:
        """Atomic mass of one formula unit in u."""
        return sum(c * n.atomic_mass_u for c, n in zip(self.counts, self.isotopes, strict=True))

    def nuclei_per_kg(self) -> tuple[float, ...]:
        """Number of nuclei of each isotope in one kilogram of target."""
        import scipy.constants as codata

        units = 1.0 / (self.formula_mass_u * codata.atomic_mass)
        return tuple(c * units for c in self.counts)


@cache
def nuclear_data() -> dict[str, Any]:
    """The parsed ``nuclei.toml`` (isotopes, targets, form-factor parameters)."""
    text = resources.files("lfvnsi.data").joinpath("cevns/nuclei.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def nucleus(name: str) -> Nucleus:
    """The isotope ``name`` (e.g. ``"Ar40"``) with its nuclear mass in GeV."""
    import scipy.constants as codata

    from lfvnsi.constants import standard_model

    table = nuclear_data()["isotopes"]
    if name not in table:
        raise KeyError(f"unknown isotope {name!r}; known: {', '.join(table)}")
    entry = table[name]
    u_GeV = codata.physical_constants["atomic mass constant energy equivalent in MeV"][0] * 1e-3
    Z, A = int(entry["Z"]), int(entry["A"])
    m_atom = float(entry["atomic_mass_u"])
    return Nucleus(name, Z, A - Z, m_atom * u_GeV - Z * standard_model().m_e, m_atom)


@cache
def target(name: str) -> Target:
    """The detector material ``name`` (``"CsI"`` or ``"Ar"``)."""
    table = nuclear_data()["targets"]
    if name not in table:
        raise KeyError(f"unknown target {name!r}; known: {', '.join(table)}")
    comp = table[name]["composition"]
    names = sorted(comp)
    return Target(name, tuple(nucleus(n) for n in names), tuple(float(comp[n]) for n in names))
