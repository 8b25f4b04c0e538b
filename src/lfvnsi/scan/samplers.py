"""Samplers: point i of a scan as a pure function of (spec, i), for any slice of indices.

Random numbers come from a counter-based hash (SplitMix64 finaliser of seed, index and
dimension), so any chunk of any size, on any worker, draws exactly the numbers the whole scan
would: results cannot depend on how the scan is split. The Latin hypercube permutes each
dimension with a keyed bijection of [0, N) (a Feistel network on the next power of two, cycle-
walked into range), so no permutation table is ever stored, whatever N.

References: G. L. Steele, D. Lea, C. H. Flood, "Fast splittable pseudorandom number generators",
OOPSLA 2014 (SplitMix64); M. D. McKay, R. J. Beckman, W. J. Conover, Technometrics 21 (1979) 239
(Latin hypercube); J. Black, P. Rogaway, CT-RSA 2002 (cipher on an arbitrary domain by cycle
walking).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from lfvnsi.scan.spec import ScanSpec

__all__ = ["permute", "sample", "uniforms"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2^-53


@njit(cache=True, nogil=True)
def _mix(z: np.uint64) -> np.uint64:
    """SplitMix64 finaliser (uint64 arithmetic wraps modulo 2^64)."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, nogil=True)
def _key(seed: int, stream: int) -> np.uint64:
    return _mix(np.uint64(seed) * _GOLDEN + np.uint64(stream + 1) * _M1)


@njit(cache=True, nogil=True)
def _uniforms(seed: int, index: np.ndarray, dimension: int, out: np.ndarray) -> None:
    key = _key(seed, 2 * dimension)
    for i in range(index.shape[0]):
        bits = _mix(np.uint64(index[i]) * _GOLDEN + key) >> np.uint64(11)  # 53 random bits
        out[i] = float(bits) * _TO_UNIT


@njit(cache=True, nogil=True)
def _permute(seed: int, index: np.ndarray, size: int, dimension: int, out: np.ndarray) -> None:
    """A keyed bijection of [0, size) applied to index (4-round Feistel, cycle walking)."""
    bits = 2
    while (1 << bits) < size:
        bits += 1
    bits += bits % 2
    half = np.uint64(bits // 2)
    mask = np.uint64((1 << (bits // 2)) - 1)
    keys = np.empty(4, dtype=np.uint64)
    for r in range(4):
        keys[r] = _key(seed, 2 * dimension + 1 + 1000 * (r + 1))
    limit = np.uint64(size)
    for i in range(index.shape[0]):
        x = np.uint64(index[i])
        while True:
            left, right = x >> half, x & mask
            for r in range(4):
                f = _mix(right * _GOLDEN + keys[r]) & mask
                left, right = right, left ^ f
            x = (left << half) | right
            if x < limit:  # else outside the domain: walk again
                break
        out[i] = np.int64(x)


def uniforms(seed: int, index: np.ndarray, dimension: int) -> np.ndarray:
    """(len(index),) numbers in [0, 1): the dimension-th uniform of each point index."""
    out = np.empty(len(index))
    _uniforms(seed, np.ascontiguousarray(index, dtype=np.int64), dimension, out)
    return out


def permute(seed: int, index: np.ndarray, size: int, dimension: int) -> np.ndarray:
    """The Latin-hypercube stratum of each index on this dimension: a bijection of [0, size)."""
    out = np.empty(len(index), dtype=np.int64)
    _permute(seed, np.ascontiguousarray(index, dtype=np.int64), size, dimension, out)
    return out


def sample(spec: ScanSpec, start: int, stop: int) -> dict[str, np.ndarray]:
    """Values of the scanned parameters for points start..stop-1 (name -> (stop - start,))."""
    index = np.arange(start, stop, dtype=np.int64)
    out: dict[str, np.ndarray] = {}
    if spec.sampler == "grid":
        shape = tuple(a.n for a in spec.axes)
        multi = np.unravel_index(index, shape)
        for axis, i in zip(spec.axes, multi):
            u = i / (axis.n - 1) if axis.n > 1 else np.full(i.shape, 0.5)
            out[axis.name] = axis.map(u)
        return out
    n = spec.size
    for d, axis in enumerate(spec.axes):
        u = uniforms(spec.seed, index, d)
        if spec.sampler == "latin":  # stratum pi_d(i) of N, jittered inside it
            u = (permute(spec.seed, index, n, d) + u) / n
        out[axis.name] = axis.map(u)
    return out
