"""Standard-Model inputs come from maintained libraries; hand-entered ones carry a citation."""

from __future__ import annotations

import math

import pytest

from lfvnsi.constants import constant_sources, standard_model


def test_library_values_in_gev() -> None:
    sm = standard_model()
    # PDG values (GeV): independent of the library's MeV convention
    assert sm.m_mu == pytest.approx(0.1056583755, rel=1e-9)
    assert sm.m_tau == pytest.approx(1.77693, rel=1e-4)
    assert sm.m_Z == pytest.approx(91.1880, rel=1e-5)
    assert sm.G_F == pytest.approx(1.1663787e-5, rel=1e-7)
    assert 1 / sm.alpha == pytest.approx(137.035999, rel=1e-8)


def test_derived_quantities() -> None:
    sm = standard_model()
    assert sm.v == pytest.approx(246.22, rel=1e-4)  # REFERENCE.md section 1
    # muon lifetime 2.1969811e-6 s (PDG) <-> width hbar / tau
    assert sm.hbar_GeV_s / sm.Gamma_mu == pytest.approx(2.1969811e-6, rel=1e-6)
    assert sm.hbar_GeV_s / sm.Gamma_tau == pytest.approx(290.3e-15, rel=1e-2)
    assert sm.e == pytest.approx(math.sqrt(4 * math.pi / 137.035999), rel=1e-8)
    assert 0.22 < sm.sin2_theta_w_on_shell < 0.226


def test_every_hand_entered_constant_is_cited() -> None:
    sources = constant_sources()
    assert {"sin2_theta_w_msbar_mz", "sin2_theta_w_low_energy", "higgs_width_sm"} <= set(sources)
    for name, source in sources.items():
        assert "arXiv" in source or "PDG" in source, name


def test_pdg_ids_carry_the_intended_particles() -> None:
    """Masses are looked up by Monte Carlo id; each id must be the particle its name says."""
    import warnings

    from lfvnsi.constants import _LIFETIMES, _PARTICLES, _WIDTHS, _pdg_api

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLAlchemy deprecation warnings of the pdg package
        for name, mcid in [*_PARTICLES.values(), *_WIDTHS.values(), *_LIFETIMES.values()]:
            assert _pdg_api().get_particle_by_mcid(mcid).name == name


def test_masses_come_from_the_pdg_database() -> None:
    """The Higgs mass is the PDG database's (125.13 +- 0.11 GeV in its 2026 edition), not a rounded
    copy: one input, one source."""
    import warnings

    from lfvnsi.constants import _pdg_api, pdg_edition

    sm = standard_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert sm.m_h == _pdg_api().get("S126M").best_summary().value
    assert int(pdg_edition()) >= 2024
    assert sm.m_h == pytest.approx(125.13, abs=0.3)
