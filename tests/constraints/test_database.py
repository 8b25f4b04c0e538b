"""The bounds database: schema, integrity, and broken fixtures rejected with record and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lfvnsi.constraints import BoundsError, load_bounds
from lfvnsi.constraints.database import KINDS, REQUIREMENTS, STATUSES
from lfvnsi.observables import OBSERVABLES, ON_DEMAND, PER_STATE

DATA = Path(__file__).resolve().parents[2] / "src" / "lfvnsi" / "data"


def test_packaged_database_is_consistent() -> None:
    bounds = load_bounds()
    assert len(bounds) >= 30
    ids = [b.id for b in bounds]
    assert len(ids) == len(set(ids))
    for b in bounds:
        assert b.observable in set(OBSERVABLES) | set(PER_STATE) | set(ON_DEMAND), b.id
        assert b.arxiv or b.doi or b.inspire, b.id
        assert b.kind in KINDS and b.status in STATUSES and 0 < b.cl < 1
        assert set(b.applies_to.requires) <= set(REQUIREMENTS)
        if b.kind == "excluded_curve":
            assert b.curve is not None and len(b.curve.x) >= 2, b.id
    # every status set exists, and every sector the paper discusses has a current record
    assert {b.status for b in bounds} == set(STATUSES)
    current = {b.observable for b in bounds if b.status == "current"}
    for needed in ("Br_h_inv", "Br_tau_to_e_Zp", "Br_tau_to_mu_Zp", "Br_mu_to_e_Zp", "R_mue_Au",
                   "Theta2_mu", "Br_K_to_mu_nu_Zp", "m_Zp_GeV", "eps_u_emu", "g_nu_ab_g_q",
                   "m_betabeta_eV", "U2_mu"):
        assert needed in current, needed


def test_every_record_is_in_the_human_readable_table() -> None:
    text = (DATA / "bounds.md").read_text(encoding="utf-8")
    missing = [b.id for b in load_bounds() if f"| {b.id} |" not in text]
    assert not missing, missing


GOOD = '''[[bound]]
id = "Test 2020 upper"
observable = "R_mue_Au"
kind = "upper"
value = 7e-13
cl = 0.9
status = "current"
experiment = "Test"
year = 2020
arxiv = "0000.00000"
verified = true
note = "fixture"
'''

BROKEN = [
    ("observable = \"R_mue_Au\"", "observable = \"R_mue_Xx\"", "observable"),
    ("kind = \"upper\"", "kind = \"upperish\"", "kind"),
    ("value = 7e-13", "value = -7e-13", "value"),
    ("status = \"current\"", "status = \"past\"", "status"),
    ("cl = 0.9", "cl = 90", "cl"),
    ("year = 2020", "year = \"2020\"", "year"),
    ("arxiv = \"0000.00000\"", "arxiv = \"\"", "arxiv"),
    ("verified = true", "verified = \"yes\"", "verified"),
    ("note = \"fixture\"", "note = \"fixture\"\ncolour = \"red\"", "colour"),
    ("note = \"fixture\"\n", "", "note"),
    ("note = \"fixture\"", "note = \"fixture\"\n[bound.applies_to]\npair = [\"eu\"]", "applies_to.pair"),
    ("note = \"fixture\"", "note = \"fixture\"\n[bound.applies_to]\nrequires = [\"N_sometimes\"]",
     "applies_to.requires"),
    ("note = \"fixture\"", "note = \"fixture\"\n[bound.applies_to]\nm_Zp_GeV = [1.0, 0.1]",
     "applies_to.m_Zp_GeV"),
    ("note = \"fixture\"", "note = \"fixture\"\n[bound.applies_to]\nm_N_GeV = [2.0, 1.0]",
     "applies_to.m_N_GeV"),
    ("note = \"fixture\"", "note = \"fixture\"\n[bound.applies_to]\nm_N_GeV = [-1.0, inf]",
     "applies_to.m_N_GeV"),
    ("note = \"fixture\"", "note = \"fixture\"\n[bound.applies_to]\nm_N_GeV = [1.0, nan]",
     "applies_to.m_N_GeV"),
    ("kind = \"upper\"\nvalue = 7e-13", "kind = \"range\"\nvalue = [0.1, 0.2]", "value"),
    ("kind = \"upper\"\nvalue = 7e-13",
     "kind = \"excluded_curve\"\ncurve = \"curves/missing.csv\"\nx = \"m_Zp_GeV\"", "curve"),
    ("kind = \"upper\"\nvalue = 7e-13",
     "kind = \"excluded_curve\"\ncurve = \"curves/c.csv\"\nx = \"m_Zp_GeV\"\ncolumn = \"nope\"",
     "column"),
    ("kind = \"upper\"\nvalue = 7e-13",
     "kind = \"excluded_curve\"\ncurve = \"curves/bad.csv\"\nx = \"m_Zp_GeV\"", "curve"),
]


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "curves").mkdir(exist_ok=True)
    (tmp_path / "curves" / "c.csv").write_text("# ok\nx,limit\n0.01,1e-3\n0.1,2e-3\n")
    (tmp_path / "curves" / "bad.csv").write_text("x,limit\n0.1,1e-3\n0.01,2e-3\n")  # descending
    path = tmp_path / "bounds.toml"
    path.write_text(text)
    return path


def test_good_fixture_loads(tmp_path) -> None:
    (b,) = load_bounds(write(tmp_path, GOOD))
    assert b.id == "Test 2020 upper" and b.value == 7e-13 and b.reference == "arXiv:0000.00000"
    (w,) = load_bounds(write(tmp_path, GOOD + "[bound.applies_to]\nm_N_GeV = [0.5, inf]\n"))
    assert w.applies_to.m_N_GeV == (0.5, float("inf"))


@pytest.mark.parametrize(("old", "new", "field"), BROKEN)
def test_broken_fixture_names_record_and_field(tmp_path, old, new, field) -> None:
    assert old in GOOD
    with pytest.raises(BoundsError) as info:
        load_bounds(write(tmp_path, GOOD.replace(old, new, 1)))
    assert info.value.record == "Test 2020 upper"
    assert info.value.field == field
    assert "Test 2020 upper" in str(info.value) and field in str(info.value)


def test_duplicate_ids_and_bad_toml_are_rejected(tmp_path) -> None:
    with pytest.raises(BoundsError, match="duplicate id"):
        load_bounds(write(tmp_path, GOOD + "\n" + GOOD))
    with pytest.raises(BoundsError, match="not valid TOML"):
        load_bounds(write(tmp_path, GOOD.replace("kind = ", "kind == ")))


def test_packaged_curves_are_copies_that_load(tmp_path) -> None:
    """The packaged file loads from any directory holding it and its curves."""
    shutil.copy(DATA / "bounds.toml", tmp_path / "bounds.toml")
    shutil.copytree(DATA / "curves", tmp_path / "curves")
    assert len(load_bounds(tmp_path / "bounds.toml")) == len(load_bounds())
