"""The Earth along a neutrino's chord: PREM density, composition, and layers for the kernels.

A neutrino arriving at a detector on the surface from zenith angle theta (cos theta < 0: from
below) crosses the chord of length L = -2 R cos(theta); at distance s from its entry point it is
at radius r(s) = sqrt(R^2 + s^2 + 2 s R cos theta). The chord is cut at every PREM shell boundary
it crosses, each piece into ``slabs_per_segment`` equal slabs, and each slab is held at the
density at its midpoint: within a shell PREM is a smooth polynomial, so the slab product converges
as 1/n^2 (midpoint rule) to the continuous profile. The production height in the atmosphere is
neglected (the path starts at the surface).

Y_e per slab from the composition of its PREM region (``data/prem.toml``: mantle or core).

References: Dziewonski and Anderson, Phys. Earth Planet. Inter. 25 (1981) 297 (PREM, Table I);
arXiv:1805.04530 (Y_n of mantle and core, via ``lfvnsi.nsi.media``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from lfvnsi.exceptions import ParameterError
from lfvnsi.nsi.media import medium
from lfvnsi.oscillation.parameters import OscillationParameters
from lfvnsi.oscillation.propagation import EpsInput, probabilities_paths

__all__ = ["EarthPath", "PremModel", "earth_path", "prem", "probabilities_earth"]


@dataclass(frozen=True)
class PremModel:
    """PREM shells: outer radii (km, ascending), cubic coefficients, Y_e per shell."""

    radius_km: float
    r_outer_km: np.ndarray
    coefficients: np.ndarray
    Ye: np.ndarray
    names: tuple[str, ...]
    source: str

    def shell_index(self, r_km: np.ndarray) -> np.ndarray:
        """Index of the shell holding each radius (r on a boundary belongs to the inner shell)."""
        r = np.asarray(r_km, dtype=float)
        return np.minimum(np.searchsorted(self.r_outer_km, r, side="left"),
                          self.r_outer_km.size - 1)

    def density(self, r_km: object) -> np.ndarray:
        """rho(r) in g/cm^3 for 0 <= r <= R (Table I polynomials in x = r/R)."""
        r = np.asarray(r_km, dtype=float)
        if np.any(~((r >= 0.0) & (r <= self.radius_km * (1.0 + 1e-12)))):
            raise ParameterError("r_km", float(r[~((r >= 0) & (r <= self.radius_km))].flat[0]),
                                 f"0 <= r_km <= {self.radius_km:g} (km)")
        a = self.coefficients[self.shell_index(r)]
        x = r / self.radius_km
        return a[..., 0] + x * (a[..., 1] + x * (a[..., 2] + x * a[..., 3]))

    def electron_fraction(self, r_km: object) -> np.ndarray:
        """Y_e(r) of the PREM region holding r."""
        return self.Ye[self.shell_index(np.asarray(r_km, dtype=float))]


@cache
def prem() -> PremModel:
    """The PREM of ``data/prem.toml`` with Y_e from the media table (loaded once)."""
    text = resources.files("lfvnsi.data").joinpath("prem.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    shells = data["shell"]
    Ye = [1.0 / (1.0 + medium(s["composition"]).Y_n) for s in shells]
    return PremModel(float(data["earth_radius_km"]),
                     np.array([s["r_outer_km"] for s in shells], dtype=float),
                     np.array([s["coefficients"] for s in shells], dtype=float),
                     np.array(Ye), tuple(s["name"] for s in shells), str(data["source"]))


@dataclass(frozen=True)
class EarthPath:
    """Slabs along one chord, in the order the neutrino crosses them."""

    cos_zenith: float
    lengths_km: np.ndarray
    density_g_cm3: np.ndarray
    Ye: np.ndarray

    @property
    def baseline_km(self) -> float:
        """Chord length -2 R cos(theta) (0 for cos(theta) >= 0)."""
        return float(self.lengths_km.sum())


def earth_path(cos_zenith: float, slabs_per_segment: int = 8, model: PremModel | None = None
               ) -> EarthPath:
    """Slabs of the chord for one zenith angle (see the module docstring).

    cos_zenith in [-1, 1]; a neutrino from above the horizon (cos >= 0) crosses no Earth.
    """
    model = model or prem()
    c = float(cos_zenith)
    if not -1.0 <= c <= 1.0:
        raise ParameterError("cos_zenith", c, "-1 <= cos_zenith <= 1")
    if int(slabs_per_segment) < 1:
        raise ParameterError("slabs_per_segment", slabs_per_segment, "an integer >= 1")
    R = model.radius_km
    if c >= 0.0:
        empty = np.zeros(0)
        return EarthPath(c, empty, empty, empty)
    total = -2.0 * R * c
    r_min2 = R * R * (1.0 - c * c)
    inner = model.r_outer_km[:-1]
    crossed = inner[inner * inner > r_min2]
    half = np.sqrt(crossed * crossed - r_min2)
    mid = -R * c
    edges = np.unique(np.concatenate(([0.0, total], mid - half, mid + half)))
    n = int(slabs_per_segment)
    t = (np.arange(n) + 0.5) / n
    starts, ends = edges[:-1], edges[1:]
    widths = np.repeat((ends - starts) / n, n)
    s_mid = (starts[:, None] + (ends - starts)[:, None] * t[None, :]).ravel()
    r = np.sqrt(np.maximum(R * R + s_mid * s_mid + 2.0 * s_mid * R * c, 0.0))
    return EarthPath(c, widths, model.density(r), model.electron_fraction(r))


def probabilities_earth(energy_GeV: object, cos_zenith: object, params: OscillationParameters, *,
                        eps_matter: EpsInput = None, antineutrino: bool = False,
                        slabs_per_segment: int = 8) -> np.ndarray:
    """P(nu_alpha -> nu_beta) through the PREM Earth: shape (*Z, *E, 3, 3) for cos_zenith of
    shape Z and energies of shape E (an oscillogram for 1-D grids).

    ``eps_matter``: (3, 3) electron-normalised, or a function Y_n -> eps^m (e.g.
    ``model_eps_matter_function(params)``) evaluated on each slab's composition.
    """
    c = np.asarray(cos_zenith, dtype=float)
    paths = [earth_path(float(x), slabs_per_segment) for x in c.ravel()]
    P = probabilities_paths(energy_GeV, [(p.lengths_km, p.density_g_cm3, p.Ye) for p in paths],
                            params, eps_matter=eps_matter, antineutrino=antineutrino)
    return P.reshape(*c.shape, *P.shape[1:])
