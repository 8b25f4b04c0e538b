"""The one backend policy (lfvnsi.backend)."""

import pytest

from lfvnsi import backend


def test_resolve_rejects_unknown_name():
    with pytest.raises(ValueError, match="'gpu' is not one of auto, compiled, numpy"):
        backend.resolve("gpu", 10)


def test_auto_threshold_and_explicit_choices():
    assert backend.resolve("auto", backend.COMPILED_MIN_BATCH - 1) == "numpy"
    assert backend.resolve("auto", backend.COMPILED_MIN_BATCH) == "compiled"
    assert backend.resolve("numpy", 10**6) == "numpy"
    assert backend.resolve("compiled", 1) == "compiled"


def test_compiled_unavailable_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("LFVNSI_NO_COMPILED", "1")
    assert not backend.available()
    assert backend.resolve("auto", 10**6) == "numpy"
    with pytest.raises(ValueError, match="'compiled' is unavailable"):
        backend.resolve("compiled", 1)
