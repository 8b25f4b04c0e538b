"""Parameter validation: every malformed input names the parameter, its value and the range."""

from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner

from lfvnsi import HierarchyError, ParameterError, Parameters, compute_spectrum
from lfvnsi.cli import cli
from lfvnsi.constants import standard_model
from lfvnsi.model.parameters import PARAMETER_TABLE


@pytest.mark.parametrize(("kw", "name", "shown"), [
    ({"M1": -1.0}, "M1", "-1.0"),
    ({"m_zprime": 0.0}, "m_zprime", "0.0"),
    ({"mt_alpha": -0.1}, "mt_alpha", "-0.1"),
    ({"g_psi": 10.0}, "g_psi", "10.0"),
    ({"beta": "e"}, "beta", "'e'"),
    ({"version": "lnx"}, "version", "'lnx'"),
    ({"texture": "literal"}, "texture", "'literal'"),
    ({"version": "lnv", "texture": "consistent"}, "texture", "'consistent'"),
    ({"version": "lnv", "texture": "effective"}, "texture", "'effective'"),
    ({"texture": "paper", "mp1": 1.0}, "mp1", "1.0"),
    ({"sin_alpha": 0.1}, "sin_alpha", "0.1"),
    ({"texture": "effective", "sin_alpha": 0.0, "sin_beta": 0.1, "mt_alpha": 0.1,
      "mt_beta": 0.1}, "sin_alpha", "0.0"),
    ({"M2": float("nan")}, "M2", "nan"),
    ({"M_N": "heavy"}, "M_N", "'heavy'"),
    ({"kinetic_mixing": 1.5}, "kinetic_mixing", "1.5"),
    ({"M1": np.array([1.0, -2.0])}, "M1", "-2.0"),
])
def test_bad_values_name_parameter_value_and_range(kw: dict, name: str, shown: str) -> None:
    with pytest.raises(ParameterError) as err:
        Parameters(**kw)
    message = str(err.value)
    assert err.value.name == name and repr(name) in message and shown in message
    assert "\n" not in message


def test_unknown_name_suggests_the_right_one() -> None:
    with pytest.raises(ParameterError, match=r"'Mn'.*did you mean 'M_N'|'Mn'.*unknown"):
        Parameters.from_mapping({"Mn": 1.0})


def test_mu_not_far_below_heavy_masses() -> None:
    with pytest.raises(HierarchyError) as err:
        compute_spectrum(Parameters.benchmark().replace(mu_L1=0.1))
    assert err.value.name == "mu_L1" and "0.1" in str(err.value)


def test_broadcasting_and_shapes() -> None:
    p = Parameters.benchmark().replace(M1=np.linspace(1, 2, 6).reshape(2, 3), mt_beta=0.03)
    assert p.shape == (2, 3) and p.mt_beta.shape == (2, 3)
    s = compute_spectrum(p)
    assert s.masses.shape == (2, 3, 11) and s.mixing.shape == (2, 3, 11, 11)
    with pytest.raises(ParameterError, match="broadcast"):
        Parameters.benchmark().replace(M1=np.ones(3), M2=np.ones(4))


def test_benchmark_is_the_documented_point() -> None:
    p = Parameters.benchmark()
    assert (p.version, p.texture, p.alpha, p.beta) == ("lnc", "consistent", "e", "mu")
    s = compute_spectrum(p)
    from lfvnsi import compute_couplings
    g = compute_couplings(p, s).g_nu
    assert 0.5e-3 < abs(g[0, 1]) / p.g_psi < 2e-3 and np.all(s.heavy_masses > 0.5)


def test_rows_is_the_slice_of_every_array_parameter() -> None:
    """Parameters.rows(start, stop) = the batch built from the sliced values (validated)."""
    rng = np.random.default_rng(5)
    p = Parameters.benchmark().replace(M1=rng.uniform(1, 3, (4, 5)), g_psi=rng.uniform(0.1, 1, 5))
    sub = p.rows(7, 13)
    want = Parameters.benchmark().replace(M1=p.M1.reshape(-1)[7:13],
                                          g_psi=p.g_psi.reshape(-1)[7:13])
    assert sub.shape == (6,) and sub.size == 6
    for name in Parameters.names():
        np.testing.assert_array_equal(getattr(sub, name), getattr(want, name))
    assert p.rows(18, 99).shape == (2,)  # clipped like a slice
    assert not sub.M1.flags.writeable  # still read-only views


MASSES = [n for n, r in PARAMETER_TABLE.items() if r.unit == "GeV" and not n.startswith("mu_")]


def test_every_mass_has_an_upper_limit_and_its_reason() -> None:
    """The mu entries are limited relative to the heavy masses (spectrum); every other mass has a
    finite upper limit in the table, and the table says where it comes from."""
    assert set(MASSES) == {"m_zprime", "mt_alpha", "mt_beta", "M1", "M2", "m1", "m2", "mp1", "mp2",
                           "M_N"}
    for name in MASSES:
        r = PARAMETER_TABLE[name]
        assert math.isfinite(r.high) and r.why, name
        assert r.why in r.describe(name)


def test_mass_limits_are_the_stated_physics() -> None:
    # |lambda| <= sqrt(4 pi) with v from the Standard-Model inputs: 617 GeV
    v = standard_model().v
    assert v == pytest.approx(246.22, abs=0.01)
    for name in ("mt_alpha", "mt_beta"):
        assert PARAMETER_TABLE[name].high == pytest.approx(math.sqrt(4 * math.pi) * v / math.sqrt(2),
                                                           rel=1e-12)
    for name in ("M1", "M2", "M_N", "m1", "m2", "mp1", "mp2"):  # the Planck mass, 1.22089e19 GeV
        assert PARAMETER_TABLE[name].high == pytest.approx(1.22089e19, rel=1e-5)
    for name in ("M1", "M2", "M_N"):
        assert PARAMETER_TABLE[name].low == 1e-6
    assert (PARAMETER_TABLE["m_zprime"].low, PARAMETER_TABLE["m_zprime"].high) == (1e-18, 10.0)


@pytest.mark.parametrize(("override", "name"), [
    ("M1=1e308", "M1"), ("M1=1e300", "M1"), ("mt_alpha=1e200", "mt_alpha"),
    ("mt_alpha=1e10", "mt_alpha"), ("M_N=1e-300", "M_N"), ("M_N=1e-12", "M_N"),
    ("m_zprime=1e-300", "m_zprime"), ("mp1=-1e30", "mp1"), ("a_tau=1e5", "a_tau"),
])
def test_extreme_masses_are_refused_in_one_line(override: str, name: str) -> None:
    """Once a LinAlgError (M1 = 1e300), NaN and inf with an 'excluded at inf x' verdict (M_N =
    1e-12), or silently accepted (mt_alpha = 1e10)."""
    for args in (["point", "--set", override], ["point", "--set", override, "--json"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2 and result.stdout == "", result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"lfvnsi: error: parameter {name!r} = ")
        assert "allowed range" in lines[0] or "perturbative" in lines[0]


def test_a_lepton_coupling_is_perturbative_in_the_gauged_scheme_only() -> None:
    with pytest.raises(ParameterError, match=r"'a_mu'.*\|a_mu g_B\| <= sqrt\(4 pi\).*index \(1,\)"):
        Parameters.benchmark().replace(a_mu=np.array([0.0, 4e4]))
    Parameters.benchmark().replace(matter="kinetic", a_mu=4e4)  # a_l is not used there
