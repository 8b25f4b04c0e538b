"""Small scan specifications and result comparisons shared by the scan tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lfvnsi.scan import read_description, read_results
from lfvnsi.scan.results import part_name, part_record, write_description
from lfvnsi.scan.spec import ScanSpec, spec_from_mapping

#: The lepton-number-conserving benchmark with a consistent texture (as examples/scan.toml).
FIXED = {"version": "lnc", "texture": "consistent", "alpha": "e", "beta": "mu", "m1": 0.0,
         "m2": 0.0, "mu_L1": 1e-7, "mu_L2": 2e-7, "mu_R1": 0.0, "mu_R2": 0.0,
         "matter": "gauged", "a_e": 0.0, "a_mu": 0.0, "a_tau": 3.0}
VARY = {"m_zprime": {"range": [0.001, 3.0], "scale": "log"},
        "g_psi": {"range": [0.01, 1.0], "scale": "log"},
        "M1": {"range": [0.3, 10.0], "scale": "log"},
        "M_N": {"range": [0.3, 10.0], "scale": "log"},
        "mt_alpha": {"range": [1e-4, 0.3], "scale": "log"},
        "g_B": {"range": [1e-6, 3e-3], "scale": "linear"}}


def document(**scan: Any) -> dict[str, Any]:
    """A spec document: FIXED parameters and a [scan] table (defaults overridden by ``scan``)."""
    table: dict[str, Any] = {"sampler": "latin", "points": 3000, "seed": 11, "chunk": 1000,
                             "vary": VARY}
    table.update(scan)
    return {"parameters": dict(FIXED), "scan": table}


def spec(**scan: Any) -> ScanSpec:
    return spec_from_mapping(document(**scan), "test")


def columns(path: Path) -> dict[str, np.ndarray]:
    """All columns of a scan result as numpy arrays."""
    table = read_results(path)
    return {k: table.column(k).to_numpy(zero_copy_only=False) for k in table.column_names}


def assert_same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    """Bit-identical columns (NaN equal to NaN)."""
    assert a.keys() == b.keys()
    for k, value in a.items():
        if value.dtype.kind == "f":
            np.testing.assert_array_equal(value, b[k], err_msg=k)
        else:
            assert np.array_equal(value, b[k]), k


def replace_part(out: Path, chunk: int, table: Any, recorded: bool = True) -> None:
    """Write ``table`` as part ``chunk`` of the result ``out``. With ``recorded`` its record in
    _scan.json is updated as a scan would; without, the record is dropped, as in a result
    written by an lfvnsi that kept none."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    data = sink.getvalue()
    (out / part_name(chunk)).write_bytes(data.to_pybytes())
    description = read_description(out)
    if recorded:
        description["parts"][part_name(chunk)] = part_record(data, table.num_rows)
    else:
        description["parts"].pop(part_name(chunk))
    write_description(out, description)
