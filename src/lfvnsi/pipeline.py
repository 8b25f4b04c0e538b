"""The batched pipeline: parameters -> spectrum -> couplings -> NSI -> observables.

One call evaluates a whole batch; a single point is a batch of shape (). The constraints layer
(``lfvnsi.constants`` bounds) reads the ``Results`` this returns.

References: DESIGN.md ("parameters in, one batched pipeline, a table of physics out").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from lfvnsi.couplings import Couplings, compute_couplings
from lfvnsi.couplings.matter import MatterCouplings, matter_couplings
from lfvnsi.model.parameters import Parameters
from lfvnsi.nsi import NSI, nsi_from_couplings
from lfvnsi.observables import compute_observables
from lfvnsi.spectrum import Spectrum, compute_spectrum

__all__ = ["Results", "evaluate", "with_observables"]


@dataclass(frozen=True)
class Results:
    """Everything computed for a batch of points.

    Attributes
    ----------
    params, spectrum, couplings, matter, nsi : the layers' outputs.
    observables : name -> (...,) array (see ``lfvnsi.observables.OBSERVABLES``).
    per_state : name -> (..., n_heavy) array, one value per heavy mass eigenstate.
    """

    params: Parameters
    spectrum: Spectrum
    couplings: Couplings
    matter: MatterCouplings
    nsi: NSI
    observables: dict[str, np.ndarray]
    per_state: dict[str, np.ndarray]

    @property
    def valid(self) -> np.ndarray:
        """(...,) True where the point could be evaluated (see ``evaluate(invalid=...)``)."""
        v = self.spectrum.valid
        return np.ones(self.params.shape, dtype=bool) if v is None else v


def evaluate(params: Parameters, backend: str = "auto", kappa: float = 1.0,
             invalid: str = "raise") -> Results:
    """Run the whole pipeline on a batch of points.

    ``backend`` selects the spectrum kernel (see ``compute_spectrum``); ``kappa`` is the O(1)
    factor of the one-loop LFV vertex (REFERENCE R.5.9). ``invalid="flag"`` lets a batch with
    points that cannot be evaluated (mu terms not far below the heavy masses) go through: those
    points get NaN observables and ``Results.valid`` False, instead of an error.
    """
    spectrum = compute_spectrum(params, backend=backend, invalid=invalid)
    couplings = compute_couplings(params, spectrum)
    matter = matter_couplings(params)
    nsi = nsi_from_couplings(couplings.g_nu, matter, params.m_zprime, spectrum.flavours)
    flat, per_state = compute_observables(params, couplings, matter, nsi, kappa=kappa,
                                          backend=backend)
    if spectrum.valid is not None:
        bad = ~spectrum.valid
        for table in (flat, per_state):
            for name, value in table.items():
                value = np.array(value, dtype=float)
                value[bad] = np.nan
                table[name] = value
    return Results(params, spectrum, couplings, matter, nsi, flat, per_state)


def with_observables(results: Results, names: Iterable[str]) -> Results:
    """``results`` with the on-demand observables ``names`` added (``observables.ON_DEMAND``).

    Already present names are kept as they are; an unknown name is an error.
    """
    from lfvnsi.exceptions import ParameterError
    from lfvnsi.observables import ON_DEMAND

    missing = [n for n in dict.fromkeys(names) if n not in results.observables]
    if not missing:
        return results
    extra = dict(results.observables)
    for name in missing:
        if name not in ON_DEMAND:
            raise ParameterError("observable", name, f"one of {', '.join(ON_DEMAND)}")
        if name == "dune_delta_chi2":
            from lfvnsi.experiments.dune import dune_delta_chi2

            extra[name] = np.asarray(dune_delta_chi2(results), dtype=float)
    return replace(results, observables=extra)
