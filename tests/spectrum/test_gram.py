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


@pytest.mark.parametrize("size", [255, 256, 3000])
def test_g_nu_compiled_equals_einsum(size: int) -> None:
    """Couplings.g_nu: compiled congruence (>= 256 real points) = g_psi K^T Q K by einsum."""
    from lfvnsi.couplings import compute_couplings
    from lfvnsi.model.parameters import Parameters
    from lfvnsi.spectrum import compute_spectrum

    rng = np.random.default_rng(size + 1)
    p = Parameters.benchmark().replace(M1=rng.uniform(1.0, 3.0, size),
                                       g_psi=rng.uniform(0.01, 1.0, size),
                                       mu_21=rng.uniform(0, 1e-8, size))
    s = compute_spectrum(p)
    c = compute_couplings(p, s)
    charged = np.flatnonzero(np.any(c.charges != 0, axis=0))
    light = s.vectors[..., :, s.light]
    K = np.einsum("...il,...jl->...ij", light[..., charged, :], light[..., :3, :])
    Q = c.charges[np.ix_(charged, charged)]
    want = p.g_psi[:, None, None] * np.einsum("...ca,cd,...db->...ab", K, Q, K)
    scale = np.max(np.abs(want))
    np.testing.assert_allclose(c.g_nu, want, rtol=0, atol=1e-13 * scale)
    assert scale > 1e-5  # a real coupling, not zeros compared with zeros
