"""Helpers: the reference data folders and the conventions of the codes behind them.

Every reference code was run with its own constants; to compare at full precision we hand our
engine the same V_CC and the same baseline in natural units, by rescaling density and length
(exactly what the reference authors did for the peer codes; the data's SOURCES.md and the JSON
``constants`` blocks give them).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from lfvnsi.oscillation.matter import km_to_per_GeV, potential_per_density_GeV

#: Vendored reference data, each folder with its SOURCES.md (origin, commit, licence, SHA-256).
DATA = Path(__file__).resolve().parents[1] / "data"
REFERENCE_DIR = DATA / "nuoscprobexact-reference-values"
PREM_DIR = DATA / "prem"

# NuOscProbExact 1.13 globaldefs (the convention of the mpmath, GLoBES, NuFast and Prob3++
# fixtures): 1 km = 5.06773e9 eV^-1 and N_e = rho Y_e / ((m_p + m_n)/2).
NOPE_KM_PER_EV = 5.06773e9
NOPE_G_TO_EV = 1.0 / 1.78266192e-33
NOPE_NUCLEON_EV = (938.272046e6 + 939.565379e6) / 2.0
NOPE_GF = 1.1663787e-23


def nope_potential_eV(density: float, Ye: float = 0.5) -> float:
    """NuOscProbExact's V_CC (eV) for a density in g/cm^3."""
    n_e = density * NOPE_G_TO_EV / NOPE_NUCLEON_EV * Ye / (NOPE_KM_PER_EV * 1e-5) ** 3
    return math.sqrt(2.0) * NOPE_GF * n_e


def density_scale(potential_eV_per_g_cm3_at_half: float) -> float:
    """Factor on the density so that our V equals a code's V (both at Y_e = 1/2)."""
    return potential_eV_per_g_cm3_at_half / (potential_per_density_GeV() * 0.5 * 1e9)


def length_scale(km_in_inverse_eV: float) -> float:
    """Factor on a baseline in km so that our L (GeV^-1) equals a code's L."""
    return km_in_inverse_eV * 1e9 / km_to_per_GeV()


NOPE_DENSITY_SCALE = density_scale(nope_potential_eV(1.0))
NOPE_LENGTH_SCALE = length_scale(NOPE_KM_PER_EV)


def load_reference(name: str) -> Any:
    path = REFERENCE_DIR / name
    return json.loads(path.read_text(encoding="utf-8")) if name.endswith(".json") else \
        path.read_text(encoding="utf-8")
