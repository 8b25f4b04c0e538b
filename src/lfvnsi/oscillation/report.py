"""Readable report of an oscillation run (rich tables): eps^m, parameters, P against P_sm."""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.table import Table

from lfvnsi.oscillation.document import FLAVOUR_NAMES
from lfvnsi.oscillation.presets import channel_indices
from lfvnsi.oscillation.run import OscillationResult
from lfvnsi.terminal import report_console

__all__ = ["print_oscillation"]


def print_oscillation(r: OscillationResult, console: Console | None = None) -> None:
    """Print eps^m, the largest |Delta P| per channel and the run's channel on a few energies."""
    console = console or report_console()
    o = r.options
    osc = r.oscillation_parameters
    nu = "antineutrinos" if o["antineutrino"] else "neutrinos"
    where = ("PREM Earth" if r.earth else
             f"L = {float(r.baseline_km):g} km, rho = {o['density_g_cm3']:g} g/cm^3, "
             f"Ye = {o['Ye']:g}")
    console.print(f"[bold]{o['preset']}[/bold]: {nu}, {where}")
    console.print(f"oscillation parameters: {osc.source}")
    eps = Table(title="eps_matter (electron-normalised" + (", mantle)" if r.earth else ")"))
    eps.add_column("")
    for f in FLAVOUR_NAMES:
        eps.add_column(f)
    for a, f in enumerate(FLAVOUR_NAMES):
        eps.add_row(f, *(f"{complex(z).real:+.4g}{complex(z).imag:+.3g}i" for z in r.eps_matter[a]))
    console.print(eps)
    summary = Table(title="largest |P - P_sm| per channel")
    summary.add_column("channel")
    summary.add_column("max |dP|", justify="right")
    summary.add_column("at E (GeV)", justify="right")
    for a, fa in enumerate(FLAVOUR_NAMES):
        for b, fb in enumerate(FLAVOUR_NAMES):
            d = np.abs(r.P[a, b] - r.P_sm[a, b])
            k = np.unravel_index(int(np.argmax(d)), d.shape)
            summary.add_row(f"{fa}->{fb}", f"{float(d[k]):.3e}", f"{r.energy_GeV[k[-1]]:.4g}")
    console.print(summary)
    a, b = channel_indices(o["channel"])
    P, P_sm = r.P[a, b], r.P_sm[a, b]
    title = f"P({o['channel']})"
    if r.earth:
        assert r.cos_zenith is not None
        row = int(np.argmax(np.max(np.abs(P - P_sm), axis=-1)))
        P, P_sm = P[row], P_sm[row]
        title += f" at cos zenith = {r.cos_zenith[row]:.3f}"
    picks = np.unique(np.linspace(0, r.energy_GeV.size - 1, min(12, r.energy_GeV.size)).astype(int))
    t = Table(title=title)
    for name in ("E (GeV)", "P_sm", "P (model)", "P - P_sm"):
        t.add_column(name, justify="right")
    for i in picks:
        t.add_row(f"{r.energy_GeV[i]:.4g}", f"{P_sm[i]:.6f}", f"{P[i]:.6f}", f"{P[i] - P_sm[i]:+.3e}")
    console.print(t)
