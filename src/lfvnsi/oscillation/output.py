"""Files of an oscillation run: the table as CSV or Parquet, and the figures.

Parquet needs ``pyarrow`` (extra ``parquet``) and plots need ``matplotlib`` (extra ``plots``);
without them the functions raise ``MissingExtraError`` whose one-line message is the pip command.
Figures: P and Delta P = P - P_sm against energy for constant matter; for the Earth an
oscillogram of P and of Delta P in (E, cos zenith). Each shows the run's ``channel``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.exceptions import ConfigError, MissingExtraError
from lfvnsi.oscillation.document import FLAVOUR_NAMES, oscillation_table
from lfvnsi.oscillation.presets import channel_indices
from lfvnsi.oscillation.run import OscillationResult

__all__ = ["plot_oscillation", "write_table"]


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtraError("pyarrow", "parquet", "Parquet output") from None
    return pa, pq


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError("matplotlib", "plots", "plotting") from None
    return plt


def write_table(result: OscillationResult, path: str | Path) -> Path:
    """Write the run's table (one row per energy [and zenith]) as .csv or .parquet."""
    path = Path(path)
    cols = oscillation_table(result)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        pa, pq = _pyarrow()
        table = pa.table(cols)
        meta = {b"lfvnsi.oscillation_parameters_source": result.oscillation_parameters.source.encode(),
                b"lfvnsi.preset": str(result.options["preset"]).encode()}
        pq.write_table(table.replace_schema_metadata(meta), path)
    elif suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(list(cols))
            for row in zip(*(c.tolist() for c in cols.values()), strict=True):
                writer.writerow([repr(x) for x in row])
    else:
        raise ConfigError(f"option 'out' = {str(path)!r}: the file name must end in .csv or .parquet")
    return path


def plot_oscillation(result: OscillationResult, path: str | Path) -> Path:
    """Figure of the run's channel: P and Delta P vs E, or oscillograms for the Earth."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".pdf", ".svg"):
        raise ConfigError(f"option 'plot' = {str(path)!r}: the file name must end in .png, .pdf "
                          "or .svg")
    plt = _pyplot()
    a, b = channel_indices(result.options["channel"])
    label = rf"$\nu_{{{FLAVOUR_NAMES[a]}}}\to\nu_{{{FLAVOUR_NAMES[b]}}}$".replace("mu", r"\mu")
    label = label.replace("tau", r"\tau")
    if result.options["antineutrino"]:
        label = "anti-" + label
    E = result.energy_GeV
    P, P_sm = result.P[a, b], result.P_sm[a, b]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    if result.earth:
        assert result.cos_zenith is not None
        for ax, z, title, cmap in ((axes[0], P, f"P({label}) with NSI", "viridis"),
                                   (axes[1], P - P_sm, rf"$\Delta$P({label}) = P - P$_{{SM}}$",
                                    "RdBu_r")):
            lim = float(np.max(np.abs(z))) or 1.0
            kw = {"vmin": -lim, "vmax": lim} if cmap == "RdBu_r" else {"vmin": 0.0, "vmax": 1.0}
            mesh = ax.pcolormesh(E, result.cos_zenith, z, shading="auto", cmap=cmap, **kw)
            ax.set_xscale("log")
            ax.set_xlabel("E (GeV)")
            ax.set_ylabel(r"cos $\theta_z$")
            ax.set_title(title)
            fig.colorbar(mesh, ax=ax)
    else:
        axes[0].plot(E, P_sm, label="standard matter", color="0.4")
        axes[0].plot(E, P, label="model NSI")
        axes[0].set_ylabel(f"P({label})")
        axes[0].legend()
        axes[1].plot(E, P - P_sm)
        axes[1].axhline(0.0, color="0.6", lw=0.8)
        axes[1].set_ylabel(rf"$\Delta$P({label})")
        for ax in axes:
            ax.set_xscale("log")
            ax.set_xlabel("E (GeV)")
        fig.suptitle(f"{result.options['preset']}: L = {float(result.baseline_km):g} km, "
                     f"rho = {result.options['density_g_cm3']:g} g/cm3")
    fig.savefig(path)
    plt.close(fig)
    return path
