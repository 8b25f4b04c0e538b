"""Standard-Model inputs come from maintained libraries; hand-entered ones carry a citation."""

from __future__ import annotations

import math

import pytest

from lfvnsi.constants import constant_sources, standard_model


def test_library_values_in_gev() -> None:
    sm = standard_model()
    # PDG values (GeV): independent of the library's MeV convention
    assert sm.m_mu == pytest.approx(0.1056583755, rel=1e-9)
    assert sm.m_tau == pytest.approx(1.77686, rel=1e-3)
    assert sm.m_Z == pytest.approx(91.1876, rel=1e-4)
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
    """Masses are looked up by PDG id (fast); each id must be the particle its name says."""
    from particle import Particle

    from lfvnsi.constants import _PARTICLES, _WIDTHS

    for name, pdgid in [*_PARTICLES.values(), *_WIDTHS.values()]:
        assert Particle.from_pdgid(pdgid).name == name
        assert Particle.from_name(name).pdgid == pdgid
