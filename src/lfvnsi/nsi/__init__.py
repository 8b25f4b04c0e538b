"""Non-standard neutrino interactions: epsilon^f for f = e, u, d, p, n, media, light mediator."""

from lfvnsi.nsi.epsilon import (
    NSI,
    NSI_FERMIONS,
    compute_nsi,
    contact_eps,
    eps_per_unit_coupling,
    nsi_from_couplings,
)
from lfvnsi.nsi.media import MEDIA, Medium, medium

__all__ = ["MEDIA", "NSI", "NSI_FERMIONS", "Medium", "compute_nsi", "contact_eps", "eps_per_unit_coupling",
           "medium", "nsi_from_couplings"]
