"""One backend policy: which implementation (numpy or the compiled numba kernels) runs a stage.

``resolve(backend, size)`` is the single place that checks a backend name and decides, for
``"auto"``, on batch size (the model is NuOscProbExact's worthwhile()/available()).
Compiled kernels count as unavailable when numba cannot be imported or the environment
variable ``LFVNSI_NO_COMPILED=1`` is set (read at call time, so tests can set it).
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache

__all__ = ["BACKENDS", "COMPILED_MIN_BATCH", "available", "resolve"]

#: Accepted values of every ``backend=`` argument.
BACKENDS = ("auto", "compiled", "numpy")
#: ``auto`` compiles from this batch size on; below it numpy avoids the one-time JIT cost
#: (about 7 s on first use, 0.3 s to load from numba's cache afterwards).
COMPILED_MIN_BATCH = 256


@cache
def _numba_installed() -> bool:
    # looked up once per process: resolve() runs for every stage of every chunk
    return importlib.util.find_spec("numba") is not None


def available() -> bool:
    """Whether the compiled kernels can run: numba importable and LFVNSI_NO_COMPILED unset."""
    if os.environ.get("LFVNSI_NO_COMPILED", "") not in ("", "0"):
        return False
    return _numba_installed()


def resolve(backend: str, size: int, min_batch: int = COMPILED_MIN_BATCH) -> str:
    """``"numpy"`` or ``"compiled"`` for a stage of ``size`` points.

    ``"auto"`` is compiled from ``min_batch`` points on when the kernels are available.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend {backend!r} is not one of {', '.join(BACKENDS)}")
    if backend == "compiled":
        if not available():
            raise ValueError("backend 'compiled' is unavailable (numba missing or "
                             "LFVNSI_NO_COMPILED set); use backend='numpy' or 'auto'")
        return "compiled"
    if backend == "auto" and size >= min_batch and available():
        return "compiled"
    return "numpy"
