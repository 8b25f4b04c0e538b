"""NSI matrices epsilon^f_ab of the model, contact limit and light-mediator form.

Normalisation (paper Eq. 1 with the chirality made explicit, REFERENCE R.1.2):
L_NSI = -2 sqrt2 G_F eps^f_ab (nu_a-bar gamma^mu P_L nu_b)(f-bar gamma_mu f), so that Z' exchange
gives eps^f_ab = g_f (g_nu)_ab / (2 sqrt2 G_F m_Z'^2) (paper Eq. 6, R.4.5), with (g_nu)_ab the
total left-handed neutrino coupling: the psi-induced g_nu of the spectrum plus the flavour-diagonal
gauged coupling -a_l g_B (R.4.3). eps is Hermitian in flavour; each eps^f is normalised to the
number density of f.

References: paper Eqs. 1, 6, 23; REFERENCE.md R.1.2, R.4.3, R.4.5, R.4.6, R.4.8.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lfvnsi.constants import standard_model
from lfvnsi.couplings import Couplings, compute_couplings
from lfvnsi.couplings.matter import MatterCouplings, matter_couplings
from lfvnsi.model.parameters import Parameters
from lfvnsi.spectrum import compute_spectrum

__all__ = ["NSI", "NSI_FERMIONS", "compute_nsi", "nsi_from_couplings"]

#: Matter fields of the NSI matrices, in the order of the JSON document.
NSI_FERMIONS = ("e", "u", "d", "p", "n")


@dataclass(frozen=True)
class NSI:
    """NSI matrices of a batch of points.

    Attributes
    ----------
    g_f : f -> (...,) vector coupling of each fermion of ``NSI_FERMIONS``.
    scale : (...,) 1/(2 sqrt2 G_F m_Z'^2) (dimensionless): eps^f = g_f scale g_nu_total.
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
        """f -> (..., 3, 3) complex Hermitian eps^f_ab in the contact limit (q^2 = 0), flavour
        order (e, mu, tau), normalised to the number density of f (R.4.5)."""
        return {f: (self.g_f[f] * self.scale)[..., None, None] * self.g_nu_total
                for f in NSI_FERMIONS}

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

    References: paper Eq. 6; REFERENCE.md R.4.3, R.4.5.
    """
    G_F = standard_model().G_F
    total = np.array(g_nu, dtype=complex)
    idx = np.arange(3)
    total[..., idx, idx] += matter.g_nu_diagonal
    scale = 1.0 / (2.0 * np.sqrt(2.0) * G_F * np.asarray(m_zprime, dtype=float) ** 2)
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
