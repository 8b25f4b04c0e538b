"""Experiment-level predictions read from published configurations (GLoBES AEDL files).

``load_experiment`` reads a GLoBES experiment (``aedl`` for the file format, ``glb`` for its
meaning); ``RateEngine`` gives event rates per channel, rule and reconstructed bin for
oscillation parameters and an NSI matrix eps^m; ``Chi2Model`` and ``minimise`` give GLoBES's
Poisson chi^2 with systematics pulls and priors, minimised over nuisance parameters; ``dune``
holds the packaged DUNE TDR configuration and its analyses (``DuneAnalysis``: rates,
``exclusion`` / ``discovery`` Delta chi^2 of a model point, the CP-violation sensitivity).

References: GLoBES 3.2 (P. Huber, M. Lindner, W. Winter, hep-ph/0407333; P. Huber et al.,
hep-ph/0701187); DUNE, arXiv:2103.04797; README section "DUNE".
"""

from lfvnsi.experiments.aedl import AedlDocument, read_aedl
from lfvnsi.experiments.dune import (
    CpvResult,
    DuneAnalysis,
    DuneSettings,
    dune_configuration,
    dune_delta_chi2,
    dune_experiment,
    dune_settings,
)
from lfvnsi.experiments.glb import Channel, Experiment, Rule, Systematic, load_experiment
from lfvnsi.experiments.likelihood import Chi2Model, FitResult, Priors, minimise, poisson_chi2
from lfvnsi.experiments.rates import (
    OSCILLATION_NAMES,
    PARAMETER_NAMES,
    EventRates,
    RateEngine,
    parameter_vector,
)

__all__ = [
    "OSCILLATION_NAMES",
    "PARAMETER_NAMES",
    "AedlDocument",
    "Channel",
    "Chi2Model",
    "CpvResult",
    "DuneAnalysis",
    "DuneSettings",
    "EventRates",
    "Experiment",
    "FitResult",
    "Priors",
    "RateEngine",
    "Rule",
    "Systematic",
    "dune_configuration",
    "dune_delta_chi2",
    "dune_experiment",
    "dune_settings",
    "load_experiment",
    "minimise",
    "parameter_vector",
    "poisson_chi2",
    "read_aedl",
]
