"""The numbers of the README's example-scan table, from a scan result.

Run:  lfvnsi scan examples/scan.toml && python examples/scan_summary.py examples/scan.parquet

Prints the allowed fraction; for the allowed points with |eps^u_emu| > 1e-3 their number and the
5-95% ranges of m_Z', the lightest heavy mass, (g_nu)_emu and g_B; the largest allowed
|eps^u_emu| per m_Z' band; the strongest bound of the excluded points, grouped; and each record
that is the strongest for more than 1% of them, with ``*`` for an unverified record (data/bounds.md,
"Trust policy": every such record should be verified).
"""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np

from lfvnsi.constraints import load_bounds
from lfvnsi.exceptions import LfvnsiError
from lfvnsi.scan import read_results

GROUPS = (("peak search", "peak searches"), ("HNL", "HNL decay searches"),
          ("_minus_mumu", "diagonal NSI"), ("non-unitarity", "non-unitarity"), ("BBN", "BBN + CMB"),
          ("mu->e X", "mu -> e X"))


def main(path: str) -> None:
    table = read_results(path)
    c = {k: table.column(k).to_numpy(zero_copy_only=False) for k in table.column_names}
    allowed = c["allowed"]
    eps = np.abs(c["eps_u_emu"])
    big = allowed & (eps > 1e-3)
    print(f"{len(allowed)} points, {allowed.mean():.1%} allowed; {big.sum()} allowed with "
          f"|eps_u_emu| > 1e-3")
    if big.any():
        for name in ("m_zprime", "m_N1_GeV", "g_nu_ab", "g_B"):
            lo, hi = np.percentile(c[name][big], [5, 95])
            print(f"  {name:9s} 5-95%: {lo:.3g} - {hi:.3g}")
    print(f"  largest allowed g_nu_ab: {c['g_nu_ab'][allowed].max():.3g}")
    for lo, hi in ((0.0, 0.1), (0.1, 0.2), (0.2, 0.45), (0.45, 3.0)):
        band = allowed & (c["m_zprime"] >= lo) & (c["m_zprime"] < hi)
        if band.any():
            k = np.argmax(np.where(band, eps, -1.0))
            print(f"  largest allowed |eps_u_emu| at m_Z' {lo}-{hi} GeV: {eps[k]:.3g} "
                  f"(m_Z' = {c['m_zprime'][k]:.3g})")
    excluded = c["valid"] & ~allowed
    groups = Counter(next((label for key, label in GROUPS if key in s), s)
                     for s in c["strongest"][excluded].astype(str))
    print("strongest bound of the excluded points:")
    for label, count in groups.most_common(8):
        print(f"  {count / excluded.sum():6.1%}  {label}")
    verified = {b.id: b.verified for b in load_bounds()}
    records = Counter(c["strongest"][excluded].astype(str))
    print("records that are the strongest for > 1% of the excluded points (* unverified):")
    for name, count in records.most_common():
        if count <= 0.01 * excluded.sum():
            break
        print(f"  {count / excluded.sum():6.1%}  {name}{'' if verified.get(name, True) else ' *'}")


if __name__ == "__main__":
    try:
        main(sys.argv[1] if len(sys.argv) > 1 else "examples/scan.parquet")
    except LfvnsiError as exc:  # a missing or damaged result: one line, as from lfvnsi itself
        print(f"scan_summary: error: {exc}", file=sys.stderr)
        sys.exit(2)
