"""Standard-Model inputs in natural units (GeV), from maintained libraries.

Masses, widths and lifetimes come from `particle` (scikit-hep, which ships the PDG tables), G_F,
alpha(0) and hbar from `scipy.constants` (CODATA 2022), unit conversions from `hepunits`. The
few inputs no library provides are read from ``data/constants.toml``, each with its citation.
Everything is loaded lazily on first use and cached.

References: REFERENCE.md section 8.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["StandardModel", "constant_sources", "standard_model"]

# `particle` names of the states whose mass (and width) the model needs.
_PARTICLES = {
    "m_e": "e-",
    "m_mu": "mu-",
    "m_tau": "tau-",
    "m_pi0": "pi0",
    "m_pi": "pi+",
    "m_K": "K+",
    "m_p": "p",
    "m_n": "n",
    "m_W": "W+",
    "m_Z": "Z0",
    "m_h": "H0",
}


@dataclass(frozen=True)
class StandardModel:
    """Standard-Model inputs, all in GeV (or GeV^-2 for G_F); dimensionless otherwise.

    Attributes follow the physics names: ``m_mu`` is the muon mass, ``Gamma_tau`` the tau width.
    ``v = (sqrt2 G_F)^(-1/2)`` and ``sin2_theta_w_on_shell = 1 - m_W^2/m_Z^2`` are derived.
    """

    G_F: float
    alpha: float
    hbar_GeV_s: float
    m_e: float
    m_mu: float
    m_tau: float
    m_pi0: float
    m_pi: float
    m_K: float
    m_p: float
    m_n: float
    m_W: float
    m_Z: float
    m_h: float
    Gamma_mu: float
    Gamma_tau: float
    Gamma_h_sm: float
    sin2_theta_w_msbar_mz: float
    sin2_theta_w_low_energy: float

    @property
    def v(self) -> float:
        """Higgs vev v = (sqrt2 G_F)^(-1/2) = 246.22 GeV (REFERENCE.md section 1)."""
        return 1.0 / math.sqrt(math.sqrt(2.0) * self.G_F)

    @property
    def e(self) -> float:
        """Electromagnetic coupling at zero momentum, sqrt(4 pi alpha(0))."""
        return math.sqrt(4.0 * math.pi * self.alpha)

    @property
    def sin2_theta_w_on_shell(self) -> float:
        """On-shell weak mixing angle 1 - m_W^2/m_Z^2 from the library masses."""
        return 1.0 - (self.m_W / self.m_Z) ** 2


@cache
def _table() -> dict[str, dict[str, object]]:
    text = resources.files("lfvnsi.data").joinpath("constants.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def constant_sources() -> dict[str, str]:
    """Citation of every hand-entered constant, keyed by its name in ``constants.toml``."""
    return {name: str(entry["source"]) for name, entry in _table().items()}


@cache
def standard_model() -> StandardModel:
    """The Standard-Model inputs in GeV (loaded once; see the module docstring for sources)."""
    import hepunits
    import scipy.constants as codata
    from particle import Particle

    def gev(name: str, attribute: str) -> float:
        value = getattr(Particle.from_name(name), attribute)
        if value is None:  # pragma: no cover - would mean a broken `particle` table
            raise RuntimeError(f"`particle` has no {attribute} for {name}")
        return float(value) * hepunits.MeV / hepunits.GeV

    masses = {key: gev(name, "mass") for key, name in _PARTICLES.items()}
    widths = {key: gev(name, "width") for key, name in (("Gamma_mu", "mu-"), ("Gamma_tau", "tau-"))}
    table = _table()
    return StandardModel(
        G_F=codata.physical_constants["Fermi coupling constant"][0],
        alpha=codata.fine_structure,
        hbar_GeV_s=codata.hbar / codata.e * 1e-9,
        Gamma_h_sm=float(table["higgs_width_sm"]["value"]),  # type: ignore[arg-type]
        sin2_theta_w_msbar_mz=float(table["sin2_theta_w_msbar_mz"]["value"]),  # type: ignore[arg-type]
        sin2_theta_w_low_energy=float(table["sin2_theta_w_low_energy"]["value"]),  # type: ignore[arg-type]
        **masses,
        **widths,
    )
