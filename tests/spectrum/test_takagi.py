"""The generic Takagi kernels on matrices with known Takagi values, degenerate and zero ones."""

from __future__ import annotations

import numpy as np
import pytest

from lfvnsi.spectrum import takagi
from lfvnsi.spectrum.takagi import jacobi_eigh


def random_unitary(rng: np.random.Generator, n: int) -> np.ndarray:
    z = rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))
    q, r = np.linalg.qr(z)
    return q * (np.diagonal(r) / np.abs(np.diagonal(r)))


@pytest.mark.parametrize("values", [[0.3, 1.0, 1.0, 2.0, 2.0], [0.0, 0.0, 1.0, 1.0, 5.0],
                                    [0.0, 1e-3, 1.0, 3.0, 3.0], [1.0, 1.0, 1.0, 1.0, 1.0]])
def test_complex_takagi_with_degenerate_and_zero_values(values: list[float]) -> None:
    rng = np.random.default_rng(len(values) + int(10 * sum(values)))
    for _ in range(10):
        U0 = random_unitary(rng, 5)
        M = U0.conj() @ np.diag(values) @ U0.conj().T  # U0^T M U0 = diag(values)
        m, U = takagi(M)
        np.testing.assert_allclose(m, sorted(values), atol=1e-14)
        assert np.max(np.abs(U.conj().T @ U - np.eye(5))) < 1e-13
        assert np.max(np.abs(U.T @ M @ U - np.diag(m))) < 1e-13


def test_real_takagi_handles_pseudo_dirac_pairs() -> None:
    M = np.array([[0.0, 2.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, -3.0]])  # masses 2, 2, 3
    m, U = takagi(M)
    np.testing.assert_allclose(m, [2.0, 2.0, 3.0], rtol=1e-15)
    assert np.max(np.abs(U.T @ M @ U - np.diag(m))) < 1e-15


def test_jacobi_keeps_relative_accuracy_across_decades() -> None:
    """diag(1e-3, -1e-3, 2e3, -2e3) + tiny coupling: LAPACK loses eps*2e3 absolute, Jacobi not."""
    H = np.diag([1e-3, -1e-3, 2e3, -2e3])
    H[0, 1] = H[1, 0] = 1e-12
    H[0, 2] = H[2, 0] = 1e-9
    w, V, _ = jacobi_eigh(H)
    # exact to second order: +-sqrt(1e-6 + 1e-24) shifted by -(1e-9)^2/2e3 on the first state
    small = np.sort(np.abs(w))[:2]
    expected = np.sort(np.abs([np.sqrt(1e-6 + 1e-24) - 0.5e-21, -np.sqrt(1e-6 + 1e-24)]))
    np.testing.assert_allclose(small, expected, rtol=1e-14)
    assert np.max(np.abs(V.T @ V - np.eye(4))) < 1e-15
