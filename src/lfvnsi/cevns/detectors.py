"""COHERENT releases as data: exposure, detector response, binning, observed counts, backgrounds.

A ``Release`` turns true nuclear recoil energies into expected counts per analysis bin:

    counts[bin] = sum_isotope sum_component N_nuclei fluence
                  sum_j R[e, T_j] (G_F^2 M/pi) F^2(T_j) I_c(T_j) W_c(T_j) dT_j x time_c[t] (x F90[e, f])

with R the probability (times efficiency) that recoil T_j is reconstructed in energy bin e
(quenching, light yield, smearing, acceptance of each release), I_c the flux-averaged kinematic
integral of component c (``flux.kinematic_integral``), W_c the flavour weight carrying all the
couplings (``cross_section.flavour_weight``) and time_c the arrival-time distribution of the
component. Everything but W is coupling independent and is computed once per release.

Release inputs live in ``data/cevns/releases.toml`` (numbers with sources) and the release files
copied into ``data/cevns/<name>/`` (see ``data/cevns/README.md``).

References: arXiv:1708.01294, arXiv:1804.09459 (CsI 2017); arXiv:2110.07730 (CsI 2021);
arXiv:2003.10630, arXiv:2006.12659 (LAr 2020); REFERENCE.md R.4.9.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from scipy.special import gammainc, ndtr

from lfvnsi.cevns import flux
from lfvnsi.cevns.form_factors import form_factor as get_form_factor
from lfvnsi.cevns.nuclei import Nucleus, target
from lfvnsi.constants import standard_model
from lfvnsi.exceptions import ParameterError

__all__ = ["RELEASES", "Background", "Release", "release", "release_info"]

#: Names of the built-in releases.
RELEASES = ("csi2017", "csi2021", "lar2020")

#: Number of recoil-energy nodes (midpoint rule) per release.
N_RECOIL = 800


@dataclass(frozen=True)
class Background:
    """A background in the analysis bins: nominal expected counts and fractional uncertainty."""

    name: str
    counts: np.ndarray
    uncertainty: float


@dataclass(frozen=True)
class Release:
    """One COHERENT data release with its detector response (coupling independent parts).

    Attributes
    ----------
    name : ``"csi2017"``, ``"csi2021"`` or ``"lar2020"``.
    info : the release's table of ``releases.toml`` (sources, published numbers).
    form_factor : name of the nuclear form factor used.
    isotopes : the target nuclei.
    T : (J,) recoil-energy nodes in GeV; dT the (J,) widths.
    kernel : (n_iso, 3, n_E, J) counts per unit flavour weight W: N_nuclei x fluence x R[e, j]
        x G_F^2 M/pi F^2 I_c dT_j (components in ``flux.COMPONENTS`` order).
    time_pdf : (3, n_t) arrival-time probability of each component per time bin, times the time
        efficiency.
    f90 : (n_E, n_f) F90 probabilities per energy bin (LAr only), else None.
    bin_shape : shape of the analysis bins, (n_E, n_t) or (n_E, n_f, n_t), flattened C-order.
    energy_edges : (n_E + 1,) reconstructed-energy edges (``energy_unit``: PE or keVee).
    time_edges : (n_t + 1,) time edges in microseconds.
    observed : (n_bins,) observed counts (beam-on, signal window).
    off : (n_bins,) anti-coincidence counts of the same exposure, a measurement of the
        steady-state background (CsI), or None.
    backgrounds : templated beam-related backgrounds with normalisation uncertainties.
    signal_uncertainty : fractional normalisation uncertainty of the CEvNS prediction.
    """

    name: str
    info: dict[str, Any]
    form_factor: str
    isotopes: tuple[Nucleus, ...]
    T: np.ndarray
    dT: np.ndarray
    kernel: np.ndarray
    time_pdf: np.ndarray
    f90: np.ndarray | None
    bin_shape: tuple[int, ...]
    energy_edges: np.ndarray
    energy_unit: str
    time_edges: np.ndarray
    observed: np.ndarray
    off: np.ndarray | None
    backgrounds: tuple[Background, ...] = field(default=())
    signal_uncertainty: float = 0.0

    @property
    def n_bins(self) -> int:
        """Number of analysis bins."""
        return int(np.prod(self.bin_shape))

    def background_total(self) -> np.ndarray:
        """(n_bins,) nominal expected background: templates plus the anti-coincidence counts."""
        total = np.zeros(self.n_bins)
        for b in self.backgrounds:
            total = total + b.counts
        if self.off is not None:
            total = total + self.off
        return total

    def bins_from_energy(self, counts: np.ndarray) -> np.ndarray:
        """(..., n_bins) flat analysis bins from per-component energy spectra (..., 3, n_E)."""
        spread = np.einsum("...ce,ct->...et", counts, self.time_pdf)
        if self.f90 is not None:
            spread = spread[..., :, None, :] * self.f90[:, :, None]
        return spread.reshape(spread.shape[: counts.ndim - 2] + (self.n_bins,))


def _file(name: str, filename: str) -> Any:
    return resources.files("lfvnsi.data").joinpath(f"cevns/{name}/{filename}")


def _loadtxt(name: str, filename: str, **kwargs: Any) -> np.ndarray:
    with _file(name, filename).open("r", encoding="utf-8") as fh:
        return np.loadtxt(fh, **kwargs)


@cache
def _releases() -> dict[str, Any]:
    text = resources.files("lfvnsi.data").joinpath("cevns/releases.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def release_info(name: str) -> dict[str, Any]:
    """The ``releases.toml`` table of release ``name`` (sources and published numbers)."""
    table = _releases()
    if name not in table:
        raise ParameterError("dataset", name, f"one of {', '.join(RELEASES)}")
    return dict(table[name])


def _edges(spec: list[float]) -> np.ndarray:
    """[start, stop, step] -> edges, or an explicit list of edges (more than three numbers)."""
    if len(spec) == 3 and spec[2] < spec[1] - spec[0]:
        start, stop, step = spec
        return np.linspace(start, stop, round((stop - start) / step) + 1)
    return np.asarray(spec, dtype=float)


def _merge(fine: np.ndarray, fine_edges: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Sum fine bins (..., n_fine) into coarser bins whose edges are fine-bin edges."""
    idx = np.searchsorted(fine_edges, edges)
    if not np.allclose(fine_edges[idx.clip(0, len(fine_edges) - 1)], edges):
        raise ValueError("analysis edges must coincide with fine-bin edges")
    cum = np.concatenate([np.zeros(fine.shape[:-1] + (1,)), np.cumsum(fine, axis=-1)], axis=-1)
    return cum[..., idx[1:]] - cum[..., idx[:-1]]


# --- electron-equivalent energy and light ----------------------------------------------------

def _visible_energy(info: dict[str, Any], T_keV: np.ndarray) -> np.ndarray:
    """Electron-equivalent energy (keVee) of a nuclear recoil of T_keV (keVnr)."""
    q = info["quenching"]
    if q["model"] == "constant":
        return q["value"] * T_keV
    if q["model"] == "polynomial_MeV":
        x = T_keV * 1e-3
        a, b, c, d = q["coefficients"]
        return 1e3 * (a * x + b * x**2 + c * x**3 + d * x**4)
    if q["model"] == "linear_keV":
        return T_keV * (q["a"] + q["b"] * T_keV)
    raise ValueError(f"unknown quenching model {q['model']!r}")


def _efficiency(info: dict[str, Any], name: str, x: np.ndarray) -> np.ndarray:
    """Acceptance at reconstructed energy x (PE or keVee) for the release's model."""
    e = info["efficiency"]
    if e["model"] == "sigmoid_step":
        step = np.where(x < e["step_pe"], 0.0, np.where(x < e["step_pe"] + e["step_width_pe"], 0.5, 1.0))
        return e["a"] / (1.0 + np.exp(-e["k"] * (x - e["x0"]))) * step
    if e["model"] == "sigmoid_offset":
        return np.maximum(e["a"] / (1.0 + np.exp(-e["b"] * (x - e["c"]))) + e["d"], 0.0)
    if e["model"] == "table":
        table = _loadtxt(name, e["file"])
        return np.interp(x, table[:, 0], table[:, 2])
    raise ValueError(f"unknown efficiency model {e['model']!r}")


def _energy_response(info: dict[str, Any], name: str, T: np.ndarray,
                     edges: np.ndarray) -> np.ndarray:
    """(n_E, J) probability x acceptance that recoil T (GeV) lands in reconstructed bin e."""
    T_keV = T * 1e6
    Eee = np.maximum(_visible_energy(info, T_keV), 0.0)
    s = info["smearing"]
    if s["model"] in ("poisson", "gamma"):
        fine_edges = np.arange(0.0, edges[-1] + 0.5, 1.0)  # 1-PE bins, acceptance at the centre
        if s["model"] == "poisson":
            shape = info["light_yield_pe_per_keVee"] * Eee
            scale = np.ones_like(shape)
        else:
            shape = 1.0 + s["b"] * Eee
            scale = Eee / (s["a"] * shape)
        x = fine_edges[None, :] / np.where(scale > 0, scale, 1.0)[:, None]
        cdf = np.where(shape[:, None] > 0, gammainc(np.maximum(shape, 1e-300)[:, None], x), 1.0)
        prob = np.diff(cdf, axis=1)
    elif s["model"] == "gaussian_sqrt":
        fine_edges = np.arange(0.0, edges[-1] + 0.25, 0.5)  # the efficiency table's 0.5 keVee bins
        sigma = s["a"] * np.sqrt(np.maximum(Eee, 1e-12))
        z = (fine_edges[None, :] - Eee[:, None]) / sigma[:, None]
        prob = np.diff(ndtr(z), axis=1)
    else:
        raise ValueError(f"unknown smearing model {s['model']!r}")
    centres = 0.5 * (fine_edges[1:] + fine_edges[:-1])
    prob = prob * _efficiency(info, name, centres)[None, :]
    return _merge(prob, fine_edges, edges).T


# --- timing ------------------------------------------------------------------------------------

def _time_pdf(info: dict[str, Any], name: str, edges: np.ndarray) -> np.ndarray:
    """(3, n_t) arrival-time probabilities per component, times the time efficiency."""
    timing = info.get("timing", {"model": "release"})
    if timing["model"] == "release":  # csi2017: the released arrival-time PDFs on the analysis grid
        prompt = _loadtxt(name, "arrivalTimePDF_promptNeutrinos.txt", delimiter=",")
        delayed = _loadtxt(name, "arrivalTimePDF_delayedNeutrinos.txt", delimiter=",")
        if not np.allclose(0.5 * (edges[1:] + edges[:-1]), prompt[:, 0]):
            raise ValueError("csi2017 time bins must be the release's 0.5 us bins")
        rows = {True: prompt[:, 1], False: delayed[:, 1]}
        return np.stack([rows[c.prompt] for c in flux.COMPONENTS])
    sigma = timing["sigma_us"]
    if "mean_from" in timing:
        brn = _loadtxt(name, timing["mean_from"])
        tau_pi, _ = flux.lifetimes_us()
        mean = float(np.sum(brn[:, 0] * brn[:, 1]) / np.sum(brn[:, 1])) - tau_pi
    else:
        mean = timing["mean_us"]
    fine = np.arange(edges[0], edges[-1] + 1e-9, 0.005)
    fine = np.union1d(fine, edges)
    prob = flux.time_bin_probabilities(fine, mean, sigma)
    te = info.get("time_efficiency")
    if te is not None:
        centres = 0.5 * (fine[1:] + fine[:-1])
        eff = np.where(centres < te["t0_us"], 1.0, np.exp(-te["lambda_per_us"] * (centres - te["t0_us"])))
        prob = prob * eff[None, :]
    return _merge(prob, fine, edges)


# --- observed counts and backgrounds -------------------------------------------------------------

def _csi2017_data(info: dict[str, Any], name: str, e_edges: np.ndarray, t_edges: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, tuple[Background, ...]]:
    def grid(filename: str) -> np.ndarray:
        with _file(name, filename).open("r", encoding="utf-8") as fh:
            rows = np.genfromtxt(fh, delimiter=",", comments="#", invalid_raise=True)
        rows = rows[~np.isnan(rows).any(axis=1)]
        pe = np.unique(rows[:, 0])
        t = np.unique(rows[:, 1])
        if not (np.allclose(pe, 0.5 * (e_edges[1:] + e_edges[:-1]))
                and np.allclose(t, 0.5 * (t_edges[1:] + t_edges[:-1]))):
            raise ValueError("csi2017 analysis bins must be the release's 2-PE x 0.5-us grid")
        return rows[:, 2].reshape(len(pe), len(t))

    on = grid("data_coincidence_beamOn.txt").ravel()
    off = grid("data_anticoincidence_beamOn.txt").ravel()
    pdf = _loadtxt(name, "promptPDF.txt", delimiter=",")
    per_pe = pdf[:, 1] * info["exposure_GWh"] * _efficiency(info, name, pdf[:, 0])
    fine_edges = np.arange(0.0, len(per_pe) + 0.5, 1.0)
    spectrum = _merge(per_pe, fine_edges, e_edges)
    timing = _loadtxt(name, "arrivalTimePDF_promptNeutrons.txt", delimiter=",")[:, 1]
    bkg = info["backgrounds"]["prompt_neutrons"]
    neutrons = Background("prompt_neutrons", np.outer(spectrum, timing).ravel(), bkg["uncertainty"])
    return on, off, (neutrons,)


def _csi2021_data(info: dict[str, Any], name: str, e_edges: np.ndarray, t_edges: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, tuple[Background, ...]]:
    def hist(filename: str) -> np.ndarray:
        ev = _loadtxt(name, filename)
        h, _, _ = np.histogram2d(ev[:, 0], ev[:, 1], bins=[e_edges, t_edges])
        return h.ravel()

    def template(pe_file: str, t_file: str, events: float) -> np.ndarray:
        pe = _loadtxt(name, pe_file)
        pe_edges = np.concatenate([pe[:, 0] - 0.5, [pe[-1, 0] + 0.5]])
        keep = pe_edges <= e_edges[-1] + 1e-9
        spec = _merge(pe[: keep.sum() - 1, 1], pe_edges[keep], e_edges)
        tt = _loadtxt(name, t_file)
        centres = tt[:, 0]
        inside = (centres > t_edges[0]) & (centres < t_edges[-1])
        idx = np.searchsorted(t_edges, centres[inside]) - 1
        timing = np.bincount(idx, weights=tt[inside, 1], minlength=len(t_edges) - 1)
        grid = np.outer(spec, timing).ravel()
        return events * grid / grid.sum()

    backgrounds = tuple(
        Background(key, template(f"{key}PE.txt", f"{key}Trec.txt", b["events"]), b["uncertainty"])
        for key, b in info["backgrounds"].items())
    return hist("dataBeamOnC.txt"), hist("dataBeamOnAC.txt"), backgrounds


def _lar2020_data(info: dict[str, Any], name: str
                  ) -> tuple[np.ndarray, None, tuple[Background, ...], np.ndarray]:
    observed = _loadtxt(name, "datanobkgsub.txt")[:, 3]
    backgrounds = tuple(Background(key, _loadtxt(name, b["file"])[:, 3], b["uncertainty"])
                        for key, b in info["backgrounds"].items())
    cevns = _loadtxt(name, "cevnspdf.txt")[:, 3].reshape(12, 8, 10).sum(axis=2)
    filled = cevns.sum(axis=1) > 0
    last = np.flatnonzero(filled)[-1]
    cevns[~filled] = cevns[last]  # above the CEvNS endpoint: the F90 shape of the last filled bin
    return observed, None, backgrounds, cevns / cevns.sum(axis=1, keepdims=True)


@cache
def release(name: str, form_factor: str = "helm") -> Release:
    """The built-in release ``name`` with its response computed for ``form_factor`` (cached)."""
    info = release_info(name)
    ff = get_form_factor(form_factor)
    tgt = target(info["target"])
    nuclei_per_kg = tgt.nuclei_per_kg()
    E_max = flux.endpoint_energy()
    T_hi = max(float(flux.recoil_max_of(E_max, n.mass)) for n in tgt.isotopes)
    T_edges = np.linspace(0.0, T_hi, N_RECOIL + 1)
    T = 0.5 * (T_edges[1:] + T_edges[:-1])
    dT = np.diff(T_edges)

    if name == "lar2020":
        e_edges = _edges(info["energy_bin_edges_keVee"])
        t_edges = _edges(info["time_bin_edges_us"])
        unit = "keVee"
    elif name == "csi2017":
        e_edges = _edges(info["pe_edges"])
        t_edges = _edges(info["time_edges_us"])
        unit = "PE"
    else:
        e_edges = _edges(info["pe_bin_edges"])
        t_edges = _edges(info["time_bin_edges_us"])
        unit = "PE"

    response = _energy_response(info, name, T, e_edges)  # (n_E, J)
    G_F = standard_model().G_F
    fluence = flux.fluence_per_flavour(info["pot"], info["nu_per_flavour_per_pot"], info["distance_m"])
    kernel = []
    for nuc, per_kg in zip(tgt.isotopes, nuclei_per_kg, strict=True):
        F2 = ff(np.sqrt(2.0 * nuc.mass * T), nuc.A) ** 2
        n_nuclei = per_kg * info["mass_kg"]
        rows = []
        for comp in flux.COMPONENTS:
            I = flux.kinematic_integral(comp.name, T, nuc.mass)
            rows.append(n_nuclei * fluence * G_F**2 * nuc.mass / np.pi * F2 * I * dT)
        kernel.append(np.stack(rows)[:, None, :] * response[None, :, :])
    time_pdf = _time_pdf(info, name, t_edges)

    f90: np.ndarray | None = None
    off: np.ndarray | None
    if name == "csi2017":
        observed, off, backgrounds = _csi2017_data(info, name, e_edges, t_edges)
        shape: tuple[int, ...] = (len(e_edges) - 1, len(t_edges) - 1)
    elif name == "csi2021":
        observed, off, backgrounds = _csi2021_data(info, name, e_edges, t_edges)
        shape = (len(e_edges) - 1, len(t_edges) - 1)
    else:
        observed, off, backgrounds, f90_table = _lar2020_data(info, name)
        f90 = f90_table
        shape = (len(e_edges) - 1, f90_table.shape[1], len(t_edges) - 1)
    return Release(name=name, info=info, form_factor=form_factor, isotopes=tgt.isotopes, T=T, dT=dT,
                   kernel=np.stack(kernel), time_pdf=time_pdf, f90=f90, bin_shape=shape,
                   energy_edges=e_edges, energy_unit=unit, time_edges=t_edges,
                   observed=np.asarray(observed, dtype=float),
                   off=None if off is None else np.asarray(off, dtype=float),
                   backgrounds=backgrounds, signal_uncertainty=float(info["signal_uncertainty"]))
