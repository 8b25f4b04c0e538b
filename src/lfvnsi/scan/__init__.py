"""Parameter scans: specifications, samplers, chunked execution with resume, results on disk."""

from lfvnsi.scan.results import read_description, read_results
from lfvnsi.scan.spec import DEFAULT_OUTPUTS, Axis, ScanSpec, load_spec

__all__ = ["DEFAULT_OUTPUTS", "Axis", "ScanSpec", "load_spec", "read_description", "read_results"]
