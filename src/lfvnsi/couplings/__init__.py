"""Z' couplings of the neutral leptons: mass basis, and the light block in the flavour basis.

References: REFERENCE.md R.1.1 (G = U^dagger Q U), R.2.8 and section 4.6 (flavour projection),
paper Eqs. 9 and 15.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lfvnsi.backend import resolve
from lfvnsi.model.parameters import Parameters
from lfvnsi.model.textures import MassMatrix, basis_labels
from lfvnsi.model.textures import _charges as charge_matrix
from lfvnsi.spectrum.spectrum import CHUNK, Spectrum

__all__ = ["Couplings", "charge_matrix", "compute_couplings", "couplings_of"]


@dataclass(frozen=True)
class Couplings:
    """Z' couplings of a batch of points.

    Attributes
    ----------
    g_psi : (...,) the U(1)' coupling of psi.
    spectrum : the spectrum they belong to.
    charges : (n, n) U(1)' charges of the left-handed fields (units of g_psi).
    """

    g_psi: np.ndarray
    spectrum: Spectrum
    charges: np.ndarray

    @cached_property
    def _charged(self) -> np.ndarray:
        return np.flatnonzero(np.any(self.charges != 0, axis=0))

    @cached_property
    def zprime(self) -> np.ndarray:
        """(..., n, n) Hermitian g_psi G, G = U^dagger Q U: L ⊃ g_psi Z' G_kl X_k-bar gamma P_L X_l.

        References: REFERENCE.md R.1.1.
        """
        s = self.spectrum
        n = s.masses.shape[-1]
        return self.zprime_of(slice(None)).reshape(s.masses.shape[:-1] + (n, n))

    def zprime_of(self, points: slice) -> np.ndarray:
        """(p, n, n) ``zprime`` of the points ``points`` of the flattened batch (a slice keeps the
        temporaries of a large batch small)."""
        c = self._charged
        Q_c = self.charges[np.ix_(c, c)]
        s = self.spectrum
        n = s.masses.shape[-1]
        vectors = s.vectors.reshape((-1, n, n))[points]
        phases = s.phases.reshape((-1, n))[points]
        g_psi = np.broadcast_to(self.g_psi, s.masses.shape[:-1]).reshape(-1)[points]
        out = np.empty((len(phases), n, n), dtype=complex)
        for start in range(0, len(out), CHUNK):  # chunks keep the temporaries in cache
            part = slice(start, start + CHUNK)
            V_c = vectors[part, c, :]
            # G = diag(theta^*) V^dagger Q V diag(theta): the product stays real for real vectors.
            G = np.conj(np.swapaxes(V_c, -1, -2)) @ Q_c @ V_c
            theta = phases[part]
            out[part] = G * (g_psi[part, None, None] * np.conj(theta)[:, :, None]
                             * theta[:, None, :])
        return out

    @cached_property
    def g_nu(self) -> np.ndarray:
        """(..., 3, 3) light-neutrino Z' coupling in the flavour basis (e, mu, tau).

        The projection onto the flavour fields, g_psi N G_light N^dagger with N the flavour x
        light block of the mixing (REFERENCE section 4.6; DESIGN.md). It depends only on the
        light projector, so it is invariant under rotations inside degenerate light subspaces.
        """
        c = self._charged
        K = self.spectrum.projector_block(c, [0, 1, 2])  # (charged fields) x (flavours)
        Q_c = self.charges[np.ix_(c, c)]
        batch = K.shape[:-2]
        if K.dtype == np.float64 and resolve(self.spectrum.backend, math.prod(batch)) == "compiled":
            from lfvnsi.couplings.kernel import congruence_kernel

            points = math.prod(batch)
            out = np.empty((points, 3, 3))
            congruence_kernel(np.ascontiguousarray(K).reshape(points, len(c), 3), Q_c,
                              np.broadcast_to(self.g_psi, batch).reshape(points), out)
            return out.reshape(batch + (3, 3))
        QK = np.einsum("cd,...db->...cb", Q_c, K)
        # g_ab = sum_c conj(K_ca) (Q K)_cb, by broadcasting over the few charged fields
        g = np.sum(np.conj(K)[..., :, :, None] * QK[..., :, None, :], axis=-3)
        return self.g_psi[..., None, None] * g

    @property
    def g_nu_mass_basis(self) -> np.ndarray:
        """(..., 3, 3) light-light block of g_psi G in the light mass basis (REFERENCE 4.6)."""
        light = self.spectrum.light
        return self.zprime[..., light, light]

    @property
    def g_nu_estimate(self) -> np.ndarray:
        """(..., 3, 3) the paper's Eq. 15, g_psi sin(alpha) sin(beta) at (alpha, beta), (beta, alpha).

        With the exact angles of the spectrum; a leading-order estimate to compare with ``g_nu``.
        """
        s = self.spectrum
        a, b = s.flavours
        est = np.zeros(self.g_psi.shape + (3, 3))
        value = self.g_psi * s.sin_alpha * s.sin_beta
        est[..., a, b] = est[..., b, a] = value
        return est

    @property
    def g_nu_offdiagonal(self) -> np.ndarray:
        """(...,) |(g_nu)_{alpha beta}|, the lepton-flavour-violating coupling of Eq. 5."""
        a, b = self.spectrum.flavours
        return np.abs(self.g_nu[..., a, b])

    @property
    def g_nu_diagonal_max(self) -> np.ndarray:
        """(...,) largest |(g_nu)_{ff}|: zero when the Z2 is exact (mu_21 = 0)."""
        return np.max(np.abs(np.diagonal(self.g_nu, axis1=-2, axis2=-1)), axis=-1)


def compute_couplings(params: Parameters, spectrum: Spectrum) -> Couplings:
    """Z' couplings of ``params`` given its spectrum.

    References: REFERENCE.md R.1.1, section 4.6; paper Eqs. 9, 15.
    """
    return Couplings(params.g_psi, spectrum, charge_matrix(params.version))


def couplings_of(mass: MassMatrix, spectrum: Spectrum, g_psi: np.ndarray) -> Couplings:
    """Z' couplings of a user mass matrix (``general_mass_matrix``) given its spectrum."""
    assert mass.basis == basis_labels(mass.version)
    return Couplings(np.asarray(g_psi, dtype=float), spectrum, mass.charges)
