"""Readable terminal report of one point (rich tables), built from its JSON document."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

__all__ = ["print_point"]

_FLAV = ("e", "mu", "tau")


def _matrix_table(title: str, m: dict[str, list[list[float]]], scale: float = 1.0) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("")
    for f in _FLAV:
        table.add_column(f, justify="right")
    z = (np.array(m["re"]) + 1j * np.array(m["im"])) / scale
    for f, row in zip(_FLAV, z):
        table.add_row(f, *(f"{abs(x):.4e}" for x in row))
    return table


def print_point(doc: dict[str, Any], console: Console | None = None) -> None:
    """Print spectrum and couplings of a point document (see ``io.document``)."""
    console = console or Console()
    inp, spec, coup = doc["inputs"], doc["spectrum"], doc["couplings"]
    console.print(f"[bold]lfvnsi point[/bold]  version={inp['version']}  texture={inp['texture']}"
                  f"  alpha={inp['alpha']}  beta={inp['beta']}  g_psi={inp['g_psi']:g}"
                  f"  m_Z'={inp['m_zprime']:g} GeV")
    masses = Table(title="Neutral-lepton spectrum", title_justify="left")
    masses.add_column("state")
    masses.add_column("mass", justify="right")
    for i, m in enumerate(spec["light_masses_eV"]):
        masses.add_row(f"light {i + 1}", f"{m:.6g} eV")
    for i, m in enumerate(spec["heavy_masses_GeV"]):
        masses.add_row(f"heavy {i + 1}", f"{m:.9g} GeV")
    console.print(masses)
    angles = Table(title="Active-sterile mixing of the light states", title_justify="left")
    for name in ("sin_alpha", "sin_alpha_prime", "sin_beta", "sin_beta_prime"):
        angles.add_column(name, justify="right")
    angles.add_row(*(f"{spec[n]:.6g}" for n in ("sin_alpha", "sin_alpha_prime", "sin_beta",
                                                   "sin_beta_prime")))
    console.print(angles)
    console.print(_matrix_table("|1 - N N^dagger| (PMNS non-unitarity)", spec["non_unitarity"]))
    console.print(_matrix_table("|g_nu| / g_psi, flavour basis", coup["g_nu"], inp["g_psi"]))
    for note in coup["notes"]:
        console.print(f"• {note}")
