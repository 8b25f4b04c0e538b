"""A GLoBES experiment as GLoBES 3.2 defines it: fluxes, cross sections, channels, rules, systematics.

``load_experiment`` reads an AEDL file (``aedl``) and builds an ``Experiment`` with GLoBES's
semantics, taken from its manual and, where the manual is silent, from its source (3.2.17):

* Flux files: 7 columns E [GeV], nu_e, nu_mu, nu_tau, nu_e-bar, nu_mu-bar, nu_tau-bar; lines
  starting with ``#`` and blank lines skipped, extra columns ignored. The flux at E is the linear
  interpolation between the two table points around E (zero below the first and above the last
  point, and at the first point itself, as ``glb_get_flux`` does), times
  ``@time * @power * @stored_muons * @norm / L^2`` (L the baseline in km; each factor 1 when
  not given).
* Cross-section files: 7 columns log10(E/GeV), then sigma/E of nu_e, nu_mu, nu_tau and the
  antineutrinos in 10^-38 cm^2/GeV; linear interpolation of sigma/E in log10 E, times E, zero
  outside the table.
* The rate of channel c in sampling bin j (energy E_j, the bin centre, width dE_j) is
  flux_{initial}(E_j) sigma_{final}(E_j) P_{initial -> final}(E_j) ``$target_mass`` [kt]
  pre_eff_j dE_j + pre_bg_j, with neutrino or antineutrino columns and probabilities by the
  channel's sign. ``NOSC_`` flavours (unoscillated, e.g. neutral currents) take P = 1 and the
  flux and cross section of the initial flavour; a ``NOSC_`` channel whose two flavours differ
  has no events. The reconstructed rate is post_eff_i sum_j K_ij (rate_j) + post_bg_i, with K
  the channel's ``@energy`` matrix (row i: ``{k_low, k_high, K_i,k_low, ..., K_i,k_high}``, the
  sampling bins that feed reconstructed bin i). No other factor enters: the physical units are
  in ``@norm``.
* Rules: signal and background are sums of coefficient x channel rate; the analysis uses the
  reconstructed bins whose centre lies strictly above the lower and strictly below the upper
  edge of ``@energy_window`` (default: all bins; a window outside [``$emin``, ``$emax``] is
  clipped, a reversed one swapped), as ``glbDefaultExp`` computes them.
* Matter: ``$profiletype = 3`` with one layer (``$lengthtab``, ``$densitytab``): constant
  density; the baseline is the layer's length. GLoBES's electron fraction is Y_e = 0.5.
* Systematics: the chi^2 function names of ``@sys_on_function``/``@sys_off_function`` (or the
  old ``@errordim_sys_on/off`` numbers, used only when no name is given); ``chiMultiExp`` needs
  one list of ``sys`` names per signal and per background entry.

References: GLoBES 3.2 manual (parts II-III, appendix "Flux normalization"); GLoBES source
``glb_fluxes.c``, ``glb_rate_engine.c``, ``glb_multiex.c`` (3.2.17).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.exceptions import AedlError
from lfvnsi.experiments.aedl import AedlDocument, Attribute, Group, NameRef, read_aedl
from lfvnsi.experiments.binning import Binning, reconstructed_bins, sampling_bins

__all__ = ["CHI2_FUNCTIONS", "GLOBES_YE", "Channel", "Experiment", "Rule", "RuleEntry",
           "Systematic", "cross_section", "flux", "load_experiment", "read_table"]

#: Electrons per nucleon of GLoBES's matter potential (``GLB_Ne_MANTLE``).
GLOBES_YE = 0.5
#: chi^2 functions this tool evaluates (their GLoBES meaning: ``likelihood``).
CHI2_FUNCTIONS = ("chiMultiExp", "chiNoSysSpectrum", "chiZero")
#: GLoBES 2 "errordim" numbers and the function each stands for (``glbConvertErrorDim``).
_ERRORDIMS = {0: "chiSpectrumTilt", 2: "chiNoSysSpectrum", 4: "chiTotalRatesTilt",
              7: "chiSpectrumOnly", 8: "chiNoSysTotalRates", 9: "chiSpectrumCalib"}
_FLAVOUR_NAMES = ("e", "mu", "tau")


@dataclass(frozen=True)
class Channel:
    """One channel: flux, sign (+1 neutrinos, -1 antineutrinos), flavours (0, 1, 2 = e, mu,
    tau), whether it oscillates (False for ``NOSC_``), cross section and smearing names."""

    name: str
    flux: str
    polarity: int
    initial: int
    final: int
    oscillates: bool
    cross_section: str
    smearing: str

    @property
    def label(self) -> str:
        bar = "bar" if self.polarity < 0 else ""
        a, b = _FLAVOUR_NAMES[self.initial], _FLAVOUR_NAMES[self.final]
        return f"nu{bar}_{a} -> nu{bar}_{b}" if self.oscillates else f"nu{bar}_{a} (no osc.)"


@dataclass(frozen=True)
class RuleEntry:
    """coefficient x channel, with the indices (into ``Experiment.systematics``) of the nuisance
    parameters of ``chiMultiExp`` for systematics on and off."""

    channel: int
    coefficient: float
    sys_on: tuple[int, ...] = ()
    sys_off: tuple[int, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A rule: signal and background entries, energy window and its bins, chi^2 functions."""

    name: str
    signal: tuple[RuleEntry, ...]
    background: tuple[RuleEntry, ...]
    energy_window: tuple[float, float]
    window_bins: tuple[int, int]  # first and last reconstructed bin used (inclusive)
    chi2_on: str
    chi2_off: str

    @property
    def bins(self) -> slice:
        return slice(self.window_bins[0], self.window_bins[1] + 1)


@dataclass(frozen=True)
class Systematic:
    """A ``sys`` nuisance parameter: a normalisation a with Gaussian error (pull (a/error)^2)."""

    name: str
    error: float


@dataclass(frozen=True, eq=False)
class Experiment:
    """An experiment read from AEDL. Arrays are read-only.

    Attributes
    ----------
    unoscillated : (n_channels, n_sampling) rate per sampling bin for P = 1 (flux x sigma x
        target mass x pre-smearing efficiency x bin width), events.
    pre_background : (n_channels, n_sampling) pre-smearing backgrounds, events.
    response : (n_channels, n_bins, n_sampling) post-smearing efficiency x smearing matrix.
    post_background : (n_channels, n_bins) post-smearing backgrounds, events.
    """

    path: Path
    version: str
    citation: str
    baseline_km: float
    density_g_cm3: float
    target_mass_kt: float
    bins: Binning
    sampling: Binning
    channels: tuple[Channel, ...]
    rules: tuple[Rule, ...]
    systematics: tuple[Systematic, ...]
    unoscillated: np.ndarray
    pre_background: np.ndarray
    response: np.ndarray
    post_background: np.ndarray
    files: tuple[Path, ...]

    @property
    def Ye(self) -> float:
        """Electrons per nucleon of the matter (GLoBES's fixed 0.5)."""
        return GLOBES_YE

    def channel_index(self, name: str) -> int:
        for i, c in enumerate(self.channels):
            if c.name == name:
                return i
        raise AedlError(f"{self.path.name}: no channel #{name}")

    def rule_index(self, name: str) -> int:
        for i, r in enumerate(self.rules):
            if r.name == name:
                return i
        raise AedlError(f"{self.path.name}: no rule #{name}")


def read_table(path: Path, columns: int, what: str) -> np.ndarray:
    """(columns, n_lines) numbers of a GLoBES data file (``glb_load_n_columns``): '#' lines and
    blank lines skipped, fields split at blanks, tabs and commas, extra fields ignored."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise AedlError(f"cannot read {what} file {str(path)!r}: {exc.strerror or exc}") from None
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#") or not line.strip(" \t"):
            continue
        fields = [f for f in line.replace(",", " ").replace("\t", " ").split(" ") if f]
        if len(fields) < columns:
            raise AedlError(f"{path.name}:{number}: a {what} line needs {columns} columns, "
                            f"found {len(fields)}")
        try:
            rows.append([float(f) for f in fields[:columns]])
        except ValueError:
            raise AedlError(f"{path.name}:{number}: not a number in {what} line") from None
    if len(rows) < 2:
        raise AedlError(f"{path.name}: a {what} table needs at least two lines")
    table = np.asarray(rows, dtype=float).T
    if np.any(np.diff(table[0]) <= 0):
        raise AedlError(f"{path.name}: the first column of a {what} table must increase")
    return table


def _interpolate(x_table: np.ndarray, y_table: np.ndarray, x: np.ndarray) -> np.ndarray:
    """GLoBES's table lookup: k = first point with x_k >= x; zero unless 0 < k <= last."""
    k = np.searchsorted(x_table, x, side="left")
    inside = (k > 0) & (k < x_table.size)
    k = np.clip(k, 1, x_table.size - 1)
    x_lo, x_up = x_table[k - 1], x_table[k]
    y_lo, y_up = y_table[..., k - 1], y_table[..., k]
    return np.where(inside, y_lo + (x - x_lo) * (y_up - y_lo) / (x_up - x_lo), 0.0)


def flux(table: np.ndarray, energy_GeV: np.ndarray, normalisation: float) -> np.ndarray:
    """(6, n) fluxes (nu_e, nu_mu, nu_tau, bars) at the energies: interpolated table x
    normalisation (@time @power @stored_muons @norm / L^2)."""
    return _interpolate(table[0], table[1:7], energy_GeV) * normalisation


def cross_section(table: np.ndarray, energy_GeV: np.ndarray) -> np.ndarray:
    """(6, n) cross sections in 10^-38 cm^2: E x (sigma/E interpolated in log10 E)."""
    return energy_GeV * _interpolate(table[0], table[1:7], np.log10(energy_GeV))


def _number(a: Attribute | None, what: str, default: float | None = None,
            positive: bool = False) -> float:
    if a is None:
        if default is None:
            raise AedlError(f"{what} is missing")
        return default
    if not isinstance(a.value, float):
        raise AedlError(f"{a.where}: {what} must be a number")
    if not np.isfinite(a.value) or (positive and a.value <= 0) or a.value < 0:
        raise AedlError(f"{a.where}: {what} = {a.value!r} must be {'> 0' if positive else '>= 0'}")
    return a.value


def _vector(a: Attribute | None, size: int, default: float, what: str) -> np.ndarray:
    if a is None:
        return np.full(size, default)
    v = np.asarray(a.value, dtype=float)
    if v.ndim != 1 or v.size != size or not np.all(np.isfinite(v)):
        raise AedlError(f"{a.where}: {what} needs {size} numbers, found {np.size(v)}")
    return v


def _setting(doc: AedlDocument, key: str) -> Any:
    return doc.settings.get(key)


def _where(doc: AedlDocument, key: str) -> str:
    return doc.setting_where.get(key, doc.path.name)


def _matter(doc: AedlDocument) -> tuple[float, float]:
    kind = _setting(doc, "$profiletype")
    if kind != 3.0:
        shown = f"{kind:g}" if isinstance(kind, float) else repr(kind)
        raise AedlError(f"{_where(doc, '$profiletype')}: $profiletype = {shown} is not supported "
                        f"(the PREM profiles 1 and 2 are not read); give $profiletype = 3 with "
                        f"one layer in $lengthtab and $densitytab")
    lengths, densities = _setting(doc, "$lengthtab"), _setting(doc, "$densitytab")
    if not isinstance(lengths, tuple) or not isinstance(densities, tuple):
        raise AedlError(f"{_where(doc, '$profiletype')}: $profiletype = 3 needs the lists "
                        f"$lengthtab and $densitytab")
    if len(lengths) != 1 or len(densities) != 1:
        raise AedlError(f"{_where(doc, '$lengthtab')}: only one matter layer (constant density) is "
                        f"supported, found {len(lengths)} lengths and {len(densities)} densities")
    L, rho = float(lengths[0]), float(densities[0])
    if not (L > 0 and rho >= 0):
        raise AedlError(f"{_where(doc, '$lengthtab')}: the layer needs a length > 0 km and a "
                        f"density >= 0 g/cm^3")
    baseline = _setting(doc, "$baseline")
    if baseline is not None and abs(float(baseline) - L) > 1e-8:
        raise AedlError(f"{_where(doc, '$baseline')}: $baseline = {baseline} differs from the "
                        f"layer length {L}")
    return L, rho


def _filter(doc: AedlDocument) -> None:
    state, value = _setting(doc, "$filter_state"), _setting(doc, "$filter_value")
    if state is not None and state not in (0.0, 1.0):
        raise AedlError(f"{_where(doc, '$filter_state')}: $filter_state must be 0 or 1")
    # GLoBES filters only with $filter_state = 1 (its default) and a width > 0
    if (state is None or state == 1.0) and value is not None and value > 0:
        raise AedlError(f"{_where(doc, '$filter_value')}: the low-pass filter ($filter_state = 1, "
                        f"$filter_value > 0) is not supported")
    if _setting(doc, "$densitysteps") is not None:
        raise AedlError(f"{_where(doc, '$densitysteps')}: $densitysteps (PREM steps) is not "
                        f"supported")


def _smearing(g: Group, n_bins: int, n_sampling: int) -> np.ndarray:
    a = g.attributes.get("@energy")
    if a is None:
        raise AedlError(f"{g.where}: energy #{g.name} has no @energy matrix (computed smearing "
                        f"is not supported)")
    rows = a.value
    if len(rows) != n_bins:
        raise AedlError(f"{a.where}: energy #{g.name} has {len(rows)} rows, the experiment "
                        f"{n_bins} bins")
    K = np.zeros((n_bins, n_sampling))
    for i, row in enumerate(rows):
        if len(row) < 3 or any(isinstance(x, NameRef) for x in row):
            raise AedlError(f"{a.where}: energy #{g.name}, row {i + 1}: expected "
                            f"{{k_low, k_high, values...}}")
        lo, hi = int(row[0]), int(row[1])
        if not (0 <= lo <= hi <= n_sampling - 1) or hi - lo != len(row) - 3:
            raise AedlError(f"{a.where}: energy #{g.name}, row {i + 1}: sampling range "
                            f"{row[0]:g}..{row[1]:g} does not fit {n_sampling} sampling bins and "
                            f"{len(row) - 2} values")
        K[i, lo:hi + 1] = row[2:]
    return K


def _chi2_name(g: Group, on_off: str) -> str:
    a = g.attributes.get(f"@sys_{on_off}_function")
    if a is not None:
        name = str(a.value)
    else:
        dim = g.attributes.get(f"@errordim_sys_{on_off}")
        if dim is None:
            raise AedlError(f"{g.where}: rule #{g.name} has no @sys_{on_off}_function")
        name = _ERRORDIMS.get(int(dim.value), f"errordim {dim.value:g}")
    if name not in CHI2_FUNCTIONS:
        raise AedlError(f"{g.where}: rule #{g.name}: the chi^2 function {name} is not supported "
                        f"(supported: {', '.join(CHI2_FUNCTIONS)})")
    return name


def _entries(g: Group, role: str, channels: dict[str, int], sys_index: dict[str, int],
             chi2: dict[str, str]) -> tuple[RuleEntry, ...]:
    a = g.attributes.get(f"@{role}")
    parts = () if a is None else a.value
    nuisance: dict[str, tuple[tuple[int, ...], ...]] = {}
    short = "sig" if role == "signal" else "bg"
    for on_off in ("on", "off"):
        key = f"@sys_{on_off}_multiex_errors_{short}"
        b = g.attributes.get(key)
        if chi2[on_off] != "chiMultiExp":
            if b is not None:
                raise AedlError(f"{b.where}: {key} is allowed only with chiMultiExp")
            nuisance[on_off] = tuple(() for _ in parts)
            continue
        lists = () if b is None else b.value
        if len(lists) != len(parts):
            where = b.where if b is not None else g.where
            raise AedlError(f"{where}: rule #{g.name}: chiMultiExp needs one {key} list per "
                            f"{role} entry ({len(parts)}), found {len(lists)}")
        nuisance[on_off] = tuple(tuple(sys_index[ref.name] for ref in lst) for lst in lists)
    return tuple(RuleEntry(channels[ref.name], float(c), nuisance["on"][k], nuisance["off"][k])
                 for k, (c, ref) in enumerate(parts))


def _window_bins(window: tuple[float, float], bins: Binning) -> tuple[int, int]:
    """GLoBES's bins of an energy window: centres > low and < high (glbDefaultExp)."""
    c = bins.centres
    k = 0
    while k < c.size and c[k] <= window[0]:
        k += 1
    first = k
    while k < c.size and c[k] < window[1]:
        k += 1
    return first, k - 1


def _rule(g: Group, channels: dict[str, int], sys_index: dict[str, int], bins: Binning,
          emax: float) -> Rule:
    chi2 = {"on": _chi2_name(g, "on"), "off": _chi2_name(g, "off")}
    signal = _entries(g, "signal", channels, sys_index, chi2)
    background = _entries(g, "background", channels, sys_index, chi2)
    if not signal:
        raise AedlError(f"{g.where}: rule #{g.name} has no @signal")
    a = g.attributes.get("@energy_window")
    lo, hi = (bins.start, emax) if a is None else a.value
    lo, hi = max(lo, bins.start), min(hi, emax)
    if lo > hi:
        lo, hi = hi, lo
    first, last = _window_bins((lo, hi), bins)
    if last < first:
        raise AedlError(f"{a.where if a else g.where}: rule #{g.name}: the energy window "
                        f"{lo:g}-{hi:g} GeV contains no bin centre")
    return Rule(g.name, signal, background, (lo, hi), (first, last), chi2["on"], chi2["off"])


def _build(doc: AedlDocument) -> Experiment:
    files = list(doc.files)
    root = doc.path.parent
    target = _setting(doc, "$target_mass")
    if not isinstance(target, float) or not target > 0:
        raise AedlError(f"{_where(doc, '$target_mass')}: $target_mass (kt) must be a number > 0")
    _filter(doc)
    L, rho = _matter(doc)
    bins = reconstructed_bins(doc.settings)
    sampling = sampling_bins(doc.settings)
    emax = _setting(doc, "$emax")
    if not isinstance(emax, float):
        raise AedlError("$emax (the upper edge of the reconstructed energies, GeV) is missing")
    if sampling.size < bins.size:
        raise AedlError(f"{doc.path.name}: fewer sampling points ({sampling.size}) than bins "
                        f"({bins.size})")
    E = sampling.centres

    def data_file(a: Attribute | None, g: Group, what: str) -> Path:
        if a is None:
            raise AedlError(f"{g.where}: {g.kind} #{g.name} has no {what}")
        p = Path(a.value)
        path = p if p.is_absolute() else root / p
        files.append(path)
        return path

    fluxes = {}
    for g in doc.groups["nuflux"]:
        table = read_table(data_file(g.attributes.get("@flux_file"), g, "@flux_file"), 7, "flux")
        at = g.attributes.get
        norm = (_number(at("@time"), "@time", 1.0) * _number(at("@power"), "@power", 1.0)
                * _number(at("@stored_muons"), "@stored_muons", 1.0)
                * _number(at("@norm"), "@norm", 1.0) / (L * L))
        fluxes[g.name] = flux(table, E, norm)
    xsecs = {g.name: cross_section(read_table(data_file(g.attributes.get("@cross_file"), g,
                                                        "@cross_file"), 7, "cross-section"), E)
             for g in doc.groups["cross"]}
    smear = {g.name: _smearing(g, bins.size, sampling.size) for g in doc.groups["energy"]}

    channels: list[Channel] = []
    unosc, pre_bg, response, post_bg = [], [], [], []
    for g in doc.groups["channel"]:
        a = g.attributes.get("@channel")
        if a is None:
            raise AedlError(f"{g.where}: channel #{g.name} has no @channel line")
        f, polarity, (ini, osc_i), (fin, osc_f), x, s = a.value
        ch = Channel(g.name, f.name, polarity, ini, fin, osc_i and osc_f, x.name, s.name)
        channels.append(ch)
        off = 3 if polarity < 0 else 0
        rate = xsecs[x.name][fin + off] * fluxes[f.name][ini + off] * target
        if not ch.oscillates and ini != fin:  # GLoBES: an unoscillated channel has one flavour
            rate = np.zeros_like(rate)
        at = g.attributes.get
        pre_eff = _vector(at("@pre_smearing_efficiencies"), sampling.size, 1.0,
                          "@pre_smearing_efficiencies")
        unosc.append(rate * pre_eff * sampling.widths)
        pre_bg.append(_vector(at("@pre_smearing_background"), sampling.size, 0.0,
                              "@pre_smearing_background"))
        post_eff = _vector(at("@post_smearing_efficiencies"), bins.size, 1.0,
                           "@post_smearing_efficiencies")
        response.append(post_eff[:, None] * smear[s.name])
        post_bg.append(_vector(at("@post_smearing_background"), bins.size, 0.0,
                               "@post_smearing_background"))
    if not channels:
        raise AedlError(f"{doc.path.name}: no channel defined")

    systematics = []
    for g in doc.groups["sys"]:
        error = _number(g.attributes.get("@error"), f"sys #{g.name} @error", positive=True)
        systematics.append(Systematic(g.name, error))
    sys_index = {s.name: i for i, s in enumerate(systematics)}
    channel_index = {c.name: i for i, c in enumerate(channels)}
    rules = tuple(_rule(g, channel_index, sys_index, bins, emax) for g in doc.groups["rule"])
    if not rules:
        raise AedlError(f"{doc.path.name}: no rule defined")

    def frozen(x: list[np.ndarray]) -> np.ndarray:
        out = np.ascontiguousarray(np.array(x, dtype=float))
        out.setflags(write=False)
        return out

    version, citation = _setting(doc, "$version"), _setting(doc, "$citation")
    return Experiment(
        path=doc.path, version=str(version or ""), citation=str(citation or ""), baseline_km=L,
        density_g_cm3=rho, target_mass_kt=target, bins=bins, sampling=sampling,
        channels=tuple(channels), rules=rules, systematics=tuple(systematics),
        unoscillated=frozen(unosc), pre_background=frozen(pre_bg), response=frozen(response),
        post_background=frozen(post_bg), files=tuple(dict.fromkeys(files)))


def load_experiment(path: str | Path) -> Experiment:
    """The experiment of a GLoBES AEDL file.

    Raises ``AedlError`` (one line naming file and line) for anything that cannot be read or is
    not supported; see the module docstring for the semantics.
    """
    return _build(read_aedl(path))
