"""Z' decays: neutral leptons (every pair of mass eigenstates), charged leptons, hadrons.

The neutral-lepton couplings are the mass-basis matrix G of the total left-handed current (psi
part g_psi U^dagger Q U plus the flavour-diagonal gauged part), and every mass eigenstate is a
Majorana field (lnc Dirac pairs are pairs of degenerate Majoranas, whose sum gives the Dirac
result). For a pair k != l the vertex is c_L = G_kl, c_R = -G_kl^*, for k = l the width carries a
1/2; so Gamma(Z' -> neutral) = (1/2) sum_{k,l open} F_kl with F from R.5.2. For massless light
states this is m_Z'/(24 pi) sum_ab |G_ab|^2, REFERENCE R.5.4.

References: REFERENCE.md sections 5.1-5.2 (R.5.2, R.5.4, R.5.5), paper section II A 3.
"""

from __future__ import annotations

import numpy as np

from lfvnsi.constants import standard_model
from lfvnsi.observables.hadrons import hadronic_widths
from lfvnsi.observables.widths import width_vector_to_fermions

__all__ = ["ZprimeWidths", "zprime_widths"]

_N_LIGHT = 3


def _pair_widths(M: np.ndarray, G: np.ndarray, masses: np.ndarray) -> np.ndarray:
    """(..., n, n) F_kl of R.5.2 with the Majorana couplings c_L = G_kl, c_R = -G_kl^*."""
    mk = masses[..., :, None]
    ml = masses[..., None, :]
    return width_vector_to_fermions(M[..., None, None], mk, ml, G, -np.conj(G))


class ZprimeWidths(dict):
    """Partial widths of the Z' (GeV) by channel, with ``total`` and branching ratios."""

    @property
    def total(self) -> np.ndarray:
        return self["total"]

    def br(self, channel: str) -> np.ndarray:
        """Branching ratio of a channel (0 where the total width vanishes)."""
        tot = self["total"]
        return np.divide(self[channel], tot, out=np.zeros_like(tot), where=tot > 0)


def zprime_widths(m_zprime: np.ndarray, G: np.ndarray, masses: np.ndarray,
                  g: dict[str, np.ndarray]) -> ZprimeWidths:
    """All Z' partial widths.

    Parameters
    ----------
    m_zprime : (...,) GeV.
    G : (..., n, n) total Z' coupling of the neutral mass eigenstates (left-handed current).
    masses : (..., n) neutral-lepton masses, three light first (GeV).
    g : matter vector couplings, keys ``e, mu, tau, u, d`` (``couplings.matter``).

    Returns
    -------
    ZprimeWidths with ``nu_nu`` (light-light, invisible), ``nu_N`` (channels with a heavy state,
    open only when some heavy mass is below m_Z'), ``e_e``, ``mu_mu``, ``tau_tau``, ``hadrons``
    (and its channels ``hadrons:<name>``), ``total``.

    References: REFERENCE.md R.5.2, R.5.4, R.5.5; section 5.2.
    """
    sm = standard_model()
    M = np.asarray(m_zprime, dtype=float)
    out = ZprimeWidths()
    light = slice(0, _N_LIGHT)
    F_light = _pair_widths(M, G[..., light, light], masses[..., light])
    out["nu_nu"] = 0.5 * np.sum(F_light, axis=(-1, -2))
    with_heavy = np.zeros(M.shape)
    open_ = np.min(masses[..., _N_LIGHT:], axis=-1) < M
    if np.any(open_):  # only points where a heavy state is lighter than the Z'
        F = _pair_widths(M[open_], G[open_], masses[open_])
        with_heavy[open_] = 0.5 * (np.sum(F, axis=(-1, -2)) - np.sum(F[..., light, light],
                                                                    axis=(-1, -2)))
    out["nu_N"] = with_heavy
    for lepton, mass in (("e", sm.m_e), ("mu", sm.m_mu), ("tau", sm.m_tau)):
        c = g[lepton]
        out[f"{lepton}_{lepton}"] = width_vector_to_fermions(M, mass, mass, c, c)
    had = hadronic_widths(M, g["u"], g["d"], g["d"])  # g_s = g_d in both matter schemes
    out["hadrons"] = had["total"]
    for channel, width in had.items():
        if channel != "total":
            out[f"hadrons:{channel}"] = width
    out["total"] = (out["nu_nu"] + out["nu_N"] + out["e_e"] + out["mu_mu"] + out["tau_tau"]
                    + out["hadrons"])
    return out
