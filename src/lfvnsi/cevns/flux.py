"""The SNS pion-decay-at-rest neutrino source: spectra, flux-averaged kinematics, timing.

pi+ -> mu+ nu_mu gives the prompt nu_mu line at E = (m_pi^2 - m_mu^2)/(2 m_pi); mu+ -> e+ nu_e
nu-bar_mu at rest gives the delayed Michel spectra, with x = E/m_mu <= 1/2,

    f_nu_e(E)     = (192/m_mu) x^2 (1/2 - x),     f_nubar_mu(E) = (64/m_mu) x^2 (3/4 - x),

each normalised to one. Each flavour carries r neutrinos per proton on target, so the fluence at
distance L is r N_POT/(4 pi L^2) per flavour. Decay-in-flight and mu- capture components (below
1% of the flux) are neglected. Masses and lifetimes come from the PDG database.

Timing: a proton pulse (Gaussian, mean t0, width sigma) convolved with the pi+ lifetime (prompt)
or with the pi+ and mu+ lifetimes (delayed); closed-form CDFs of the exponentially modified
Gaussian give the probability of each time bin.

References: K. Scholberg, Phys. Rev. D 73 (2006) 033005, arXiv:hep-ex/0511042 (SNS spectra);
arXiv:1708.01294 and arXiv:2003.10630 (COHERENT flux normalisation and POT timing);
REFERENCE.md R.4.9.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy.special import log_ndtr, ndtr

from lfvnsi.constants import standard_model

__all__ = [
    "COMPONENTS",
    "Component",
    "delayed_time_cdf",
    "endpoint_energy",
    "fluence_per_flavour",
    "kinematic_integral",
    "lifetimes_us",
    "prompt_energy",
    "prompt_time_cdf",
    "recoil_max_of",
    "spectrum",
    "time_bin_probabilities",
]


@dataclass(frozen=True)
class Component:
    """One SNS neutrino component: name, flavour index, antineutrino flag, prompt or delayed."""

    name: str
    flavour: int
    antineutrino: bool
    prompt: bool


#: The three components of the SNS pi-DAR flux, in the order used by every array of this module.
COMPONENTS = (
    Component("nu_mu", 1, False, True),
    Component("nu_e", 0, False, False),
    Component("nubar_mu", 1, True, False),
)

# Michel spectra as polynomials c2 E^2 + c3 E^3 (units of 1/m_mu^3, 1/m_mu^4).
_MICHEL = {"nu_e": (96.0, -192.0), "nubar_mu": (48.0, -64.0)}


def prompt_energy() -> float:
    """Energy of the prompt nu_mu line, (m_pi^2 - m_mu^2)/(2 m_pi) in GeV (29.79 MeV).

    References: two-body pi+ decay at rest; Scholberg, arXiv:hep-ex/0511042.
    """
    sm = standard_model()
    return (sm.m_pi**2 - sm.m_mu**2) / (2.0 * sm.m_pi)


def endpoint_energy() -> float:
    """Endpoint m_mu/2 of the delayed spectra in GeV."""
    return standard_model().m_mu / 2.0


def spectrum(name: str, E: np.ndarray | float) -> np.ndarray:
    """Normalised energy spectrum (1/GeV) of a delayed component ``nu_e`` or ``nubar_mu``.

    References: Scholberg, arXiv:hep-ex/0511042 (Michel spectra of mu+ decay at rest).
    """
    m = standard_model().m_mu
    c2, c3 = _MICHEL[name]
    E = np.asarray(E, dtype=float)
    inside = (E >= 0.0) & (E <= m / 2.0)
    return np.where(inside, c2 * E**2 / m**3 + c3 * E**3 / m**4, 0.0)


def kinematic_integral(name: str, T: np.ndarray, M: float) -> np.ndarray:
    """int dE f(E) (1 - T/E - M T/(2 E^2)) over E >= E_min(T), for component ``name``.

    E_min(T) = (T + sqrt(T^2 + 2 M T))/2 is the smallest energy giving recoil T. For the prompt
    line this is the kinematic factor at E_pi; for the Michel spectra a closed-form polynomial
    integral. Dimensionless; multiply by G_F^2 M/pi F^2 W for dsigma/dT averaged over the flux.

    Parameters
    ----------
    name : ``"nu_mu"`` (prompt), ``"nu_e"`` or ``"nubar_mu"``.
    T : (n,) recoil energies in GeV.
    M : nuclear mass in GeV.

    References: REFERENCE.md R.4.9 (kinematic factor); Scholberg, hep-ex/0511042 (spectra).
    """
    T = np.asarray(T, dtype=float)
    if name == "nu_mu":
        E = prompt_energy()
        return np.maximum(1.0 - T / E - M * T / (2.0 * E**2), 0.0)
    m = standard_model().m_mu
    c2, c3 = _MICHEL[name]
    c2, c3 = c2 / m**3, c3 / m**4
    E_max = m / 2.0
    E_min = np.minimum(0.5 * (T + np.sqrt(T**2 + 2.0 * M * T)), E_max)
    k = 0.5 * M * T

    def G(E: np.ndarray | float) -> np.ndarray:
        # antiderivative of (c2 E^2 + c3 E^3)(1 - T/E - k/E^2)
        return np.asarray(c2 * E**3 / 3.0 + c3 * E**4 / 4.0 - T * (c2 * E**2 / 2.0 + c3 * E**3 / 3.0)
                          - k * (c2 * E + c3 * E**2 / 2.0))

    return np.maximum(G(E_max) - G(E_min), 0.0)


def fluence_per_flavour(pot: float, nu_per_pot: float, distance_m: float) -> float:
    """Neutrinos per flavour per unit area, r N_POT/(4 pi L^2), in GeV^2 (natural units).

    References: isotropic pi-DAR source, arXiv:1708.01294 and arXiv:2003.10630 (r, L, POT).
    """
    import scipy.constants as codata

    hbar_c_GeV_m = codata.hbar * codata.c / codata.e * 1e-9
    L = distance_m / hbar_c_GeV_m
    return nu_per_pot * pot / (4.0 * np.pi * L**2)


@cache
def lifetimes_us() -> tuple[float, float]:
    """(tau_pi+, tau_mu+) in microseconds, from the PDG database (``lfvnsi.constants``)."""
    from lfvnsi.constants import pdg_property

    tau_pi, tau_mu = pdg_property(211, "lifetime"), pdg_property(13, "lifetime")
    if tau_pi is None or tau_mu is None:  # pragma: no cover - broken PDG table
        raise RuntimeError("the PDG database has no pi+/mu+ lifetime")
    return tau_pi * 1e6, tau_mu * 1e6  # seconds -> microseconds


def _emg_cdf(t: np.ndarray, mean: float, sigma: float, rate: float) -> np.ndarray:
    """CDF of a Gaussian (mean, sigma) convolved with an exponential of the given rate.

    F(t) = Phi(z) - exp(-rate (t - mean) + rate^2 sigma^2/2 + log Phi(z - rate sigma)), evaluated
    in logs so that a short lifetime (rate sigma >> 1) does not overflow.
    """
    z = (t - mean) / sigma
    log_tail = -rate * (t - mean) + 0.5 * (rate * sigma) ** 2 + log_ndtr(z - rate * sigma)
    return ndtr(z) - np.exp(log_tail)


def prompt_time_cdf(t: np.ndarray | float, mean: float, sigma: float) -> np.ndarray:
    """CDF in time (us) of prompt neutrinos: proton pulse (mean, sigma) convolved with the pi+ decay.

    References: arXiv:2006.12659 (POT trace convolved with the pi+ and mu+ lifetimes).
    """
    tau_pi, _ = lifetimes_us()
    return _emg_cdf(np.asarray(t, dtype=float), mean, sigma, 1.0 / tau_pi)


def delayed_time_cdf(t: np.ndarray | float, mean: float, sigma: float) -> np.ndarray:
    """CDF in time (us) of delayed neutrinos: pulse convolved with the pi+ and then mu+ decays.

    The two-stage (hypoexponential) decay time has CDF [l1 F(l2) - l2 F(l1)]/(l1 - l2) after the
    Gaussian convolution, with l1, l2 the pi+ and mu+ decay rates.

    References: arXiv:2006.12659 (POT trace convolved with the pi+ and mu+ lifetimes).
    """
    tau_pi, tau_mu = lifetimes_us()
    l1, l2 = 1.0 / tau_pi, 1.0 / tau_mu
    t = np.asarray(t, dtype=float)
    return (l1 * _emg_cdf(t, mean, sigma, l2) - l2 * _emg_cdf(t, mean, sigma, l1)) / (l1 - l2)


def time_bin_probabilities(edges_us: np.ndarray, mean: float, sigma: float) -> np.ndarray:
    """(3, n_bins) probability of each time bin for the components of ``COMPONENTS``.

    References: ``prompt_time_cdf``, ``delayed_time_cdf``.
    """
    edges = np.asarray(edges_us, dtype=float)
    prompt = np.diff(prompt_time_cdf(edges, mean, sigma))
    delayed = np.diff(delayed_time_cdf(edges, mean, sigma))
    return np.stack([prompt if c.prompt else delayed for c in COMPONENTS])


def recoil_max_of(E: float, M: float) -> float:
    """Largest recoil 2 E^2/(M + 2 E) (GeV) of a nucleus of mass M for neutrino energy E.

    References: elastic two-body kinematics (REFERENCE.md R.4.9).
    """
    return 2.0 * E**2 / (M + 2.0 * E)
