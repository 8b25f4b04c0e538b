"""The neutral-lepton spectrum of a batch of points: masses, mixing and active-sterile angles.

References: REFERENCE.md sections 1 (Takagi convention), 2.6-2.9, 3 (definitions of the angles),
4.6 (light projector).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lfvnsi.backend import BACKENDS, resolve
from lfvnsi.exceptions import HierarchyError, LfvnsiError
from lfvnsi.model.parameters import FLAVOURS, Parameters
from lfvnsi.model.textures import MassMatrix, basis_labels, mass_matrix
from lfvnsi.spectrum.frames import N_LIGHT, Frame, frame
from lfvnsi.spectrum.seesaw import block_diagonalise

__all__ = ["BACKENDS", "GEV_TO_EV", "MU_RATIO_MAX", "Spectrum", "compute_spectrum", "diagonalise",
           "outer_sum"]

def outer_sum(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """(..., i, j) sum_l A[..., i, l] conj(B[..., j, l]) for short l.

    The same as ``A @ B^dagger``, accumulated over l: numpy's matmul on stacks of tiny matrices
    costs a call per matrix, this a few array operations for the whole stack (and no
    temporary larger than the result).
    """
    Bc = np.conj(B)
    out = A[..., :, None, 0] * Bc[..., None, :, 0]
    for l in range(1, A.shape[-1]):
        out += A[..., :, None, l] * Bc[..., None, :, l]
    return out


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
    valid : (...,) bool, or None when every point is valid. With ``invalid="flag"`` a point
        whose mu terms are not far below the heavy masses (or with a massless heavy state) is
        marked invalid; its numbers are those of a harmless stand-in and must not be used.
    """

    masses: np.ndarray
    vectors: np.ndarray
    phases: np.ndarray
    basis: tuple[str, ...]
    version: str
    flavours: tuple[int, int] = (0, 1)
    valid: np.ndarray | None = None  # (...,) False where a point could not be evaluated
    backend: str = "auto"  # lfvnsi.backend name, used by _gram (and Couplings.g_nu)

    @cached_property
    def negative(self) -> np.ndarray:
        """(..., n) bool: the Takagi phase is i (real vectors: the signed eigenvalue is < 0)."""
        return np.imag(self.phases) != 0

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
        """(..., 3, 3) 1 - N N^dagger (REFERENCE section 4.6): eta = (1 - N N^dagger)/2.

        Formed as the heavy part of the flavour rows, sum_heavy U U^dagger (equal by unitarity),
        so that a small non-unitarity keeps its relative precision.
        """
        return self._gram(np.arange(3), np.arange(3), self.heavy)

    def projector_block(self, rows: list[int] | np.ndarray, cols: list[int] | np.ndarray
                        ) -> np.ndarray:
        """(..., len(rows), len(cols)) block of the light projector, without forming all of it."""
        return self._gram(np.asarray(rows), np.asarray(cols), self.light)

    def _gram(self, rows: np.ndarray, cols: np.ndarray, columns: slice) -> np.ndarray:
        """(..., len(rows), len(cols)) sum over the given mass states of V[row] V[col]^*."""
        V = self.vectors
        batch = V.shape[:-2]
        if resolve(self.backend, math.prod(batch)) == "compiled" and V.dtype == np.float64:
            from lfvnsi.spectrum.kernel import gram_kernel

            out = np.empty((math.prod(batch), len(rows), len(cols)))
            gram_kernel(np.ascontiguousarray(V).reshape(-1, *V.shape[-2:]),
                        rows.astype(np.int64), cols.astype(np.int64),
                        np.arange(V.shape[-1])[columns], out)
            return out.reshape(*batch, len(rows), len(cols))
        V_c = V[..., :, columns]
        return outer_sum(V_c[..., rows, :], V_c[..., cols, :])

    @cached_property
    def _angle_block(self) -> np.ndarray:
        """Projector entries P[(psi_1, psi_2, N~_1L, N~_2L, alpha, beta), (alpha, beta)]."""
        a, b = self.flavours
        rows = [self._psi_field(0), self._psi_field(1), self.basis.index("Nt1_L"),
                self.basis.index("Nt2_L"), a, b]
        return self.projector_block(rows, [a, b])

    def _content(self, row: int, sector: int) -> np.ndarray:
        """|<field| l_flavour>| with l the normalised light state of that flavour, P nu/|P nu|."""
        P = self._angle_block
        return np.abs(P[..., row, sector]) / np.sqrt(np.real(P[..., 4 + sector, sector]))

    def _psi_field(self, sector: int) -> int:
        return self.basis.index(("N1^c", "N2^c")[sector] if self.version == "lnv"
                                else ("N1_R^c", "N2_R^c")[sector])

    @property
    def sin_alpha(self) -> np.ndarray:
        """psi content (N_1^c or (N_1R)^c) of the light nu_alpha (paper below Eq. 14)."""
        return self._content(0, 0)

    @property
    def sin_beta(self) -> np.ndarray:
        """psi content (N_2^c or (N_2R)^c) of the light nu_beta (paper below Eq. 14)."""
        return self._content(1, 1)

    @property
    def sin_alpha_prime(self) -> np.ndarray:
        """N~_1L content of the light nu_alpha (paper below Eq. 14)."""
        return self._content(2, 0)

    @property
    def sin_beta_prime(self) -> np.ndarray:
        """N~_2L content of the light nu_beta (paper below Eq. 14)."""
        return self._content(3, 1)

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


def _hierarchy_violations(lightest: np.ndarray, entries: dict[str, np.ndarray]) -> np.ndarray:
    """(...,) True where some mu entry exceeds MU_RATIO_MAX x the lightest heavy mass at mu = 0."""
    bad = np.zeros(np.shape(lightest), dtype=bool)
    for value in entries.values():
        bad |= np.abs(value) > MU_RATIO_MAX * lightest
    return bad


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
#: The compiled kernel has no large temporaries: bigger chunks, less per-chunk Python work.
COMPILED_CHUNK = 8192


def _compiled_chunk(mm: MassMatrix, out: tuple[np.ndarray, np.ndarray, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Run the kernel on one chunk, writing masses, vectors and phases into ``out`` (flat).

    Returns the lightest heavy mass at mu = 0 and whether some heavy state is massless, per
    point; the results of such points (or of points failing the hierarchy) are meaningless.
    """
    from lfvnsi.spectrum.kernel import STATUS_OK, spectrum_kernel

    assert mm.sectors is not None and mm.spectator is not None
    n = mm.size
    masses, vectors, phases = out
    points = len(masses)
    negative = np.empty((points, n), dtype=np.bool_)
    lightest = np.empty(points)
    status = np.empty(points, dtype=np.int64)
    spectrum_kernel(np.ascontiguousarray(mm.conserving.reshape(points, n, n)),
                    np.ascontiguousarray(mm.breaking.reshape(points, n, n)),
                    np.array(mm.sectors, dtype=np.int64), mm.spectator, mm.version == "lnc",
                    masses, vectors, negative, lightest, status)
    phases[...] = np.where(negative, 1j, 1.0 + 0j)
    return lightest, status != STATUS_OK


_MASSLESS = ("the mu = 0 mass matrix has more than three massless states: some heavy state is "
             "massless (check M1, M2, M_N)")


def _stand_in(sub: Parameters, bad: np.ndarray) -> Parameters:
    """``sub`` with the bad points replaced by harmless ones: no mu terms, no psi_R Yukawa."""
    changes = {}
    for name in (*_MU_NAMES, "m1", "m2"):
        value = np.array(np.broadcast_to(getattr(sub, name), sub.shape)).reshape(-1)
        value[bad] = 0.0
        changes[name] = value.reshape(sub.shape)
    return sub.replace(**changes)


def _diagonalise_chunk(sub: Parameters, compiled: bool, out: tuple[np.ndarray, ...],
                       start: int, flag: bool) -> np.ndarray:
    """Spectrum of one chunk into ``out``; returns the (flat) mask of points that failed.

    A failing point (mu not far below the heavy masses, or a massless heavy state) raises, or,
    with ``flag``, is recomputed as a stand-in and reported in the mask.
    """
    mm = mass_matrix(sub, "compiled" if compiled else "numpy")
    n = mm.size
    if compiled:
        lightest, massless = _compiled_chunk(mm, out)  # type: ignore[arg-type]
        fr = None
    else:
        fr = frame(mm)
        lightest = np.reshape(np.min(np.abs(fr.w), axis=-1), -1)
        massless = lightest == 0
    entries = {name: getattr(sub, name) for name in _MU_NAMES}
    shape = sub.shape
    bad = massless | np.reshape(_hierarchy_violations(np.reshape(lightest, shape), entries), -1)
    if np.any(bad):
        if not flag:
            if np.any(massless):
                raise LfvnsiError(_MASSLESS)
            _check_hierarchy(np.reshape(lightest, shape), entries, start)
        _diagonalise_chunk(_stand_in(sub, bad), compiled, out, start, flag=False)
        return bad
    if fr is not None:
        m, v, ph = block_diagonalise(fr, mm.breaking)
        out[0][...] = m.reshape(-1, n)
        out[1][...] = v.reshape(-1, n, n)
        out[2][...] = ph.reshape(-1, n)
    return bad


def compute_spectrum(params: Parameters, backend: str = "auto", invalid: str = "raise"
                     ) -> Spectrum:
    """Spectrum of a batch of parameter points (texture from ``params.texture``).

    Parameters
    ----------
    params : the batch.
    backend : ``"compiled"`` (the numba kernel, fastest for batches), ``"numpy"`` (no compilation;
        the same algorithm, vectorised), or ``"auto"``: compiled from ``COMPILED_MIN_BATCH``
        points on. Both give the same numbers to ~1e-15 (tested).
    invalid : ``"raise"`` (a point whose mu terms are not far below the heavy masses stops the
        computation with a ``HierarchyError`` naming it) or ``"flag"`` (it is marked in
        ``Spectrum.valid`` and the rest of the batch is computed: what scans need).

    The batch is processed in chunks of ``CHUNK`` (``COMPILED_CHUNK``) points (same numbers,
    bounded temporaries), each written straight into the output arrays.

    References: REFERENCE.md sections 2-3; DESIGN.md "Textures".
    """
    if invalid not in ("raise", "flag"):
        raise ValueError(f"invalid={invalid!r} must be 'raise' or 'flag'")
    compiled = resolve(backend, params.size) == "compiled"
    flavours = (FLAVOURS.index(params.alpha), FLAVOURS.index(params.beta))
    size, n = params.size, len(_basis(params))
    masses = np.empty((size, n))
    vectors = np.empty((size, n, n))  # built-in textures are real
    phases = np.empty((size, n), dtype=complex)
    bad = np.zeros(size, dtype=bool)
    step = COMPILED_CHUNK if compiled else CHUNK
    for start in range(0, size, step):
        stop = min(start + step, size)
        sub = params if size <= step else params.rows(start, stop)
        bad[start:stop] = _diagonalise_chunk(
            sub, compiled, (masses[start:stop], vectors[start:stop], phases[start:stop]), start,
            invalid == "flag")
    shape = params.shape
    valid = None if not np.any(bad) else ~bad.reshape(shape)
    return Spectrum(masses.reshape(shape + (n,)), vectors.reshape(shape + (n, n)),
                    phases.reshape(shape + (n,)), _basis(params), params.version, flavours, valid,
                    backend)


def _basis(params: Parameters) -> tuple[str, ...]:
    return basis_labels(params.version)
