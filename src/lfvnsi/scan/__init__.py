"""Parameter scans: specifications, samplers, chunked execution with resume, results on disk."""

from lfvnsi.scan.results import read_description, read_results
from lfvnsi.scan.runner import ScanSummary, run_scan
from lfvnsi.scan.spec import DEFAULT_OUTPUTS, Axis, ScanSpec, load_spec, spec_from_mapping

__all__ = ["DEFAULT_OUTPUTS", "Axis", "ScanSpec", "ScanSummary", "load_spec", "read_description",
           "read_results", "run_scan", "spec_from_mapping"]
