"""The compiled curve and strongest-bound kernels against plain numpy versions of the same rules."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lfvnsi.constraints.database import Curve
from lfvnsi.constraints.kernel import strongest_bound, worst_on_curve


def _curve(rows: int, seed: int) -> Curve:
    rng = np.random.default_rng(seed)
    # rows 0.1% - 10% apart in log x, like digitised limits (nearly coincident rows would make
    # the two interpolation formulas differ by their conditioning, not by a bug)
    x = 0.1 * np.exp(np.cumsum(rng.uniform(1e-3, 0.1, rows)))
    return Curve("test.csv", "m_N_GeV", x, 10 ** rng.uniform(-9, -3, len(x)))


def _numpy_worst(curve: Curve, value: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, ...]:
    """np.interp in log-log (Curve.__call__), then the state with the largest ratio."""
    limit = curve(x)
    with np.errstate(invalid="ignore"):
        ratio = np.abs(value) / limit
    worst = np.argmax(np.where(np.isnan(ratio), -np.inf, ratio), axis=1)[:, None]
    return tuple(np.take_along_axis(a, worst, 1)[:, 0] for a in (value, limit, ratio))


@settings(max_examples=40, deadline=None)
@given(rows=st.integers(2, 300), states=st.integers(1, 8), seed=st.integers(0, 2**31))
def test_worst_on_curve_equals_numpy_interpolation(rows: int, states: int, seed: int) -> None:
    curve = _curve(rows, seed)
    rng = np.random.default_rng(seed + 1)
    n = 400
    x = 10 ** rng.uniform(-1.5, 2.5, (n, states))  # inside and outside the table
    x.flat[: min(len(curve.x), x.size)] = curve.x[: x.size]  # exactly on the table rows
    x.flat[-1] = curve.x[-1]
    x.flat[-2] = np.nan
    value = rng.uniform(-1e-3, 1e-3, (n, states))
    value.flat[::7] = 0.0  # log|value| = -inf: a zero ratio, still a candidate
    out = np.empty((3, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        worst_on_curve(value, np.log(np.abs(value)), x, np.log(x), curve.x, curve.log_x,
                       curve.log_limit, curve.start, *out)
    ref = _numpy_worst(curve, value, x)
    for got, want in zip(out[1:], ref[1:]):
        assert np.array_equal(np.isnan(got), np.isnan(want))
        ok = ~np.isnan(want)
        np.testing.assert_allclose(got[ok], want[ok], rtol=1e-12)
    inside = ~np.isnan(ref[2])
    np.testing.assert_array_equal(out[0][inside], ref[0][inside])


def test_curve_limit_at_rows_is_the_tabulated_limit() -> None:
    curve = _curve(50, 3)
    n = len(curve.x)
    out = np.empty((3, n))
    worst_on_curve(np.ones((n, 1)), np.zeros((n, 1)), curve.x[:, None], np.log(curve.x)[:, None],
                   curve.x, curve.log_x, curve.log_limit, curve.start, *out)
    np.testing.assert_allclose(out[1], curve.limit, rtol=1e-13)


@settings(max_examples=40, deadline=None)
@given(bounds=st.integers(1, 12), seed=st.integers(0, 2**31))
def test_strongest_bound_is_the_nan_skipping_argmax(bounds: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    ratio = rng.uniform(0, 3, (bounds, 200))
    ratio[rng.random(ratio.shape) < 0.4] = np.nan
    best, index = np.empty(200), np.empty(200, dtype=np.int64)
    strongest_bound(ratio, best, index)
    filled = np.where(np.isnan(ratio), -np.inf, ratio)
    any_applies = ~np.all(np.isnan(ratio), axis=0)
    np.testing.assert_array_equal(index, np.where(any_applies, np.argmax(filled, 0), -1))
    np.testing.assert_array_equal(best, np.where(any_applies, np.max(filled, 0), 0.0))
