"""Oscillation parameters: PMNS matrix and the vacuum mass-squared matrix in the flavour basis.

Best fits of a global-fit release are read from ``data/oscillation_parameters.toml`` (each release
with its citation); ``OscillationParameters`` also takes any values directly.

Conventions (PDG): U = R23 U13(delta) R12 with U13 carrying exp(-i delta) in its (1,3) entry;
nu_alpha = sum_i U_alpha i nu_i; the vacuum Hamiltonian is U diag(0, dm21, dm31) U^dagger / (2E).
Antineutrinos see U* (delta -> -delta). NuFIT quotes Delta m^2_3l: Delta m^2_31 for normal and
Delta m^2_32 for inverted ordering; here dm31_eV2 always means Delta m^2_31 = Delta m^2_32 +
Delta m^2_21.

References: PDG Review "Neutrino masses, mixing and oscillations" (standard parametrisation);
NuFIT 6.0 arXiv:2410.05380; REFERENCE.md section 4.4.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from lfvnsi.exceptions import ParameterError

__all__ = ["ORDERINGS", "OscillationParameters", "mass_matrices_GeV2", "parameter_sets",
           "pmns_matrices"]

ORDERINGS = ("normal", "inverted")
_EV2_TO_GEV2 = 1e-18  # (eV/GeV)^2, an SI prefix ratio


@cache
def _table() -> dict[str, Any]:
    text = resources.files("lfvnsi.data").joinpath("oscillation_parameters.toml").read_text(
        encoding="utf-8")
    return tomllib.loads(text)


def parameter_sets() -> dict[str, dict[str, Any]]:
    """Every release in the data file: name -> its citation fields (release, arxiv, year, ...)."""
    return {name: {k: v for k, v in entry.items() if not isinstance(v, dict)}
            for name, entry in _table().items() if isinstance(entry, dict)}


@dataclass(frozen=True)
class OscillationParameters:
    """Three-flavour oscillation parameters: angles and phase in radians, splittings in eV^2.

    ``dm31_eV2`` is Delta m^2_31 (negative for inverted ordering). ``source`` names the release
    the numbers came from (empty when given by hand).
    """

    theta12: float
    theta13: float
    theta23: float
    delta_cp: float
    dm21_eV2: float
    dm31_eV2: float
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("theta12", "theta13", "theta23"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0.0 <= value <= 0.5 * math.pi):
                raise ParameterError(name, value, "0 <= theta <= pi/2 (radians)")
        if not math.isfinite(self.delta_cp):
            raise ParameterError("delta_cp", self.delta_cp, "any finite real number (radians)")
        if not (math.isfinite(self.dm21_eV2) and self.dm21_eV2 >= 0.0):
            raise ParameterError("dm21_eV2", self.dm21_eV2, "0 <= dm21_eV2 (eV^2)")
        if not math.isfinite(self.dm31_eV2):
            raise ParameterError("dm31_eV2", self.dm31_eV2, "any finite real number (eV^2)")

    @classmethod
    def best_fit(cls, ordering: str = "normal", release: str | None = None
                 ) -> OscillationParameters:
        """Best fit of ``release`` (default: the data file's ``default``) for an ordering."""
        table = _table()
        release = release or str(table["default"])
        if release not in table or not isinstance(table[release], dict):
            known = ", ".join(parameter_sets())
            raise ParameterError("release", release, f"one of {known}")
        if ordering not in ORDERINGS:
            raise ParameterError("ordering", ordering, "normal or inverted")
        v = table[release][ordering]
        dm21 = float(v["dm21_eV2"])
        dm3l = float(v["dm3l_eV2"])
        dm31 = dm3l if ordering == "normal" else dm3l + dm21
        return cls(theta12=math.asin(math.sqrt(v["sin2_theta12"])),
                   theta13=math.asin(math.sqrt(v["sin2_theta13"])),
                   theta23=math.asin(math.sqrt(v["sin2_theta23"])),
                   delta_cp=math.radians(v["delta_cp_deg"]), dm21_eV2=dm21, dm31_eV2=dm31,
                   source=f"{table[release]['release']}, {ordering} ordering, arXiv:"
                          f"{table[release]['arxiv']}")

    @property
    def ordering(self) -> str:
        """``normal`` if Delta m^2_31 > 0, else ``inverted``."""
        return "normal" if self.dm31_eV2 > 0 else "inverted"

    def replace(self, **changes: float) -> OscillationParameters:
        """A copy with some fields changed (the source is then marked as modified)."""
        source = f"{self.source} (modified: {', '.join(sorted(changes))})" if changes else self.source
        return replace(self, **changes, source=source)  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, float | str]:
        """The fields by name (radians, eV^2): the JSON ``oscillation_parameters`` block."""
        return asdict(self)

    def pmns(self) -> np.ndarray:
        """(3, 3) complex PMNS matrix U[alpha, i] in the PDG parametrisation."""
        return pmns_matrices(self.theta12, self.theta13, self.theta23, self.delta_cp)

    def mass_matrix_GeV2(self) -> np.ndarray:
        """(3, 3) Hermitian U diag(0, dm21, dm31) U^dagger in GeV^2 (flavour basis, neutrinos)."""
        return mass_matrices_GeV2(self.theta12, self.theta13, self.theta23, self.delta_cp,
                                  self.dm21_eV2, self.dm31_eV2)


def pmns_matrices(theta12: object, theta13: object, theta23: object, delta_cp: object
                  ) -> np.ndarray:
    """(*S, 3, 3) complex PMNS matrices U[..., alpha, i] (PDG), S the broadcast shape of the
    angles and phase (radians); no range check (``OscillationParameters`` validates)."""
    t12, t13, t23, d = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                             for x in (theta12, theta13, theta23, delta_cp)))
    s12, c12 = np.sin(t12), np.cos(t12)
    s13, c13 = np.sin(t13), np.cos(t13)
    s23, c23 = np.sin(t23), np.cos(t23)
    e = np.cos(d) + 1j * np.sin(d)  # exp(i delta)
    U = np.empty((*t12.shape, 3, 3), dtype=complex)
    U[..., 0, 0] = c12 * c13
    U[..., 0, 1] = s12 * c13
    U[..., 0, 2] = s13 / e
    U[..., 1, 0] = -s12 * c23 - c12 * s23 * s13 * e
    U[..., 1, 1] = c12 * c23 - s12 * s23 * s13 * e
    U[..., 1, 2] = s23 * c13
    U[..., 2, 0] = s12 * s23 - c12 * c23 * s13 * e
    U[..., 2, 1] = -c12 * s23 - s12 * c23 * s13 * e
    U[..., 2, 2] = c23 * c13
    return U


def mass_matrices_GeV2(theta12: object, theta13: object, theta23: object, delta_cp: object,
                       dm21_eV2: object, dm31_eV2: object) -> np.ndarray:
    """(*S, 3, 3) Hermitian U diag(0, dm21, dm31) U^dagger in GeV^2 for arrays of parameters
    (radians, eV^2; S their broadcast shape): the vacuum term of H for neutrinos."""
    U = pmns_matrices(theta12, theta13, theta23, delta_cp)
    dm21, dm31 = (np.broadcast_to(np.asarray(x, dtype=float), U.shape[:-2])
                  for x in (dm21_eV2, dm31_eV2))
    d = np.stack([np.zeros_like(dm21), dm21, dm31], axis=-1) * _EV2_TO_GEV2
    M = (U * d[..., None, :]) @ np.conj(np.swapaxes(U, -1, -2))
    return 0.5 * (M + np.conj(np.swapaxes(M, -1, -2)))
