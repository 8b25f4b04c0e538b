"""Scan specifications (validation, one-line errors) and the samplers (chunk independence,
Latin-hypercube strata, grid nodes, uniformity)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from scan_specs import VARY, document, spec

from lfvnsi.cli import cli
from lfvnsi.exceptions import ConfigError
from lfvnsi.scan.samplers import permute, sample, uniforms
from lfvnsi.scan.spec import spec_from_mapping


@pytest.mark.parametrize(("change", "words"), [
    ({"sampler": "sobol"}, ["sampler", "sobol"]),
    ({"chunk": 0}, ["chunk", "0"]),
    ({"points": 2.5}, ["points", "2.5"]),
    ({"bounds": "old"}, ["bounds", "old"]),
    ({"outputs": ["g_nu_ab", "nonsense"]}, ["outputs", "nonsense"]),
    ({"colour": 1}, ["unknown key", "colour"]),
    ({"vary": {}}, ["scan.vary"]),
    ({"vary": {"m_zprime": {"range": [1.0, 0.1]}}}, ["m_zprime", "low < high"]),
    ({"vary": {"m_zprime": {"range": [0.0, 1.0], "scale": "log"}}}, ["m_zprime", "low > 0"]),
    ({"vary": {"m_zprime": {"range": [0.1, 1.0], "scale": "cubic"}}}, ["m_zprime", "cubic"]),
    ({"vary": {"mass_of_everything": {"range": [0.1, 1.0]}}}, ["mass_of_everything"]),
    ({"vary": {"g_psi": {"range": [-1.0, 1.0]}}}, ["g_psi", "-1.0", "allowed range"]),
    ({"sampler": "grid", "vary": {"g_psi": {"range": [0.1, 1.0]}}}, ["g_psi", "n ="]),
])
def test_bad_specs_name_the_key_and_value(change: dict, words: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        spec_from_mapping(document(**change), "bad.toml")
    message = str(info.value)
    assert "\n" not in message and "bad.toml" in message
    for word in words:
        assert word in message


def test_bad_spec_on_the_command_line_is_one_line(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[scan]\nsampler = "random"\n[scan.vary.g_psi]\nrange = [0.5, 0.1]\n')
    result = CliRunner().invoke(cli, ["scan", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "g_psi" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("sampler", ["random", "latin", "grid"])
def test_any_slice_of_a_scan_draws_the_same_points(sampler: str) -> None:
    vary = {k: dict(v, n=4) for k, v in VARY.items()} if sampler == "grid" else VARY
    s = spec(sampler=sampler, points=2000, vary=vary)
    whole = sample(s, 0, s.size)
    for start, stop in ((0, 1), (17, 400), (999, s.size)):
        part = sample(s, start, stop)
        for name in whole:
            np.testing.assert_array_equal(part[name], whole[name][start:stop])


@settings(max_examples=30, deadline=None)
@given(size=st.integers(1, 5000), seed=st.integers(0, 2**32), dimension=st.integers(0, 20))
def test_permutation_is_a_bijection(size: int, seed: int, dimension: int) -> None:
    p = permute(seed, np.arange(size), size, dimension)
    np.testing.assert_array_equal(np.sort(p), np.arange(size))


def test_latin_hypercube_has_one_point_per_stratum_on_every_axis() -> None:
    n = 1500
    s = spec(points=n, vary={"g_psi": {"range": [0.5, 1.5]}, "M1": {"range": [1.0, 2.0]},
                             "m_zprime": {"range": [0.01, 1.0], "scale": "log"}})
    values = sample(s, 0, n)
    strata = {"g_psi": (values["g_psi"] - 0.5) * n, "M1": (values["M1"] - 1.0) * n,
              "m_zprime": np.log(values["m_zprime"] / 0.01) / np.log(100.0) * n}
    for name, x in strata.items():  # the i-th smallest lies in stratum [i, i + 1) (to rounding)
        offset = np.sort(x) - np.arange(n)
        assert np.all(offset > -1e-9) and np.all(offset < 1 + 1e-9), name


def test_grid_nodes_include_both_ends() -> None:
    s = spec(sampler="grid", vary={"g_psi": {"range": [0.1, 0.4], "n": 4},
                                   "m_zprime": {"range": [0.01, 1.0], "scale": "log", "n": 3}})
    assert s.size == 12
    v = sample(s, 0, 12)
    np.testing.assert_allclose(np.unique(v["g_psi"]), [0.1, 0.2, 0.3, 0.4], rtol=1e-15)
    np.testing.assert_allclose(np.unique(v["m_zprime"]), [0.01, 0.1, 1.0], rtol=1e-14)


def test_uniforms_are_uniform_and_independent_across_dimensions() -> None:
    n = 200_000
    u, w = uniforms(5, np.arange(n), 0), uniforms(5, np.arange(n), 1)
    assert 0.0 <= u.min() and u.max() < 1.0
    sigma = math.sqrt(1 / 12 / n)
    assert abs(u.mean() - 0.5) < 5 * sigma
    assert abs(np.var(u) - 1 / 12) < 5 * math.sqrt(1 / 180 / n)
    counts = np.histogram(u, bins=20, range=(0, 1))[0]
    chi2 = np.sum((counts - n / 20) ** 2 / (n / 20))
    assert chi2 < 60  # 19 degrees of freedom: p ~ 1e-6
    assert abs(np.corrcoef(u, w)[0, 1]) < 5 / math.sqrt(n)
    assert not np.array_equal(uniforms(6, np.arange(10), 0), uniforms(5, np.arange(10), 0))
