"""Couplings of the Z' to matter: gauged B - sum_l a_l L_l, and kinetic mixing with hypercharge.

Every coupling is a vector coupling, L ⊃ g_f Z'_mu f-bar gamma^mu f (paper Eq. 4), except the
flavour-diagonal neutrino coupling of the gauged scheme, which multiplies the left-handed current
nu-bar gamma^mu P_L nu like (g_nu)_ab (REFERENCE section 1).

References: paper Eqs. 20-22; REFERENCE.md section 4.2 (R.4.2-R.4.4), F5, F8, section 2.11.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from lfvnsi.constants import standard_model
from lfvnsi.model.parameters import FLAVOURS, Parameters

__all__ = ["MATTER_FERMIONS", "MatterCouplings", "matter_couplings"]

#: Matter fields with a vector coupling, in the order of the JSON document.
MATTER_FERMIONS = ("e", "mu", "tau", "u", "d", "p", "n")

# Electric charge Q and baryon number B of each field; nucleons are uud and udd, summed in exact
# fractions so that Q_n = 0 and B_p = B_n = 1 hold exactly (neutral matter cancels exactly).
_QUARKS = {"u": (Fraction(2, 3), Fraction(1, 3)), "d": (Fraction(-1, 3), Fraction(1, 3))}
_CONTENT = {"u": {"u": 1}, "d": {"d": 1}, "p": {"u": 2, "d": 1}, "n": {"u": 1, "d": 2}}
_Q = {f: float(sum(k * _QUARKS[q][0] for q, k in c.items())) for f, c in _CONTENT.items()}
_B = {f: float(sum(k * _QUARKS[q][1] for q, k in c.items())) for f, c in _CONTENT.items()}


@dataclass(frozen=True)
class MatterCouplings:
    """Z' couplings to matter for a batch of points.

    Attributes
    ----------
    g : vector coupling of each field of ``MATTER_FERMIONS``, arrays of the batch shape;
        nucleons are coherent sums of quarks, g_p = 2 g_u + g_d, g_n = g_u + 2 g_d.
    g_nu_diagonal : (..., 3) flavour-diagonal Z' coupling of the left-handed neutrinos
        (e, mu, tau) from the gauged U(1)' (-a_l g_B); zero for kinetic mixing at this order.
    anomaly_free : (...,) bool, a_e + a_mu + a_tau = 3 (no new doublets needed; paper below
        Eq. 20). The [U(1)']^3 and gravitational anomalies still need singlets (REFERENCE 2.11).
    yukawa_invariant : (...,) bool, a_alpha = a_beta = 0, which gauge invariance of the Yukawas
        lambda_alpha N~_1R H L_alpha with a U(1)'-neutral N~ requires (REFERENCE F8).
    """

    g: dict[str, np.ndarray]
    g_nu_diagonal: np.ndarray
    anomaly_free: np.ndarray
    yukawa_invariant: np.ndarray

    @property
    def g_q(self) -> np.ndarray:
        """Quark coupling g_u (= g_d = g_B/3 in the gauged scheme)."""
        return self.g["u"]


def matter_couplings(params: Parameters) -> MatterCouplings:
    """Matter couplings of the scheme ``params.matter``.

    ``gauged``: U(1)' = B - sum_l a_l L_l with coupling g_B, so g_u = g_d = g_B/3 and
    g_l = g_{nu_l} = -a_l g_B (R.4.2; the paper writes g_l = a_l g_B, the sign is the one inside
    its Eq. 23). ``kinetic``: -(eps/2) Z'_{mu nu} B^{mu nu} gives g_f = eps e c_W Q_f (R.4.4, in
    the standard normalisation; the paper's delta = -eps/2, F5), no neutrino coupling at
    O(eps m_Z'^2/m_Z^2). In the gauged scheme a non-zero ``kinetic_mixing`` adds its
    eps e c_W Q_f on top (a loop-induced mixing, REFERENCE 4.2b), so the two schemes nest.

    As the paper does, g_psi and g_B are independent inputs, although in the gauged scheme both
    are the coupling of the same U(1)' times a charge: g_psi/g_B is then the ratio of the psi and
    baryon charges, which must be large for g_psi >> g_B (allowed, but a model-building choice).

    References: paper Eqs. 20-22; REFERENCE.md R.4.2-R.4.4, F5, F8.
    """
    p = params
    sm = standard_model()
    e_cw = sm.e * np.sqrt(1.0 - sm.sin2_theta_w_msbar_mz)
    a = np.stack([p.a_e, p.a_mu, p.a_tau], axis=-1)
    gauged = p.matter == "gauged"
    g_B = p.g_B if gauged else np.zeros(p.shape)
    g: dict[str, np.ndarray] = {}
    for i, lepton in enumerate(FLAVOURS):
        g[lepton] = -p.kinetic_mixing * e_cw - a[..., i] * g_B + 0.0  # + 0.0: no negative zero
    for f in ("u", "d", "p", "n"):
        g[f] = p.kinetic_mixing * e_cw * _Q[f] + _B[f] * g_B + 0.0
    nu_diagonal = -a * g_B[..., None] + 0.0
    a_alpha, a_beta = a[..., FLAVOURS.index(p.alpha)], a[..., FLAVOURS.index(p.beta)]
    return MatterCouplings(
        g=g,
        g_nu_diagonal=nu_diagonal,
        anomaly_free=np.isclose(np.sum(a, axis=-1), 3.0, rtol=0.0, atol=1e-12),
        yukawa_invariant=(a_alpha == 0) & (a_beta == 0),
    )
