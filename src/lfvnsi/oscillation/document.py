"""The JSON document, the flat table and the report of a ``lfvnsi oscillate`` run.

JSON keys (README "Oscillation"): ``energy_GeV`` (list), ``baseline_km``,
``oscillation_parameters`` (theta12, theta13, theta23, delta_cp in radians, dm21_eV2, dm31_eV2),
``density_g_cm3``, ``Ye``, ``eps_matter`` ({"re", "im"} 3x3, normalised to the electron density),
``P`` and ``P_sm`` ([from][to][energy], flavour order e, mu, tau). For the Earth preset P is
[from][to][zenith][energy], ``baseline_km`` a list (one chord per cos_zenith), ``density_g_cm3``
null (PREM, see ``earth``), ``Ye`` per region and ``eps_matter`` that of the mantle
(``eps_matter_core`` beside it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lfvnsi.io.document import matrix_json
from lfvnsi.oscillation.exports import globes_snu, nuoscprobexact, nusquids
from lfvnsi.oscillation.run import OscillationResult

__all__ = ["FLAVOUR_NAMES", "oscillation_document", "oscillation_table"]

FLAVOUR_NAMES = ("e", "mu", "tau")


def oscillation_document(r: OscillationResult) -> dict[str, Any]:
    """The JSON document of a run (see the module docstring for the keys)."""
    o = r.options
    osc = r.oscillation_parameters
    doc: dict[str, Any] = {
        "preset": o["preset"],
        "antineutrino": o["antineutrino"],
        "ordering": osc.ordering,
        "energy_GeV": r.energy_GeV.tolist(),
        "baseline_km": r.baseline_km.tolist(),
        "oscillation_parameters": {k: getattr(osc, k) for k in
                                   ("theta12", "theta13", "theta23", "delta_cp", "dm21_eV2",
                                    "dm31_eV2")},
        "oscillation_parameters_source": osc.source,
        "density_g_cm3": None if r.earth else o["density_g_cm3"],
        "Ye": r.Ye["medium"] if not r.earth else r.Ye,
        "Y_n": r.Y_n["medium"] if not r.earth else r.Y_n,
        "eps_matter": matrix_json(r.eps_matter),
        "P": r.P.tolist(),
        "P_sm": r.P_sm.tolist(),
        "exports": {
            "globes_snu": globes_snu(r.eps_matter),
            "nusquids_nsi_example_M": nusquids(r.eps_matter),
            "nuoscprobexact_eps": {"re": [z.real for z in nuoscprobexact(r.eps_matter)],
                                   "im": [z.imag for z in nuoscprobexact(r.eps_matter)]},
        },
        "inputs": r.params.to_dict(),
    }
    if r.earth:
        assert r.cos_zenith is not None and r.eps_matter_core is not None
        doc["cos_zenith"] = r.cos_zenith.tolist()
        doc["eps_matter_core"] = matrix_json(r.eps_matter_core)
        doc["earth"] = {"model": "PREM", "slabs_per_segment": o["slabs_per_segment"]}
    return doc


def oscillation_table(r: OscillationResult) -> dict[str, np.ndarray]:
    """Flat columns: energy_GeV [, cos_zenith, baseline_km], P_a_b, P_sm_a_b, dP_a_b (9 each)."""
    E = r.energy_GeV
    if r.earth:
        assert r.cos_zenith is not None
        cz, e = np.meshgrid(r.cos_zenith, E, indexing="ij")
        L, _ = np.meshgrid(r.baseline_km, E, indexing="ij")
        cols: dict[str, np.ndarray] = {"cos_zenith": cz.ravel(), "baseline_km": L.ravel(),
                                       "energy_GeV": e.ravel()}
    else:
        cols = {"energy_GeV": E, "baseline_km": np.full(E.shape, float(r.baseline_km))}
    for a, fa in enumerate(FLAVOUR_NAMES):
        for b, fb in enumerate(FLAVOUR_NAMES):
            cols[f"P_{fa}_{fb}"] = r.P[a, b].ravel()
            cols[f"P_sm_{fa}_{fb}"] = r.P_sm[a, b].ravel()
            cols[f"dP_{fa}_{fb}"] = (r.P[a, b] - r.P_sm[a, b]).ravel()
    return cols
