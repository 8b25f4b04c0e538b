"""Branch-free sin, cos and arccos for the compiled kernels, so that LLVM vectorises the loops.

A call into libm (``math.sin``) inside a loop stops LLVM from vectorising it; these polynomial
versions are plain arithmetic and selects, so the oscillation kernels run 4-8 energies per
instruction. They are accurate to 1-2 ulp (tests/oscillation/test_elementary.py checks against
numpy and mpmath):

* sin/cos: Cody-Waite reduction by pi/2 in three parts (the first two with 24-bit mantissas, so
  q*C1 and q*C2 are exact for |q| < 2**29) and Taylor polynomials on |r| <= pi/4 to x**19/x**20
  (truncation below 1e-18). Arguments up to |x| ~ 1e8 keep full accuracy; beyond that the phase
  itself carries more error than the reduction.
* arccos: the arcsine series sum_n (2n)!/(4^n (n!)^2 (2n+1)) z^(2n+1) on |z| <= 1/2 (30 terms,
  truncation 3e-18), with arccos x = 2 arcsin sqrt((1-x)/2) for |x| > 1/2.

The Taylor coefficients are the exact rationals 1/n! and the arcsine series coefficients; the
constants are derived from ``math.pi`` at import, none is typed by hand.

References: W. J. Cody and W. Waite, *Software Manual for the Elementary Functions* (1980),
chapter 8 (argument reduction); the series are textbook (Abramowitz & Stegun 4.3.65, 4.4.40).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["acos_poly", "cos_poly", "sin_poly", "sincos"]

# sin r = r sum_k S_k r^(2k), cos r = sum_k C_k r^(2k): exact Taylor coefficients.
_S = tuple((-1) ** k / math.factorial(2 * k + 1) for k in range(10))
_C = tuple((-1) ** k / math.factorial(2 * k) for k in range(11))
S0, S1, S2, S3, S4, S5, S6, S7, S8, S9 = _S
C0, C1, C2, C3, C4, C5, C6, C7, C8, C9, C10 = _C
_ASIN = np.array([math.factorial(2 * n) / (4**n * math.factorial(n) ** 2 * (2 * n + 1))
                  for n in range(30)])

# pi/2 = PIO2_1 + PIO2_2 + PIO2_3: two 24-bit heads and the rest. cos(fl(pi/2)) is the rounding
# error pi/2 - fl(pi/2) to ~1e-49 relative (cos(pi/2 - d) = sin d).
PIO2_1 = float(np.float32(math.pi / 2))
_REST = math.pi / 2 - PIO2_1  # exact (Sterbenz)
PIO2_2 = float(np.float32(_REST))
PIO2_3 = (_REST - PIO2_2) + math.cos(math.pi / 2)
TWO_OVER_PI = 2.0 / math.pi
HALF_PI = 0.5 * math.pi
PI = math.pi
_ROUND = 1.5 * 2.0**52  # adding and subtracting it rounds a double to the nearest integer


@njit(inline="always", cache=True)
def sin_poly(r: float) -> float:
    """sin r for |r| <= ~1.1 (Taylor to r**19)."""
    z = r * r
    return r * (S0 + z * (S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * (S6 + z * (
        S7 + z * (S8 + z * S9)))))))))


@njit(inline="always", cache=True)
def cos_poly(r: float) -> float:
    """cos r for |r| <= ~1.1 (Taylor to r**20)."""
    z = r * r
    return C0 + z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * (C6 + z * (C7 + z * (
        C8 + z * (C9 + z * C10)))))))))


@njit(inline="always", cache=True)
def sincos(x: float) -> tuple[float, float]:
    """(sin x, cos x) for any finite x, without branches or library calls."""
    q = (x * TWO_OVER_PI + _ROUND) - _ROUND
    r = ((x - q * PIO2_1) - q * PIO2_2) - q * PIO2_3
    s = sin_poly(r)
    c = cos_poly(r)
    k = np.int64(q)
    odd = (k & 1) == 1
    ss = c if odd else s
    cc = s if odd else c
    sign_s = 1.0 - 2.0 * ((k >> 1) & 1)
    sign_c = 1.0 - 2.0 * (((k + 1) >> 1) & 1)
    return sign_s * ss, sign_c * cc


@njit(inline="always", cache=True)
def _asin_series(z: float) -> float:
    w = z * z
    acc = _ASIN[29]
    for k in range(28, -1, -1):
        acc = _ASIN[k] + w * acc
    return z * acc


@njit(inline="always", cache=True)
def acos_poly(x: float) -> float:
    """arccos x for x in [-1, 1]."""
    ax = abs(x)
    big = ax > 0.5
    z = math.sqrt(max(0.5 * (1.0 - ax), 0.0))
    s = _asin_series(z if big else x)
    twice = 2.0 * s
    outer = twice if x > 0.0 else PI - twice
    return outer if big else HALF_PI - s
