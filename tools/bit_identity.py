"""Record every number of a fixed set of runs, or check that a tree reproduces them bit for bit.

    python tools/bit_identity.py record OUT.npz     # before a change that must not change numbers
    python tools/bit_identity.py check  OUT.npz     # after it: exit 1 and list what differs

What is recorded: the JSON documents of ``lfvnsi point``, ``lfvnsi reproduce``, ``lfvnsi cevns``,
``lfvnsi dune chi2`` and ``lfvnsi oscillate`` on the benchmark (every number in them); the full
pipeline (spectrum, couplings, NSI, every observable and per-state value) on 400 sampled points of
``examples/scan.toml`` with the numpy and the compiled backends, in each texture; and every column
of two chunks of that scan, constraints included. Floats are compared by their bits (NaN equal to
NaN), so a restructuring that only moves code must report nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "point": ["point", "--json"],
    "reproduce": ["reproduce", "--json"],
    "cevns": ["cevns", "--json"],
    "dune_chi2": ["dune", "chi2", "--json"],
    "oscillate": ["oscillate", "--json"],
}
SKIP_KEYS = {"version", "lfvnsi_version", "elapsed", "seconds", "date", "timestamp"}


def _flatten(node: object, prefix: str, out: dict[str, np.ndarray]) -> None:
    """Numbers (and strings, as arrays of str) of a JSON document under dotted keys."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in SKIP_KEYS:
                _flatten(value, f"{prefix}.{key}", out)
    elif isinstance(node, list):
        if node and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in node):
            out[prefix] = np.asarray(node, dtype=float)
        else:
            for k, value in enumerate(node):
                _flatten(value, f"{prefix}[{k}]", out)
    elif isinstance(node, bool) or node is None:
        out[prefix] = np.asarray(str(node))
    elif isinstance(node, (int, float)):
        out[prefix] = np.asarray(float(node))
    else:
        out[prefix] = np.asarray(str(node))


def _commands(out: dict[str, np.ndarray]) -> None:
    exe = Path(sys.executable).with_name("lfvnsi")
    for name, args in COMMANDS.items():
        run = subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=ROOT,
                             check=False)  # a failing command is recorded, not raised
        if run.returncode != 0:
            out[f"cli.{name}.failed"] = np.asarray(run.stderr.strip()[-200:])
            continue
        _flatten(json.loads(run.stdout), f"cli.{name}", out)


def _arrays(obj: object, prefix: str, out: dict[str, np.ndarray]) -> None:
    """Every ndarray attribute of a result dataclass (one level of nesting)."""
    for key in getattr(obj, "__dataclass_fields__", {}):
        value = getattr(obj, key)
        if isinstance(value, np.ndarray) and value.dtype.kind in "fcib":
            out[f"{prefix}.{key}"] = value
        elif isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, np.ndarray):
                    out[f"{prefix}.{key}.{k}"] = v


def _pipeline(out: dict[str, np.ndarray]) -> None:
    from lfvnsi.pipeline import evaluate
    from lfvnsi.scan.runner import compute_chunk
    from lfvnsi.scan.samplers import sample
    from lfvnsi.scan.spec import load_spec

    spec = load_spec(ROOT / "examples" / "scan.toml")
    values = sample(spec, 0, 400)
    extra = {"consistent": {}, "paper": {"mp1": 0.0, "mp2": 0.0},
             "effective": {"mp1": 0.0, "mp2": 0.0, "sin_alpha": 0.03, "sin_beta": 0.03}}
    for texture, changes in extra.items():
        params = spec.base_parameters().replace(**{**values, **changes}, texture=texture)
        for backend in ("numpy", "compiled"):
            r = evaluate(params, backend=backend, invalid="flag")
            tag = f"pipeline.{texture}.{backend}"
            for layer in ("spectrum", "couplings", "matter", "nsi"):
                _arrays(getattr(r, layer), f"{tag}.{layer}", out)
            for table in ("observables", "per_state"):
                for k, v in getattr(r, table).items():
                    out[f"{tag}.{table}.{k}"] = np.asarray(v)
    for chunk in (0, 1):
        for k, v in compute_chunk(spec, chunk).items():
            out[f"scan.chunk{chunk}.{k}"] = np.asarray(v.astype(str) if v.dtype == object else v)


def record() -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    _commands(out)
    _pipeline(out)
    return out


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
        return False
    if a.dtype.kind in "fc":
        return a.tobytes() == b.astype(a.dtype).tobytes() or bool(
            np.all((a == b) | (np.isnan(a) & np.isnan(b))))
    return bool(np.all(a == b))


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("record", "check"):
        print(__doc__)
        return 2
    now = record()
    path = Path(argv[1])
    if argv[0] == "record":
        np.savez_compressed(path, **now)
        print(f"recorded {len(now)} arrays, {sum(v.size for v in now.values())} values -> {path}")
        return 0
    ref = dict(np.load(path, allow_pickle=False))
    missing = sorted(set(ref) - set(now))
    extra = sorted(set(now) - set(ref))
    differ = sorted(k for k in set(ref) & set(now) if not _same(ref[k], now[k]))
    for k in missing:
        print(f"missing: {k}")
    for k in extra:
        print(f"new: {k}")
    for k in differ:
        a, b = ref[k], now[k]
        detail = ""
        if a.dtype.kind in "fc" and a.shape == b.shape:
            with np.errstate(all="ignore"):
                rel = np.nanmax(np.abs(a - b) / np.maximum(np.abs(a), 1e-300))
            detail = f" (max relative difference {rel:.3g})"
        print(f"differs: {k}{detail}")
    print(f"{len(ref)} arrays compared: {len(differ)} differ, {len(missing)} missing, "
          f"{len(extra)} new")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
