"""Excluded region of the model from each release: 90% CL upper limit on |(g_nu)_ab g_f| vs m_Z'.

For a flavour-changing coupling (g_nu)_ab (a != b, diagonal entries zero, as for the model's
alpha-beta pair) and a vector matter coupling, eps^f_ab(Q^2) = g_f (g_nu)_ab/(sqrt2 G_F
(m_Z'^2 + Q^2)) (eps^V, R.4.8, F11). The flavour-changing amplitude does not interfere with the SM one, so the
rate grows monotonically with y = |(g_nu)_ab g_f|; the limit is the y above the best fit where the
profiled chi^2 of the release (``likelihood``) rises by 2.706 (90% CL, one parameter, Wilks).

Two matter schemes (paper section II B, REFERENCE R.4.2-R.4.4):

* ``baryonic``: g_u = g_d = g_q (gauged baryon number, g_q = g_B/3), y = |(g_nu)_ab g_q|;
* ``kinetic``: g_f = eps e c_W Q_f, so g_u = 2 g_p/3, g_d = -g_p/3 with g_p = eps e c_W and
  eps^n = 0; y = |(g_nu)_ab g_p|.

``python -m lfvnsi.cevns.bounds [OUTDIR]`` writes ``cevns_<release>.csv`` (default
``src/lfvnsi/data/curves/``), one row per m_Z' and one column per (scheme, pair).

References: REFERENCE.md R.4.2-R.4.5, R.4.8, R.4.9; paper (arXiv:1912.09408) section II B.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from lfvnsi.cevns.cross_section import CEvNSCouplings
from lfvnsi.cevns.detectors import RELEASES, release
from lfvnsi.cevns.likelihood import likelihood
from lfvnsi.cevns.rates import predict
from lfvnsi.constants import standard_model
from lfvnsi.nsi.epsilon import eps_per_unit_coupling

__all__ = [
    "DELTA_CHI2_90",
    "PAIRS",
    "SCHEMES",
    "curve_columns",
    "eps_for_unit_coupling",
    "excluded_coupling",
    "masses_default",
    "read_curve",
    "upper_limit",
    "write_curves",
]

#: Delta chi^2 of a 90% CL interval for one parameter.
DELTA_CHI2_90 = 2.705543454095404

#: Flavour pairs (a, b) with their indices.
PAIRS = {"emu": (0, 1), "etau": (0, 2), "mutau": (1, 2)}

#: Quark couplings per unit matter coupling in each scheme: (g_u, g_d).
SCHEMES = {"baryonic": (1.0, 1.0), "kinetic": (2.0 / 3.0, -1.0 / 3.0)}

_COLUMN = {"baryonic": "gnu_gq", "kinetic": "gnu_gp_kinetic"}

# Typical momentum transfer (GeV) that sets the scale of the coupling search.
_Q0 = 0.05


def masses_default() -> np.ndarray:
    """m_Z' grid of the packaged curves: 1 MeV to 10 GeV, ten points per decade (GeV)."""
    return np.logspace(-3.0, 1.0, 41)


def curve_columns() -> list[str]:
    """CSV column names after ``m_zprime_GeV``: ``<scheme column>_<pair>``."""
    return [f"{_COLUMN[s]}_{p}" for s in SCHEMES for p in PAIRS]


def eps_for_unit_coupling(m_zprime: np.ndarray | float) -> np.ndarray:
    """Contact eps^V of y = 1: 1/(sqrt2 G_F m_Z'^2) (R.4.5; ``lfvnsi.nsi.eps_per_unit_coupling``)."""
    return eps_per_unit_coupling(m_zprime)


def _couplings(scheme: str, pair: str, eps: np.ndarray, m_zprime: np.ndarray | None) -> CEvNSCouplings:
    g_u, g_d = SCHEMES[scheme]
    a, b = PAIRS[pair]
    eps = np.asarray(eps, dtype=float)
    unit = np.zeros(eps.shape + (3, 3), dtype=complex)
    unit[..., a, b] = unit[..., b, a] = eps
    return CEvNSCouplings(g_u * unit, g_d * unit, m_zprime)


def upper_limit(chi2: Callable[[np.ndarray], np.ndarray], batch: int, level: float = DELTA_CHI2_90,
                grid: np.ndarray | None = None, iterations: int = 40) -> np.ndarray:
    """Smallest t above the best fit with chi2(t) - min chi2 = level, per batch element.

    ``chi2`` maps (batch, G) values of t >= 0 to (batch, G) chi^2. The minimum is taken on
    ``grid`` (0 and a log grid) and refined by golden-section search, the crossing bracketed on
    the grid and refined by bisection in log t.
    Returns inf where no crossing lies on the grid.
    """
    grid = np.concatenate([[0.0], np.logspace(-6, 6, 49)]) if grid is None else grid
    values = chi2(np.broadcast_to(grid, (batch, len(grid))))
    best = np.argmin(values, axis=1)
    # refine an interior minimum by golden-section search between the neighbouring grid points
    a = grid[np.maximum(best - 1, 0)]
    b = grid[np.minimum(best + 1, len(grid) - 1)]
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(iterations):
        c, d = b - ratio * (b - a), a + ratio * (b - a)
        left = chi2(np.stack([c, d], axis=1))
        lower = left[:, 0] < left[:, 1]
        b = np.where(lower, d, b)
        a = np.where(lower, a, c)
    refined = chi2(np.stack([0.5 * (a + b), grid[best]], axis=1)).min(axis=1)
    target = np.minimum(refined, values[np.arange(batch), best]) + level
    above = (values > target[:, None]) & (np.arange(len(grid))[None, :] > best[:, None])
    has = above.any(axis=1)
    k = np.where(has, np.argmax(above, axis=1), 1)
    lo = np.maximum(grid[k - 1], grid[1] * 1e-3)
    hi = grid[k]
    for _ in range(iterations):
        mid = np.sqrt(lo * hi)
        over = chi2(mid[:, None])[:, 0] > target
        hi = np.where(over, mid, hi)
        lo = np.where(over, lo, mid)
    return np.where(has, np.sqrt(lo * hi), np.inf)


def excluded_coupling(dataset: str, scheme: str, pair: str, m_zprime: np.ndarray,
                      form_factor: str = "helm") -> np.ndarray:
    """90% CL upper limit on y = |(g_nu)_ab g_f| at each m_Z' (GeV) from release ``dataset``.

    The signal is S_SM + (y/y_ref)^2 X because the flavour-changing amplitude adds to the rate
    without interference; y_ref = sqrt2 G_F (m_Z'^2 + Q_0^2), Q_0 = 0.05 GeV a typical momentum
    transfer, keeps (y/y_ref)^2 of order one at the limit for light and heavy mediators alike.

    References: REFERENCE.md R.4.8, R.4.9; this module's docstring for the schemes.
    """
    m = np.atleast_1d(np.asarray(m_zprime, dtype=float))
    rel = release(dataset, form_factor)
    like = likelihood(rel)
    sm = predict(rel).bins
    eps_ref = (m**2 + _Q0**2) / m**2  # eps(q^2 = 0) of y = y_ref
    unit = predict(rel, _couplings(scheme, pair, eps_ref, m)).bins - sm  # (n_m, n_bins)

    def chi2(t: np.ndarray) -> np.ndarray:
        return like.chi2(sm + t[..., None] * unit[:, None, :])

    t = upper_limit(chi2, len(m))
    return np.sqrt(t) * eps_ref / eps_for_unit_coupling(m)


def _header(dataset: str, form_factor: str) -> list[str]:
    import lfvnsi

    info = release(dataset, form_factor).info
    return [
        f"# CEvNS exclusion from {info['title']} ({info['reference']}; release {info['release']}).",
        (f"# Computed by the tool itself: lfvnsi {lfvnsi.__version__}, "
         f"`python -m lfvnsi.cevns.bounds` (lfvnsi.cevns.bounds.excluded_coupling)."),
        "# Each column: 90% CL upper limit on |(g_nu)_ab g_f| (dimensionless) for a purely",
        "# flavour-changing neutrino coupling (g_nu)_ab = (g_nu)_ba, no diagonal entries, vector Z'",
        "# of mass m_zprime_GeV with the full m^2/(m^2 + Q^2) propagator, Q^2 = 2 M T.",
        "# gnu_gq_<ab>: baryonic scheme g_u = g_d = g_q (gauged B, g_q = g_B/3);",
        "# gnu_gp_kinetic_<ab>: kinetic mixing, g_f = eps e c_W Q_f, g_p = eps e c_W, g_n = 0.",
        "# Statistic: profiled binned Poisson chi^2 of the release (lfvnsi.cevns.likelihood: signal",
        "# and background normalisation nuisances, steady-state background from the anti-coincidence",
        f"# window where released); limit where chi^2 - min chi^2 = {DELTA_CHI2_90:.4f} above the best fit.",
        (f"# Form factor {form_factor}; sin^2 theta_W (low energy) = "
         f"{standard_model().sin2_theta_w_low_energy}; SNS pi-DAR flux, analytic spectra."),
        "# Contact limit: |eps^V_ab| = value / (sqrt2 G_F m_zprime_GeV^2) as m_zprime -> infinity.",
    ]


def write_curves(outdir: str | Path, datasets: Sequence[str] = RELEASES,
                 masses: np.ndarray | None = None, form_factor: str = "helm") -> list[Path]:
    """Write ``cevns_<dataset>.csv`` for each dataset into ``outdir``; returns the paths."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    masses = masses_default() if masses is None else np.asarray(masses, dtype=float)
    paths = []
    for name in datasets:
        columns = [excluded_coupling(name, s, p, masses, form_factor) for s in SCHEMES for p in PAIRS]
        lines = _header(name, form_factor)
        lines.append(",".join(["m_zprime_GeV", *curve_columns()]))
        for i, m in enumerate(masses):
            lines.append(",".join([f"{m:.6e}"] + [f"{c[i]:.6e}" for c in columns]))
        path = outdir / f"cevns_{name}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def read_curve(dataset: str) -> dict[str, np.ndarray]:
    """The packaged curve of ``dataset`` as {column: array} (``data/curves/cevns_<dataset>.csv``)."""
    from importlib import resources

    text = resources.files("lfvnsi.data").joinpath(f"curves/cevns_{dataset}.csv").read_text(
        encoding="utf-8")
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    header = rows[0].split(",")
    data = np.array([[float(x) for x in row.split(",")] for row in rows[1:]])
    return {name: data[:, i] for i, name in enumerate(header)}


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``python -m lfvnsi.cevns.bounds [OUTDIR]``."""
    args = list(sys.argv[1:] if argv is None else argv)
    outdir = Path(args[0]) if args else Path(__file__).resolve().parents[1] / "data" / "curves"
    for path in write_curves(outdir):
        print(path)


if __name__ == "__main__":  # pragma: no cover
    main()
