"""Model layer: validated parameters and the neutral-lepton mass matrices they define."""

from lfvnsi.model.parameters import FLAVOURS, PARAMETER_TABLE, Parameters
from lfvnsi.model.textures import MassMatrix, general_mass_matrix, mass_matrix

__all__ = [
           "FLAVOURS",
           "PARAMETER_TABLE",
           "MassMatrix",
           "Parameters",
           "general_mass_matrix",
           "mass_matrix",
]
