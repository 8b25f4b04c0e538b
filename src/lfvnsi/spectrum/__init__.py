"""Spectrum layer: batched Takagi factorisation and the neutral-lepton spectrum."""

from lfvnsi.spectrum.spectrum import Spectrum, compute_spectrum, diagonalise
from lfvnsi.spectrum.takagi import takagi

__all__ = ["Spectrum", "compute_spectrum", "diagonalise", "takagi"]
