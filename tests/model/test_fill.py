"""Mass matrices assembled by the compiled fill (>= 256 real points) against entry-by-entry numpy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lfvnsi.model.fill import fill_entries
from lfvnsi.model.parameters import Parameters
from lfvnsi.model.textures import mass_matrix


@settings(max_examples=30, deadline=None)
@given(entries=st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10), st.booleans()),
                        min_size=1, max_size=30),
       seed=st.integers(0, 2**31))
def test_fill_entries_is_numpy_assignment_in_order(entries: list[tuple[int, int, bool]],
                                                   seed: int) -> None:
    """Later entries overwrite earlier ones, mirrored entries land on both sides, zeros elsewhere."""
    points, n = 7, 11
    values = np.random.default_rng(seed).normal(size=(len(entries), points))
    want = np.zeros((points, n, n))
    for (i, j, both), v in zip(entries, values):
        want[:, i, j] = v
        if both:
            want[:, j, i] = v
    got = np.full((points, n, n), np.nan)  # the kernel must write every element
    fill_entries(got, np.array([e[0] for e in entries]), np.array([e[1] for e in entries]),
                 np.array([e[2] for e in entries]), values)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("version,texture", [("lnc", "consistent"), ("lnv", "paper"),
                                             ("lnc", "effective")])
def test_batch_mass_matrix_equals_single_points(version: str, texture: str) -> None:
    """A 300-point batch (compiled fill) equals each point built alone (numpy assignment)."""
    rng = np.random.default_rng(7)
    size = 300
    changes: dict[str, object] = {
        "version": version, "texture": texture, "M1": rng.uniform(1, 3, size),
        "mt_alpha": rng.uniform(1e-3, 0.1, size), "mu_L1": rng.uniform(0, 1e-7, size),
        "mu_21": rng.uniform(0, 1e-8, size)}
    if texture == "effective":
        changes.update(mp1=0.0, mp2=0.0, m1=0.0, m2=0.0, sin_alpha=0.03, sin_beta=0.02)
    if version == "lnv":
        changes.update(mp1=0.0, mp2=0.0)
    p = Parameters.benchmark().replace(**changes)
    batch = mass_matrix(p)
    for k in (0, 1, 150, size - 1):
        one = mass_matrix(Parameters.benchmark().replace(
            **{name: value[k] if isinstance(value, np.ndarray) else value
               for name, value in changes.items()}))
        np.testing.assert_array_equal(batch.conserving[k], one.conserving)
        np.testing.assert_array_equal(batch.breaking[k], one.breaking)
