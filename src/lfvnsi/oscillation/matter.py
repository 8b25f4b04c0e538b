"""Units and the matter potential: km, g/cm^3 and eV^2 in; GeV, GeV^-1 and GeV^2 inside.

The charged-current potential of electrons is V = sqrt2 G_F N_e with N_e = Y_e rho / m_u, m_u
the atomic mass unit (rho N_A Y_e: the convention of GLoBES, nuSQuIDS and Prob3++;
NuOscProbExact divides by (m_p + m_n)/2 instead, which gives a V smaller by 0.79%). NSI enter
as H_matter = V (diag(1, 0, 0) + eps^m), eps^m normalised to the electron density (REFERENCE
R.4.7). For antineutrinos V -> -V and eps^m -> (eps^m)*.

Constants come from scipy.constants (CODATA) and lfvnsi.constants (G_F); none is typed here.

References: REFERENCE.md section 4.4 (R.4.7); L. Wolfenstein, Phys. Rev. D 17 (1978) 2369.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import scipy.constants as codata

from lfvnsi.constants import standard_model
from lfvnsi.exceptions import ParameterError

__all__ = ["NORMALISATIONS", "eps_matter_from", "km_to_per_GeV", "matter_potential_GeV",
           "neutron_fraction", "potential_per_density_GeV"]

#: Number densities an epsilon may be normalised to (the field f of eps^f).
NORMALISATIONS = ("e", "p", "n", "u", "d")


@cache
def _hbar_c_GeV_m() -> float:
    return codata.hbar * codata.c / codata.e * 1e-9  # J m -> eV m -> GeV m


def km_to_per_GeV() -> float:
    """One kilometre in GeV^-1 (1 km / (hbar c)), 5.0677e18."""
    return 1e3 / _hbar_c_GeV_m()


@cache
def potential_per_density_GeV() -> float:
    """sqrt2 G_F N_e in GeV for rho Y_e = 1 g/cm^3 (N_e = rho Y_e / m_u), 7.63e-23 GeV."""
    m_u_g = codata.physical_constants["atomic mass constant"][0] * 1e3
    hbar_c_cm = _hbar_c_GeV_m() * 1e2  # GeV cm
    n_e = hbar_c_cm**3 / m_u_g  # electrons per cm^3 -> GeV^3, for rho Y_e = 1 g/cm^3
    return float(np.sqrt(2.0) * standard_model().G_F * n_e)


def matter_potential_GeV(density_g_cm3: float | np.ndarray, Ye: float | np.ndarray
                         ) -> np.ndarray:
    """V = sqrt2 G_F Y_e rho / m_u in GeV (positive: neutrinos)."""
    return potential_per_density_GeV() * np.asarray(density_g_cm3, float) * np.asarray(Ye, float)


def neutron_fraction(Ye: float | np.ndarray) -> np.ndarray:
    """Y_n = N_n/N_e = (1 - Y_e)/Y_e for neutral matter made of nucleons (N_p = N_e)."""
    Ye = np.asarray(Ye, dtype=float)
    if np.any(~(Ye > 0.0) | ~(Ye <= 1.0)):
        raise ParameterError("Ye", Ye.tolist(), "0 < Ye <= 1 (electrons per nucleon)")
    return (1.0 - Ye) / Ye


def eps_matter_from(eps: np.ndarray, normalisation: str, Y_n: float | np.ndarray) -> np.ndarray:
    """Convert eps normalised to the density of f into eps^m normalised to the electrons.

    eps^m = eps^f N_f/N_e with, in neutral matter (N_p = N_e, Y_n = N_n/N_e): N_e/N_e = N_p/N_e
    = 1, N_n/N_e = Y_n, N_u/N_e = 2 + Y_n, N_d/N_e = 1 + 2 Y_n.

    References: REFERENCE.md R.4.7 (and the nucleon relations of section 4.3).
    """
    Y = np.asarray(Y_n, dtype=float)
    ratio = {"e": np.ones_like(Y), "p": np.ones_like(Y), "n": Y, "u": 2.0 + Y, "d": 1.0 + 2.0 * Y}
    if normalisation not in ratio:
        raise ParameterError("normalisation", normalisation, f"one of {', '.join(NORMALISATIONS)}")
    return np.asarray(eps, dtype=complex) * ratio[normalisation][..., None, None]
