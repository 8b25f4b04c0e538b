"""Experiment presets (DUNE, T2HK, atmospheric) from ``data/oscillation_presets.toml``.

Each preset gives a baseline and average density (constant matter) or the PREM Earth on a
cos(zenith) grid, an energy grid and the channel its plots show; every entry carries its source.

References: DUNE arXiv:2002.03005, arXiv:2103.04797; Hyper-K arXiv:1805.04163; PREM (Dziewonski
and Anderson 1981).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from lfvnsi.exceptions import ParameterError

__all__ = ["CHANNELS", "PRESETS", "Preset", "channel_indices", "preset"]

PRESETS = ("dune", "t2hk", "atmospheric")
CHANNELS = tuple(f"{a}->{b}" for a in ("e", "mu", "tau") for b in ("e", "mu", "tau"))


@dataclass(frozen=True)
class Preset:
    """A preset's settings: constant matter (baseline, density, Y_e) or the Earth (zeniths)."""

    name: str
    description: str
    energy_min_GeV: float
    energy_max_GeV: float
    n_energies: int
    channel: str
    source: str
    earth: bool = False
    baseline_km: float = 0.0
    density_g_cm3: float = 0.0
    Ye: float = 0.5
    cos_zenith_min: float = -1.0
    cos_zenith_max: float = 0.0
    n_zenith: int = 0
    slabs_per_segment: int = 8

    def energies(self) -> np.ndarray:
        """Log-spaced energy grid in GeV."""
        return np.geomspace(self.energy_min_GeV, self.energy_max_GeV, self.n_energies)

    def cos_zenith(self) -> np.ndarray:
        """Linear cos(zenith) grid (Earth presets)."""
        return np.linspace(self.cos_zenith_min, self.cos_zenith_max, self.n_zenith)


@cache
def _table() -> dict[str, Any]:
    text = resources.files("lfvnsi.data").joinpath("oscillation_presets.toml").read_text(
        encoding="utf-8")
    return tomllib.loads(text)


def preset(name: str) -> Preset:
    """The preset ``name`` (one of ``PRESETS``)."""
    table = _table()
    if name not in table:
        raise ParameterError("preset", name, f"one of {', '.join(table)}")
    entry = {k: v for k, v in table[name].items() if k != "status"}
    return Preset(name=name, **entry)


def channel_indices(channel: str) -> tuple[int, int]:
    """``"mu->e"`` -> (1, 0): (from, to) flavour indices."""
    if channel not in CHANNELS:
        raise ParameterError("channel", channel, f"one of {', '.join(CHANNELS)}")
    a, b = channel.split("->")
    order = ("e", "mu", "tau")
    return order.index(a), order.index(b)
