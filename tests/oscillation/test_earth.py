"""PREM: coefficients against the IRIS table, chord geometry, composition, convergence."""

from __future__ import annotations

import numpy as np
import pytest

from lfvnsi.exceptions import ParameterError
from lfvnsi.nsi.media import medium
from lfvnsi.oscillation import OscillationParameters, earth_path, prem, probabilities_earth

from .reference import PREM_DIR


def test_polynomials_reproduce_every_row_of_the_iris_table() -> None:
    rows = np.loadtxt(PREM_DIR / "PREM_1s.csv", delimiter=",")
    assert rows.shape == (199, 10)
    model = prem()
    r, rho = rows[:, 0], rows[:, 2]
    seen: set[float] = set()
    for radius, density in zip(r, rho, strict=True):
        # a discontinuity is listed twice, from the surface down: the value above, then below
        above = radius not in seen and np.count_nonzero(r == radius) == 2
        seen.add(radius)
        x = min(radius + 1e-9, model.radius_km) if above else radius
        assert float(model.density(x)) == pytest.approx(density, abs=6e-5), radius


def test_composition_comes_from_the_media_table() -> None:
    model = prem()
    core = 1.0 / (1.0 + medium("earth_core").Y_n)
    mantle = 1.0 / (1.0 + medium("earth_mantle").Y_n)
    assert float(model.electron_fraction(0.0)) == core
    assert float(model.electron_fraction(3480.0)) == core
    assert float(model.electron_fraction(3480.1)) == mantle
    assert float(model.electron_fraction(6371.0)) == mantle


@pytest.mark.parametrize("cz", [-1.0, -0.9, -0.6, -0.3, -0.05])
def test_chord_geometry(cz: float) -> None:
    p = earth_path(cz, 4)
    assert p.baseline_km == pytest.approx(-2 * 6371.0 * cz, rel=1e-13)
    assert np.all(p.lengths_km > 0)
    assert np.allclose(p.lengths_km, p.lengths_km[::-1], rtol=1e-12)
    r_min = 6371.0 * np.sqrt(1 - cz * cz)
    assert np.max(p.density_g_cm3) <= float(prem().density(r_min)) + 1e-12


def test_no_earth_above_the_horizon_and_bad_input() -> None:
    assert earth_path(0.3).lengths_km.size == 0
    with pytest.raises(ParameterError, match="cos_zenith"):
        earth_path(-1.5)
    with pytest.raises(ParameterError, match="r_km"):
        prem().density(7000.0)


def test_slab_product_converges_at_second_order() -> None:
    params = OscillationParameters.best_fit()
    E = np.geomspace(2.0, 30.0, 20)
    P = {n: probabilities_earth(E, -0.85, params, slabs_per_segment=n)[:, 1, 1] for n in (8, 16, 32)}
    d1 = np.max(np.abs(P[16] - P[8]))
    d2 = np.max(np.abs(P[32] - P[16]))
    assert 3.0 < d1 / d2 < 5.0  # 4 for a midpoint rule


def test_oscillogram_shape_and_model_composition() -> None:
    params = OscillationParameters.best_fit()
    cz = np.array([-1.0, -0.5, 0.2])
    E = np.geomspace(1, 50, 7)
    P = probabilities_earth(E, cz, params)
    assert P.shape == (3, 7, 3, 3)
    assert np.max(np.abs(P[2] - np.eye(3))) == 0.0  # from above: no Earth
    # eps as a function of Y_n: the core slabs get the core's Y_n
    seen: list[np.ndarray] = []

    def eps_of(Y_n: np.ndarray) -> np.ndarray:
        seen.append(Y_n)
        return np.zeros((Y_n.size, 3, 3))

    probabilities_earth(E, -1.0, params, eps_matter=eps_of)
    assert set(np.round(seen[0], 6)) == {round(medium("earth_mantle").Y_n, 6),
                                         round(medium("earth_core").Y_n, 6)}
