"""Lagrangian parameters of the model, validated and broadcast to one batch shape.

Names are those of DESIGN.md ("Parameter names"); masses are in GeV. Every numeric field is a
float64 array and all of them share one shape, so a single point is a batch of shape ().

References: DESIGN.md "The public contract"; REFERENCE.md sections 1-2 (what each entry is).
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from typing import Any

import numpy as np
import scipy.constants as codata

from lfvnsi.exceptions import ParameterError

__all__ = ["FLAVOURS", "MATTER_SCHEMES", "PARAMETER_TABLE", "TEXTURES", "VERSIONS", "Parameters"]

FLAVOURS = ("e", "mu", "tau")
VERSIONS = ("lnv", "lnc")
TEXTURES = ("paper", "consistent", "effective")
MATTER_SCHEMES = ("gauged", "kinetic")

_PERTURBATIVE = math.sqrt(4.0 * math.pi)
#: v = (sqrt2 G_F)^(-1/2) from CODATA's G_F (as ``constants.standard_model().v``, without loading
#: the particle tables): the largest mt = lambda v/sqrt2 with a perturbative |lambda| <= sqrt(4 pi).
_V_HIGGS = 1.0 / math.sqrt(math.sqrt(2.0) * codata.physical_constants["Fermi coupling constant"][0])
_MT_MAX = _PERTURBATIVE * _V_HIGGS / math.sqrt(2.0)
#: The Planck mass (GeV): no mass of a quantum field theory without gravity goes beyond it.
_M_PLANCK = codata.physical_constants["Planck mass energy equivalent in GeV"][0]
#: A singlet lighter than this is not heavy: the inverse seesaw puts its mu terms 1e3 below the
#: heavy masses (``spectrum.MU_RATIO_MAX``) and its light neutrinos (up to ~1 eV) further below.
_HEAVY_MIN = 1e-6
#: The Z' is light: its couplings leave out Z-Z' mass mixing, a relative correction of order
#: (m_Z'/m_Z)^2 (1.2% at 10 GeV), and its width has no W, Z, h or top channel.
_M_ZPRIME_MAX = 10.0
#: Below ~1e-18 GeV the Z' force reaches beyond ~200 m (1/m_Z'), further than matter is uniform
#: around a neutrino, and the matter potential is no longer the local eps^f N_f computed here.
_M_ZPRIME_MIN = 1e-18
_WHY_MT = "perturbative Yukawa, |lambda| <= sqrt(4 pi)"
_WHY_HEAVY = (f"a heavy state lies above {_HEAVY_MIN:g} GeV (1 keV), far above the light neutrinos, "
              "and below the Planck mass")
_WHY_YUKAWA = "below the Planck mass"
_WHY_ZPRIME = ("a light Z' (no Z-Z' mass mixing, no W, Z, h or top channel) whose force is short-"
               "ranged (1/m_Z' < 200 m)")


@dataclass(frozen=True)
class _Range:
    """Allowed interval of a numeric parameter: lower/upper bound, each open or closed."""

    unit: str
    meaning: str
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    symmetric: bool = False  # the bound applies to |value|
    why: str = ""  # where the limits come from, when it is not plain

    def admits(self, x: np.ndarray) -> np.ndarray:
        y = np.abs(x) if self.symmetric else x
        ok = np.isfinite(y)
        ok &= (y > self.low) if self.low_open else (y >= self.low)
        ok &= (y < self.high) if self.high_open else (y <= self.high)
        return ok

    def describe(self, name: str = "x") -> str:
        var = f"|{name}|" if self.symmetric else name
        left = "" if self.low == -math.inf else f"{self.low:g} {'<' if self.low_open else '<='} "
        right = "" if self.high == math.inf else f" {'<' if self.high_open else '<='} {self.high:g}"
        unit = f" ({self.unit})" if self.unit else ""
        if not left and not right:
            return f"any finite real number{unit}"
        why = f": {self.why}" if self.why else ""
        return f"{left}{var}{right}{unit}{why}"


_MASS = "GeV"
# The single source of truth for numeric parameters: unit, meaning, allowed range.
PARAMETER_TABLE: dict[str, _Range] = {
    "g_psi": _Range("", "U(1)' gauge coupling times the psi charge (Eq. 9)", 0.0, _PERTURBATIVE,
                    low_open=True),
    "m_zprime": _Range(_MASS, "Z' mass", _M_ZPRIME_MIN, _M_ZPRIME_MAX, why=_WHY_ZPRIME),
    "mt_alpha": _Range(_MASS, "lambda_alpha v/sqrt2: nu_alpha -- (N~_1R)^c entry (Eq. 10)", 0.0,
                       _MT_MAX, why=_WHY_MT),
    "mt_beta": _Range(_MASS, "lambda_beta v/sqrt2: nu_beta -- (N~_2R)^c entry (Eq. 10)", 0.0,
                      _MT_MAX, why=_WHY_MT),
    "M1": _Range(_MASS, "Dirac mass N~_1L -- (N~_1R)^c (Eq. 10)", _HEAVY_MIN, _M_PLANCK,
                 why=_WHY_HEAVY),
    "M2": _Range(_MASS, "Dirac mass N~_2L -- (N~_2R)^c (Eq. 10)", _HEAVY_MIN, _M_PLANCK,
                 why=_WHY_HEAVY),
    "m1": _Range(_MASS, "Y1 v_phi: psi_R(N1) -- (N~_1R)^c, the paper's Yukawa (Eq. 13)", 0.0,
                 _M_PLANCK, symmetric=True, why=_WHY_YUKAWA),
    "m2": _Range(_MASS, "Y2 v_phi: psi_R(N2) -- (N~_2R)^c, the paper's Yukawa (Eq. 13)", 0.0,
                 _M_PLANCK, symmetric=True, why=_WHY_YUKAWA),
    "mp1": _Range(_MASS, "Y'1 v_phi: psi_L(N1) -- N~_1L, lnc only (REFERENCE R.2.4)", 0.0,
                  _M_PLANCK, symmetric=True, why=_WHY_YUKAWA),
    "mp2": _Range(_MASS, "Y'2 v_phi: psi_L(N2) -- N~_2L, lnc only (REFERENCE R.2.4)", 0.0,
                  _M_PLANCK, symmetric=True, why=_WHY_YUKAWA),
    "M_N": _Range(_MASS, "psi mass: Majorana (lnv, Eq. 7) or Dirac (lnc, Eq. 17)", _HEAVY_MIN,
                  _M_PLANCK, why=_WHY_HEAVY),
    "mu_L1": _Range(_MASS, "(N~_1L, N~_1L) matrix entry (= 2 mu_1L of Eq. 11)"),
    "mu_L2": _Range(_MASS, "(N~_2L, N~_2L) matrix entry (= 2 mu_2L of Eq. 11)"),
    "mu_R1": _Range(_MASS, "((N~_1R)^c, (N~_1R)^c) matrix entry (= 2 mu_1R of Eq. 11)"),
    "mu_R2": _Range(_MASS, "((N~_2R)^c, (N~_2R)^c) matrix entry (= 2 mu_2R of Eq. 11)"),
    "mu_21": _Range(_MASS, "(N~_1L, N~_2L) entry, Z2-breaking (mu_21L of Eq. 12)"),
    "mu_21R": _Range(_MASS, "((N~_1R)^c, (N~_2R)^c) entry, Z2-breaking (mu_21R of Eq. 12)"),
    "sin_alpha": _Range("", "psi content of the light nu_alpha; texture effective only (Eq. 15)",
                        0.0, 1.0, high_open=True),
    "sin_beta": _Range("", "psi content of the light nu_beta; texture effective only (Eq. 15)",
                       0.0, 1.0, high_open=True),
    "g_B": _Range("", "gauged U(1)' = B - sum a_l L_l coupling (g_q = g_B/3)", 0.0, _PERTURBATIVE,
                  symmetric=True),
    "a_e": _Range("", "L_e coefficient in B - sum a_l L_l"),
    "a_mu": _Range("", "L_mu coefficient in B - sum a_l L_l"),
    "a_tau": _Range("", "L_tau coefficient in B - sum a_l L_l"),
    "kinetic_mixing": _Range("", "standard epsilon of -(eps/2) Z'_{mu nu} B^{mu nu} (REFERENCE F5)",
                             0.0, 1.0, high_open=True, symmetric=True),
}

_CHOICES: dict[str, tuple[str, ...]] = {
    "version": VERSIONS,
    "texture": TEXTURES,
    "alpha": FLAVOURS,
    "beta": FLAVOURS,
    "matter": MATTER_SCHEMES,
}


def _array(name: str, value: Any) -> np.ndarray:
    if isinstance(value, (bool, np.bool_, str)):
        raise ParameterError(name, value, "must be a real number (or an array of them)")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an integer beyond float64
        raise ParameterError(name, value, "must be a real number (or an array of them)") from None
    return arr


def _first_bad(arr: np.ndarray, ok: np.ndarray) -> tuple[float, str]:
    idx = np.argwhere(~ok)[0] if arr.ndim else ()
    where = f" (at index {tuple(int(i) for i in idx)})" if arr.ndim else ""
    return float(arr[tuple(idx)]), where


@dataclass(frozen=True)
class Parameters:
    """One batch of model points (a single point is a batch of shape ``()``).

    String fields select the model; numeric fields are float64 arrays broadcast to one shape.
    Masses in GeV. See ``PARAMETER_TABLE`` (and the README) for meanings and allowed ranges.

    References: DESIGN.md "Parameter names"; paper Eqs. 7-17; REFERENCE.md R.2.4 for ``mp1, mp2``.
    """

    version: str = "lnc"
    texture: str = "consistent"
    alpha: str = "e"
    beta: str = "mu"
    matter: str = "gauged"
    g_psi: Any = 0.1
    m_zprime: Any = 0.2
    mt_alpha: Any = 0.0
    mt_beta: Any = 0.0
    M1: Any = 1.0
    M2: Any = 1.0
    m1: Any = 0.0
    m2: Any = 0.0
    mp1: Any = 0.0
    mp2: Any = 0.0
    M_N: Any = 1.0
    mu_L1: Any = 0.0
    mu_L2: Any = 0.0
    mu_R1: Any = 0.0
    mu_R2: Any = 0.0
    mu_21: Any = 0.0
    mu_21R: Any = 0.0
    sin_alpha: Any = 0.0
    sin_beta: Any = 0.0
    g_B: Any = 0.0
    a_e: Any = 0.0
    a_mu: Any = 0.0
    a_tau: Any = 0.0
    kinetic_mixing: Any = 0.0
    shape: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, choices in _CHOICES.items():
            value = getattr(self, name)
            if not isinstance(value, str) or value not in choices:
                raise ParameterError(name, value, f"must be one of {', '.join(choices)}")
        if self.alpha == self.beta:
            raise ParameterError("beta", self.beta, f"must differ from alpha = {self.alpha!r}")
        arrays = {name: _array(name, getattr(self, name)) for name in PARAMETER_TABLE}
        try:
            shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
        except ValueError:
            shapes = ", ".join(f"{k}{a.shape}" for k, a in arrays.items() if a.shape)
            raise ParameterError("shape", shapes, "array parameters must broadcast together") from None
        for name, arr in arrays.items():
            rng = PARAMETER_TABLE[name]
            ok = rng.admits(arr)
            if not np.all(ok):
                bad, where = _first_bad(arr, ok)
                raise ParameterError(name, bad, f"allowed range is {rng.describe(name)}{where}")
            full = np.array(np.broadcast_to(arr, shape), dtype=np.float64)
            full.flags.writeable = False
            object.__setattr__(self, name, full)
        object.__setattr__(self, "shape", tuple(shape))
        self._check_texture()
        if self.matter == "gauged":
            self._check_lepton_couplings()

    def _check_lepton_couplings(self) -> None:
        """The gauged lepton couplings g_l = -a_l g_B obey the same perturbative limit as g_B."""
        for name in ("a_e", "a_mu", "a_tau"):
            ok = np.abs(getattr(self, name) * self.g_B) <= _PERTURBATIVE
            if not np.all(ok):
                bad, where = _first_bad(getattr(self, name), ok)
                g_B, _ = _first_bad(self.g_B, ok)
                raise ParameterError(name, bad, f"|{name} g_B| <= sqrt(4 pi) = {_PERTURBATIVE:.6g} "
                                     f"(a perturbative lepton coupling; g_B = {g_B:g}){where}")

    def _check_texture(self) -> None:
        tex, ver = self.texture, self.version
        if tex in ("consistent", "effective") and ver != "lnc":
            raise ParameterError(
                "texture", tex,
                "needs version 'lnc': with Majorana psi (lnv) no texture gives massless light "
                "neutrinos a psi admixture (REFERENCE F1, TEXTURES.md); use texture 'paper'")
        must_vanish: list[tuple[str, str]] = []
        if tex == "paper":
            must_vanish += [(n, "texture 'paper' has only the psi_R Yukawa m1, m2")
                            for n in ("mp1", "mp2")]
        if tex == "effective":
            must_vanish += [(n, ("texture 'effective' derives the psi_L Yukawa from sin_alpha, "
                                "sin_beta (with m1 = m2 = 0)")) for n in ("mp1", "mp2", "m1", "m2")]
            for sin, mt in (("sin_alpha", "mt_alpha"), ("sin_beta", "mt_beta")):
                if not np.all(getattr(self, sin) > 0):
                    bad, where = _first_bad(getattr(self, sin), getattr(self, sin) > 0)
                    raise ParameterError(sin, bad, f"texture 'effective' needs 0 < x < 1{where}")
                if not np.all(getattr(self, mt) > 0):
                    bad, where = _first_bad(getattr(self, mt), getattr(self, mt) > 0)
                    raise ParameterError(
                        mt, bad, f"texture 'effective' needs x > 0 GeV (no active-sterile "
                                 f"mixing otherwise){where}")
        else:
            must_vanish += [(n, "only texture 'effective' takes the mixing angles as input")
                            for n in ("sin_alpha", "sin_beta")]
        for name, why in must_vanish:
            arr = getattr(self, name)
            if np.any(arr != 0):
                bad, where = _first_bad(arr, arr == 0)
                raise ParameterError(name, bad, f"must be 0: {why}{where}")

    # -- construction helpers -------------------------------------------------------------

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """All parameter names, in the order of DESIGN.md."""
        return tuple(f.name for f in fields(cls) if f.init)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], base: Parameters | None = None) -> Parameters:
        """Build from a name -> value mapping; unknown names are an error naming the culprit.

        With ``base`` given, the mapping overrides the fields of ``base``.
        """
        known = cls.names()
        for name in values:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ParameterError(name, values[name], f"unknown parameter{hint}; known: "
                                     + ", ".join(known))
        if base is None:
            return cls(**dict(values))
        return base.replace(**dict(values))

    @classmethod
    def benchmark(cls) -> Parameters:
        """The built-in benchmark point (``data/benchmark.toml``): lnc, consistent, e-mu."""
        text = resources.files("lfvnsi.data").joinpath("benchmark.toml").read_text("utf-8")
        return cls.from_mapping(tomllib.loads(text)["parameters"])

    def replace(self, **changes: Any) -> Parameters:
        """A copy with some fields changed (validated again)."""
        current = {name: getattr(self, name) for name in self.names()}
        current.update(changes)
        return replace(self, **current)

    def rows(self, start: int, stop: int) -> Parameters:
        """Points ``start:stop`` of the flattened batch, as a 1-d batch.

        Not validated again: every point of ``self`` already was, so its slices are views of
        the same read-only arrays (a chunked computation slices a batch many times).
        """
        start, stop, _ = slice(start, stop).indices(self.size)
        sub = object.__new__(Parameters)
        for name in self.names():
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                value = value.reshape(-1)[start:stop]
            object.__setattr__(sub, name, value)
        object.__setattr__(sub, "shape", (max(stop - start, 0),))
        return sub

    @property
    def size(self) -> int:
        """Number of points in the batch."""
        return math.prod(self.shape)

    @property
    def spectator(self) -> str:
        """The third flavour gamma, neither alpha nor beta."""
        return next(f for f in FLAVOURS if f not in (self.alpha, self.beta))

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python view: strings, floats for a single point, nested lists for a batch."""
        out: dict[str, Any] = {}
        for name in self.names():
            value = getattr(self, name)
            out[name] = value.tolist() if isinstance(value, np.ndarray) else value
        return out
