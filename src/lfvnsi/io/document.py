"""The JSON document of one evaluated point (DESIGN.md "The public contract").

Complex matrices are written as ``{"re": [[...]], "im": [[...]]}``; masses in GeV unless the key
says otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lfvnsi.couplings import Couplings
from lfvnsi.couplings.matter import MATTER_FERMIONS
from lfvnsi.model.parameters import FLAVOURS, Parameters
from lfvnsi.nsi import NSI_FERMIONS
from lfvnsi.pipeline import Results
from lfvnsi.spectrum import Spectrum

__all__ = ["coupling_notes", "matrix_json", "matter_notes", "point_document"]


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
        ratio = f"ratio {off / estimate:.6f}" if estimate else "no ratio: the estimate vanishes"
        notes.append(
            f"|(g_nu)_{pair}| = {off:.6g} = {off / g_psi:.6g} g_psi; the paper's Eq. 15 estimate "
            f"g_psi sin(alpha) sin(beta) = {estimate:.6g} ({ratio}; the difference is the "
            f"flavour projection, O(Theta^2), REFERENCE 4.6).")
        if params.mu_21 == 0 and params.mu_21R == 0:
            notes.append(f"Z2 exact (mu_21 = 0): no diagonal coupling, max|(g_nu)_ff| = {diag:.3g}.")
        else:
            share = f"{diag / off:.3g} of the off-diagonal one" if off else "no off-diagonal one"
            notes.append(f"Z2 broken by mu_21: max|(g_nu)_ff| = {diag:.3g} ({share}).")
    return notes


def matter_notes(results: Results) -> list[str]:
    """Consistency of the matter coupling scheme (REFERENCE F8, section 2.11; paper Eq. 20)."""
    p, m = results.params, results.matter
    notes = []
    if p.matter == "gauged":
        a = (float(p.a_e), float(p.a_mu), float(p.a_tau))
        if not bool(m.yukawa_invariant):
            notes.append(
                f"gauged U(1)' = B - sum a_l L_l with a_{p.alpha} = {a[FLAVOURS.index(p.alpha)]:g}, "
                f"a_{p.beta} = {a[FLAVOURS.index(p.beta)]:g}: the Yukawas lambda N~_R H L of Eq. 10 "
                f"are not U(1)'-invariant unless a_alpha = a_beta = 0 (REFERENCE F8).")
        if not bool(m.anomaly_free):
            notes.append(f"a_e + a_mu + a_tau = {sum(a):g} != 3: the [SU(2)]^2 U(1)' anomaly needs "
                         f"new chiral doublets (paper below Eq. 20).")
        else:
            notes.append("a_e + a_mu + a_tau = 3: no new doublets needed; [U(1)']^3 and the "
                         "gravitational anomaly still need singlets, e.g. a right-handed nu of "
                         "charge -a (REFERENCE 2.11).")
        notes.append("g_psi and g_B are independent inputs, as in the paper, although both belong "
                     "to the same U(1)': their ratio is the psi/baryon charge ratio.")
    else:
        notes.append("kinetic mixing: the Z' couples to the electromagnetic current, so the NSI of "
                     "any neutral medium cancel (eps^e + eps^p = 0, eps^n = 0) while CEvNS sees "
                     "Z eps^p (paper section II B); g_B and a_l are not used.")
    return notes


def _scalar(x: Any) -> float:
    return float(np.asarray(x))


def point_document(results: Results) -> dict[str, Any]:
    """JSON-ready document of one point: ``inputs``, ``spectrum``, ``couplings``, ``nsi``,
    ``observables`` (DESIGN.md "The public contract")."""
    params, s, c = results.params, results.spectrum, results.couplings
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
            "g_f": {f: _scalar(results.matter.g[f]) for f in MATTER_FERMIONS},
            "g_nu_total": matrix_json(results.nsi.g_nu_total),
            "notes": coupling_notes(params, s, c) + matter_notes(results),
        },
        "nsi": {
            "eps": {f: matrix_json(results.nsi.eps[f]) for f in NSI_FERMIONS},
            "convention": "eps^V = eps^L + eps^R of L = -2 sqrt2 G_F sum_P eps^fP_ab (nu_a gamma P_L "
                          "nu_b)(f gamma P f): matter potential sqrt2 G_F N_f eps^V; Z' exchange "
                          "gives g_f (g_nu)_ab/(sqrt2 G_F m_Z'^2), twice the paper's Eq. 6; contact "
                          "limit, per number density of f; flavour order e, mu, tau (REFERENCE F11)",
            "eps_paper_convention": {f: matrix_json(results.nsi.eps_paper_convention[f])
                                     for f in NSI_FERMIONS},
        },
        "observables": {name: _scalar(v) for name, v in results.observables.items()},
        "per_heavy_state": {name: np.asarray(v).tolist() for name, v in results.per_state.items()},
    }
