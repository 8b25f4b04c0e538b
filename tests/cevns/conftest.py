"""Fixtures: the vendored reference data (tests/data, each folder with its SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

#: Reference data copied into the repository with origin, commit, licence and SHA-256.
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """The tests' reference data directory (``tests/data``)."""
    return DATA
