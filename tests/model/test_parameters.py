"""Parameter validation: every malformed input names the parameter, its value and the range."""

from __future__ import annotations

import numpy as np
import pytest

from lfvnsi import HierarchyError, ParameterError, Parameters, compute_spectrum


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
