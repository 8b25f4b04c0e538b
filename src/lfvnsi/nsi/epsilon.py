"""NSI matrices epsilon^f_ab of the model, contact limit and light-mediator form.

Every eps of this package is the standard vector eps^V of the oscillation and CEvNS literature
(REFERENCE R.1.2, F11):

    L_NSI = -2 sqrt2 G_F sum_{P = L, R} eps^{fP}_ab (nu_a-bar gamma^mu P_L nu_b)(f-bar gamma_mu P f),
    eps^V = eps^L + eps^R,

so that the matter potential is V_ab = sqrt2 G_F N_f eps^V_ab and eps^V shifts the vector coupling
g_V^f of the Standard-Model neutral current. Z' exchange between g_f f-bar gamma f and
(g_nu)_ab nu_a-bar gamma P_L nu_b gives eps^L = eps^R = g_f (g_nu)_ab / (2 sqrt2 G_F m_Z'^2), which
is the paper's Eq. 6 (its Eq. 1 puts the whole vector current after 2 sqrt2 G_F eps), hence

    eps^V_ab = g_f (g_nu)_ab / (sqrt2 G_F m_Z'^2)     (twice the paper's Eq. 6).

(g_nu)_ab is the total left-handed neutrino coupling: the psi-induced g_nu of the spectrum plus the
flavour-diagonal gauged coupling -a_l g_B (R.4.3). eps is Hermitian in flavour; each eps^f is
normalised to the number density of f. ``contact_eps`` is the one place where a vector boson is
integrated out; applied to the Standard-Model W and Z it gives the textbook potentials (tests).

References: paper Eqs. 1, 6, 23; REFERENCE.md R.1.2, R.4.3, R.4.5, R.4.6, R.4.8, F11.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike

from lfvnsi.constants import standard_model
from lfvnsi.couplings import Couplings, compute_couplings
from lfvnsi.couplings.matter import MatterCouplings, matter_couplings
from lfvnsi.model.parameters import Parameters
from lfvnsi.spectrum import compute_spectrum

__all__ = ["NSI", "NSI_FERMIONS", "compute_nsi", "contact_eps", "eps_per_unit_coupling",
           "nsi_from_couplings"]

#: Matter fields of the NSI matrices, in the order of the JSON document.
NSI_FERMIONS = ("e", "u", "d", "p", "n")


def contact_eps(g_nu: ArrayLike, g_f_left: ArrayLike, g_f_right: ArrayLike,
                m_mediator: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """(eps^L, eps^R) of a vector boson of mass m exchanged at |q^2| << m^2.

    The boson couples to g_nu nu-bar gamma P_L nu and to g_L f-bar gamma P_L f + g_R f-bar gamma
    P_R f. Its tree-level exchange is L_eff = -(g_nu g_P / m^2) (nu-bar gamma P_L nu)(f-bar gamma P
    f) for each chirality P; matching to L_NSI of the module docstring gives
    eps^P = g_nu g_P / (2 sqrt2 G_F m^2). The vector eps^V that enters the Hamiltonian and the
    CEvNS weak charge is eps^L + eps^R.

    References: REFERENCE.md R.1.2, R.4.5, F11.
    """
    denominator = 2.0 * np.sqrt(2.0) * standard_model().G_F * np.asarray(m_mediator, dtype=float) ** 2
    g_nu = np.asarray(g_nu)
    return g_nu * np.asarray(g_f_left) / denominator, g_nu * np.asarray(g_f_right) / denominator


def eps_per_unit_coupling(m_zprime: ArrayLike) -> np.ndarray:
    """eps^V of a vector Z' with g_f g_nu = 1: 1/(sqrt2 G_F m_Z'^2) (``contact_eps`` with g_L = g_R).

    References: REFERENCE.md R.4.5 (F11: twice the paper's Eq. 6 factor 1/(2 sqrt2 G_F m_Z'^2)).
    """
    eps_L, eps_R = contact_eps(1.0, 1.0, 1.0, m_zprime)
    return eps_L + eps_R


@dataclass(frozen=True)
class NSI:
    """NSI matrices of a batch of points.

    Attributes
    ----------
    g_f : f -> (...,) vector coupling of each fermion of ``NSI_FERMIONS``.
    scale : (...,) 1/(sqrt2 G_F m_Z'^2) (dimensionless): eps^f = g_f scale g_nu_total.
    m_zprime : (...,) GeV.
    g_nu_total : (..., 3, 3) the total left-handed neutrino Z' coupling used.
    flavours : (alpha, beta) indices of the flavour pair of the model.
    """

    g_f: dict[str, np.ndarray]
    scale: np.ndarray
    m_zprime: np.ndarray
    g_nu_total: np.ndarray
    flavours: tuple[int, int]

    @cached_property
    def eps(self) -> dict[str, np.ndarray]:
        """f -> (..., 3, 3) complex Hermitian eps^V of f in the contact limit (q^2 = 0), flavour
        order (e, mu, tau), normalised to the number density of f (R.4.5)."""
        return {f: (self.g_f[f] * self.scale)[..., None, None] * self.g_nu_total
                for f in NSI_FERMIONS}

    @property
    def eps_paper_convention(self) -> dict[str, np.ndarray]:
        """The same matrices in the paper's Eq. 1/Eq. 6 normalisation: eps^L = eps^R = eps^V / 2.

        Only for comparing with numbers printed in the paper; every bound, Hamiltonian and weak
        charge uses ``eps`` (REFERENCE F11).
        """
        return {f: 0.5 * e for f, e in self.eps.items()}

    def matter(self, Y_n: float | np.ndarray) -> np.ndarray:
        """(..., 3, 3) eps of neutral matter normalised to the electron density.

        eps^m = eps^e + eps^p + Y_n eps^n with Y_n = N_n/N_e (N_p = N_e in neutral matter); this
        is the matrix that multiplies sqrt2 G_F N_e in the flavour Hamiltonian. Forward
        scattering has q^2 = 0, so the contact eps applies even for a light Z'.

        References: REFERENCE.md R.4.7.
        """
        Y = np.asarray(Y_n, dtype=float)[..., None, None]
        return self.eps["e"] + self.eps["p"] + Y * self.eps["n"]

    def nucleus(self, Z: float, N: float) -> np.ndarray:
        """(..., 3, 3) coherent NSI charge of a nucleus, Z eps^p + N eps^n (R.4.9 at q^2 = 0)."""
        return Z * self.eps["p"] + N * self.eps["n"]

    def at_momentum_transfer(self, Q2: float | np.ndarray) -> dict[str, np.ndarray]:
        """eps^f(Q^2) = eps^f m_Z'^2/(m_Z'^2 + Q^2), Q^2 = -q^2 >= 0 in GeV^2 (t-channel Z').

        ``Q2`` broadcasts against the batch shape. References: REFERENCE.md R.4.8.
        """
        m2 = self.m_zprime**2
        factor = (m2 / (m2 + np.asarray(Q2, dtype=float)))[..., None, None]
        return {f: factor * e for f, e in self.eps.items()}

    def schwarz_ratio(self, fermion: str = "u") -> np.ndarray:
        """(...,) |eps_ab|^2 / |eps_aa eps_bb| for the model's pair (a, b) = (alpha, beta).

        Earlier models obey a Cauchy-Schwarz bound, ratio <= 1 (paper Eqs. 2-3); here the diagonal
        entries can vanish, and the ratio is then +inf (the paper's headline claim).
        """
        a, b = self.flavours
        g, factor = self.g_nu_total, np.abs(self.g_f[fermion] * self.scale) ** 2
        num = factor * np.abs(g[..., a, b]) ** 2  # eps = g_f scale g_nu_total
        den = factor * np.abs(g[..., a, a] * g[..., b, b])
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0),
                            np.where(num > 0, np.inf, np.nan))


def nsi_from_couplings(g_nu: np.ndarray, matter: MatterCouplings, m_zprime: np.ndarray,
                       flavours: tuple[int, int] = (0, 1)) -> NSI:
    """NSI matrices from the psi-induced g_nu (..., 3, 3) and the matter couplings.

    References: paper Eq. 6; REFERENCE.md R.4.3, R.4.5, F11.
    """
    total = np.array(g_nu, dtype=complex)
    idx = np.arange(3)
    total[..., idx, idx] += matter.g_nu_diagonal
    scale = eps_per_unit_coupling(m_zprime)
    g_f = {f: np.asarray(matter.g[f], dtype=float) for f in NSI_FERMIONS}
    return NSI(g_f, scale, np.asarray(m_zprime, dtype=float), total, flavours)


def compute_nsi(params: Parameters, couplings: Couplings | None = None) -> NSI:
    """NSI matrices of ``params`` (spectrum and couplings computed unless given).

    References: paper Eqs. 6, 23; REFERENCE.md R.4.5, R.4.6.
    """
    if couplings is None:
        couplings = compute_couplings(params, compute_spectrum(params))
    return nsi_from_couplings(couplings.g_nu, matter_couplings(params), params.m_zprime,
                              couplings.spectrum.flavours)
