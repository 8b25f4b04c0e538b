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


def test_whole_pipeline_runs_on_numpy_with_compiled_kernels_unavailable(monkeypatch):
    """evaluate() with the compiled kernels switched off equals the compiled run (last bits only)."""
    import numpy as np

    from lfvnsi.model.parameters import Parameters
    from lfvnsi.pipeline import evaluate

    rng = np.random.default_rng(3)
    n = backend.COMPILED_MIN_BATCH + 44  # large enough that "auto" would compile
    p = Parameters(version="lnc", texture="consistent",
                   M1=rng.uniform(0.5, 5.0, n), M2=rng.uniform(0.5, 5.0, n),
                   m_zprime=10 ** rng.uniform(-2.0, 0.0, n))
    compiled = evaluate(p, backend="compiled")
    monkeypatch.setenv("LFVNSI_NO_COMPILED", "1")
    plain = evaluate(p, backend="auto")
    assert plain.spectrum.backend == "auto" and not backend.available()
    np.testing.assert_allclose(plain.spectrum.masses, compiled.spectrum.masses, rtol=1e-12)
    np.testing.assert_allclose(plain.couplings.g_nu, compiled.couplings.g_nu, rtol=1e-10,
                               atol=1e-12 * np.max(np.abs(compiled.couplings.g_nu)))
    for name, value in compiled.observables.items():
        ref = np.asarray(value, dtype=float)
        scale = np.nanmax(np.abs(ref)) if np.any(np.isfinite(ref)) and np.nanmax(np.abs(ref)) else 1.0
        np.testing.assert_allclose(np.asarray(plain.observables[name], dtype=float), ref,
                                   rtol=1e-8, atol=1e-12 * scale, err_msg=name)
