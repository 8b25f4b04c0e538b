"""Three-flavour oscillation probabilities with a general Hermitian NSI matrix, batched.

    H = U diag(0, dm21, dm31) U^dagger / (2E) + V (diag(1, 0, 0) + eps^m),   V = sqrt2 G_F N_e

in the flavour basis (e, mu, tau), eps^m normalised to the electron density (REFERENCE R.4.7;
``matter.eps_matter_from`` converts other normalisations). Antineutrinos: U -> U*, V -> -V,
eps^m -> (eps^m)*, i.e. H_bar = conj(H_vac) - V conj(1_ee + eps^m). Results are
P[..., alpha, beta] = P(nu_alpha -> nu_beta), flavour order (e, mu, tau), by the exact kernels of
``kernels`` (no approximation beyond float64 round-off).

Units at the edges: energies in GeV, baselines in km, densities in g/cm^3, Y_e electrons per
nucleon; inside, natural units in GeV.

References: REFERENCE.md section 4.4; arXiv:1904.12391 (method, see ``kernels``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeAlias

import numpy as np

from lfvnsi.exceptions import ParameterError
from lfvnsi.oscillation import kernels
from lfvnsi.oscillation.matter import km_to_per_GeV, neutron_fraction, potential_per_density_GeV
from lfvnsi.oscillation.parameters import OscillationParameters

__all__ = ["EpsInput", "as_eps_matter", "evolution_operator", "hamiltonian", "pack_hermitian",
           "probabilities", "probabilities_layers", "probabilities_paths", "probabilities_points"]

#: eps^m as a (3, 3) matrix, a (K, 3, 3) stack (one per layer), or a function of Y_n (K,).
EpsInput: TypeAlias = (np.ndarray | Sequence[Sequence[complex]]
                       | Callable[[np.ndarray], np.ndarray] | None)

_E_EE = np.diag([1.0, 0.0, 0.0]).astype(complex)


def pack_hermitian(X: np.ndarray) -> np.ndarray:
    """(..., 3, 3) Hermitian -> (..., 9) (X00, X11, X22, Re X01, Im X01, Re X02, Im X02, Re X12,
    Im X12), the layout of the kernels."""
    X = np.asarray(X)
    return np.stack([X[..., 0, 0].real, X[..., 1, 1].real, X[..., 2, 2].real,
                     X[..., 0, 1].real, X[..., 0, 1].imag, X[..., 0, 2].real,
                     X[..., 0, 2].imag, X[..., 1, 2].real, X[..., 1, 2].imag], axis=-1)


def as_eps_matter(eps: object, shape: tuple[int, ...] = ()) -> np.ndarray:
    """Validated complex Hermitian eps^m of shape (*shape, 3, 3) (zero when ``eps`` is None)."""
    if eps is None:
        return np.zeros((*shape, 3, 3), dtype=complex)
    try:
        E = np.asarray(eps, dtype=complex)
    except (TypeError, ValueError):
        raise ParameterError("eps_matter", eps, "a 3x3 complex Hermitian matrix") from None
    if E.shape[-2:] != (3, 3):
        raise ParameterError("eps_matter", E.shape, "shape (..., 3, 3)")
    if not np.all(np.isfinite(E)):
        raise ParameterError("eps_matter", E.tolist(), "finite entries")
    scale = max(1.0, float(np.max(np.abs(E))))
    if np.max(np.abs(E - np.conj(np.swapaxes(E, -1, -2)))) > 1e-12 * scale:
        raise ParameterError("eps_matter", E.tolist(), "a Hermitian matrix, eps_ba = conj(eps_ab)")
    return np.broadcast_to(E, (*shape, 3, 3)) if shape else E


def _positive(name: str, x: np.ndarray, allowed: str, strict: bool = True) -> None:
    bad = ~np.isfinite(x) | ((x <= 0.0) if strict else (x < 0.0))
    if np.any(bad):
        raise ParameterError(name, float(x[bad].flat[0]), allowed)


def _check_Ye(Ye: np.ndarray) -> None:
    bad = ~((Ye > 0.0) & (Ye <= 1.0))
    if np.any(bad):
        raise ParameterError("Ye", float(Ye[bad].flat[0]), "0 < Ye <= 1 (electrons per nucleon)")


def _vacuum(params: OscillationParameters, antineutrino: bool) -> np.ndarray:
    M = params.mass_matrix_GeV2()
    return np.conj(M) if antineutrino else M


def _cp_conjugate(M: np.ndarray, N: np.ndarray, V: np.ndarray, antineutrino: bool
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(M, N, V) as the kernels take them: antineutrinos see conj(M), conj(1_ee + eps), -V."""
    if antineutrino:
        return np.conj(M), np.conj(N), -V
    return M, N, V


def _setup(energy_GeV: object, baseline_km: object, density_g_cm3: object, Ye: object
           ) -> tuple[tuple[int, ...], np.ndarray, np.ndarray, np.ndarray]:
    """Validated inputs: batch shape, E (n,), L (n,) or (1,) in GeV^-1, V (n,) or (1,) in GeV.

    Each input is checked at its own size; a value common to the batch stays one number (the
    kernels broadcast it), so a scan over energies costs no copies of L and V.
    """
    E0, L0, rho0, ye0 = (np.asarray(x, dtype=float) for x in
                         (energy_GeV, baseline_km, density_g_cm3, Ye))
    _positive("energy_GeV", E0, "0 < energy_GeV (GeV)")
    _positive("baseline_km", L0, "0 <= baseline_km (km)", strict=False)
    _positive("density_g_cm3", rho0, "0 <= density_g_cm3 (g/cm^3)", strict=False)
    _check_Ye(ye0)
    shape = np.broadcast_shapes(E0.shape, L0.shape, rho0.shape, ye0.shape)

    def flat(x: np.ndarray) -> np.ndarray:
        if x.size == 1:
            return x.reshape(1)
        return np.ascontiguousarray(np.broadcast_to(x, shape)).reshape(-1)

    E = np.ascontiguousarray(np.broadcast_to(E0, shape)).reshape(-1)
    V = potential_per_density_GeV() * rho0 * ye0
    return shape, E, flat(L0 * km_to_per_GeV()), flat(V)


def hamiltonian(energy_GeV: object, params: OscillationParameters, *, density_g_cm3: object = 0.0,
                Ye: object = 0.5, eps_matter: object = None, antineutrino: bool = False
                ) -> np.ndarray:
    """(*S, 3, 3) flavour-basis Hamiltonian in GeV, S the broadcast shape of the inputs."""
    shape, E, _, V = _setup(energy_GeV, 0.0, density_g_cm3, Ye)
    M, N, V = _cp_conjugate(params.mass_matrix_GeV2(), _E_EE + as_eps_matter(eps_matter), V,
                            antineutrino)
    V = np.broadcast_to(V, E.shape)
    H = M / (2.0 * E[:, None, None]) + V[:, None, None] * N
    return H.reshape(*shape, 3, 3)


def _constant(kernel: Callable[..., None], rows: int, energy_GeV: object, baseline_km: object,
              params: OscillationParameters, density_g_cm3: object, Ye: object, eps_matter: object,
              antineutrino: bool) -> tuple[tuple[int, ...], np.ndarray, np.ndarray, np.ndarray,
                                           np.ndarray]:
    shape, E, L, V = _setup(energy_GeV, baseline_km, density_g_cm3, Ye)
    M, N, V = _cp_conjugate(params.mass_matrix_GeV2(), _E_EE + as_eps_matter(eps_matter), V,
                            antineutrino)
    out = np.empty((rows, E.size))
    kernel(pack_hermitian(M), pack_hermitian(N), E, L, V, out)
    trace = np.trace(M).real / (2.0 * E) + V * np.trace(N).real
    return shape, out, trace, np.broadcast_to(L, E.shape), E


def probabilities(energy_GeV: object, baseline_km: object, params: OscillationParameters, *,
                  density_g_cm3: object = 0.0, Ye: object = 0.5, eps_matter: object = None,
                  antineutrino: bool = False) -> np.ndarray:
    """P(nu_alpha -> nu_beta) through constant matter, shape (*S, 3, 3) [..., alpha, beta].

    Parameters
    ----------
    energy_GeV, baseline_km, density_g_cm3, Ye : array_like, broadcast together to shape S.
    params : oscillation parameters (``OscillationParameters.best_fit()`` for NuFIT).
    eps_matter : (3, 3) complex Hermitian NSI matrix normalised to the electron density
        (None: standard matter).
    antineutrino : use conj(U), -V and conj(eps) (CP conjugate).

    References: REFERENCE.md section 4.4; ``kernels`` for the exact method.
    """
    shape, out, *_ = _constant(kernels.probabilities_kernel, 9, energy_GeV, baseline_km, params,
                               density_g_cm3, Ye, eps_matter, antineutrino)
    return np.moveaxis(out.reshape(3, 3, *shape), (0, 1), (-2, -1))


def evolution_operator(energy_GeV: object, baseline_km: object, params: OscillationParameters, *,
                       density_g_cm3: object = 0.0, Ye: object = 0.5, eps_matter: object = None,
                       antineutrino: bool = False) -> np.ndarray:
    """exp(-i H L), shape (*S, 3, 3) complex, S[..., beta, alpha] = amplitude nu_alpha -> nu_beta.

    Arguments as for ``probabilities``; the global phase exp(-i tr(H) L/3) is included.
    """
    shape, out, trace, L, _ = _constant(kernels.amplitudes_kernel, 18, energy_GeV, baseline_km,
                                        params, density_g_cm3, Ye, eps_matter, antineutrino)
    S = (out[0::2] + 1j * out[1::2]) * np.exp(-1j * trace * L / 3.0)
    return np.moveaxis(S.reshape(3, 3, *shape), (0, 1), (-2, -1))


def _layer_matter(density: np.ndarray, Ye: np.ndarray, eps_matter: EpsInput, antineutrino: bool
                  ) -> np.ndarray:
    """(K, 9) packed V_k (1_ee + eps_k), with the antineutrino conjugation and sign."""
    K = density.shape[0]
    eps = eps_matter(neutron_fraction(Ye)) if callable(eps_matter) else eps_matter
    N = _E_EE + as_eps_matter(eps, (K,))
    V = potential_per_density_GeV() * density * Ye
    if antineutrino:
        N, V = np.conj(N), -V
    return pack_hermitian(V[:, None, None] * N)


def probabilities_paths(energy_GeV: object, paths: Sequence[tuple[object, object, object]],
                        params: OscillationParameters, *, eps_matter: EpsInput = None,
                        antineutrino: bool = False) -> np.ndarray:
    """P through piecewise-constant matter for several paths: shape (n_paths, *E, 3, 3).

    Each path is (lengths_km, density_g_cm3, Ye), arrays of its K layers in the order the
    neutrino crosses them. ``eps_matter`` is a (3, 3) or (K, 3, 3) array (electron-normalised)
    or a function Y_n -> (K, 3, 3) evaluated on each path's Y_n = (1 - Y_e)/Y_e, so a model's
    eps^e + eps^p + Y_n eps^n follows the composition layer by layer (``NSI.matter``).
    """
    E = np.asarray(energy_GeV, dtype=float)
    _positive("energy_GeV", E, "0 < energy_GeV (GeV)")
    offsets = [0]
    lengths, matters = [], []
    for lengths_km, density, Ye in paths:
        Lk, rho, ye = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (lengths_km, density, Ye))
        Lk, rho, ye = np.broadcast_arrays(Lk, rho, ye)
        _positive("lengths_km", Lk, "0 <= lengths_km (km)", strict=False)
        _positive("density_g_cm3", rho, "0 <= density_g_cm3 (g/cm^3)", strict=False)
        _check_Ye(ye)
        lengths.append(Lk * km_to_per_GeV())
        matters.append(_layer_matter(rho, ye, eps_matter, antineutrino) if rho.size else
                       np.zeros((0, 9)))
        offsets.append(offsets[-1] + Lk.size)
    out = np.empty((len(offsets) - 1, 9, E.size))
    kernels.layers_kernel(pack_hermitian(_vacuum(params, antineutrino)),
                          np.ascontiguousarray(E.ravel()), np.asarray(offsets, dtype=np.int64),
                          np.ascontiguousarray(np.concatenate(lengths)),
                          np.ascontiguousarray(np.concatenate(matters)), out)
    return np.moveaxis(out.reshape(out.shape[0], 3, 3, *E.shape), (1, 2), (-2, -1))


def probabilities_layers(energy_GeV: object, lengths_km: object, density_g_cm3: object,
                         Ye: object, params: OscillationParameters, *,
                         eps_matter: EpsInput = None, antineutrino: bool = False) -> np.ndarray:
    """P through K constant-density layers crossed in order: shape (*E, 3, 3).

    See ``probabilities_paths`` for the arguments (one path).
    """
    return probabilities_paths(energy_GeV, [(lengths_km, density_g_cm3, Ye)], params,
                               eps_matter=eps_matter, antineutrino=antineutrino)[0]


def probabilities_points(energy_GeV: object, baseline_km: float, mass_GeV2: np.ndarray,
                         potential_GeV: object, *, eps_matter: object = None,
                         antineutrino: bool = False) -> np.ndarray:
    """P for many points on one energy grid through constant matter: (n_points, 3, 3, n_E).

    Parameters
    ----------
    energy_GeV : (n_E,) energies in GeV.
    baseline_km : one baseline for every point.
    mass_GeV2 : (n_points, 3, 3) vacuum terms U diag(0, dm21, dm31) U^dagger of the neutrinos
        (``parameters.mass_matrices_GeV2``).
    potential_GeV : (n_points,) V = sqrt2 G_F N_e of each point (GeV, >= 0).
    eps_matter : None, (3, 3) or (n_points, 3, 3) electron-normalised NSI matrices.
    antineutrino : conj(M), -V and conj(eps), as in ``probabilities``.

    Point p equals ``probabilities`` of the same Hamiltonian bit for bit (same kernel arithmetic).
    """
    E = np.ascontiguousarray(np.asarray(energy_GeV, dtype=float).reshape(-1))
    _positive("energy_GeV", E, "0 < energy_GeV (GeV)")
    M0 = np.asarray(mass_GeV2, dtype=complex).reshape(-1, 3, 3)
    n = M0.shape[0]
    V0 = np.broadcast_to(np.asarray(potential_GeV, dtype=float), (n,))
    _positive("potential_GeV", V0, "0 <= potential_GeV (GeV)", strict=False)
    L = float(baseline_km) * km_to_per_GeV()
    _positive("baseline_km", np.asarray(L), "0 <= baseline_km (km)", strict=False)
    M, N, V = _cp_conjugate(M0, _E_EE + as_eps_matter(eps_matter, (n,)), V0, antineutrino)
    out = np.empty((n, 9, E.size))
    kernels.probabilities_points_kernel(np.ascontiguousarray(pack_hermitian(M)),
                                        np.ascontiguousarray(pack_hermitian(N)), E, L,
                                        np.ascontiguousarray(V), out)
    return out.reshape(n, 3, 3, E.size)
