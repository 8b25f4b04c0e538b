"""The neutral-lepton spectrum of a batch of points: masses, mixing and active-sterile angles.

References: REFERENCE.md sections 1 (Takagi convention), 2.6-2.9, 3 (definitions of the angles),
4.6 (light projector).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lfvnsi.exceptions import HierarchyError, LfvnsiError
from lfvnsi.model.parameters import FLAVOURS, Parameters
from lfvnsi.model.textures import MassMatrix, basis_labels, mass_matrix
from lfvnsi.spectrum.frames import N_LIGHT, Frame, frame
from lfvnsi.spectrum.seesaw import block_diagonalise

__all__ = ["BACKENDS", "GEV_TO_EV", "MU_RATIO_MAX", "Spectrum", "compute_spectrum", "diagonalise"]

#: Largest |mu entry| / (lightest heavy mass at mu = 0) accepted: the inverse seesaw needs mu << M.
MU_RATIO_MAX = 1e-3
GEV_TO_EV = 1e9  # an SI prefix, not a physical constant

_MU_NAMES = ("mu_L1", "mu_L2", "mu_R1", "mu_R2", "mu_21", "mu_21R")


@dataclass(frozen=True)
class Spectrum:
    """Masses and mixing of the neutral leptons of a batch of points.

    Attributes
    ----------
    masses : (..., n) GeV, non-negative; the three light states first, each group ascending.
    vectors : (..., n, n) orthonormal columns (real for real mass matrices).
    phases : (..., n) Takagi phases; the mixing is ``U = vectors * phases``.
    basis : labels of the field (row) index of ``mixing``.
    version : ``"lnv"`` or ``"lnc"``.
    flavours : indices (alpha, beta) of the flavours that mix with sector 1 and 2.
    """

    masses: np.ndarray
    vectors: np.ndarray
    phases: np.ndarray
    basis: tuple[str, ...]
    version: str
    flavours: tuple[int, int] = (0, 1)

    @property
    def light(self) -> slice:
        """Index set of the three light states."""
        return slice(0, N_LIGHT)

    @property
    def heavy(self) -> slice:
        """Index set of the heavy states (all but the three light ones)."""
        return slice(N_LIGHT, len(self.basis))

    @property
    def light_masses(self) -> np.ndarray:
        """(..., 3) light-neutrino masses in GeV, ascending."""
        return self.masses[..., self.light]

    @property
    def heavy_masses(self) -> np.ndarray:
        """(..., n-3) heavy masses in GeV, ascending."""
        return self.masses[..., self.heavy]

    @property
    def light_masses_eV(self) -> np.ndarray:
        """(..., 3) light-neutrino masses in eV."""
        return self.light_masses * GEV_TO_EV

    @cached_property
    def mixing(self) -> np.ndarray:
        """(..., n, n) unitary U with n_field = U chi_mass and U^T M U = diag(masses)."""
        return self.vectors * self.phases[..., None, :]

    @cached_property
    def light_projector(self) -> np.ndarray:
        """(..., n, n) projector U_l U_l^dagger onto the light subspace (basis independent)."""
        V_l = self.vectors[..., :, self.light]  # the phases cancel in U_l U_l^dagger
        return V_l @ np.conj(np.swapaxes(V_l, -1, -2))

    @property
    def active_light(self) -> np.ndarray:
        """(..., 3, 3) the flavour x light block N of the mixing (the non-unitary 'PMNS')."""
        return self.mixing[..., :3, self.light]

    @property
    def non_unitarity(self) -> np.ndarray:
        """(..., 3, 3) 1 - N N^dagger (REFERENCE section 4.6): eta = (1 - N N^dagger)/2."""
        return np.eye(3) - self.projector_block([0, 1, 2], [0, 1, 2])

    def projector_block(self, rows: list[int] | np.ndarray, cols: list[int] | np.ndarray
                        ) -> np.ndarray:
        """(..., len(rows), len(cols)) block of the light projector, without forming all of it."""
        V_l = self.vectors[..., :, self.light]
        return V_l[..., rows, :] @ np.conj(np.swapaxes(V_l[..., cols, :], -1, -2))

    def _content(self, field: int, flavour: int) -> np.ndarray:
        """|<field| l_flavour>| with l the normalised light state of that flavour, P nu/|P nu|."""
        P = self.projector_block([field, flavour], [flavour])
        return np.abs(P[..., 0, 0]) / np.sqrt(np.real(P[..., 1, 0]))

    def _psi_field(self, sector: int) -> int:
        return self.basis.index(("N1^c", "N2^c")[sector] if self.version == "lnv"
                                else ("N1_R^c", "N2_R^c")[sector])

    @property
    def sin_alpha(self) -> np.ndarray:
        """psi content (N_1^c or (N_1R)^c) of the light nu_alpha (paper below Eq. 14)."""
        return self._content(self._psi_field(0), self.flavours[0])

    @property
    def sin_beta(self) -> np.ndarray:
        """psi content (N_2^c or (N_2R)^c) of the light nu_beta (paper below Eq. 14)."""
        return self._content(self._psi_field(1), self.flavours[1])

    @property
    def sin_alpha_prime(self) -> np.ndarray:
        """N~_1L content of the light nu_alpha (paper below Eq. 14)."""
        return self._content(self.basis.index("Nt1_L"), self.flavours[0])

    @property
    def sin_beta_prime(self) -> np.ndarray:
        """N~_2L content of the light nu_beta (paper below Eq. 14)."""
        return self._content(self.basis.index("Nt2_L"), self.flavours[1])

    @property
    def active_heavy_mixing_squared(self) -> np.ndarray:
        """(..., 3) Theta^2_f = sum over heavy k of |U_{nu_f k}|^2 (REFERENCE section 3)."""
        V = self.vectors[..., :3, self.heavy]
        return np.sum(np.abs(V) ** 2, axis=-1)


def _check_frame(mm: MassMatrix, fr: Frame) -> None:
    if mm.sectors is None:
        M0 = mm.conserving
        null = np.swapaxes(fr.W[..., :, :N_LIGHT], -1, -2) @ M0 @ fr.W[..., :, :N_LIGHT]
        scale = np.max(np.abs(fr.w), axis=-1)
        if np.any(np.max(np.abs(null), axis=(-1, -2)) > 1e-9 * scale):
            raise LfvnsiError("the lepton-number-conserving part of this texture does not leave "
                              "three massless states (an inverse-seesaw texture must)")
    if np.any(np.min(np.abs(fr.w), axis=-1) == 0):
        raise LfvnsiError("the mu = 0 mass matrix has more than three massless states: "
                          "some heavy state is massless (check M1, M2, M_N)")


def _check_hierarchy(lightest: np.ndarray, entries: dict[str, np.ndarray], offset: int = 0
                     ) -> None:
    """Refuse mu entries above MU_RATIO_MAX x the lightest heavy mass at mu = 0, naming them."""
    for name, value in entries.items():
        bad = np.abs(value) > MU_RATIO_MAX * lightest
        if np.any(bad):
            i = int(np.argmax(bad)) if bad.ndim else 0
            bound = MU_RATIO_MAX * float(np.ravel(lightest)[i])
            where = f" (at point {offset + i})" if bad.ndim else ""
            raise HierarchyError(name, float(np.ravel(value)[i]),
                                 f"allowed range is |x| <= {bound:.3g} GeV = {MU_RATIO_MAX:g} x the "
                                 f"lightest heavy mass at mu = 0 (the inverse seesaw needs mu << M)"
                                 f"{where}")


def diagonalise(mm: MassMatrix, flavours: tuple[int, int] = (0, 1)) -> Spectrum:
    """Spectrum of a (built-in or user) mass matrix.

    Raises ``HierarchyError`` when a mu entry exceeds ``MU_RATIO_MAX`` times the lightest heavy
    mass at mu = 0 (the inverse-seesaw split into light and heavy states then fails).
    """
    fr = frame(mm)
    _check_frame(mm, fr)
    biggest = np.max(np.abs(mm.breaking), axis=(-1, -2))
    _check_hierarchy(np.min(np.abs(fr.w), axis=-1), {"mu": biggest})
    masses, vectors, phases = block_diagonalise(fr, mm.breaking)
    return Spectrum(masses, vectors, phases, mm.basis, mm.version, flavours)


#: Points per internal chunk: temporaries then stay in cache and are reused, not re-faulted.
CHUNK = 2048
#: Backends of ``compute_spectrum``: the compiled kernel (``kernel.py``) and plain numpy.
BACKENDS = ("auto", "compiled", "numpy")
#: ``auto`` compiles from this batch size on; below it numpy avoids the one-time JIT cost
#: (about 7 s on first use, 0.3 s to load from numba's cache afterwards).
COMPILED_MIN_BATCH = 256


def _numpy_chunk(mm: MassMatrix, check: Callable[[np.ndarray], None]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    fr = frame(mm)
    _check_frame(mm, fr)
    check(np.min(np.abs(fr.w), axis=-1))
    return block_diagonalise(fr, mm.breaking)


def _compiled_chunk(mm: MassMatrix, check: Callable[[np.ndarray], None]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from lfvnsi.spectrum.kernel import STATUS_OK, spectrum_kernel

    assert mm.sectors is not None and mm.spectator is not None
    n = mm.size
    batch = mm.conserving.shape[:-2]
    points = int(np.prod(batch, dtype=np.int64))
    masses = np.empty((points, n))
    vectors = np.empty((points, n, n))
    negative = np.empty((points, n), dtype=np.bool_)
    lightest = np.empty(points)
    status = np.empty(points, dtype=np.int64)
    spectrum_kernel(np.ascontiguousarray(mm.conserving.reshape(points, n, n)),
                    np.ascontiguousarray(mm.breaking.reshape(points, n, n)),
                    np.array(mm.sectors, dtype=np.int64), mm.spectator, mm.version == "lnc",
                    masses, vectors, negative, lightest, status)
    if np.any(status != STATUS_OK):
        raise LfvnsiError("the mu = 0 mass matrix has more than three massless states: "
                          "some heavy state is massless (check M1, M2, M_N)")
    check(lightest.reshape(batch))  # before anyone reads the (then meaningless) results
    phases = np.where(negative, 1j, 1.0 + 0j)
    return (masses.reshape(batch + (n,)), vectors.reshape(batch + (n, n)),
            phases.reshape(batch + (n,)))


def _diagonalise_chunk(params: Parameters, offset: int, compiled: bool
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    entries = {name: getattr(params, name) for name in _MU_NAMES}

    def check(lightest: np.ndarray) -> None:
        _check_hierarchy(lightest, entries, offset)

    return (_compiled_chunk if compiled else _numpy_chunk)(mass_matrix(params), check)


def compute_spectrum(params: Parameters, backend: str = "auto") -> Spectrum:
    """Spectrum of a batch of parameter points (texture from ``params.texture``).

    Parameters
    ----------
    params : the batch.
    backend : ``"compiled"`` (the numba kernel, fastest for batches), ``"numpy"`` (no compilation;
        the same algorithm, vectorised), or ``"auto"``: compiled from ``COMPILED_MIN_BATCH``
        points on. Both give the same numbers to ~1e-15 (tested).

    The batch is processed in chunks of ``CHUNK`` points (same numbers, bounded memory).

    References: REFERENCE.md sections 2-3; DESIGN.md "Textures".
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend {backend!r} is not one of {', '.join(BACKENDS)}")
    compiled = backend == "compiled" or (backend == "auto" and params.size >= COMPILED_MIN_BATCH)
    flavours = (FLAVOURS.index(params.alpha), FLAVOURS.index(params.beta))
    if params.size <= CHUNK:
        masses, vectors, phases = _diagonalise_chunk(params, 0, compiled)
        return Spectrum(masses, vectors, phases, _basis(params), params.version, flavours)
    names = [n for n in Parameters.names() if isinstance(getattr(params, n), np.ndarray)]
    flat = {n: getattr(params, n).reshape(-1) for n in names}
    parts = []
    for start in range(0, params.size, CHUNK):
        sub = params.replace(**{n: flat[n][start:start + CHUNK] for n in names})
        parts.append(_diagonalise_chunk(sub, start, compiled))
    shape = params.shape
    masses, vectors, phases = (np.concatenate(group, axis=0) for group in zip(*parts))
    n = masses.shape[-1]
    return Spectrum(masses.reshape(shape + (n,)), vectors.reshape(shape + (n, n)),
                    phases.reshape(shape + (n,)), _basis(params), params.version, flavours)


def _basis(params: Parameters) -> tuple[str, ...]:
    return basis_labels(params.version)
