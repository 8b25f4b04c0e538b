"""The JSON document of one evaluated point (DESIGN.md "The public contract").

Complex matrices are written as ``{"re": [[...]], "im": [[...]]}``; masses in GeV unless the key
says otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lfvnsi.couplings import Couplings
from lfvnsi.model.parameters import FLAVOURS, Parameters
from lfvnsi.spectrum import Spectrum

__all__ = ["coupling_notes", "matrix_json", "point_document"]


def matrix_json(m: np.ndarray) -> dict[str, list[list[float]]]:
    """A complex matrix as {"re": ..., "im": ...}."""
    m = np.asarray(m)
    return {"re": np.real(m).tolist(), "im": np.imag(m).tolist()}


def coupling_notes(params: Parameters, spectrum: Spectrum, couplings: Couplings) -> list[str]:
    """What a physicist should know about the light-neutrino coupling of this point."""
    a, b = spectrum.flavours
    g = float(np.max(np.abs(couplings.g_nu)))
    off = float(couplings.g_nu_offdiagonal)
    diag = float(couplings.g_nu_diagonal_max)
    g_psi = float(params.g_psi)
    pair = f"{FLAVOURS[a]}{FLAVOURS[b]}"
    notes = []
    if params.texture == "paper":
        notes.append(
            f"texture 'paper' (Eqs. 10-14 as written): the massless light states contain no psi at "
            f"mu = 0, so the Z' does not couple to them (REFERENCE F1, TEXTURES.md); what is left "
            f"is mu-suppressed: max|g_nu| = {g:.3g} = {g / g_psi:.3g} g_psi. Eq. 15 does not follow "
            f"for this texture; use texture 'consistent' (lnc).")
    else:
        estimate = g_psi * float(spectrum.sin_alpha * spectrum.sin_beta)
        ratio = off / estimate if estimate else float("nan")
        notes.append(
            f"|(g_nu)_{pair}| = {off:.6g} = {off / g_psi:.6g} g_psi; the paper's Eq. 15 estimate "
            f"g_psi sin(alpha) sin(beta) = {estimate:.6g} (ratio {ratio:.6f}; the difference is the "
            f"flavour projection, O(Theta^2), REFERENCE 4.6).")
        if params.mu_21 == 0 and params.mu_21R == 0:
            notes.append(f"Z2 exact (mu_21 = 0): no diagonal coupling, max|(g_nu)_ff| = {diag:.3g}.")
        else:
            notes.append(f"Z2 broken by mu_21: max|(g_nu)_ff| = {diag:.3g} "
                         f"({diag / off if off else float('inf'):.3g} of the off-diagonal one).")
    return notes


def point_document(params: Parameters, spectrum: Spectrum, couplings: Couplings) -> dict[str, Any]:
    """JSON-ready document of one point: ``inputs``, ``spectrum``, ``couplings``."""
    s, c = spectrum, couplings
    masses = np.asarray(s.masses)
    return {
        "inputs": params.to_dict(),
        "spectrum": {
            "masses_GeV": np.sort(masses).tolist(),
            "light_masses_eV": np.asarray(s.light_masses_eV).tolist(),
            "heavy_masses_GeV": np.asarray(s.heavy_masses).tolist(),
            "basis": list(s.basis),
            "mixing": matrix_json(s.mixing),
            "sin_alpha": float(s.sin_alpha),
            "sin_alpha_prime": float(s.sin_alpha_prime),
            "sin_beta": float(s.sin_beta),
            "sin_beta_prime": float(s.sin_beta_prime),
            "active_heavy_mixing_squared": dict(
                zip(FLAVOURS, np.asarray(s.active_heavy_mixing_squared).tolist())),
            "non_unitarity": matrix_json(s.non_unitarity),
        },
        "couplings": {
            "g_nu": matrix_json(c.g_nu),
            "g_nu_mass_basis": matrix_json(c.g_nu_mass_basis),
            "g_nu_estimate": matrix_json(c.g_nu_estimate),
            "g_nu_offdiagonal": float(c.g_nu_offdiagonal),
            "g_nu_diagonal_max": float(c.g_nu_diagonal_max),
            "zprime_mass_basis": matrix_json(c.zprime),
            "notes": coupling_notes(params, s, c),
        },
    }
