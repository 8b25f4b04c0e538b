"""The bounds' chi^2: hand-computed numbers for every kind of record, both modes, real points."""

from __future__ import annotations

import numpy as np
import pytest

from lfvnsi import Parameters, evaluate
from lfvnsi.constraints import Constraints, evaluate_constraints
from lfvnsi.constraints.database import Bound
from lfvnsi.exceptions import LfvnsiError
from lfvnsi.scan.likelihood import chi2, chi2_at_limit, chi2_terms, log_likelihood


def record(kind: str, cl: float, value: float | tuple[float, float], null: float = 0.0) -> Bound:
    return Bound(id=f"{kind} {cl}", observable="x", kind=kind, cl=cl, status="current",
                 experiment="test", year=2024, verified=True, note="", value=value,
                 null_value=null)


def constraints(bounds: list[Bound], ratio: list[float] | np.ndarray,
                applicable: list[bool] | np.ndarray | None = None,
                valid: np.ndarray | None = None) -> Constraints:
    r = np.asarray(ratio, dtype=float)
    ok = np.ones(r.shape, dtype=bool) if applicable is None else np.asarray(applicable)
    return Constraints(bounds=tuple(bounds), value=r, limit=np.ones_like(r),
                       ratio=np.where(ok, r, np.nan), applicable=ok,
                       failures=tuple(() for _ in bounds), valid=valid)


def test_chi2_at_the_limit_is_the_chi2_quantile_of_the_cl() -> None:
    """q(CL) = [Phi^-1((1 + CL)/2)]^2: 1.644854^2, 1.959964^2, 2.000^2."""
    assert chi2_at_limit(0.90) == pytest.approx(1.6448536269514722 ** 2, rel=1e-12)
    assert chi2_at_limit(0.90) == pytest.approx(2.7055, abs=5e-5)
    assert chi2_at_limit(0.95) == pytest.approx(3.8415, abs=5e-5)
    assert chi2_at_limit(0.9545) == pytest.approx(4.0, abs=1e-4)


def test_a_point_exactly_at_a_90_percent_upper_limit_costs_2_7055() -> None:
    c = constraints([record("upper", 0.9, 1e-5)], [[1.0]])
    assert chi2(c)[0] == pytest.approx(2.7055, abs=5e-5)
    assert log_likelihood(c)[0] == pytest.approx(-2.7055 / 2, abs=5e-5)


def test_upper_limit_is_quadratic_in_the_ratio() -> None:
    """Half-way to a 90% limit: 2.7055/4; twice beyond a 95% limit: 4 x 3.8415."""
    c = constraints([record("upper", 0.9, 1.0)], [[0.5, 0.0]])
    assert chi2(c) == pytest.approx([2.705543 / 4, 0.0], abs=1e-6)
    c = constraints([record("excluded_curve", 0.95, 1.0)], [[2.0]])
    assert chi2(c)[0] == pytest.approx(4 * 3.841459, abs=1e-5)


def test_range_is_a_two_sided_gaussian_with_each_side_set_by_its_edge() -> None:
    """[lo, hi] = [-0.06, 0.049] at 2 sigma: either edge costs 4.0, half-way to lo costs 1.0."""
    b = record("range", 0.9545, (-0.06, 0.049))
    for value in (0.049, -0.06, -0.03, 0.0):
        side = 0.049 if value >= 0 else -0.06
        ratio = value / side
        assert chi2(constraints([b], [[ratio]]))[0] == pytest.approx(4.0 * ratio ** 2, abs=1e-4)
    assert chi2(constraints([b], [[-0.03 / -0.06]]))[0] == pytest.approx(1.0, abs=1e-4)


def test_lower_limit_is_an_upper_limit_on_the_inverse() -> None:
    """m > 0.5 at 90%: m = 1.0 (ratio 0.5) costs 2.7055/4; m = 0.25 (ratio 2) costs 4 x 2.7055."""
    b = record("lower", 0.9, 0.5)
    assert chi2(constraints([b], [[0.5 / 1.0, 0.5 / 0.25]])) == pytest.approx(
        [2.705543 / 4, 4 * 2.705543], abs=1e-5)
    assert chi2(constraints([b], [[np.inf]]))[0] == np.inf  # value <= 0


def test_bounds_add_and_non_applicable_ones_contribute_nothing() -> None:
    bs = [record("upper", 0.9, 1.0), record("upper", 0.95, 1.0), record("upper", 0.9, 1.0)]
    ratio = [[1.0], [1.0], [50.0]]
    c = constraints(bs, ratio, applicable=[[True], [True], [False]])
    assert chi2(c)[0] == pytest.approx(2.705543 + 3.841459, abs=1e-5)
    assert chi2_terms(c)[:, 0] == pytest.approx([2.705543, 3.841459, 0.0], abs=1e-5)
    assert chi2(c, "step")[0] == 0.0
    assert chi2(constraints([], np.zeros((0, 3)))).shape == (3,)


def test_step_mode_is_zero_when_all_pass_and_infinite_when_one_fails() -> None:
    bs = [record("upper", 0.9, 1.0), record("range", 0.9545, (-1.0, 1.0))]
    passing = constraints(bs, [[0.3], [1.0]])  # exactly at a limit still passes
    failing = constraints(bs, [[0.3], [1.0001]])
    assert chi2(passing, "step")[0] == 0.0
    assert log_likelihood(passing, "step")[0] == 0.0
    assert not np.signbit(log_likelihood(passing, "step")[0])
    assert chi2(failing, "step")[0] == np.inf
    assert log_likelihood(failing, "step")[0] == -np.inf


def test_batch_shapes_are_kept() -> None:
    rng = np.random.default_rng(5)
    ratio = rng.uniform(0, 2, size=(2, 4, 3))
    c = constraints([record("upper", 0.9, 1.0), record("upper", 0.95, 1.0)], ratio)
    got = chi2(c)
    assert got.shape == (4, 3)
    assert got == pytest.approx(2.705543 * ratio[0] ** 2 + 3.841459 * ratio[1] ** 2, rel=1e-6)
    assert np.array_equal(chi2(c, "step") == 0, c.allowed)


def test_a_point_that_could_not_be_evaluated_has_infinite_chi2() -> None:
    """``valid`` False (``evaluate(invalid="flag")``): no bound applies, but the chi^2 is inf."""
    c = constraints([record("upper", 0.9, 1.0)], [[0.5, 0.5]], applicable=[[True, False]],
                    valid=np.array([True, False]))
    assert chi2(c) == pytest.approx([2.705543 / 4, np.inf])
    assert chi2(c, "step").tolist() == [0.0, np.inf]
    p = Parameters.benchmark().replace(mu_L1=np.array([1e-7, 1e-2]))  # 1e-2 GeV: not mu << M
    real = evaluate_constraints(evaluate(p, invalid="flag"), "current")
    assert np.isfinite(chi2(real)).tolist() == [True, False]


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(LfvnsiError, match="mode 'flat'"):
        chi2(constraints([record("upper", 0.9, 1.0)], [[0.1]]), "flat")


def test_real_points_sum_of_applicable_terms_and_step_matches_the_verdict() -> None:
    """On pipeline points: the chi^2 is the loop over applicable records of q(CL) ratio^2, and
    step mode agrees with ``Constraints.allowed`` (the benchmark is allowed: chi^2 0)."""
    rng = np.random.default_rng(11)
    p = Parameters.benchmark().replace(m_zprime=10 ** rng.uniform(-2.5, 0, 40),
                                       g_psi=10 ** rng.uniform(-3, 0, 40))
    c = evaluate_constraints(evaluate(p), "current")
    expected = np.zeros(40)
    for k, b in enumerate(c.bounds):
        for i in range(40):
            if c.applicable[k, i]:
                expected[i] += chi2_at_limit(b.cl) * c.ratio[k, i] ** 2
    assert chi2(c) == pytest.approx(expected, rel=1e-12)
    assert np.array_equal(np.isfinite(chi2(c, "step")), c.allowed)
    assert 0 < np.sum(c.allowed) < 40
    bench = evaluate_constraints(evaluate(Parameters.benchmark()), "current")
    assert chi2(bench, "step") == 0.0 and chi2(bench) > 0.0
