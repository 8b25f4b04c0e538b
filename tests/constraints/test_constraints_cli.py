"""The constraints in the CLI: point --json contract, the bounds listing, cite."""

from __future__ import annotations

import json

from click.testing import CliRunner

from lfvnsi.cli import cli
from lfvnsi.constraints import load_bounds


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_point_json_constraints_follow_the_design_contract() -> None:
    doc = json.loads(run("point", "--json"))
    keys = {"id", "observable", "value", "limit", "ratio", "passed", "reference", "status"}
    assert doc["constraints"] and all(keys <= set(e) for e in doc["constraints"])
    ratios = [e["ratio"] for e in doc["constraints"]]
    assert ratios == sorted(ratios, reverse=True)
    assert doc["verdict"]["allowed"] is True and doc["verdict"]["strongest"] == doc["constraints"][0]["id"]
    assert all(e["reason"] for e in doc["constraints_skipped"])
    assert any(t["would_exclude"] for t in doc["next_tests"])


def test_bound_sets_from_the_command_line() -> None:
    paper = json.loads(run("point", "--json", "--bounds", "paper"))
    assert {e["status"] for e in paper["constraints"]} == {"paper"}
    future = json.loads(run("point", "--json", "--bounds", "future"))
    assert "future" in {e["status"] for e in future["constraints"]}
    assert future["verdict"]["allowed"] is False  # Mu2e/COMET would exclude the benchmark


def test_report_gives_the_verdict_first() -> None:
    out = run("point")
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if "ALLOWED" in line or "EXCLUDED" in line)
    spectrum = next(i for i, line in enumerate(lines) if "Neutral-lepton spectrum" in line)
    assert first < spectrum and "Constraints" in out


def test_bounds_listing_and_cite() -> None:
    listed = json.loads(run("bounds", "--json"))["bounds"]
    assert len(listed) == len(load_bounds())
    only = json.loads(run("bounds", "--json", "--status", "future", "--observable", "R_mue_Al"))
    assert only["bounds"] and all(b["status"] == "future" and b["observable"] == "R_mue_Al"
                                  for b in only["bounds"])
    bib = run("cite")
    assert bib.count("@") >= 10 and "1912.09408" in bib and "hep-ph/0203110" in bib
    assert "10.1016/j.physletb.2013.01.037" in bib  # NA62 R_K, the closest bound at the benchmark


def test_point_counts_the_unverified_bounds_and_names_those_that_decide() -> None:
    """Trust policy: the verdict names the unverified bounds it rests on, and the report says how
    many applicable bounds are unverified (numbers not read from a source they cite)."""
    doc = json.loads(run("point", "--json"))
    v, applied = doc["verdict"], doc["constraints"]
    assert v["applicable"] == len(applied)
    assert v["unverified_applicable"] == sum(not e["verified"] for e in applied) > 0
    closest = applied[0]
    assert v["unverified_deciding"] == ([] if closest["verified"] else [closest["id"]])
    assert v["excluded_only_by_unverified"] is False
    out = " ".join(run("point").split())
    assert f"{v['unverified_applicable']} of the {v['applicable']} applicable bounds are unverified" in out
    # g_B = 3e-3: excluded by SINDRUM II (verified) and by the recalled NSI ranges (unverified)
    doc = json.loads(run("point", "--json", "--set", "g_B=3e-3"))
    v, applied = doc["verdict"], doc["constraints"]
    verified = {e["id"]: e["verified"] for e in applied}
    assert "SINDRUM II Au 2006" in v["excluded_by"] and verified["SINDRUM II Au 2006"]
    assert v["unverified_deciding"] == [i for i in v["excluded_by"] if not verified[i]]
    assert v["unverified_deciding"] and v["excluded_only_by_unverified"] is False
    out = " ".join(run("point", "--set", "g_B=3e-3").split())
    assert "(unverified)" in out and "Unverified bounds among those that exclude it" in out


def test_an_observable_without_records_is_an_error_not_an_empty_table() -> None:
    result = CliRunner().invoke(cli, ["bounds", "--observable", "Br_h_in"])
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lfvnsi: error: --observable 'Br_h_in'")
    assert "did you mean 'Br_h_inv'" in lines[0] and "R_mue_Au" in lines[0]
    # a known observable with no record of the chosen status is an empty table, not an error
    doc = json.loads(run("bounds", "--observable", "Br_h_inv", "--status", "future", "--json"))
    assert all(b["observable"] == "Br_h_inv" and b["status"] == "future" for b in doc["bounds"])
