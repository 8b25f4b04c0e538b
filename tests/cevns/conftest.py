"""Shared fixtures: the project's shared/ data directory (reference data not shipped in the package)."""

from __future__ import annotations

from pathlib import Path

import pytest

#: The project's shared data, beside the repository: <repo>/../shared/data.
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data directory; a missing directory is a failure, never a skip."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data directory {SHARED_DATA} is missing: the CEvNS reference tests need "
                    f"the project's shared/ folder beside the repository")
    return SHARED_DATA
