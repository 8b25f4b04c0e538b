"""Cross-check against the reference Delta-chi^2 grids of bradkav/CEvNS (arXiv:1805.01798).

The reference grids use COHERENT's 2017 single-bin chi^2 (arXiv:1708.01294) with a digitised
spectrum. We feed the same chi^2 with our own CsI 2017 prediction (Helm form factor, our flux,
quenching, acceptance and smearing), evaluate it on the same 101 x 101 (eps^u, eps^d) grid, and
compare the 90% CL allowed regions (Delta chi^2 < 4.61): the overlap (intersection over union)
of the allowed cells, and the direction of the allowed band (principal axis of the allowed
cells), which is fixed by the quark content of the nucleons. The same comparison with eps^u and
eps^d exchanged (the d-quark coupling built from u) must agree visibly worse.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lfvnsi.cevns.cross_section import CEvNSCouplings
from lfvnsi.cevns.detectors import release
from lfvnsi.cevns.likelihood import chi2_counting_csi2017
from lfvnsi.cevns.rates import predict

GRID = np.linspace(-1.0, 1.0, 101)
LEVEL = 4.61  # 90% CL, two parameters


def _delta_chi2(kind: str, swap: bool = False) -> np.ndarray:
    U, D = np.meshgrid(GRID, GRID)  # rows: eps^d, columns: eps^u (as the reference files)
    u, d = (D, U) if swap else (U, D)
    eps_u = np.zeros(U.shape + (3, 3), dtype=complex)
    eps_d = np.zeros_like(eps_u)
    if kind == "ee":
        eps_u[..., 0, 0], eps_d[..., 0, 0] = u, d
    else:  # e-mu, flavour changing
        eps_u[..., 0, 1] = eps_u[..., 1, 0] = u
        eps_d[..., 0, 1] = eps_d[..., 1, 0] = d
    total = predict(release("csi2017"), CEvNSCouplings(eps_u, eps_d, None)).total
    chi2 = chi2_counting_csi2017(total)
    return chi2 - chi2.min()


def _compare(mine: np.ndarray, ref: np.ndarray) -> tuple[float, float]:
    a, b = mine < LEVEL, ref < LEVEL
    overlap = (a & b).sum() / (a | b).sum()

    def axis(mask: np.ndarray) -> np.ndarray:
        rows, cols = np.nonzero(mask)
        w, v = np.linalg.eigh(np.cov(np.vstack([GRID[cols], GRID[rows]])))
        return v[:, np.argmax(w)]

    angle = np.degrees(np.arccos(min(1.0, abs(float(axis(a) @ axis(b))))))
    return float(overlap), float(angle)


@pytest.mark.parametrize(("kind", "min_overlap"), [("ee", 0.9), ("emu", 0.97)])
def test_allowed_regions_agree_with_reference_grid(kind: str, min_overlap: float,
                                                   reference_data: Path) -> None:
    ref = np.loadtxt(reference_data / "bradkav-cevns-coherent2017" / f"COHERENT_NSI_deltachi2_{kind}.txt")
    assert ref.shape == (101, 101)
    overlap, angle = _compare(_delta_chi2(kind), ref)
    assert overlap > min_overlap and angle < 1.0, (overlap, angle)
    swapped_overlap, swapped_angle = _compare(_delta_chi2(kind, swap=True), ref)
    assert swapped_overlap < overlap - 0.1 and swapped_angle > 5.0, (swapped_overlap, swapped_angle)
