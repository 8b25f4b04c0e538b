"""The model's couplings for CEvNS: the one place where lfvnsi.nsi meets the CEvNS engine.

References: REFERENCE.md R.4.5 (eps^f of Z' exchange), R.4.8 (light-mediator Q^2 form).
"""

from __future__ import annotations

from lfvnsi.cevns.cross_section import CEvNSCouplings
from lfvnsi.model.parameters import Parameters

__all__ = ["couplings_from_parameters"]


def couplings_from_parameters(params: Parameters) -> CEvNSCouplings:
    """CEvNS couplings of a model point (batch): eps^u, eps^d at q^2 = 0 and the Z' mass.

    ``lfvnsi.nsi.compute_nsi`` gives eps^V_ab = g_f (g_nu)_ab/(sqrt2 G_F m_Z'^2) in the contact
    limit (R.4.5, F11), the shift of the vector coupling g_V^f that the weak charge adds; the CEvNS engine restores the full m_Z'^2/(m_Z'^2 + Q^2) dependence (R.4.8) and
    builds the nucleon matrices from these quark ones. The kinetic-mixing scheme gives
    eps^u = -2 eps^d (charges 2/3 and -1/3), hence eps^n = 0: no NSI in neutral matter, but a
    CEvNS signal proportional to Z (paper section II B).
    """
    from lfvnsi.nsi import compute_nsi

    nsi = compute_nsi(params)
    return CEvNSCouplings.from_arrays(nsi.eps["u"], nsi.eps["d"], nsi.m_zprime)
