"""Agreement with the reference values of other codes (tests/data/nuoscprobexact-reference-values).

Each fixture is compared in its own conventions (reference.py: density and length rescaled so that V_CC
and L in natural units are the code's). Tolerances are the codes' own precision: a peer code's
output is compared at the distance it has from the 50-digit mpmath referee (so we are as close
to it as it is to the exact answer), the mpmath values themselves at round-off.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lfvnsi.oscillation import OscillationParameters, earth_path, prem, probabilities
from lfvnsi.oscillation.propagation import probabilities_layers

from .reference import (
    NOPE_DENSITY_SCALE,
    NOPE_LENGTH_SCALE,
    density_scale,
    length_scale,
    load_reference,
)

NUFIT4 = OscillationParameters.best_fit("normal", "nufit-4.0")


def _mu_to_e_1300km(energies: np.ndarray) -> np.ndarray:
    return probabilities(energies, 1300.0 * NOPE_LENGTH_SCALE, NUFIT4,
                         density_g_cm3=3.0 * NOPE_DENSITY_SCALE, Ye=0.5)[:, 1, 0]


def test_nufit4_parameters_are_those_of_the_fixtures() -> None:
    params = load_reference("nusquids_reference.json")["parameters"]
    for name in ("theta12", "theta13", "theta23", "delta_cp"):
        key = {"theta12": "th12", "theta13": "th13", "theta23": "th23", "delta_cp": "dcp"}[name]
        assert getattr(NUFIT4, name) == pytest.approx(params[key], rel=1e-7)
    assert NUFIT4.dm21_eV2 == params["dm21"] and NUFIT4.dm31_eV2 == params["dm31"]


def test_mpmath_50_digit_reference_to_roundoff() -> None:
    ref = load_reference("const_density_scan.json")
    P = _mu_to_e_1300km(np.array(ref["energy_gev"]))
    assert np.max(np.abs(P - np.array(ref["probability_reference"]))) < 2e-15


@pytest.mark.parametrize(("file", "key"), [
    ("const_density_scan.json", "probability_globes"),
    ("const_density_scan.json", "probability_prob3pp"),
    ("nufast_scan.json", "probability_N_Newton_0"),
    ("nufast_scan.json", "probability_N_Newton_2"),
    ("nusquids_scan.json", "probability"),
])
def test_peer_codes_at_their_own_precision(file: str, key: str) -> None:
    exact = np.array(load_reference("const_density_scan.json")["probability_reference"])
    data = load_reference(file)
    peer = np.array(data[key])
    P = _mu_to_e_1300km(np.array(data["energy_gev"]))
    precision = np.max(np.abs(peer - exact))  # the peer's own error against mpmath
    assert precision < 5e-5  # GLoBES 2.8e-8, Prob3++ 2.8e-5, NuFast 1.5e-5/2.3e-8, nuSQuIDS 8.9e-8
    assert np.max(np.abs(P - peer)) <= 1.0001 * precision + 1e-15


def test_nusquids_full_matrices_in_its_own_constants() -> None:
    """nuSQuIDS 1.13.3 at rel/abs error 1e-12: 3nu vacuum, matter, antineutrinos, inverted."""
    data = load_reference("nusquids_reference.json")
    c, p = data["constants"], data["parameters"]
    v_nusquids = math.sqrt(2.0) * c["GF"] * c["avogadro"] * 0.5 / c["cm"] ** 3  # eV at rho = 1
    rho_scale, km_scale = density_scale(v_nusquids), length_scale(c["km"])
    checked = 0
    for case in data["cases"]:
        if case["n_flavors"] != 3:
            continue  # the 3+1 cases are outside a three-flavour engine
        params = OscillationParameters(p["th12"], p["th13"], p["th23"], p["dcp"], p["dm21"],
                                       case["dm31"])
        P = probabilities(case["energy_gev"], case["baseline_km"] * km_scale, params,
                          density_g_cm3=(case["density_g_cm3"] or 0.0) * rho_scale, Ye=0.5,
                          antineutrino=case["antineutrino"])
        assert np.max(np.abs(P - np.array(case["probabilities"]))) < 1e-11, case["name"]
        checked += 1
    assert checked == 7


def _prem_converged(n: int, energies: np.ndarray) -> np.ndarray:
    path = earth_path(-0.9, n)
    return probabilities_layers(energies, path.lengths_km * NOPE_LENGTH_SCALE,
                                path.density_g_cm3 * NOPE_DENSITY_SCALE, 0.5, NUFIT4)[:, 1, 1]


def test_prem_against_converged_30_digit_slab_product() -> None:
    """PREM at cos z = -0.9, Y_e = 1/2: the same chord slabs, Richardson (4 P(256) - P(128))/3."""
    data = load_reference("prem_speed_accuracy.json")
    three = data["three_flavor"]
    E = np.array(three["energy_gev"])
    assert earth_path(-0.9).baseline_km == pytest.approx(data["baseline_km"], rel=1e-14)
    extrapolated = (4.0 * _prem_converged(256, E) - _prem_converged(128, E)) / 3.0
    # the referee is itself within 2.3e-11 of an adaptive ODE integration of the profile
    assert np.max(np.abs(extrapolated - np.array(three["reference"]))) < 1e-11
    # and 8 slabs per segment (the default) sit where the slab dial puts them
    assert np.max(np.abs(_prem_converged(8, E) - np.array(three["reference"]))) < 1e-3


def _radial_shell_chord(n: int, cos_zenith: float = -0.9) -> tuple[np.ndarray, np.ndarray]:
    """The drivers' Earth: 4 major layers x n radial sub-shells at midpoint density, on the chord."""
    model = prem()
    R = model.radius_km
    edges, rho, lo = [], [], 0.0
    for hi in (1221.5, 3480.0, 5701.0, 6371.0):
        edges += [lo + (i + 1) * (hi - lo) / n for i in range(n)]
        rho += [float(model.density(lo + (i + 0.5) * (hi - lo) / n)) for i in range(n)]
        lo = hi
    e = np.array(edges)
    acz = abs(cos_zenith)
    r_min = R * math.sqrt(1.0 - cos_zenith**2)
    cross = [0.0, 2.0 * R * acz]
    for r in e[(e > r_min) & (e < R)]:
        d = math.sqrt(r * r - r_min * r_min)
        cross += [acz * R - d, acz * R + d]
    cross_sorted = np.sort(cross)
    a, b = cross_sorted[:-1], cross_sorted[1:]
    keep = b - a > 1e-12
    s = 0.5 * (a + b)[keep]
    r = np.sqrt(R * R + s * s - 2.0 * s * R * acz)
    shell = np.minimum(np.searchsorted(e, r, side="left"), e.size - 1)
    return (b - a)[keep], np.array(rho)[shell]


@pytest.mark.parametrize(("file", "tolerance"), [
    ("globes_prem.txt", 3e-6),        # GLoBES and NuFast-Earth differ from each other by 2.8e-6
    ("nufast_earth_prem.txt", 3e-6),
    ("prob3_prem.txt", 6e-4),          # Prob3++'s own floor: 5.7e-4 in vacuum on this chord
])
def test_layered_codes_on_the_same_shells(file: str, tolerance: float) -> None:
    E = np.geomspace(3.0, 40.0, 12)
    rows = [line.split() for line in load_reference(file).splitlines() if line.strip()]
    assert len(rows) == 9
    for row in rows:
        lengths, density = _radial_shell_chord(int(row[0]))
        P = probabilities_layers(E, lengths * NOPE_LENGTH_SCALE, density * NOPE_DENSITY_SCALE, 0.5,
                                 NUFIT4)[:, 1, 1]
        assert np.max(np.abs(P - np.array(row[2:], dtype=float))) < tolerance, (file, row[0])
