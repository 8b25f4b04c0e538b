"""The compiled Gram sums of the spectrum (non-unitarity, projector blocks) against einsum."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.mark.parametrize("size", [255, 256, 3000])
def test_gram_kernel_equals_numpy_outer_sum(size: int) -> None:
    """Spectrum.non_unitarity and projector_block: compiled (>= 256 points) = numpy product."""
    from lfvnsi.model.parameters import Parameters
    from lfvnsi.spectrum import compute_spectrum

    rng = np.random.default_rng(size)
    p = Parameters.benchmark().replace(M1=rng.uniform(1.0, 3.0, size),
                                       mt_alpha=rng.uniform(0.001, 0.05, size))
    s = compute_spectrum(p)
    V = s.vectors
    heavy = V[..., :3, s.heavy]
    np.testing.assert_allclose(s.non_unitarity, np.einsum("...il,...jl->...ij", heavy, heavy),
                               rtol=1e-12, atol=1e-18)
    light = V[..., :, s.light]
    rows, cols = [0, 4, 5], [0, 1, 2]
    np.testing.assert_allclose(s.projector_block(rows, cols),
                               np.einsum("...il,...jl->...ij", light[..., rows, :],
                                         light[..., cols, :]), rtol=1e-12, atol=1e-15)
