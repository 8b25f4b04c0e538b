"""lfvnsi: lepton-flavour-violating NSI from a light Z' (Farzan, arXiv:1912.09408)."""

from lfvnsi.couplings import Couplings, compute_couplings
from lfvnsi.exceptions import ConfigError, HierarchyError, LfvnsiError, ParameterError
from lfvnsi.model import Parameters
from lfvnsi.pipeline import Results, evaluate
from lfvnsi.spectrum import Spectrum, compute_spectrum

__all__ = [
           "ConfigError",
           "Couplings",
           "HierarchyError",
           "LfvnsiError",
           "ParameterError",
           "Parameters",
           "Results",
           "Spectrum",
           "compute_couplings",
           "compute_spectrum",
           "evaluate",
]
__version__ = "0.1.0"
