"""Exports of eps^m to other codes' conventions, and the integrity of the packaged data."""

from __future__ import annotations

import cmath
import tomllib
from importlib import resources

import numpy as np
import pytest

from lfvnsi.exceptions import ParameterError
from lfvnsi.oscillation import (
    PRESETS,
    OscillationParameters,
    eps_matter_from,
    globes_snu,
    globes_snu_lines,
    hamiltonian,
    matter_potential_GeV,
    nuoscprobexact,
    nusquids,
    parameter_sets,
    preset,
    probabilities,
)

EPS = np.array([[0.3, 0.1 - 0.2j, -0.05j], [0.1 + 0.2j, -0.4, 0.02 + 0.01j],
                [0.05j, 0.02 - 0.01j, 0.1]])


def test_globes_snu_names_rebuild_the_matrix_and_hamiltonian() -> None:
    """snu.c: eps_m[i][j] = ABS * exp(i ARG) for i < j, conj below; H = H0/E + V eps_m + V e_ee."""
    p = globes_snu(EPS)
    names = ("E", "MU", "TAU")
    rebuilt = np.zeros((3, 3), dtype=complex)
    for i in range(3):
        rebuilt[i, i] = p[f"EPS_M_{names[i]}{names[i]}"]
        for j in range(i + 1, 3):
            z = p[f"ABS_EPS_M_{names[i]}{names[j]}"] * cmath.exp(1j * p[f"ARG_EPS_M_{names[i]}{names[j]}"])
            rebuilt[i, j], rebuilt[j, i] = z, np.conj(z)
    assert np.max(np.abs(rebuilt - EPS)) < 1e-15
    params = OscillationParameters.best_fit()
    E, rho = 3.0, 2.8
    V = float(matter_potential_GeV(rho, 0.5))
    snu = params.mass_matrix_GeV2() / (2 * E) + V * rebuilt + V * np.diag([1.0, 0, 0])
    assert np.max(np.abs(snu - hamiltonian(E, params, density_g_cm3=rho, eps_matter=EPS))) < 1e-35
    lines = globes_snu_lines(EPS).splitlines()
    assert len(lines) == 9 and all(line.startswith("glbSetOscParamByName(p, ") for line in lines)


def test_nusquids_example_matrix_is_a_third() -> None:
    M = nusquids(EPS)
    assert np.allclose(3 * (np.array(M["re"]) + 1j * np.array(M["im"])), EPS, rtol=0, atol=1e-16)


def test_nuoscprobexact_layout_is_the_upper_triangle() -> None:
    flat = nuoscprobexact(EPS)
    assert flat == [EPS[0, 0], EPS[0, 1], EPS[0, 2], EPS[1, 1], EPS[1, 2], EPS[2, 2]]


def test_normalisation_conversion() -> None:
    """eps^m = eps^f N_f/N_e: N_u/N_e = 2 + Y_n, N_d/N_e = 1 + 2 Y_n (neutral matter)."""
    Y = 1.05
    for f, ratio in (("e", 1.0), ("p", 1.0), ("n", Y), ("u", 2 + Y), ("d", 1 + 2 * Y)):
        assert np.allclose(eps_matter_from(EPS, f, Y), ratio * EPS, rtol=1e-15, atol=0)
    # quarks with eps^u = eps^d = eps^q: eps^m = 3 (1 + Y_n) eps^q (REFERENCE 4.4, scenario a)
    total = eps_matter_from(EPS, "u", Y) + eps_matter_from(EPS, "d", Y)
    assert np.allclose(total, 3 * (1 + Y) * EPS, rtol=1e-15, atol=0)
    with pytest.raises(ParameterError, match="normalisation"):
        eps_matter_from(EPS, "quark", Y)


def test_bad_inputs_name_parameter_and_range() -> None:
    params = OscillationParameters.best_fit()
    with pytest.raises(ParameterError, match="energy_GeV"):
        probabilities([1.0, -2.0], 100.0, params)
    with pytest.raises(ParameterError, match="Ye"):
        probabilities(1.0, 100.0, params, density_g_cm3=3.0, Ye=1.5)
    with pytest.raises(ParameterError, match="Hermitian"):
        probabilities(1.0, 100.0, params, eps_matter=np.triu(np.ones((3, 3))))
    with pytest.raises(ParameterError, match="theta12"):
        OscillationParameters(2.0, 0.1, 0.1, 0.0, 7e-5, 2.5e-3)


def test_oscillation_parameter_data_carries_citations() -> None:
    sets = parameter_sets()
    assert "nufit-6.0" in sets and "nufit-4.0" in sets
    for name, meta in sets.items():
        for key in ("release", "reference", "arxiv", "year", "status"):
            assert meta.get(key), (name, key)
    text = resources.files("lfvnsi.data").joinpath("oscillation_parameters.toml").read_text()
    assert tomllib.loads(text)["default"] == "nufit-6.0"
    normal = OscillationParameters.best_fit("normal")
    inverted = OscillationParameters.best_fit("inverted")
    assert normal.ordering == "normal" and inverted.ordering == "inverted"
    # NuFIT quotes Delta m^2_32 for inverted ordering: dm31 = dm32 + dm21
    assert inverted.dm31_eV2 == pytest.approx(-2.484e-3 + 7.49e-5, rel=1e-12)
    assert np.sin(normal.theta23) ** 2 == pytest.approx(0.470, rel=1e-12)
    assert "2410.05380" in normal.source


def test_presets_carry_sources_and_the_issue_numbers() -> None:
    assert PRESETS == ("dune", "t2hk", "atmospheric")
    for name in PRESETS:
        assert preset(name).source
    assert (preset("dune").baseline_km, preset("dune").density_g_cm3) == (1284.9, 2.848)
    assert preset("t2hk").baseline_km == 295.0
    assert preset("atmospheric").earth and preset("atmospheric").cos_zenith().min() == -1.0
