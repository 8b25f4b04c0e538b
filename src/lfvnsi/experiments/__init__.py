"""Experiment-level predictions read from published configurations (GLoBES AEDL files).

References: GLoBES 3.2 (P. Huber, M. Lindner, W. Winter, hep-ph/0407333; P. Huber et al.,
hep-ph/0701187).
"""

from lfvnsi.experiments.aedl import AedlDocument, read_aedl
from lfvnsi.experiments.glb import Channel, Experiment, Rule, Systematic, load_experiment

__all__ = ["AedlDocument", "Channel", "Experiment", "Rule", "Systematic", "load_experiment",
           "read_aedl"]
