"""Figures of predicted versus observed CEvNS spectra (needs the ``plots`` extra: matplotlib).

References: the releases of ``releases.toml``; predictions of ``lfvnsi.cevns.rates``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError as exc:  # pragma: no cover - exercised with matplotlib hidden
    raise ImportError("lfvnsi.cevns.plots needs matplotlib: pip install 'lfvnsi[plots]'") from exc

from lfvnsi.cevns.analysis import DatasetResult

__all__ = ["plot_spectra"]


def _project(result: DatasetResult, values: np.ndarray, axis: str) -> np.ndarray:
    grid = np.asarray(values).reshape(result.release.bin_shape)
    keep = 0 if axis == "energy" else grid.ndim - 1
    return grid.sum(axis=tuple(i for i in range(grid.ndim) if i != keep))


def plot_spectra(results: dict[str, DatasetResult], outdir: str | Path) -> list[Path]:
    """One PNG per release: background-subtracted observed counts against the SM and model
    predictions, projected on reconstructed energy and on arrival time. Returns the paths."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, res in results.items():
        rel = res.release
        variance = rel.observed + (rel.off if rel.off is not None else 0.0)
        excess = rel.observed - rel.background_total()
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        for ax, axis, edges, label in (
                (axes[0], "energy", rel.energy_edges, f"reconstructed energy [{rel.energy_unit}]"),
                (axes[1], "time", rel.time_edges, "arrival time [us]")):
            centres = 0.5 * (edges[1:] + edges[:-1])
            obs = _project(res, excess, axis)
            err = np.sqrt(_project(res, variance, axis))
            ax.errorbar(centres, obs, yerr=err, fmt="ko", ms=3, label="observed - background")
            ax.stairs(_project(res, res.sm.bins, axis), edges, color="tab:blue", label="SM CEvNS")
            model = np.asarray(res.model.bins)
            if model.ndim == 1:
                ax.stairs(_project(res, model, axis), edges, color="tab:red", ls="--",
                          label="model CEvNS")
            ax.axhline(0.0, color="grey", lw=0.5)
            ax.set_xlabel(label)
            ax.set_ylabel("events per bin")
        axes[0].legend(frameon=False)
        fig.suptitle(f"{rel.info['title']}: SM {float(res.sm.total):.1f}, "
                     f"model {float(np.sum(model)) if model.ndim == 1 else float('nan'):.1f}, "
                     f"chi2 SM {float(res.fit_sm.chi2):.1f} / model "
                     f"{float(np.ravel(res.fit_model.chi2)[0]):.1f} ({rel.n_bins} bins)", fontsize=10)
        fig.tight_layout()
        path = outdir / f"cevns_{name}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths
