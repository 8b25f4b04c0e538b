"""Scan specifications: which parameters vary, how they are sampled, what is kept.

A scan is a TOML file with the fixed point in ``[parameters]`` (as for ``lfvnsi point``; anything
not named keeps its benchmark value) and a ``[scan]`` table::

    [scan]
    sampler = "random"      # "grid" | "random" | "latin"
    points = 100000         # random and latin; a grid has the product of its axes
    seed = 1
    chunk = 8192            # points per chunk: the unit of work, of output files and of resume
    bounds = "current"      # bound set of the constraints ("current" | "paper" | "future")
    outputs = ["g_nu_ab", "eps_u_emu"]    # observables to keep (default: DEFAULT_OUTPUTS); an
                            # experiment-level one (observables.ON_DEMAND, e.g. dune_delta_chi2)
                            # is computed only when kept or needed by a bound of the set

    [scan.vary.m_zprime]    # one table per scanned parameter
    range = [0.01, 1.0]     # GeV for masses, as everywhere
    scale = "log"           # "linear" (uniform) | "log" (log-uniform)
    n = 20                  # grid only: points on this axis

Point i of a scan is a pure function of (spec, i): the same point whatever the chunk size, worker
count or executor (``samplers``).

References: DESIGN.md ("lfvnsi scan"), STYLE.md (TOML data with validation).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.exceptions import ConfigError
from lfvnsi.io.config import config_section, read_config
from lfvnsi.model.parameters import PARAMETER_TABLE, Parameters

__all__ = ["DEFAULT_OUTPUTS", "SAMPLERS", "Axis", "ScanSpec", "load_spec", "spec_from_mapping"]

SAMPLERS = ("grid", "random", "latin")
SCALES = ("linear", "log")
#: Observables kept when a spec does not list its own.
DEFAULT_OUTPUTS = (
    "g_nu_ab", "g_q", "g_e", "sin_alpha", "sin_beta", "sin_alpha_prime", "sin_beta_prime",
    "m_N1_GeV", "Gamma_Zp_GeV", "Br_Zp_invisible", "N_invisible_dominance", "Br_h_inv",
    "Br_tau_to_e_Zp", "Br_tau_to_mu_Zp", "Br_mu_to_e_Zp", "R_mue_Au", "R_mue_Al",
    "Br_K_to_mu_nu_Zp", "Br_K_to_e_nu_Zp", "Br_pi0_to_gamma_Zp", "eta_ee", "eta_mumu",
    "eta_tautau", "eps_e_emu", "eps_u_emu", "eps_u_etau", "eps_u_mutau", "eps_u_tautau",
    "eps_p_emu", "eps_earth_emu", "eps_earth_etau", "eps_earth_mutau", "m_betabeta_eV",
    "schwarz_ratio_u",
)
#: Most points of a scan (and of a chunk, and of a grid axis): point indices are int64.
MAX_POINTS = 2**62
_SCAN_KEYS = {"sampler", "points", "seed", "chunk", "bounds", "outputs", "vary", "name"}
_AXIS_KEYS = {"range", "scale", "n"}


@dataclass(frozen=True)
class Axis:
    """One scanned parameter: its range, scale and (grid) number of points."""

    name: str
    low: float
    high: float
    scale: str = "linear"
    n: int = 0

    def map(self, u: Any) -> Any:
        """Map unit-interval numbers u to the parameter (uniform or log-uniform)."""
        if self.scale == "log":
            return self.low * (self.high / self.low) ** u
        return self.low + (self.high - self.low) * u


@dataclass(frozen=True)
class ScanSpec:
    """A validated scan specification (see the module docstring)."""

    fixed: dict[str, Any]
    axes: tuple[Axis, ...]
    sampler: str = "random"
    points: int = 1000
    seed: int = 0
    chunk: int = 8192
    bounds: str = "current"
    outputs: tuple[str, ...] = DEFAULT_OUTPUTS
    name: str = "scan"
    source: str = field(default="", compare=False)

    @property
    def size(self) -> int:
        """Number of points of the scan."""
        if self.sampler == "grid":
            return math.prod(a.n for a in self.axes)
        return self.points

    @property
    def n_chunks(self) -> int:
        return -(-self.size // self.chunk)

    def to_json(self) -> dict[str, Any]:
        """Everything that determines the scan's numbers (stored with the results)."""
        return {
            "fixed": self.fixed,
            "axes": [{"name": a.name, "range": [a.low, a.high], "scale": a.scale, "n": a.n}
                     for a in self.axes],
            "sampler": self.sampler, "points": self.points, "seed": self.seed,
            "chunk": self.chunk, "bounds": self.bounds, "outputs": list(self.outputs),
            "name": self.name,
        }

    def fingerprint(self) -> str:
        """Hash of ``to_json``: a resumed scan must have the same one."""
        text = json.dumps(self.to_json(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def base_parameters(self) -> Parameters:
        """The fixed point (benchmark values for anything the spec does not name)."""
        return Parameters.from_mapping(self.fixed, base=Parameters.benchmark())


def _error(source: str, where: str, message: str) -> ConfigError:
    return ConfigError(f"scan spec {source!r}: {where}: {message}")


def _finite(value: Any) -> float | None:
    """A TOML number as a finite float64, or None (a string, a bool, inf, nan, 1e400 as int)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        x = float(value)
    except OverflowError:
        return None
    return x if math.isfinite(x) else None


def _axis(source: str, name: str, raw: Any, sampler: str) -> Axis:
    where = f"[scan.vary.{name}]"
    if name not in PARAMETER_TABLE:
        raise _error(source, where, f"{name!r} is not a numeric parameter (known: "
                                    f"{', '.join(PARAMETER_TABLE)})")
    if not isinstance(raw, dict):
        raise _error(source, where, "must be a table with range, scale (and n for a grid)")
    unknown = set(raw) - _AXIS_KEYS
    if unknown:
        raise _error(source, where, f"unknown key(s) {', '.join(sorted(unknown))}")
    rng = raw.get("range")
    ends = [_finite(v) for v in rng] if isinstance(rng, list) and len(rng) == 2 else []
    low, high = ends if len(ends) == 2 else (None, None)
    if low is None or high is None or not low < high:
        raise _error(source, where, f"range = {rng!r} must be [low, high], finite numbers with "
                                    f"low < high")
    scale = raw.get("scale", "linear")
    if scale not in SCALES:
        raise _error(source, where, f"scale = {scale!r} must be one of {', '.join(SCALES)}")
    if scale == "log" and low <= 0:
        raise _error(source, where, f"a log scale needs low > 0, got {low!r}")
    allowed = PARAMETER_TABLE[name]
    for x in (low, high):
        if not bool(allowed.admits(np.asarray(x))):
            raise _error(source, where, f"{x!r} is outside the allowed range "
                                        f"{allowed.describe(name)}")
    n = raw.get("n", 0)
    if sampler == "grid" and (not isinstance(n, int) or isinstance(n, bool)
                              or not 1 <= n <= MAX_POINTS):
        raise _error(source, where, f"a grid needs n = a positive integer, got {n!r}")
    return Axis(name, low, high, scale, int(n) if sampler == "grid" else 0)


def spec_from_mapping(document: dict[str, Any], source: str = "<mapping>") -> ScanSpec:
    """A ``ScanSpec`` from a parsed document with ``[parameters]`` and ``[scan]``."""
    scan = config_section(document, "scan")
    if not scan:
        raise _error(source, "[scan]", "missing: a scan spec needs a [scan] table")
    unknown = set(scan) - _SCAN_KEYS
    if unknown:
        raise _error(source, "[scan]", f"unknown key(s) {', '.join(sorted(unknown))}")
    sampler = scan.get("sampler", "random")
    if sampler not in SAMPLERS:
        raise _error(source, "sampler", f"{sampler!r} must be one of {', '.join(SAMPLERS)}")
    vary = scan.get("vary", {})
    if not isinstance(vary, dict) or not vary:
        raise _error(source, "[scan.vary]", "name at least one parameter to vary")
    axes = tuple(_axis(source, name, raw, sampler) for name, raw in vary.items())
    ints = {}
    for key, default, low, high in (("points", 1000, 1, MAX_POINTS), ("seed", 0, 0, 2**64 - 1),
                                    ("chunk", 8192, 1, MAX_POINTS)):
        value = scan.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise _error(source, key, f"{value!r} must be an integer, {low} <= {key} <= {high}")
        ints[key] = value
    bounds = scan.get("bounds", "current")
    if bounds not in ("current", "paper", "future"):
        raise _error(source, "bounds", f"{bounds!r} must be current, paper or future")
    from lfvnsi.observables import OBSERVABLES, ON_DEMAND

    outputs = scan.get("outputs", list(DEFAULT_OUTPUTS))
    if not isinstance(outputs, list) or not all(isinstance(o, str) for o in outputs):
        raise _error(source, "outputs", "must be a list of observable names")
    for o in outputs:
        if o not in OBSERVABLES and o not in ON_DEMAND:
            raise _error(source, "outputs", f"{o!r} is not an observable")
    fixed = dict(config_section(document, "parameters"))
    for a in axes:
        fixed.pop(a.name, None)
    spec = ScanSpec(fixed=fixed, axes=axes, sampler=sampler, points=ints["points"],
                    seed=ints["seed"], chunk=ints["chunk"], bounds=bounds,
                    outputs=tuple(dict.fromkeys(outputs)), name=str(scan.get("name", "scan")),
                    source=source)
    if spec.size > MAX_POINTS:
        raise _error(source, "[scan.vary]", f"the grid has {spec.size} points, more than "
                                            f"{MAX_POINTS} (point indices are 64-bit)")
    base = spec.base_parameters()  # the fixed part (one-line error naming the parameter)
    # the corners of the scanned box must be valid points too (texture rules, ranges)
    base.replace(**{a.name: np.array([a.low, a.high]) for a in axes})
    return spec


def load_spec(path: str | Path) -> ScanSpec:
    """Read and validate a scan spec file (errors name the file, the key and the problem)."""
    document = read_config(path)
    return spec_from_mapping(document, str(path))
