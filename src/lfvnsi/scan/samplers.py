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

from lfvnsi.scan.spec import ScanSpec

__all__ = ["sample", "uniforms"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser (uint64 arithmetic wraps modulo 2^64)."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def _hash(seed: int, index: np.ndarray, stream: int) -> np.ndarray:
    key = _mix(np.uint64(seed) * _GOLDEN + np.uint64(stream + 1) * _M1)
    return _mix(index.astype(np.uint64) * _GOLDEN + key)


def uniforms(seed: int, index: np.ndarray, dimension: int) -> np.ndarray:
    """(len(index),) numbers in [0, 1): the dimension-th uniform of each point index."""
    with np.errstate(over="ignore"):
        bits = _hash(seed, index, 2 * dimension) >> np.uint64(11)  # 53 random bits
    return bits.astype(np.float64) * (1.0 / 9007199254740992.0)


def _permute(seed: int, index: np.ndarray, size: int, dimension: int) -> np.ndarray:
    """A keyed bijection of [0, size) applied to index (4-round Feistel, cycle walking)."""
    bits = max(2, int(np.ceil(np.log2(size))))
    bits += bits % 2
    half = bits // 2
    mask = np.uint64((1 << half) - 1)
    x = index.astype(np.uint64)
    todo = np.ones(x.shape, dtype=bool)
    with np.errstate(over="ignore"):
        while np.any(todo):
            left, right = x[todo] >> np.uint64(half), x[todo] & mask
            for r in range(4):
                f = _hash(seed, right, 2 * dimension + 1 + 1000 * (r + 1)) & mask
                left, right = right, left ^ f
            y = (left << np.uint64(half)) | right
            x[todo] = y
            todo[todo] = y >= np.uint64(size)  # outside the domain: walk again
    return x.astype(np.int64)


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
            u = (_permute(spec.seed, index, n, d) + u) / n
        out[axis.name] = axis.map(u)
    return out
