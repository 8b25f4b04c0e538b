"""Constraints: the bounds database and its evaluation on a batch of points."""

from lfvnsi.constraints.database import Bound, BoundsError, load_bounds
from lfvnsi.constraints.evaluate import BOUND_SETS, Constraints, evaluate_constraints, select

__all__ = ["BOUND_SETS", "Bound", "BoundsError", "Constraints", "evaluate_constraints",
           "load_bounds", "select"]
