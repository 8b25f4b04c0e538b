"""Readable terminal report of one point (rich tables), built from its JSON document."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from lfvnsi.terminal import report_console

__all__ = ["print_bounds", "print_point", "print_reproduction"]

_FLAV = ("e", "mu", "tau")


def _number(x: float, spec: str) -> str:
    """A number as the report shows it: "infinite" or "undefined" where it is not finite (the
    JSON document has null there; README, JSON document)."""
    if math.isnan(x):
        return "undefined"
    if math.isinf(x):
        return "infinite" if x > 0 else "-infinite"
    return format(x, spec)


def _matrix_table(title: str, m: dict[str, list[list[float]]], scale: float = 1.0) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("")
    for f in _FLAV:
        table.add_column(f, justify="right")
    z = (np.array(m["re"]) + 1j * np.array(m["im"])) / scale
    for f, row in zip(_FLAV, z):
        table.add_row(f, *(f"{abs(x):.4e}" for x in row))
    return table


def print_point(doc: dict[str, Any], console: Console | None = None) -> None:
    """Print spectrum and couplings of a point document (see ``io.document``)."""
    console = console or report_console()
    inp, spec, coup = doc["inputs"], doc["spectrum"], doc["couplings"]
    console.print(f"[bold]lfvnsi point[/bold]  version={inp['version']}  texture={inp['texture']}"
                  f"  alpha={inp['alpha']}  beta={inp['beta']}  g_psi={inp['g_psi']:g}"
                  f"  m_Z'={inp['m_zprime']:g} GeV")
    if "verdict" in doc:
        _print_verdict(console, doc["verdict"])
    masses = Table(title="Neutral-lepton spectrum", title_justify="left")
    masses.add_column("state")
    masses.add_column("mass", justify="right")
    for i, m in enumerate(spec["light_masses_eV"]):
        masses.add_row(f"light {i + 1}", f"{m:.6g} eV")
    for i, m in enumerate(spec["heavy_masses_GeV"]):
        masses.add_row(f"heavy {i + 1}", f"{m:.9g} GeV")
    console.print(masses)
    angles = Table(title="Active-sterile mixing of the light states", title_justify="left")
    for name in ("sin_alpha", "sin_alpha_prime", "sin_beta", "sin_beta_prime"):
        angles.add_column(name, justify="right")
    angles.add_row(*(f"{spec[n]:.6g}" for n in ("sin_alpha", "sin_alpha_prime", "sin_beta",
                                                   "sin_beta_prime")))
    console.print(angles)
    console.print(_matrix_table("|1 - N N^dagger| (PMNS non-unitarity)", spec["non_unitarity"]))
    console.print(_matrix_table("|g_nu| / g_psi, flavour basis", coup["g_nu"], inp["g_psi"]))
    for note in coup["notes"]:
        console.print(f"• {note}")
    if "nsi" in doc:
        _print_matter(console, doc)
    if "observables" in doc:
        _print_predictions(console, doc["observables"])
    if "constraints" in doc:
        _print_constraints(console, doc)


def _print_matter(console: Console, doc: dict[str, Any]) -> None:
    g_f = doc["couplings"]["g_f"]
    table = Table(title=f"Matter couplings g_f ({doc['inputs']['matter']})", title_justify="left")
    for f in g_f:
        table.add_column(f, justify="right")
    table.add_row(*(f"{v:.4g}" for v in g_f.values()))
    console.print(table)
    for f in ("u", "e", "p"):
        console.print(_signed_matrix_table(f"eps^{f} (contact; flavour basis)", doc["nsi"]["eps"][f]))


def _signed_matrix_table(title: str, m: dict[str, list[list[float]]]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("")
    for f in _FLAV:
        table.add_column(f, justify="right")
    z = np.array(m["re"]) + 1j * np.array(m["im"])
    for f, row in zip(_FLAV, z):
        table.add_row(f, *(f"{x.real:+.4e}" if x.imag == 0 else f"{x:.3e}" for x in row))
    return table


# (observable, label) shown in the report; "_paper_estimate" partners are added beside them.
_PREDICTIONS = (
    ("Gamma_Zp_GeV", "Z' total width (GeV)"), ("Br_Zp_invisible", "BR(Z' -> nu nu)"),
    ("Br_Zp_to_ee", "BR(Z' -> e e)"), ("Br_Zp_to_mumu", "BR(Z' -> mu mu)"),
    ("Br_Zp_to_hadrons", "BR(Z' -> hadrons)"), ("Br_Zp_to_nuN", "BR(Z' -> nu N)"),
    ("N_invisible_dominance", "min Gamma(N -> nu Z')/Gamma_EW(N)"),
    ("Br_h_inv", "BR(h -> invisible)"), ("Br_tau_to_e_Zp", "BR(tau -> e Z')"),
    ("Br_tau_to_mu_Zp", "BR(tau -> mu Z')"), ("Br_mu_to_e_Zp", "BR(mu -> e Z')"),
    ("R_mue_Al", "R(mu -> e, Al)"), ("R_mue_Au", "R(mu -> e, Au)"),
    ("Br_K_to_mu_nu_Zp", "BR(K -> mu nu Z')"), ("Br_K_to_e_nu_Zp", "BR(K -> e nu Z')"),
    ("Br_pi0_to_gamma_Zp", "BR(pi0 -> gamma Z')"), ("m_betabeta_eV", "m_betabeta (eV)"),
    ("schwarz_ratio_u", "|eps_ab|^2/|eps_aa eps_bb| (u)"),
)


def _print_predictions(console: Console, obs: dict[str, float]) -> None:
    table = Table(title="Predictions (exact; the paper's own estimate beside it where it gave one)",
                  title_justify="left")
    table.add_column("observable")
    table.add_column("value", justify="right")
    table.add_column("paper's estimate", justify="right")
    for name, label in _PREDICTIONS:
        paper = obs.get(f"{name}_paper_estimate")
        table.add_row(label, _number(obs[name], ".4g"), "" if paper is None else _number(paper, ".4g"))
    console.print(table)


def print_reproduction(rows: list[dict[str, Any]], console: Console | None = None) -> None:
    """The paper-reproduction table (``lfvnsi reproduce``), reasons as numbered notes."""
    console = console or report_console()
    colour = {"reproduced": "green", "order-of-magnitude estimate": "yellow",
              "does not follow": "red"}
    table = Table(title="The paper's claims recomputed (Farzan, arXiv:1912.09408)",
                  title_justify="left")
    for name, justify in (("#", "right"), ("where", "left"), ("claim", "left"),
                          ("paper", "right"), ("ours", "right"), ("ratio", "right"),
                          ("verdict", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for i, r in enumerate(rows, start=1):
        table.add_row(str(i), r["where"], r["claim"], _number(r["paper"], ".3g"),
                      _number(r["ours"], ".4g"), _number(r["ratio"], ".3g"),
                      f"[{colour[r['verdict']]}]{r['verdict']}[/]")
    console.print(table)
    for i, r in enumerate(rows, start=1):
        console.print(f"{i:>2}. {r['reason']}")


def _print_verdict(console: Console, verdict: dict[str, Any]) -> None:
    unverified = set(verdict.get("unverified_deciding", ()))
    mark = " (unverified)" if verdict["strongest"] in unverified else ""
    if verdict["allowed"]:
        head = "[bold green]ALLOWED[/bold green]"
        tail = (f"; closest: {verdict['strongest']}{mark} at "
                f"{_number(verdict['strongest_ratio'], '.3g')} of its limit"
                if verdict["strongest"] else "; no bound applies")
    else:
        head = "[bold red]EXCLUDED[/bold red]"
        tail = (f" by {verdict['strongest']}{mark} ({_number(verdict['strongest_ratio'], '.3g')} x "
                f"its limit)"
                + (f" and {len(verdict['excluded_by']) - 1} more" if len(verdict["excluded_by"]) > 1
                   else ""))
    console.print(f"{head} by the {verdict['bound_set']} bounds{tail}")
    if verdict.get("excluded_only_by_unverified"):
        console.print("[yellow]Only unverified bounds exclude it:[/yellow] "
                      + ", ".join(verdict["unverified_deciding"]))
    elif unverified - {verdict["strongest"]}:
        console.print("Unverified bounds among those that exclude it: "
                      + ", ".join(sorted(unverified - {verdict["strongest"]})))
    if "applicable" in verdict:
        console.print(f"{verdict['unverified_applicable']} of the {verdict['applicable']} applicable "
                      "bounds are unverified (their numbers were not read from a source they cite; "
                      "data/bounds.md)")


def _print_constraints(console: Console, doc: dict[str, Any]) -> None:
    table = Table(title=f"Constraints ({doc['verdict']['bound_set']} bounds), by ratio to the limit",
                  title_justify="left")
    for name, justify in (("bound", "left"), ("observable", "left"), ("value", "right"),
                          ("limit", "right"), ("ratio", "right"), ("", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for e in doc["constraints"]:
        mark = "[green]ok[/]" if e["passed"] else "[bold red]EXCLUDED[/]"
        flag = "" if e["verified"] else " *"
        table.add_row(e["id"] + flag, e["observable"], _number(e["value"], ".3g"),
                      _number(e["limit"], ".3g"), _number(e["ratio"], ".3g"), mark)
    console.print(table)
    console.print("* unverified: number not read from a source the record cites (see data/bounds.md)")
    if doc.get("constraints_skipped"):
        reasons: dict[str, int] = {}
        for e in doc["constraints_skipped"]:
            reasons[e["reason"]] = reasons.get(e["reason"], 0) + 1
        console.print("Not applicable here: " + "; ".join(f"{n} x {r}" for r, n in reasons.items()))
    tests = doc.get("next_tests")
    if tests:
        table = Table(title="What will test it next (projections)", title_justify="left")
        for name, justify in (("projection", "left"), ("observable", "left"),
                              ("ratio", "right"), ("", "left")):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for e in tests:
            table.add_row(e["id"], e["observable"], _number(e["ratio"], ".3g"),
                          "would exclude" if e["would_exclude"] else "")
        console.print(table)


def print_bounds(records: list[Any], console: Console | None = None) -> None:
    """The bounds database as a table (``lfvnsi bounds``)."""
    console = console or report_console()
    table = Table(title=f"Bounds database ({len(records)} records)", title_justify="left")
    for name in ("id", "observable", "limit", "CL", "status", "source", "checked"):
        table.add_column(name)
    for b in records:
        if b.curve is not None:
            limit = f"curve vs {b.curve.x_name}"
        elif b.kind == "range":
            limit = f"[{b.value[0]:g}, {b.value[1]:g}]"
        else:
            limit = f"{'<' if b.kind == 'upper' else '>'} {b.value:g}"
        table.add_row(b.id, b.observable, limit, f"{b.cl:g}", b.status, b.reference,
                      "yes" if b.verified else "no")
    console.print(table)


def print_reach(result: Any, out: Any) -> None:
    """The reach table: each bin's range, largest allowed |objective| and what limits it there."""
    console = report_console()
    r = result.reach
    table = Table(title=f"{result.spec.name}: largest allowed |{r.objective}| per {r.axis} bin "
                        f"({result.spec.bounds} bounds; {r.restarts} CMA-ES runs per bin)")
    for name in ("bin", r.axis, "max", "spread", "limited by (>= 95% of the limit)"):
        table.add_column(name, justify="left" if name.startswith("limited") else "right")
    for i, b in enumerate(result.bins):
        table.add_row(str(i), f"{b.lo:.4g} - {b.hi:.4g}",
                      "no allowed point" if b.max is None else f"{b.max:.4g}",
                      "" if b.spread is None else f"{b.spread:.1e}", "; ".join(b.limiting))
    console.print(table)
    console.print(f"bins written to {out}")
