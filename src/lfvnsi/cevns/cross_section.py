"""CEvNS differential cross section with the SM weak charge, contact NSI and a light Z'.

For an incoming nu_alpha on a spin-0 nucleus (Z, N), summed incoherently over the final flavour
beta (REFERENCE R.4.9):

    dsigma_alpha/dT = G_F^2 M/pi (1 - T/E - M T/(2 E^2)) F^2(Q^2)
                      sum_beta | delta_ab Q_SM + Z eps^p_ba(Q^2) + N eps^n_ba(Q^2) |^2,

with Q_SM = Z g_V^p + N g_V^n, g_V^p = 1/2 - 2 sin^2(theta_W), g_V^n = -1/2, Q^2 = 2 M T, and the
light-mediator form eps(Q^2) = eps(0) m_Z'^2/(m_Z'^2 + Q^2) (R.4.8); a contact interaction is the
limit m_Z' -> infinity. The nucleon matrices are built from the quark ones by the valence content,
eps^p = 2 eps^u + eps^d and eps^n = eps^u + 2 eps^d (R.4.5). Antineutrinos see eps* (R.4.9),
which leaves every sum over beta unchanged for a Hermitian eps, so one weight serves nu and nu-bar.

Because the flavour structure enters only through sum_beta |...|^2, every rate is
Q_SM^2 S_0 + 2 Q_SM Re(P_aa) S_1 + sum_beta |P_ba|^2 S_2 with P = Z eps^p + N eps^n at q^2 = 0 and
S_k = int (m^2/(m^2 + Q^2))^k (...) dT: the coupling-independent integrals are computed once.

References: REFERENCE.md R.1.2, R.4.5, R.4.8, R.4.9; hep-ph/0508299 (CEvNS with NSI).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lfvnsi.cevns.nuclei import Nucleus
from lfvnsi.constants import standard_model

__all__ = [
    "QUARK_CONTENT",
    "CEvNSCouplings",
    "differential_cross_section",
    "flavour_weight",
    "kinematic_factor",
    "mediator_factor",
    "nucleon_eps",
    "nucleus_charge",
    "recoil_max",
    "weak_charge",
]

#: Valence quark content of the nucleons, which builds eps^p and eps^n from eps^u and eps^d.
QUARK_CONTENT = {"p": {"u": 2, "d": 1}, "n": {"u": 1, "d": 2}}


@dataclass(frozen=True)
class CEvNSCouplings:
    """NSI with quarks for a batch of points: contact matrices and an optional mediator mass.

    Attributes
    ----------
    eps_u, eps_d : (..., 3, 3) complex Hermitian eps^u_ab, eps^d_ab at q^2 = 0, flavour order
        (e, mu, tau), normalisation of REFERENCE R.1.2.
    m_zprime : (...,) mediator mass in GeV, or None for a contact interaction.
    """

    eps_u: np.ndarray
    eps_d: np.ndarray
    m_zprime: np.ndarray | None = None

    @classmethod
    def standard_model(cls) -> CEvNSCouplings:
        """No NSI."""
        zero = np.zeros((3, 3), dtype=complex)
        return cls(zero, zero.copy(), None)

    @classmethod
    def from_arrays(cls, eps_u: object, eps_d: object, m_zprime: object = None) -> CEvNSCouplings:
        """Validated couplings: Hermitian (..., 3, 3) matrices broadcast to one batch shape."""
        u = np.asarray(eps_u, dtype=complex)
        d = np.asarray(eps_d, dtype=complex)
        if u.shape[-2:] != (3, 3) or d.shape[-2:] != (3, 3):
            raise ValueError("eps_u and eps_d must be (..., 3, 3) matrices")
        for name, e in (("eps_u", u), ("eps_d", d)):
            if not np.allclose(e, np.conj(np.swapaxes(e, -1, -2)), rtol=1e-12, atol=1e-15):
                raise ValueError(f"{name} must be Hermitian")
        shape = np.broadcast_shapes(u.shape[:-2], d.shape[:-2])
        m = None
        if m_zprime is not None:
            m = np.asarray(m_zprime, dtype=float)
            if np.any(~(m > 0)):
                raise ValueError("m_zprime must be positive (None means a contact interaction)")
            shape = np.broadcast_shapes(shape, m.shape)
            m = np.broadcast_to(m, shape)
        u = np.broadcast_to(u, shape + (3, 3))
        d = np.broadcast_to(d, shape + (3, 3))
        return cls(u, d, m)

    @property
    def shape(self) -> tuple[int, ...]:
        """Batch shape."""
        return self.eps_u.shape[:-2]


def nucleon_eps(eps_u: np.ndarray, eps_d: np.ndarray, nucleon: str) -> np.ndarray:
    """eps^p or eps^n from the quark matrices by valence content (eps^p = 2u + d, eps^n = u + 2d).

    References: REFERENCE.md R.4.5.
    """
    content = QUARK_CONTENT[nucleon]
    return content["u"] * np.asarray(eps_u) + content["d"] * np.asarray(eps_d)


def nucleus_charge(couplings: CEvNSCouplings, nuc: Nucleus) -> np.ndarray:
    """(..., 3, 3) P = Z eps^p + N eps^n at q^2 = 0, the NSI charge of the nucleus (R.4.9)."""
    return (nuc.Z * nucleon_eps(couplings.eps_u, couplings.eps_d, "p")
            + nuc.N * nucleon_eps(couplings.eps_u, couplings.eps_d, "n"))


def weak_charge(nuc: Nucleus, sin2_theta_w: float | None = None) -> float:
    """Q_SM = Z g_V^p + N g_V^n (tree level; g_V^p = 1/2 - 2 s_W^2, g_V^n = -1/2).

    ``sin2_theta_w`` defaults to the low-energy MS-bar value of ``constants.toml``. Note
    Q_SM = -Q_W/2 with the usual weak charge Q_W = N - (1 - 4 s_W^2) Z.

    References: REFERENCE.md R.4.9.
    """
    s2 = standard_model().sin2_theta_w_low_energy if sin2_theta_w is None else sin2_theta_w
    return nuc.Z * (0.5 - 2.0 * s2) + nuc.N * (-0.5)


def recoil_max(E: np.ndarray | float, M: float) -> np.ndarray:
    """Largest recoil energy T_max = 2 E^2/(M + 2 E) in GeV for neutrino energy E (GeV).

    References: elastic two-body kinematics, the zero of the factor of REFERENCE.md R.4.9.
    """
    E = np.asarray(E, dtype=float)
    return 2.0 * E**2 / (M + 2.0 * E)


def kinematic_factor(E: np.ndarray | float, T: np.ndarray | float, M: float) -> np.ndarray:
    """1 - T/E - M T/(2 E^2), zero beyond the kinematic endpoint (R.4.9)."""
    E = np.asarray(E, dtype=float)
    T = np.asarray(T, dtype=float)
    return np.maximum(1.0 - T / E - M * T / (2.0 * E**2), 0.0)


def mediator_factor(m_zprime: np.ndarray | None, Q2: np.ndarray) -> np.ndarray:
    """m^2/(m^2 + Q^2) (broadcast (..., 1) against Q2), or 1 for a contact interaction (R.4.8)."""
    Q2 = np.asarray(Q2, dtype=float)
    if m_zprime is None:
        return np.ones_like(Q2)
    m2 = np.asarray(m_zprime, dtype=float)[..., None] ** 2
    return m2 / (m2 + Q2)


def flavour_weight(couplings: CEvNSCouplings, nuc: Nucleus, alpha: int, Q2: np.ndarray,
                   sin2_theta_w: float | None = None) -> np.ndarray:
    """(..., n) sum_beta |delta_ab Q_SM + h(Q^2) P_ba|^2 for incoming flavour ``alpha``.

    ``Q2`` is an (n,) array in GeV^2; h = m^2/(m^2 + Q^2). Equals Q_SM^2 without NSI.

    References: REFERENCE.md R.4.8, R.4.9.
    """
    Q = weak_charge(nuc, sin2_theta_w)
    P = nucleus_charge(couplings, nuc)
    a = np.real(P[..., alpha, alpha])[..., None]
    b = np.sum(np.abs(P[..., :, alpha]) ** 2, axis=-1)[..., None]
    h = mediator_factor(couplings.m_zprime, Q2)
    return Q**2 + 2.0 * Q * a * h + b * h**2


def differential_cross_section(E: np.ndarray | float, T: np.ndarray, nuc: Nucleus, alpha: int,
                               couplings: CEvNSCouplings | None = None,
                               form_factor: str = "helm",
                               sin2_theta_w: float | None = None) -> np.ndarray:
    """dsigma/dT in GeV^-3 for nu_alpha (or nu-bar_alpha) of energy E (GeV) at recoil T (GeV).

    Parameters
    ----------
    E : scalar or array broadcasting against ``T``.
    T : (n,) recoil energies in GeV.
    nuc : target nucleus.
    alpha : incoming flavour index (0, 1, 2 = e, mu, tau).
    couplings : NSI (batch shape S); None is the Standard Model.
    form_factor : ``"helm"`` or ``"klein_nystrand"``.

    Returns
    -------
    (*S, n) array (the broadcast of E and T along the last axis).

    References: REFERENCE.md R.4.9.
    """
    from lfvnsi.cevns.form_factors import form_factor as ff

    T = np.asarray(T, dtype=float)
    couplings = CEvNSCouplings.standard_model() if couplings is None else couplings
    G_F = standard_model().G_F
    M = nuc.mass
    Q2 = 2.0 * M * T
    F = ff(form_factor)(np.sqrt(Q2), nuc.A)
    W = flavour_weight(couplings, nuc, alpha, Q2, sin2_theta_w)
    return G_F**2 * M / np.pi * kinematic_factor(E, T, M) * F**2 * W
