"""Active-sterile mixing observables: PMNS non-unitarity, heavy-state mixing, 0nubb.

References: REFERENCE.md sections 3 (Theta^2), 4.6 (N N^dagger), 6 rows 7, 14, 15; paper section
II A 3 (non-unitarity, 0nubb, LHCb B -> pi mu mu); arXiv:1912.03058 (interpolating 0nubb formula).
"""

from __future__ import annotations

import numpy as np

from lfvnsi.constants import standard_model

__all__ = ["effective_majorana_mass", "heavy_mixing_squared", "non_unitarity_eta"]

_N_LIGHT = 3


def non_unitarity_eta(non_unitarity: np.ndarray) -> np.ndarray:
    """(..., 3, 3) eta with N N^dagger = 1 - 2 eta, from ``Spectrum.non_unitarity`` = 1 - N N^dagger."""
    return 0.5 * non_unitarity


def heavy_mixing_squared(mixing: np.ndarray) -> np.ndarray:
    """(..., 3, n_heavy) |U_{l k}|^2 of each heavy state k with each flavour l."""
    return np.abs(mixing[..., :3, _N_LIGHT:]) ** 2


def effective_majorana_mass(masses: np.ndarray, mixing: np.ndarray) -> np.ndarray:
    """(...,) |sum_k U_ek^2 m_k <p^2>/(<p^2> + m_k^2)| in GeV, all mass eigenstates k.

    The interpolating formula of arXiv:1912.03058 with sqrt<p^2> from ``constants.toml``
    (approximate: the nuclear matrix element's momentum dependence is lumped into <p^2>). Light
    states give the usual sum U_ek^2 m_k; the Majorana phases are those of U (Takagi). In the lnc
    version each Dirac pair cancels up to its mu-induced splitting.
    """
    p2 = standard_model().p_0nubb ** 2
    U_e = mixing[..., 0, :]
    return np.abs(np.sum(U_e**2 * masses * p2 / (p2 + masses**2), axis=-1))
