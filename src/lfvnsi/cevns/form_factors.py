"""Nuclear form factors F(q) for coherent scattering (vectorised over q).

Both are normalised to F(0) = 1 and take the momentum transfer |q| in GeV; parameters come from
``data/cevns/nuclei.toml`` with their citations.

References: Helm form factor with the Lewin-Smith parameters, J. D. Lewin and P. F. Smith,
Astropart. Phys. 6 (1996) 87, section 4; Klein-Nystrand, S. R. Klein and J. Nystrand,
Phys. Rev. C 60 (1999) 014903, arXiv:hep-ph/9902259. REFERENCE.md R.4.9 (F in the cross section).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lfvnsi.cevns.nuclei import nuclear_data

__all__ = ["FORM_FACTORS", "form_factor", "hbar_c_GeV_fm", "helm", "klein_nystrand"]


def hbar_c_GeV_fm() -> float:
    """hbar c in GeV fm (CODATA via scipy.constants)."""
    import scipy.constants as codata

    return codata.hbar * codata.c / codata.e * 1e-9 * 1e15


def _spherical_bessel_ratio(x: np.ndarray) -> np.ndarray:
    """3 j1(x)/x, equal to 1 at x = 0 (series below x = 1e-3 avoids cancellation)."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-3
    xs = np.where(small, 1.0, x)
    exact = 3.0 * (np.sin(xs) - xs * np.cos(xs)) / xs**3
    series = 1.0 - x**2 / 10.0 + x**4 / 280.0
    return np.where(small, series, exact)


def helm(q: np.ndarray | float, A: int) -> np.ndarray:
    """Helm form factor F(q) = 3 j1(q R0)/(q R0) exp(-q^2 s^2/2).

    R0^2 = c^2 + (7/3) pi^2 a^2 - 5 s^2 with c = 1.23 A^(1/3) - 0.60 fm, a = 0.52 fm, s = 0.9 fm.

    Parameters
    ----------
    q : (...,) momentum transfer |q| in GeV.
    A : mass number.

    References: Lewin and Smith, Astropart. Phys. 6 (1996) 87, section 4.
    """
    p = nuclear_data()["form_factors"]["helm"]
    c = p["c1_fm"] * A ** (1.0 / 3.0) + p["c0_fm"]
    R0 = np.sqrt(c**2 + 7.0 / 3.0 * np.pi**2 * p["a_fm"] ** 2 - 5.0 * p["s_fm"] ** 2)
    qfm = np.asarray(q, dtype=float) / hbar_c_GeV_fm()
    return _spherical_bessel_ratio(qfm * R0) * np.exp(-0.5 * (qfm * p["s_fm"]) ** 2)


def klein_nystrand(q: np.ndarray | float, A: int) -> np.ndarray:
    """Klein-Nystrand form factor F(q) = 3 j1(q R_A)/(q R_A) / (1 + q^2 a_k^2), R_A = 1.2 A^(1/3) fm.

    Parameters
    ----------
    q : (...,) momentum transfer |q| in GeV.
    A : mass number.

    References: Klein and Nystrand, Phys. Rev. C 60 (1999) 014903, arXiv:hep-ph/9902259.
    """
    p = nuclear_data()["form_factors"]["klein_nystrand"]
    R_A = p["r0_fm"] * A ** (1.0 / 3.0)
    qfm = np.asarray(q, dtype=float) / hbar_c_GeV_fm()
    return _spherical_bessel_ratio(qfm * R_A) / (1.0 + (qfm * p["a_k_fm"]) ** 2)


#: Form factors by name.
FORM_FACTORS: dict[str, Callable[[np.ndarray | float, int], np.ndarray]] = {
    "helm": helm,
    "klein_nystrand": klein_nystrand,
}


def form_factor(name: str) -> Callable[[np.ndarray | float, int], np.ndarray]:
    """The form factor ``name`` (``"helm"`` or ``"klein_nystrand"``)."""
    if name not in FORM_FACTORS:
        from lfvnsi.exceptions import ParameterError

        raise ParameterError("form_factor", name, f"one of {', '.join(FORM_FACTORS)}")
    return FORM_FACTORS[name]
