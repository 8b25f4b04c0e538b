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


def test_jacobi_on_general_symmetric_matrices() -> None:
    """Not only diagonally dominant input: a zero-diagonal block like the lnv frame (R.2.10)."""
    rng = np.random.default_rng(3)
    A = rng.normal(size=(50, 5, 5))
    A = A + np.swapaxes(A, -1, -2)
    A[:10, 0, 0] = A[:10, 1, 1] = 0.0
    w, V, _ = jacobi_eigh(A)
    ref = np.linalg.eigvalsh(A)
    np.testing.assert_allclose(np.sort(w, axis=-1), ref, rtol=0, atol=1e-13 * np.abs(ref).max())
    np.testing.assert_allclose(A @ V, V * w[..., None, :], rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.swapaxes(V, -1, -2) @ V, np.broadcast_to(np.eye(5), A.shape),
                               rtol=0, atol=1e-14)
    # a converged matrix in a batch is left exactly as it would be alone
    single = jacobi_eigh(A[7:8])
    np.testing.assert_array_equal(single[0][0], w[7])


def test_jacobi_relative_accuracy_of_the_lnv_heavy_block() -> None:
    """[[0, M', 0], [M', 0, m], [0, m, x]] (R.2.10), the smallest eigenvalue 1e-6 of the
    largest: each to 1e-14 relative (mpmath eigenvalues at 30 digits)."""
    import mpmath as mp

    Mp, m, x = 40.0, 0.02, 3e-5
    T = np.array([[0, Mp, 0], [Mp, 0, m], [0, m, x]])
    w, _, _ = jacobi_eigh(T[None])
    with mp.workdps(30):
        roots = sorted(mp.eigsy(mp.matrix(T.tolist()))[0], key=abs)
    for got, ref in zip(w[0], roots):
        assert abs(got - float(ref)) <= 1e-14 * abs(float(ref))
