"""One ``lfvnsi oscillate`` run: options, the model's eps^m, P and the standard-matter P_sm.

Options come from a preset (``presets``), overridden by an ``[oscillation]`` table of the
configuration file, overridden by command-line flags; ``OPTIONS`` lists every name, its type and
meaning. The model point gives eps^m = eps^e + eps^p + Y_n eps^n (REFERENCE R.4.7) with
Y_n = (1 - Y_e)/Y_e of the medium (per slab for the Earth).

References: REFERENCE.md section 4.4; DESIGN.md (CLI contract).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lfvnsi.exceptions import ConfigError, ParameterError
from lfvnsi.model.parameters import Parameters
from lfvnsi.oscillation.earth import earth_path, prem, probabilities_earth
from lfvnsi.oscillation.matter import km_to_per_GeV, neutron_fraction, potential_per_density_GeV
from lfvnsi.oscillation.model import model_eps_matter, model_eps_matter_function
from lfvnsi.oscillation.parameters import ORDERINGS, OscillationParameters
from lfvnsi.oscillation.presets import PRESETS, channel_indices, preset
from lfvnsi.oscillation.propagation import probabilities

__all__ = ["OPTIONS", "OscillationResult", "resolve_options", "run_oscillation"]

#: name -> (type, meaning) of every option of ``lfvnsi oscillate`` / the [oscillation] table.
OPTIONS: dict[str, tuple[type, str]] = {
    "preset": (str, f"experiment preset: {', '.join(PRESETS)}"),
    "ordering": (str, "mass ordering: normal or inverted"),
    "release": (str, "global fit of the oscillation parameters (data/oscillation_parameters.toml)"),
    "antineutrino": (bool, "antineutrinos (conj(U), -V, conj(eps))"),
    "energy_min_GeV": (float, "lowest energy (GeV)"),
    "energy_max_GeV": (float, "highest energy (GeV)"),
    "n_energies": (int, "number of log-spaced energies"),
    "baseline_km": (float, "baseline (km), constant-density presets"),
    "density_g_cm3": (float, "matter density (g/cm^3), constant-density presets"),
    "Ye": (float, "electrons per nucleon, constant-density presets"),
    "cos_zenith_min": (float, "lowest cos(zenith), Earth preset"),
    "cos_zenith_max": (float, "highest cos(zenith), Earth preset"),
    "n_zenith": (int, "number of cos(zenith) values, Earth preset"),
    "slabs_per_segment": (int, "slabs per PREM segment of a chord, Earth preset"),
    "channel": (str, "channel shown in the report and plots, e.g. mu->e"),
    "out": (str, "table file to write (.csv or .parquet)"),
    "plot": (str, "figure file to write (.png, .pdf, .svg)"),
}


@dataclass(frozen=True)
class OscillationResult:
    """Everything one run computed. P and P_sm: (3, 3, [n_zenith,] n_energies) [from][to]..."""

    options: dict[str, Any]
    params: Parameters
    oscillation_parameters: OscillationParameters
    energy_GeV: np.ndarray
    P: np.ndarray
    P_sm: np.ndarray
    eps_matter: np.ndarray
    earth: bool
    baseline_km: np.ndarray
    cos_zenith: np.ndarray | None = None
    Ye: dict[str, float] = field(default_factory=dict)
    Y_n: dict[str, float] = field(default_factory=dict)
    eps_matter_core: np.ndarray | None = None


#: Options of one kind of preset only: the PREM Earth on a cos(zenith) grid, or a constant density.
EARTH_OPTIONS = ("cos_zenith_min", "cos_zenith_max", "n_zenith", "slabs_per_segment")
CONSTANT_DENSITY_OPTIONS = ("baseline_km", "density_g_cm3", "Ye")
#: Lowest energy (GeV): the Hamiltonian dm^2/2E + V is that of ultra-relativistic neutrinos
#: (m_nu/E <= 1e-4 at 1 keV for m_nu <= 0.1 eV).
ENERGY_MIN_GEV = 1e-6
#: Largest oscillation phase (rad) the kernels follow: their sin and cos keep full accuracy up to
#: ~1e8 (``elementary``), and the probabilities' round-off, ~4e-15 x the phase, is 4e-7 there.
PHASE_MAX = 1e8
#: Points of one run's grid (energies x zenith angles): bounded work and memory (~1.5 GB).
GRID_MAX = 10_000_000


def _coerce(name: str, value: Any) -> Any:
    kind, _ = OPTIONS[name]
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise ParameterError(name, value, "true or false")
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
            raise ParameterError(name, value, "an integer")
        return int(value)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParameterError(name, value, "a number")
        return float(value)
    if not isinstance(value, str):
        raise ParameterError(name, value, "a string")
    return value


def resolve_options(table: dict[str, Any], flags: dict[str, Any]) -> dict[str, Any]:
    """Preset <- [oscillation] table <- flags (None means: not given), validated."""
    for name in table:
        if name not in OPTIONS:
            raise ConfigError(f"[oscillation]: unknown option {name!r}; known: {', '.join(OPTIONS)}")
    given = {k: _coerce(k, v) for k, v in table.items()}
    given.update({k: _coerce(k, v) for k, v in flags.items() if v is not None})
    base = preset(given.get("preset", "dune"))
    foreign = [k for k in (CONSTANT_DENSITY_OPTIONS if base.earth else EARTH_OPTIONS) if k in given]
    if foreign:
        name = foreign[0]
        kind, other = (("the PREM Earth on a cos(zenith) grid", "constant-density presets")
                       if base.earth else ("a constant-density baseline", "Earth preset"))
        others = ", ".join(n for n in PRESETS if preset(n).earth != base.earth)
        raise ConfigError(f"option {name!r} = {given[name]!r} does not apply to preset "
                          f"{base.name!r} ({kind}): it is an option of the {other} ({others})")
    options: dict[str, Any] = {
        "preset": base.name, "ordering": "normal", "release": None, "antineutrino": False,
        "energy_min_GeV": base.energy_min_GeV, "energy_max_GeV": base.energy_max_GeV,
        "n_energies": base.n_energies, "channel": base.channel, "out": None, "plot": None,
        "baseline_km": base.baseline_km, "density_g_cm3": base.density_g_cm3, "Ye": base.Ye,
        "cos_zenith_min": base.cos_zenith_min, "cos_zenith_max": base.cos_zenith_max,
        "n_zenith": base.n_zenith, "slabs_per_segment": base.slabs_per_segment,
        "earth": base.earth, "source": base.source,
    }
    options.update(given)
    _validate(options)
    return options


def _validate(o: dict[str, Any]) -> None:
    if o["ordering"] not in ORDERINGS:
        raise ParameterError("ordering", o["ordering"], "normal or inverted")
    channel_indices(o["channel"])
    lo, hi = o["energy_min_GeV"], o["energy_max_GeV"]
    if not (math.isfinite(lo) and lo >= ENERGY_MIN_GEV):
        raise ParameterError("energy_min_GeV", lo, f"{ENERGY_MIN_GEV:g} <= energy_min_GeV (GeV): the "
                             f"oscillation Hamiltonian is that of ultra-relativistic neutrinos")
    if not (math.isfinite(hi) and hi >= lo):
        raise ParameterError("energy_max_GeV", hi, f"energy_min_GeV = {lo:g} <= energy_max_GeV (GeV)")
    if not 1 <= o["n_energies"] <= 10_000_000:
        raise ParameterError("n_energies", o["n_energies"], "1 <= n_energies <= 1e7")
    if o["earth"]:
        c0, c1 = o["cos_zenith_min"], o["cos_zenith_max"]
        if not -1.0 <= c0 <= 1.0:
            raise ParameterError("cos_zenith_min", c0, "-1 <= cos_zenith_min <= 1")
        if not c0 <= c1 <= 1.0:
            raise ParameterError("cos_zenith_max", c1, f"cos_zenith_min = {c0:g} <= cos_zenith_max <= 1")
        if not 1 <= o["n_zenith"] <= 100_000:
            raise ParameterError("n_zenith", o["n_zenith"], "1 <= n_zenith <= 1e5")
        if o["n_zenith"] * o["n_energies"] > GRID_MAX:
            raise ParameterError("n_zenith", o["n_zenith"],
                                 f"n_zenith x n_energies <= {GRID_MAX:.0e} (with n_energies = "
                                 f"{o['n_energies']}: n_zenith <= {GRID_MAX // o['n_energies']})")
        if not 1 <= o["slabs_per_segment"] <= 4096:
            raise ParameterError("slabs_per_segment", o["slabs_per_segment"],
                                 "1 <= slabs_per_segment <= 4096")
    else:
        if not (math.isfinite(o["baseline_km"]) and o["baseline_km"] >= 0.0):
            raise ParameterError("baseline_km", o["baseline_km"], "0 <= baseline_km (km)")
        if not (math.isfinite(o["density_g_cm3"]) and o["density_g_cm3"] >= 0.0):
            raise ParameterError("density_g_cm3", o["density_g_cm3"], "0 <= density_g_cm3 (g/cm^3)")
        if not 0.0 < o["Ye"] <= 1.0:
            raise ParameterError("Ye", o["Ye"], "0 < Ye <= 1 (electrons per nucleon)")


def _spread(eigenvalues: np.ndarray) -> float:
    return float(np.max(eigenvalues) - np.min(eigenvalues))


def _check_phase(options: dict[str, Any], osc: OscillationParameters, baseline_km: float,
                 media: list[tuple[float, float, np.ndarray]]) -> None:
    """Refuse a run whose oscillation phase exceeds ``PHASE_MAX``, naming the input behind it.

    The phase is bounded by L (dm^2 spread / 2 E_min + V spread(1_ee + eps^m)) over the media
    (density, Y_e, eps^m) the neutrinos cross; the error names the option that drives it and
    the value that would be allowed with the others as given.
    """
    if baseline_km == 0.0:
        return
    L = baseline_km * km_to_per_GeV()
    dm2 = _spread(np.linalg.eigvalsh(osc.mass_matrix_GeV2()))
    e_min = options["energy_min_GeV"]
    vacuum = dm2 / (2.0 * e_min)
    unit = np.diag([1.0, 0.0, 0.0])
    matter, worst = 0.0, media[0]
    for medium in media:
        rho, Ye, eps = medium
        term = potential_per_density_GeV() * rho * Ye * _spread(np.linalg.eigvalsh(unit + eps))
        if term >= matter:
            matter, worst = term, medium
    phase = L * (vacuum + matter)
    if phase <= PHASE_MAX:
        return
    budget = PHASE_MAX / L  # the largest spread of H allowed on this baseline
    rho, Ye, eps = worst
    context = (f"the oscillation phase would reach {phase:.3g} rad, beyond the {PHASE_MAX:g} rad "
               f"that float64 follows (baseline {baseline_km:.6g} km, energy_min_GeV = {e_min:g}, "
               f"density {rho:g} g/cm^3, largest |eps^m| {float(np.max(np.abs(eps))):.3g})")
    if vacuum >= matter:
        if options["earth"] or baseline_km == preset(options["preset"]).baseline_km:
            least = dm2 / (2.0 * (budget - matter)) if budget > matter else math.inf
            raise ParameterError("energy_min_GeV", e_min, f"{context}; allowed here: "
                                 f"energy_min_GeV >= {least:.3g}")
        raise ParameterError("baseline_km", baseline_km, f"{context}; allowed here: baseline_km <= "
                             f"{PHASE_MAX / (vacuum + matter) / km_to_per_GeV():.3g}")
    room = max(budget - vacuum, 0.0) / (potential_per_density_GeV() * rho * Ye)
    if float(np.max(np.abs(eps))) > 1.0 or options["earth"]:
        raise ParameterError("eps_matter", float(np.max(np.abs(eps))),
                             f"{context}: the model point's NSI drive it; allowed here: the "
                             f"eigenvalue spread of 1_ee + eps^m <= {room:.3g} (a weaker or "
                             f"heavier Z')")
    densest = room * rho / _spread(np.linalg.eigvalsh(unit + eps))
    raise ParameterError("density_g_cm3", rho, f"{context}; allowed here: density_g_cm3 <= "
                         f"{densest:.3g}")


def run_oscillation(params: Parameters, options: dict[str, Any]) -> OscillationResult:
    """P for the model point's eps^m and P_sm for eps = 0, on the options' grid."""
    osc = OscillationParameters.best_fit(options["ordering"], options["release"])
    anti = options["antineutrino"]
    if options["earth"]:
        eps_of = model_eps_matter_function(params)
        model = prem()
        chord = max(-2.0 * model.radius_km * options["cos_zenith_min"], 0.0)
        densest = float(np.max(model.density(np.linspace(0.0, model.radius_km, 1001))))
        _check_phase(options, osc, chord, [(densest, float(y), eps_of(neutron_fraction(y)))
                                           for y in (model.Ye[0], model.Ye[-1])])
    else:
        y_n = float(neutron_fraction(options["Ye"]))
        eps = model_eps_matter(params, y_n)
        _check_phase(options, osc, options["baseline_km"],
                     [(options["density_g_cm3"], options["Ye"], eps)])
    E = np.geomspace(options["energy_min_GeV"], options["energy_max_GeV"], options["n_energies"])
    if options["earth"]:
        cz = np.linspace(options["cos_zenith_min"], options["cos_zenith_max"], options["n_zenith"])
        n = options["slabs_per_segment"]
        P = probabilities_earth(E, cz, osc, eps_matter=eps_of, antineutrino=anti, slabs_per_segment=n)
        P_sm = probabilities_earth(E, cz, osc, antineutrino=anti, slabs_per_segment=n)
        Ye = {"mantle": float(model.Ye[-1]), "core": float(model.Ye[0])}
        Y_n = {k: float(neutron_fraction(v)) for k, v in Ye.items()}
        baselines = np.array([earth_path(float(c), 1).baseline_km for c in cz])
        return OscillationResult(options, params, osc, E, np.moveaxis(P, (-2, -1), (0, 1)),
                                 np.moveaxis(P_sm, (-2, -1), (0, 1)), eps_of(np.array(Y_n["mantle"])),
                                 True, baselines, cz, Ye, Y_n, eps_of(np.array(Y_n["core"])))
    kwargs = {"density_g_cm3": options["density_g_cm3"], "Ye": options["Ye"], "antineutrino": anti}
    P = probabilities(E, options["baseline_km"], osc, eps_matter=eps, **kwargs)
    P_sm = probabilities(E, options["baseline_km"], osc, **kwargs)
    return OscillationResult(options, params, osc, E, np.moveaxis(P, (-2, -1), (0, 1)),
                             np.moveaxis(P_sm, (-2, -1), (0, 1)), eps, False,
                             np.array(options["baseline_km"]), None, {"medium": options["Ye"]},
                             {"medium": y_n})
