"""The DUNE Delta chi^2 as a scan column and in the reach plot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lfvnsi.exceptions import ConfigError
from lfvnsi.experiments import dune_delta_chi2
from lfvnsi.pipeline import evaluate
from lfvnsi.scan.runner import compute_chunk
from lfvnsi.scan.samplers import sample
from lfvnsi.scan.spec import spec_from_mapping

DOC = {"parameters": {}, "scan": {
    "sampler": "grid", "chunk": 16, "bounds": "current", "name": "dune-column",
    "outputs": ["eps_earth_emu", "eps_earth_tautau", "dune_delta_chi2"],
    "vary": {"g_B": {"range": [1e-4, 3e-3], "scale": "log", "n": 2},
             "m_zprime": {"range": [0.1, 1.0], "scale": "log", "n": 2}}}}


def test_a_scan_keeps_the_dune_column() -> None:
    spec = spec_from_mapping(DOC)
    columns = compute_chunk(spec, 0)
    params = spec.base_parameters().replace(**sample(spec, 0, spec.size))
    expected = dune_delta_chi2(evaluate(params))
    # the scan runs the compiled kernels (eps equal to ~1e-16): Delta chi^2 ~ 1e4 minima agree to
    # the minimiser's stopping precision
    assert np.allclose(columns["dune_delta_chi2"], expected, rtol=1e-5)
    assert not any(k.startswith("ratio:DUNE") for k in columns)  # not a current bound
    future = compute_chunk(spec_from_mapping({**DOC, "scan": {**DOC["scan"], "bounds": "future",
                                                              "outputs": ["eps_earth_emu"]}}), 0)
    ratio = future["ratio:DUNE 3 sigma (TDR configuration, 336 kt MW yr)"]
    assert np.allclose(ratio, expected / 9.0, rtol=1e-5)  # ratio columns are float32


def test_an_unknown_output_is_still_refused() -> None:
    with pytest.raises(ConfigError, match="'dune_chi2' is not an observable"):
        spec_from_mapping({**DOC, "scan": {**DOC["scan"], "outputs": ["dune_chi2"]}})


def test_the_reach_plot_shows_what_dune_leaves(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.patches import StepPatch

    from lfvnsi.plots.scan import ScanTable, reach_figure

    m = np.geomspace(0.01, 1.0, 8)
    eps = np.array([1e-3, 2e-2, 1e-3, 3e-2, 1e-3, 1e-2, 2e-3, 5e-2])
    dchi2 = np.array([0.1, 20.0, 0.2, 50.0, 0.1, 3.0, 0.5, 90.0])
    columns = {"m_zprime": m, "eps_earth_emu": eps, "dune_delta_chi2": dchi2,
               "valid": np.ones(8, bool), "allowed": np.ones(8, bool)}
    fig = reach_figure(ScanTable(tmp_path, columns, {}), n_bins=4)
    steps = {p.get_label(): p.get_data()[0] for p in fig.axes[0].patches
             if isinstance(p, StepPatch)}
    solid = steps["eps_earth_emu"]
    dashed = next(v for k, v in steps.items() if "not tested by DUNE" in k)
    assert np.allclose(solid, [2e-2, 3e-2, 1e-2, 5e-2])
    assert np.allclose(dashed, [1e-3, 1e-3, 1e-2, 2e-3])  # Delta chi^2 < 9 only
