"""Accuracy figures on demand: the spectrum against 40-digit mpmath, CEvNS against bradkav.

Run from the repository root:  python benchmarks/accuracy_report.py   (about 2 minutes)

The tests assert tolerances; this prints the measured worst cases, on the same points and with
the same references (tests/spectrum/test_acceptance_mpmath.py, tests/cevns/test_bradkav.py):
  light             max |m - m_ref| / (m_ref + 1e-13 max m_ref) per light mass (the test's form)
  light_vs_largest  max |m - m_ref| / max m_ref
  heavy             max |m - m_ref| / m_ref
  g                 max |g_nu - g_ref| / max |g_ref|
  unit              max |U^dagger U - 1|
and for COHERENT 2017 the overlap (intersection over union) of the 90% CL allowed regions with
the bradkav/CEvNS Delta chi^2 grids, the angle between their axes, and both with u and d swapped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests/spectrum"), str(ROOT / "tests/cevns")]

import test_acceptance_mpmath as mpmath_check
import test_bradkav as bradkav

from lfvnsi.couplings import compute_couplings
from lfvnsi.model import Parameters
from lfvnsi.spectrum import compute_spectrum

SEEDS = {"lnvpaper": 1, "lncpaper": 2, "lncconsistent": 3, "lnceffective": 4}


def spectrum_errors(backend: str) -> dict[str, float]:
    worst = {"light": 0.0, "light_vs_largest": 0.0, "heavy": 0.0, "g": 0.0, "unit": 0.0}
    for version, texture, count in mpmath_check.CASES:
        rng = np.random.default_rng(SEEDS[version + texture])
        for _ in range(count):
            pt = mpmath_check.random_point(rng, version, texture)
            p = Parameters(**pt)
            s = compute_spectrum(p, backend=backend)
            g = compute_couplings(p, s).g_nu
            ref = mpmath_check.effective_to_consistent(pt) if texture == "effective" else pt
            M, Q = (np.array(x) for x in mpmath_check.reference_matrix(ref))
            light_ref, heavy_ref, g_ref = mpmath_check.reference_spectrum(M, Q, pt["g_psi"])
            lr = np.array([float(x) for x in light_ref])
            hr = np.array([float(x) for x in heavy_ref])
            dl = np.abs(s.masses[:3] - lr)
            U = s.mixing
            for key, value in (
                    ("light", np.max(dl / (lr + 1e-13 * lr.max()))),
                    ("light_vs_largest", np.max(dl) / lr.max()),
                    ("heavy", np.max(np.abs(s.masses[3:] - hr) / hr)),
                    ("g", np.max(np.abs(g - g_ref)) / np.abs(g_ref).max()),
                    ("unit", np.max(np.abs(U.conj().T @ U - np.eye(len(U)))))):
                worst[key] = max(worst[key], float(value))
    return worst


def main() -> None:
    for backend in ("numpy", "compiled"):
        errors = spectrum_errors(backend)
        print(backend, {k: f"{v:.2g}" for k, v in errors.items()})
    grids = ROOT / "tests" / "data" / "bradkav-cevns-coherent2017"
    for kind in ("ee", "emu"):
        ref = np.loadtxt(grids / f"COHERENT_NSI_deltachi2_{kind}.txt")
        overlap, angle = bradkav._compare(bradkav._delta_chi2(kind), ref)
        swapped, swapped_angle = bradkav._compare(bradkav._delta_chi2(kind, swap=True), ref)
        print(f"bradkav {kind}: overlap {overlap:.3f}, axes {angle:.2f} deg; "
              f"u <-> d swapped: {swapped:.3f}, {swapped_angle:.1f} deg")


if __name__ == "__main__":
    main()
