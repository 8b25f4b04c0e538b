"""Coherent elastic neutrino-nucleus scattering with the model's light Z' against COHERENT data."""
