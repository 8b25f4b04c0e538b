"""Neutral-lepton mass matrices: general entries, and the built-in textures as special cases.

Convention (DESIGN.md, REFERENCE.md section 1): L ⊃ -(1/2) n^T M n + h.c. over left-handed Weyl
fields n, so each parameter is an entry of the complex symmetric matrix M. The field basis is

    index  0-2   nu_e, nu_mu, nu_tau              (always all three flavours)
           3-4   N~_1L, N~_2L
           5-6   (N~_1R)^c, (N~_2R)^c
    lnv    7-8   N_1^c, N_2^c                      N_{1,2} = (psi1 +- psi2)/sqrt2 (Eq. 8)
    lnc    7-8   (N_1R)^c, (N_2R)^c; 9-10 N_1L, N_2L

M is split as ``conserving + breaking``: ``breaking`` holds the mu entries (Eqs. 11-12), the only
sources of light-neutrino masses; ``conserving`` has an exact three-dimensional null space.

References: paper Eqs. 7-14, 17; REFERENCE.md sections 2.2-2.4, 2.7 (R.2.4), F9.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lfvnsi.backend import resolve
from lfvnsi.model.parameters import FLAVOURS, Parameters

__all__ = ["MassMatrix", "basis_labels", "effective_mp", "general_mass_matrix", "mass_matrix"]

_NU = (0, 1, 2)
_NT_L = (3, 4)
_NT_RC = (5, 6)


def basis_labels(version: str) -> tuple[str, ...]:
    """Names of the left-handed fields of the mass matrix, in index order."""
    common = ("nu_e", "nu_mu", "nu_tau", "Nt1_L", "Nt2_L", "Nt1_R^c", "Nt2_R^c")
    if version == "lnv":
        return common + ("N1^c", "N2^c")
    return common + ("N1_R^c", "N2_R^c", "N1_L", "N2_L")


def _psi_indices(version: str) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """Indices of (N_1^c or N_1R^c, N_2^c or N_2R^c) and, for lnc, of (N_1L, N_2L)."""
    return ((7, 8), None) if version == "lnv" else ((7, 8), (9, 10))


def _charges(version: str) -> np.ndarray:
    """U(1)' charges of the left-handed fields in units of g_psi (REFERENCE section 2.2, item 5).

    psi1, psi2 carry +1, -1, so their conjugates -1, +1; in the Z2 basis N = (psi1 +- psi2)/sqrt2
    the charge matrix is -sigma_x on the conjugate fields and +sigma_x on N_L (lnc).
    """
    n = len(basis_labels(version))
    q = np.zeros((n, n))
    right, left = _psi_indices(version)
    q[right[0], right[1]] = q[right[1], right[0]] = -1.0
    if left is not None:
        q[left[0], left[1]] = q[left[1], left[0]] = 1.0
    return q


@dataclass(frozen=True)
class MassMatrix:
    """A batch of mass matrices ``conserving + breaking`` with what the diagonaliser needs.

    Attributes
    ----------
    version : ``"lnv"`` or ``"lnc"``.
    conserving : (..., n, n) the mu-independent part; it has an exact 3-dimensional null space.
    breaking : (..., n, n) the mu entries (lepton-number violating, small).
    basis : field labels, see the module docstring.
    charges : (n, n) U(1)' charge matrix of the left-handed fields, units of g_psi.
    sectors : for the built-in textures, the two Z2 sectors of ``conserving`` as index tuples,
        ``(nu, N~_L, (N~_R)^c, N^c)`` for lnv and ``(nu, N~_L, (N_R)^c, (N~_R)^c, N_L)`` for lnc;
        ``None`` for a general (user) texture. The spectator flavour is then ``spectator``.
    """

    version: str
    conserving: np.ndarray
    breaking: np.ndarray
    basis: tuple[str, ...]
    charges: np.ndarray
    sectors: tuple[tuple[int, ...], ...] | None = None
    spectator: int | None = None

    @property
    def matrix(self) -> np.ndarray:
        """The full symmetric mass matrix (..., n, n)."""
        return self.conserving + self.breaking

    @property
    def size(self) -> int:
        return len(self.basis)


#: An entry of a mass matrix: row, column, value (batch-shaped or scalar), and whether it is
#: also written at (column, row). Entries are applied in order; a later one overwrites.
_Entry = tuple[int, int, np.ndarray, bool]
def _assemble(batch: tuple[int, ...], n: int, dtype: np.dtype, entries: list[_Entry],
              backend: str = "auto") -> np.ndarray:
    """The (*batch, n, n) matrix with these entries and zeros elsewhere.

    With the compiled backend real matrices are filled by ``fill.fill_entries``: one pass over
    each point's matrix instead of one strided pass over the batch per entry (same values: the
    fill only copies them).
    """
    points = int(np.prod(batch, dtype=np.int64))
    if dtype == np.float64 and entries and resolve(backend, points) == "compiled":
        from lfvnsi.model.fill import fill_entries

        rows = np.array([e[0] for e in entries], dtype=np.int64)
        cols = np.array([e[1] for e in entries], dtype=np.int64)
        mirror = np.array([e[3] for e in entries], dtype=np.bool_)
        values = np.empty((len(entries), points))
        for k, e in enumerate(entries):
            values[k] = np.broadcast_to(e[2], batch).reshape(points)
        out = np.empty((points, n, n))
        fill_entries(out, rows, cols, mirror, values)
        return out.reshape(batch + (n, n))
    mat = np.zeros(batch + (n, n), dtype=dtype)
    for i, j, value, both in entries:
        mat[..., i, j] = value
        if both:
            mat[..., j, i] = value
    return mat


def general_mass_matrix(
    version: str,
    yukawa: np.ndarray,
    M: np.ndarray,
    m: np.ndarray,
    M_psi: np.ndarray,
    mp: np.ndarray | None = None,
    mu_L: np.ndarray | None = None,
    mu_R: np.ndarray | None = None,
    backend: str = "auto",
) -> MassMatrix:
    """Mass matrix from general entries (any texture; REFERENCE F9), complex allowed.

    Parameters
    ----------
    version : ``"lnv"`` (psi1, psi2 right-handed Weyl) or ``"lnc"`` (Dirac psi).
    yukawa : (..., 3, 2) entry (nu_f, (N~_iR)^c) = lambda_fi v/sqrt2, GeV.
    M : (..., 2, 2) entry (N~_iL, (N~_jR)^c), GeV.
    m : (..., 2, 2) entry (N_a^c [lnv] or (N_aR)^c [lnc], (N~_jR)^c), GeV (Eq. 13).
    M_psi : (..., 2, 2) lnv: symmetric Majorana block on (N_1^c, N_2^c), diag(M_N, -M_N) in the
        paper (Eq. 7); lnc: Dirac entry ((N_aR)^c, N_bL), M_N * identity in the paper (Eq. 17).
    mp : (..., 2, 2) lnc only: entry (N_aL, N~_iL) (REFERENCE R.2.4), GeV.
    mu_L, mu_R : (..., 2, 2) symmetric entries on N~_L and on (N~_R)^c (Eqs. 11-12), GeV.
    backend : ``lfvnsi.backend`` name for the fill (the values are the same either way).

    Returns
    -------
    MassMatrix with ``sectors=None``: the diagonaliser finds the null space numerically.
    """
    for name, sym in (("M_psi", M_psi if version == "lnv" else None), ("mu_L", mu_L),
                      ("mu_R", mu_R)):
        if sym is not None and not np.array_equal(np.asarray(sym), np.swapaxes(sym, -1, -2)):
            raise ValueError(f"{name} must be a symmetric 2x2 matrix")
    arrays = [np.asarray(a) for a in (yukawa, M, m, M_psi) if a is not None]
    for extra in (mp, mu_L, mu_R):
        if extra is not None:
            arrays.append(np.asarray(extra))
    batch = np.broadcast_shapes(*(a.shape[:-2] for a in arrays))
    dtype = np.result_type(*arrays, np.float64)
    n = len(basis_labels(version))
    cons: list[_Entry] = []
    brk: list[_Entry] = []
    yukawa, M, m, M_psi = (np.broadcast_to(a, batch + a.shape[-2:]) for a in arrays[:4])
    right, left = _psi_indices(version)
    for i in range(2):
        for f in range(3):
            cons.append((_NU[f], _NT_RC[i], yukawa[..., f, i], True))
        for j in range(2):
            cons.append((_NT_L[i], _NT_RC[j], M[..., i, j], True))
            cons.append((right[i], _NT_RC[j], m[..., i, j], True))
    if version == "lnv":
        if mp is not None and np.any(np.asarray(mp) != 0):
            raise ValueError("mp (psi_L Yukawa) does not exist in the lnv version")
        for a in range(2):
            for b in range(2):
                cons.append((right[a], right[b], M_psi[..., a, b], False))
    else:
        assert left is not None
        for a in range(2):
            for b in range(2):
                cons.append((right[a], left[b], M_psi[..., a, b], True))
        if mp is not None:
            mp_b = np.broadcast_to(mp, batch + (2, 2))
            for a in range(2):
                for i in range(2):
                    cons.append((left[a], _NT_L[i], mp_b[..., a, i], True))
    for mu, idx in ((mu_L, _NT_L), (mu_R, _NT_RC)):
        if mu is None:
            continue
        mu_b = np.broadcast_to(mu, batch + (2, 2))
        for i in range(2):
            for j in range(2):
                brk.append((idx[i], idx[j], mu_b[..., i, j], False))
    return MassMatrix(version, _assemble(batch, n, dtype, cons, backend),
                      _assemble(batch, n, dtype, brk, backend),
                      basis_labels(version), _charges(version))


def effective_mp(sin: np.ndarray, mt: np.ndarray, M: np.ndarray, M_N: np.ndarray) -> np.ndarray:
    """psi_L Yukawa that gives the mu = 0 light state a psi admixture ``sin`` (texture effective).

    Inverts R.2.6-R.2.7 with m = 0: sin^2 (M^2 + mt^2 + y^2) = y^2 with y = mt mp/M_N, so
    mp = M_N sin sqrt(M^2 + mt^2) / (mt sqrt(1 - sin^2)).

    References: REFERENCE.md R.2.6, R.2.7; paper Eq. 15.
    """
    return M_N * sin * np.sqrt(M**2 + mt**2) / (mt * np.sqrt(1.0 - sin**2))


def mass_matrix(params: Parameters, backend: str = "auto") -> MassMatrix:
    """The mass matrix of a built-in texture (``paper``, ``consistent``, ``effective``).

    ``paper`` fills Eqs. 10-14/17 as written (psi_R Yukawa m1, m2); ``consistent`` adds the
    psi_L -- N~_L Yukawa mp1, mp2 (REFERENCE R.2.4, lnc); ``effective`` is ``consistent`` with
    m = 0 and mp chosen so that the light states carry exactly sin_alpha, sin_beta of psi at
    mu = 0; the sign of mp2 is chosen so that (g_nu)_ab = +g_psi sin_alpha sin_beta, the sign of
    Eq. 15 (a flavour rephasing flips it; it is a convention).

    References: paper Eqs. 7-17; REFERENCE.md sections 2.2-2.4, 2.7; TEXTURES.md.
    """
    p = params
    shape = p.shape
    a, b = FLAVOURS.index(p.alpha), FLAVOURS.index(p.beta)
    zero = np.zeros(shape)
    yukawa = np.zeros(shape + (3, 2))
    yukawa[..., a, 0] = p.mt_alpha
    yukawa[..., b, 1] = p.mt_beta

    def diag(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        out = np.zeros(shape + (2, 2))
        out[..., 0, 0], out[..., 1, 1] = x, y
        return out

    def sym(x: np.ndarray, y: np.ndarray, off: np.ndarray) -> np.ndarray:
        out = diag(x, y)
        out[..., 0, 1] = out[..., 1, 0] = off
        return out

    if p.texture == "effective":
        mp = diag(effective_mp(p.sin_alpha, p.mt_alpha, p.M1, p.M_N),
                  -effective_mp(p.sin_beta, p.mt_beta, p.M2, p.M_N))
    else:
        mp = diag(p.mp1, p.mp2)
    M_psi = diag(p.M_N, -p.M_N) if p.version == "lnv" else diag(p.M_N, p.M_N)
    general = general_mass_matrix(
        p.version, yukawa, diag(p.M1, p.M2), diag(p.m1, p.m2), M_psi,
        mp=None if p.version == "lnv" else mp,
        mu_L=sym(p.mu_L1, p.mu_L2, p.mu_21), mu_R=sym(p.mu_R1, p.mu_R2, p.mu_21R + zero),
        backend=backend)
    right, left = _psi_indices(p.version)
    sectors: tuple[tuple[int, ...], ...]
    if p.version == "lnv":
        sectors = tuple((nu, _NT_L[i], _NT_RC[i], right[i]) for i, nu in enumerate((a, b)))
    else:
        assert left is not None
        sectors = tuple((nu, _NT_L[i], right[i], _NT_RC[i], left[i])
                        for i, nu in enumerate((a, b)))
    spectator = 3 - a - b
    return MassMatrix(p.version, general.conserving, general.breaking, general.basis,
                      general.charges, sectors, spectator)
