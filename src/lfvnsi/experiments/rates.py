"""Event rates of a GLoBES experiment for oscillation parameters and an NSI matrix, batched.

A point is the vector x = (theta12, theta13, theta23, delta_cp [rad], dm21, dm31 [eV^2],
density scale) and an electron-normalised eps^m (3 x 3, Hermitian; zero for the Standard Model).
Probabilities come from the project's exact constant-density engine
(``oscillation.propagation.probabilities_points``) at the sampling energies, with
H = U diag(0, dm21, dm31) U^dagger/(2E) + V (diag(1, 0, 0) + eps^m), V = sqrt2 G_F N_e at the
experiment's density times the density scale (Y_e = 0.5, GLoBES's value); antineutrino
channels use conj(U), -V and conj(eps^m). The reconstructed rate of channel c is

    R_c = e_c (K_c (T_c P_c + B_c^pre)) + B_c^post

(``glb``: T_c the unoscillated rate per sampling bin, P_c its probability, K_c the smearing
matrix, e_c the post-smearing efficiencies, B the backgrounds), computed as
(e_c K_c T_c) P_c + const_c with the products of fixed arrays done once. Unoscillated channels
(``NOSC_``) are part of the constant. Signal and background of a rule are coefficient-weighted
sums of channel rates.

References: GLoBES source ``glb_rate_engine.c`` (3.2.17); REFERENCE.md section 4.4 (the
Hamiltonian), F11 (eps^V, the standard convention of every eps in this project).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lfvnsi.exceptions import ParameterError
from lfvnsi.experiments.glb import Experiment
from lfvnsi.oscillation.matter import matter_potential_GeV
from lfvnsi.oscillation.parameters import OscillationParameters, mass_matrices_GeV2
from lfvnsi.oscillation.propagation import as_eps_matter, probabilities_points

__all__ = ["OSCILLATION_NAMES", "PARAMETER_NAMES", "EventRates", "RateEngine", "parameter_vector"]

#: The oscillation parameters of a point, in the order of the vector x.
OSCILLATION_NAMES = ("theta12", "theta13", "theta23", "delta_cp", "dm21_eV2", "dm31_eV2")
#: Every entry of x: the oscillation parameters and the density scale.
PARAMETER_NAMES = (*OSCILLATION_NAMES, "density_scale")


def parameter_vector(oscillation: OscillationParameters, density_scale: float = 1.0
                     ) -> np.ndarray:
    """(7,) x of oscillation parameters and a density scale."""
    return np.array([getattr(oscillation, n) for n in OSCILLATION_NAMES] + [density_scale],
                    dtype=float)


def _points(x: object) -> np.ndarray:
    X = np.asarray(x, dtype=float)
    if X.shape[-1:] != (len(PARAMETER_NAMES),):
        raise ParameterError("x", X.shape, f"shape (..., {len(PARAMETER_NAMES)}): "
                                           f"{', '.join(PARAMETER_NAMES)}")
    if not np.all(np.isfinite(X)):
        raise ParameterError("x", X.tolist(), "finite numbers")
    if np.any(X[..., -1] < 0):
        raise ParameterError("density_scale", X[..., -1].tolist(), ">= 0")
    return X


@dataclass(frozen=True)
class EventRates:
    """Rates of a batch: channel (..., n_channels, n_bins), signal and background
    (..., n_rules, n_bins), events per reconstructed bin."""

    experiment: Experiment
    channel: np.ndarray
    signal: np.ndarray
    background: np.ndarray

    @property
    def total(self) -> np.ndarray:
        """(..., n_rules, n_bins) signal + background."""
        return self.signal + self.background

    def in_window(self, rates: np.ndarray) -> np.ndarray:
        """(..., n_rules) sum of a per-rule array over each rule's energy window."""
        out = np.zeros(rates.shape[:-1])
        for r, rule in enumerate(self.experiment.rules):
            out[..., r] = rates[..., r, rule.bins].sum(axis=-1)
        return out


@dataclass(frozen=True, eq=False)
class RateEngine:
    """The rate map x, eps^m -> channel rates of one experiment (fixed arrays precomputed)."""

    experiment: Experiment

    @cached_property
    def _oscillating(self) -> np.ndarray:
        return np.array([i for i, c in enumerate(self.experiment.channels) if c.oscillates],
                        dtype=np.int64)

    @cached_property
    def _probability_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        chans = [self.experiment.channels[i] for i in self._oscillating]
        return (np.array([0 if c.polarity > 0 else 1 for c in chans], dtype=np.int64),
                np.array([c.initial for c in chans], dtype=np.int64),
                np.array([c.final for c in chans], dtype=np.int64))

    @cached_property
    def _response_oscillating(self) -> np.ndarray:
        """(n_osc, n_bins, n_sampling) e_c K_c T_c of the oscillating channels."""
        e = self.experiment
        i = self._oscillating
        return np.ascontiguousarray(e.response[i] * e.unoscillated[i][:, None, :])

    @cached_property
    def _constant(self) -> np.ndarray:
        """(n_channels, n_bins) the part of R_c that does not oscillate."""
        e = self.experiment
        sampling = e.pre_background.copy()
        nosc = np.array([not c.oscillates for c in e.channels])
        sampling[nosc] += e.unoscillated[nosc]  # P = 1
        return np.einsum("cbs,cs->cb", e.response, sampling) + e.post_background

    @cached_property
    def rule_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """(signal, background) coefficient matrices (n_rules, n_channels)."""
        e = self.experiment
        S = np.zeros((len(e.rules), len(e.channels)))
        B = np.zeros_like(S)
        for r, rule in enumerate(e.rules):
            for entry in rule.signal:
                S[r, entry.channel] += entry.coefficient
            for entry in rule.background:
                B[r, entry.channel] += entry.coefficient
        return S, B

    @cached_property
    def nominal_potential_GeV(self) -> float:
        """V = sqrt2 G_F N_e at the experiment's density (GeV)."""
        e = self.experiment
        return float(matter_potential_GeV(e.density_g_cm3, e.Ye))

    def _batch(self, x: object, eps_matter: object) -> tuple[np.ndarray, np.ndarray | None]:
        """(x (*S, 7), eps (*S, 3, 3) or None) broadcast to one batch shape S."""
        X = _points(x)
        if eps_matter is None:
            return X, None
        E = as_eps_matter(eps_matter)
        shape = np.broadcast_shapes(X.shape[:-1], E.shape[:-2])
        return (np.broadcast_to(X, (*shape, X.shape[-1])),
                np.broadcast_to(E, (*shape, 3, 3)))

    def probabilities(self, x: object, eps_matter: object = None) -> np.ndarray:
        """(n, 2, 3, 3, n_sampling) P[.., nu/nubar, alpha, beta, E] at the sampling energies.

        x: (*S1, 7) points (``PARAMETER_NAMES``); eps_matter: None or (*S2, 3, 3); S1 and S2
        broadcast to S, n = prod(S).
        """
        X, E = self._batch(x, eps_matter)
        X = X.reshape(-1, len(PARAMETER_NAMES))
        eps = None if E is None else E.reshape(-1, 3, 3)
        M = mass_matrices_GeV2(*(X[:, k] for k in range(6)))
        V = self.nominal_potential_GeV * X[:, 6]
        energies = self.experiment.sampling.centres
        L = self.experiment.baseline_km
        return np.stack([probabilities_points(energies, L, M, V, eps_matter=eps, antineutrino=anti)
                         for anti in (False, True)], axis=1)

    def channel_rates(self, x: object, eps_matter: object = None) -> np.ndarray:
        """(*S, n_channels, n_bins) reconstructed rates, S the broadcast batch shape of x (*S1, 7)
        and eps_matter (*S2, 3, 3)."""
        X, E = self._batch(x, eps_matter)
        P = self.probabilities(X, E)
        cp, ini, fin = self._probability_index
        selected = P[:, cp, ini, fin, :]  # (n, n_osc, n_sampling)
        out = np.repeat(self._constant[None], P.shape[0], axis=0)
        out[:, self._oscillating] += np.matmul(self._response_oscillating,
                                               selected[..., None])[..., 0]
        return out.reshape(*X.shape[:-1], *self._constant.shape)

    def rates(self, x: object, eps_matter: object = None) -> EventRates:
        """Channel, signal and background rates of a batch of points."""
        chan = self.channel_rates(x, eps_matter)
        S, B = self.rule_matrices
        return EventRates(self.experiment, chan, np.matmul(S, chan), np.matmul(B, chan))
