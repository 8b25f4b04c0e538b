"""Standard-Model inputs in natural units (GeV), from maintained libraries.

Masses and widths come from the PDG database shipped with the `pdg` package (the edition it
carries, looked up by Monte Carlo id), branching fractions from the same database, G_F, alpha(0)
and hbar from `scipy.constants` (CODATA 2022). The few inputs no library provides (review-level
numbers such as sin^2 theta_W in MS-bar, f_pi, |V_ud|) are read from ``data/constants.toml``, each
with its citation. Everything is loaded lazily on first use and cached.

References: REFERENCE.md section 8.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["StandardModel", "branching_fraction", "constant_sources", "pdg_edition", "pdg_property",
           "standard_model"]

#: States whose mass (and width) the model needs, as (PDG name, Monte Carlo id), looked up in the PDG
#: database by id; a test checks that each id carries the name. The neutral kaon mass is the K0
#: entry (the database gives K_S and K_L lifetimes, not masses).
_PARTICLES = {
    "m_e": ("e-", 11),
    "m_mu": ("mu-", 13),
    "m_tau": ("tau-", 15),
    "m_pi0": ("pi0", 111),
    "m_pi": ("pi+", 211),
    "m_K": ("K+", 321),
    "m_p": ("p", 2212),
    "m_n": ("n", 2112),
    "m_W": ("W+", 24),
    "m_Z": ("Z0", 23),
    "m_h": ("H", 25),
    "m_K0": ("K0", 311),
    "m_eta": ("eta", 221),
    "m_rho": ("rho(770)0", 113),
    "m_omega": ("omega(782)0", 223),
    "m_phi": ("phi(1020)0", 333),
    "m_D0": ("D0", 421),
    "m_B": ("B+", 521),
}
#: Widths of long-lived states come from their measured lifetimes, Gamma = hbar/tau with CODATA's
#: hbar (the database's derived widths use a rounded hbar: 2e-5 off for the muon); resonance
#: widths are the database's widths.
_LIFETIMES = {
    "Gamma_mu": ("mu-", 13),
    "Gamma_tau": ("tau-", 15),
    "Gamma_pi": ("pi+", 211),
    "Gamma_K": ("K+", 321),
}
_WIDTHS = {
    "Gamma_rho": ("rho(770)0", 113),
    "Gamma_omega": ("omega(782)0", 223),
    "Gamma_phi": ("phi(1020)0", 333),
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
    m_K0: float
    m_eta: float
    m_rho: float
    m_omega: float
    m_phi: float
    m_D0: float
    m_B: float
    Gamma_mu: float
    Gamma_tau: float
    Gamma_pi: float
    Gamma_K: float
    Gamma_rho: float
    Gamma_omega: float
    Gamma_phi: float
    Gamma_h_sm: float
    sin2_theta_w_msbar_mz: float
    sin2_theta_w_low_energy: float
    f_pi: float
    alpha_s_mz: float
    p_0nubb: float
    V_ud: float

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
    import scipy.constants as codata

    api = _pdg_api()

    def gev(entry: tuple[str, int], attribute: str) -> float:
        name, mcid = entry
        value = pdg_property(mcid, attribute)
        if value is None:  # pragma: no cover - would mean a broken PDG table
            raise RuntimeError(f"the PDG database ({api.edition}) has no {attribute} for {name}")
        return float(value)  # the database's masses and widths are in GeV, lifetimes in s

    masses = {key: gev(entry, "mass") for key, entry in _PARTICLES.items()}
    hbar_GeV_s = codata.hbar / codata.e * 1e-9
    widths = {key: gev(entry, "width") for key, entry in _WIDTHS.items()}
    widths.update({key: hbar_GeV_s / gev(entry, "lifetime") for key, entry in _LIFETIMES.items()})
    table = _table()

    def value(name: str) -> float:
        return float(table[name]["value"])  # type: ignore[arg-type]

    return StandardModel(
        G_F=codata.physical_constants["Fermi coupling constant"][0],
        alpha=codata.fine_structure,
        hbar_GeV_s=hbar_GeV_s,
        Gamma_h_sm=value("higgs_width_sm"),
        sin2_theta_w_msbar_mz=value("sin2_theta_w_msbar_mz"),
        sin2_theta_w_low_energy=value("sin2_theta_w_low_energy"),
        f_pi=value("f_pi"),
        alpha_s_mz=value("alpha_s_mz"),
        p_0nubb=value("p_0nubb"),
        V_ud=value("V_ud"),
        **masses,
        **widths,
    )


@cache
def _pdg_api() -> Any:
    """One connection to the PDG database per process (each connect reflects its schema anew,
    about 40 ms: a scan worker would pay it for every branching fraction)."""
    import warnings

    import pdg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy deprecation warnings of the pdg package
        return pdg.connect()


@cache
def pdg_property(mcid: int, attribute: str) -> float | None:
    """``mass``, ``width`` (GeV) or ``lifetime`` (s) of particle ``mcid`` in the PDG database."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the pdg package's SQLAlchemy emits deprecation warnings
        value = getattr(_pdg_api().get_particle_by_mcid(mcid), attribute)
    return None if value is None else float(value)


def pdg_edition() -> str:
    """The edition of the PDG database in use (e.g. "2026")."""
    return str(_pdg_api().edition)


@cache
def branching_fraction(pdgid: str) -> float:
    """A branching fraction from the PDG database shipped with the `pdg` package, by PDG id.

    For example ``"M001.7"`` is BR(omega -> e+ e-), ``"S009.1"`` BR(pi0 -> gamma gamma),
    ``"S010.1"`` BR(K+ -> mu+ nu). The edition is the one of the installed `pdg` package.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the pdg package's SQLAlchemy emits deprecation warnings
        value = _pdg_api().get(pdgid).best_summary().value
    if value is None:  # pragma: no cover - would mean a broken PDG table
        raise RuntimeError(f"the PDG database has no value for {pdgid}")
    return float(value)
