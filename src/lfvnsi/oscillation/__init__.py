"""Three-flavour oscillation probabilities in matter with the model's NSI, exact and batched.

Constant density (``probabilities``, ``evolution_operator``), piecewise-constant matter
(``probabilities_layers``, ``probabilities_paths``) and the PREM Earth (``probabilities_earth``);
oscillation parameters from NuFIT (``OscillationParameters.best_fit``); presets for DUNE, T2HK and
atmospheric neutrinos; exports of eps^m for GLoBES, nuSQuIDS and NuOscProbExact.
"""

from lfvnsi.oscillation.earth import EarthPath, PremModel, earth_path, prem, probabilities_earth
from lfvnsi.oscillation.exports import globes_snu, globes_snu_lines, nuoscprobexact, nusquids
from lfvnsi.oscillation.matter import (
    eps_matter_from,
    km_to_per_GeV,
    matter_potential_GeV,
    neutron_fraction,
)
from lfvnsi.oscillation.model import model_eps_matter, model_eps_matter_function
from lfvnsi.oscillation.parameters import ORDERINGS, OscillationParameters, parameter_sets
from lfvnsi.oscillation.presets import CHANNELS, PRESETS, Preset, channel_indices, preset
from lfvnsi.oscillation.propagation import (
    evolution_operator,
    hamiltonian,
    probabilities,
    probabilities_layers,
    probabilities_paths,
)

__all__ = [
    "CHANNELS",
    "ORDERINGS",
    "PRESETS",
    "EarthPath",
    "OscillationParameters",
    "PremModel",
    "Preset",
    "channel_indices",
    "earth_path",
    "eps_matter_from",
    "evolution_operator",
    "globes_snu",
    "globes_snu_lines",
    "hamiltonian",
    "km_to_per_GeV",
    "matter_potential_GeV",
    "model_eps_matter",
    "model_eps_matter_function",
    "neutron_fraction",
    "nuoscprobexact",
    "nusquids",
    "parameter_sets",
    "prem",
    "preset",
    "probabilities",
    "probabilities_earth",
    "probabilities_layers",
    "probabilities_paths",
]
