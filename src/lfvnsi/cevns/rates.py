"""Predicted CEvNS event counts of a release for a batch of couplings.

``predict(release, couplings)`` returns the counts per component and reconstructed-energy bin and
per analysis bin. The couplings enter only through the flavour weight
W = Q_SM^2 + 2 Q_SM Re(P_aa) h + sum_b |P_ba|^2 h^2 (``cross_section``), so the prediction is a
contraction of the release's coupling-independent kernel with h^0, h^1, h^2, h = m^2/(m^2 + Q^2).

References: REFERENCE.md R.4.8, R.4.9.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lfvnsi.cevns import flux
from lfvnsi.cevns.cross_section import CEvNSCouplings, mediator_factor, nucleus_charge, weak_charge
from lfvnsi.cevns.detectors import Release

__all__ = ["Prediction", "coupling_moments", "predict"]


@dataclass(frozen=True)
class Prediction:
    """Expected CEvNS counts of a release for a batch of couplings (batch shape S).

    Attributes
    ----------
    energy : (*S, 3, n_E) counts per component (``flux.COMPONENTS``) and energy bin, all times.
    bins : (*S, n_bins) counts per analysis bin (flattened ``release.bin_shape``).
    """

    energy: np.ndarray
    bins: np.ndarray

    @property
    def total(self) -> np.ndarray:
        """(*S,) total expected CEvNS events in the analysis region."""
        return np.sum(self.bins, axis=-1)


def coupling_moments(release: Release, m_zprime: np.ndarray | None) -> np.ndarray:
    """(*S, n_iso, 3, 3, n_E) sum_j kernel h^k for k = 0, 1, 2 (axis -3 after components).

    Shape: batch, isotope, component, power k, energy bin. For a contact interaction (None) all
    three powers equal the k = 0 moment.
    """
    base = release.kernel.sum(axis=-1)  # (n_iso, 3, n_E)
    if m_zprime is None:
        return np.repeat(base[:, :, None, :], 3, axis=2)
    out = []
    for i, nuc in enumerate(release.isotopes):
        h = mediator_factor(np.asarray(m_zprime, dtype=float), 2.0 * nuc.mass * release.T)  # (*S, J)
        k1 = np.einsum("...j,cej->...ce", h, release.kernel[i])
        k2 = np.einsum("...j,cej->...ce", h * h, release.kernel[i])
        k0 = np.broadcast_to(base[i], k1.shape)
        out.append(np.stack([k0, k1, k2], axis=-2))
    return np.stack(out, axis=-4)


def predict(release: Release, couplings: CEvNSCouplings | None = None,
            sin2_theta_w: float | None = None) -> Prediction:
    """Expected CEvNS counts of ``release`` for ``couplings`` (None: Standard Model).

    Parameters
    ----------
    release : from ``detectors.release``.
    couplings : NSI with quarks, batch shape S (contact when ``m_zprime`` is None).
    sin2_theta_w : weak mixing angle (default: the low-energy value of constants.toml).

    References: REFERENCE.md R.4.8, R.4.9.
    """
    couplings = CEvNSCouplings.standard_model() if couplings is None else couplings
    moments = coupling_moments(release, couplings.m_zprime)  # (*S', n_iso, 3, 3, n_E)
    flavours = np.array([c.flavour for c in flux.COMPONENTS])
    energy = np.zeros(())
    for i, nuc in enumerate(release.isotopes):
        Q = weak_charge(nuc, sin2_theta_w)
        P = nucleus_charge(couplings, nuc)  # (*S, 3, 3)
        a = np.real(P[..., flavours, flavours])  # (*S, 3) Re P_aa per component
        b = np.sum(np.abs(P[..., :, flavours]) ** 2, axis=-2)  # (*S, 3) sum_b |P_ba|^2
        m = moments[..., i, :, :, :]
        energy = energy + (Q**2 * m[..., 0, :] + 2.0 * Q * a[..., None] * m[..., 1, :]
                           + b[..., None] * m[..., 2, :])
    return Prediction(energy=energy, bins=release.bins_from_energy(energy))
