"""Oscillation speed on one core: lfvnsi against NuOscProbExact in the same run.

Run:  python benchmarks/bench_oscillation.py [--energies 1000000] [--out benchmarks/results/oscillation.json]

Measures (best of --repeat runs, process pinned to one CPU, numba single-threaded):
  * constant density with NSI (DUNE: 1284.9 km, 2.848 g/cm^3, a random Hermitian eps of size 0.1,
    NuFIT 6.0): lfvnsi ``probabilities`` (public API, all nine P per energy) and its kernel alone,
    against NuOscProbExact's ``hamiltonian_3nu_nsi`` + ``probabilities_3nu`` (also all nine);
    "per probability" means per energy point (one 3x3 matrix of probabilities), as
    NuOscProbExact's own benchmarks count it;
  * layered matter: the PREM chord at cos(zenith) = -0.9, 8 slabs per segment, with NSI, in ns per
    layer and energy; NuOscProbExact's ``probabilities_3nu_earth`` (standard matter, the same slab
    scheme) beside it;
  * accuracy in the same run: max |P_lfvnsi - P_NuOscProbExact| over all energies, and both
    against a 50-digit mpmath exponential on 60 of them.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import platform
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from lfvnsi.oscillation import (
    OscillationParameters,
    earth_path,
    hamiltonian,
    km_to_per_GeV,
    nuoscprobexact,
    probabilities,
)
from lfvnsi.oscillation.kernels import probabilities_kernel
from lfvnsi.oscillation.matter import potential_per_density_GeV
from lfvnsi.oscillation.propagation import pack_hermitian, probabilities_layers

L_KM, RHO = 1284.9, 2.848


def best_of(fn: Callable[[], object], repeat: int) -> float:
    fn()  # compile / warm caches
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--energies", type=int, default=1_000_000)
    ap.add_argument("--layered-energies", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", default="benchmarks/results/oscillation.json")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    params = OscillationParameters.best_fit()
    rng = np.random.default_rng(1)
    A = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
    eps = 0.1 * (A + A.conj().T) / 2
    n = args.energies
    E = np.geomspace(0.5, 10.0, n)
    result: dict[str, object] = {"machine": platform.processor() or platform.machine(),
                                 "python": platform.python_version(), "energies": n,
                                 "note": "shared 2-core development machine; figures drift"}

    # --- constant density, lfvnsi ------------------------------------------------------------
    t_api = best_of(lambda: probabilities(E, L_KM, params, density_g_cm3=RHO, eps_matter=eps),
                    args.repeat)
    M, N = pack_hermitian(params.mass_matrix_GeV2()), pack_hermitian(np.diag([1.0, 0, 0]) + eps)
    Lg = np.full(n, L_KM * km_to_per_GeV())
    V = np.full(n, potential_per_density_GeV() * RHO * 0.5)
    out = np.empty((9, n))
    t_kernel = best_of(lambda: probabilities_kernel(M, N, E, Lg, V, out), args.repeat)
    result["constant_density_ns_per_probability"] = {"lfvnsi_api": 1e9 * t_api / n,
                                                     "lfvnsi_kernel": 1e9 * t_kernel / n}
    P = probabilities(E, L_KM, params, density_g_cm3=RHO, eps_matter=eps)

    # --- constant density, NuOscProbExact ----------------------------------------------------
    try:
        import hamiltonians3nu
        import oscprob3nu
    except ImportError:
        hamiltonians3nu = None
    if hamiltonians3nu is not None:
        h_vac = np.asarray(hamiltonians3nu.hamiltonian_3nu_vacuum_energy_independent(
            np.sin(params.theta12), np.sin(params.theta23), np.sin(params.theta13),
            params.delta_cp, params.dm21_eV2, params.dm31_eV2))
        V_eV = potential_per_density_GeV() * RHO * 0.5 * 1e9  # the same V as ours
        L_eV = L_KM * km_to_per_GeV() * 1e-9
        flat = nuoscprobexact(eps)

        def nope() -> np.ndarray:
            H = hamiltonians3nu.hamiltonian_3nu_nsi(h_vac, E * 1e9, V_eV, flat)
            return np.asarray(oscprob3nu.probabilities_3nu(H, L_eV))

        t_nope = best_of(nope, args.repeat)
        H = hamiltonians3nu.hamiltonian_3nu_nsi(h_vac, E * 1e9, V_eV, flat)
        t_nope_p = best_of(lambda: oscprob3nu.probabilities_3nu(H, L_eV), args.repeat)
        theirs = nope().reshape(-1, 3, 3)
        result["constant_density_ns_per_probability"].update(  # type: ignore[union-attr]
            {"nuoscprobexact_with_hamiltonian": 1e9 * t_nope / n,
             "nuoscprobexact_probabilities_only": 1e9 * t_nope_p / n})
        result["max_abs_difference_lfvnsi_vs_nuoscprobexact"] = float(np.max(np.abs(P - theirs)))

        import mpmath as mp
        mp.mp.dps = 50
        idx = np.unique(np.geomspace(1, n, 60).astype(int) - 1)
        Hs = hamiltonian(E[idx], params, density_g_cm3=RHO, eps_matter=eps)
        L = L_KM * km_to_per_GeV()
        ours_err = nope_err = 0.0
        for k, i in enumerate(idx):
            Hm = mp.matrix([[mp.mpc(complex(Hs[k][a, b])) for b in range(3)] for a in range(3)])
            S = mp.expm(-1j * Hm * mp.mpf(L))
            ref = np.array([[float(abs(S[b, a]) ** 2) for b in range(3)] for a in range(3)])
            ours_err = max(ours_err, float(np.max(np.abs(P[i] - ref))))
            nope_err = max(nope_err, float(np.max(np.abs(theirs[i] - ref))))
        result["max_abs_error_vs_mpmath_60_energies"] = {"lfvnsi": ours_err,
                                                         "nuoscprobexact": nope_err}

    # --- layered: PREM chord -----------------------------------------------------------------
    path = earth_path(-0.9, 8)
    m = args.layered_energies
    El = np.geomspace(1.0, 100.0, m)
    t_layers = best_of(lambda: probabilities_layers(El, path.lengths_km, path.density_g_cm3,
                                                    path.Ye, params, eps_matter=eps), args.repeat)
    layered = {"layers": int(path.lengths_km.size), "energies": m,
               "lfvnsi_ns_per_layer": 1e9 * t_layers / (m * path.lengths_km.size)}
    try:
        import earth as nope_earth
        t_nope_earth = best_of(lambda: nope_earth.probabilities_3nu_earth(h_vac, El * 1e9, -0.9, 8),
                               max(1, args.repeat // 2))
        layered["nuoscprobexact_ns_per_layer_standard_matter"] = \
            1e9 * t_nope_earth / (m * path.lengths_km.size)
    except (ImportError, NameError):
        pass
    result["prem_cos_zenith_-0.9"] = layered

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
