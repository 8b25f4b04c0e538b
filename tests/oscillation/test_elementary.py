"""The branch-free sin, cos and arccos of the kernels against numpy and mpmath."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
from numba import njit

from lfvnsi.oscillation.elementary import acos_poly, sincos


@njit(cache=False)
def _apply(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    s = np.empty_like(x)
    c = np.empty_like(x)
    a = np.empty_like(y)
    for i in range(x.size):
        s[i], c[i] = sincos(x[i])
    for i in range(y.size):
        a[i] = acos_poly(y[i])
    return s, c, a


def test_sincos_and_acos_to_two_ulp() -> None:
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(-40, 40, 20000), rng.uniform(-1e6, 1e6, 2000),
                        np.arange(-64, 65) * math.pi / 4, [0.0, -0.0, 1e-300, 5e-8]])
    y = np.concatenate([rng.uniform(-1, 1, 20000), np.linspace(-1, 1, 4001),
                        [1 - 2**-52, -1 + 2**-52, 0.5, -0.5, 0.5 + 2**-53]])
    s, c, a = _apply(x, y)
    assert np.max(np.abs(s - np.sin(x))) <= 2.3e-16
    assert np.max(np.abs(c - np.cos(x))) <= 2.3e-16
    assert np.max(np.abs(a - np.arccos(y))) <= 9e-16  # 2 ulp of pi


def test_against_mpmath_at_hard_points() -> None:
    mp.mp.dps = 40
    x = np.array([1e5 + 0.1, 355.0, 103993.0, 2.0**20, 7.0e7, -33102.0])  # near multiples of pi
    y = np.array([-0.9999999999, 0.9999999999, -0.50000001, 0.49999999])
    s, c, a = _apply(x, y)
    for xi, si, ci in zip(x, s, c, strict=True):
        assert abs(si - float(mp.sin(mp.mpf(xi)))) < 2.3e-16
        assert abs(ci - float(mp.cos(mp.mpf(xi)))) < 2.3e-16
    for yi, ai in zip(y, a, strict=True):
        assert abs(ai - float(mp.acos(mp.mpf(yi)))) < 9e-16
