"""The AEDL reader: the packaged DUNE files, GLoBES's semantics of the constructs they use, and a
one-line error naming every construct it does not read."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from lfvnsi.exceptions import AedlError, LfvnsiError
from lfvnsi.experiments import dune_configuration, dune_experiment, load_experiment, read_aedl

from .toy import ONE_BIN, one_bin, two_rules, write_tables

DUNE_DIR = dune_configuration().parent


def test_packaged_files_match_the_readme_checksums() -> None:
    """Every packaged file is listed with its sha256, and nothing else is packaged."""
    table = (DUNE_DIR / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"\| `([^`]+)` \| `([0-9a-f]{64})` \|", table))
    present = {str(p.relative_to(DUNE_DIR)) for p in DUNE_DIR.rglob("*") if p.is_file()
               and p.name not in ("README.md", "settings.toml")}
    assert set(listed) == present
    for name, digest in listed.items():
        assert hashlib.sha256((DUNE_DIR / name).read_bytes()).hexdigest() == digest, name


def test_the_dune_configuration_as_published() -> None:
    e = dune_experiment()
    assert (e.baseline_km, e.density_g_cm3, e.target_mass_kt) == (1284.9, 2.848, 40.0)
    assert e.bins.size == 80 and e.sampling.size == 99
    assert e.bins.edges[-1] == pytest.approx(110.0) and e.sampling.edges[-1] == pytest.approx(110.0)
    assert [r.name for r in e.rules] == ["nue_app", "nuebar_app", "numu_dis", "numubar_dis"]
    assert len(e.channels) == 32 and len(e.systematics) == 9
    # 0.5-18 GeV: bin centres 0.5625 ... 17 (GLoBES: centre > 0.5 and < 18)
    for rule in e.rules:
        assert rule.window_bins == (4, 69)
        assert (rule.chi2_on, rule.chi2_off) == ("chiMultiExp", "chiNoSysSpectrum")
    nc = e.channels[e.channel_index("FHC_app_bkg_nuNC")]
    assert (nc.oscillates, nc.initial, nc.final, nc.cross_section) == (False, 1, 1, "NC")
    # every file the configuration names was read (61, as packaged)
    assert len(e.files) == 61 and all(f.is_file() for f in e.files)


def test_redefined_energy_group_keeps_one_index_with_the_later_matrix() -> None:
    """The DUNE files declare energy(#x)<> and redefine it in an include (GLoBES: same index)."""
    doc = read_aedl(dune_configuration())
    names = [g.name for g in doc.groups["energy"]]
    assert len(names) == len(set(names)) == 16
    assert all("@energy" in g.attributes for g in doc.groups["energy"])


def test_variables_lists_functions_and_sampling_centres() -> None:
    doc = read_aedl(dune_configuration())
    assert doc.variables["NUTIME"] == 3.5 and doc.variables["LAMASS"] == 40.0
    sbc = np.array(doc.lists["%sbc"])
    assert sbc.size == 99 and sbc[0] == 0.0625 and sbc[-1] == 105.0
    assert np.array_equal(sbc, dune_experiment().sampling.centres)
    assert np.array(doc.lists["%bc"]).size == 80


def test_expressions_follow_the_grammar(tmp_path: Path) -> None:
    write_tables(tmp_path)
    text = ONE_BIN.replace("N_SAMPLING", "2").replace("LAST", "1").replace("ONES", "1, 1")
    text = text.replace("@time = 2.0", "@time = -2^2 + 3*(4 - 1)/2 + sqrt(16) - exp(0)")
    text = text.replace("$target_mass = 10", "M = 5\n$target_mass = 2*M")
    (tmp_path / "expr.glb").write_text(text, encoding="utf-8")
    doc = read_aedl(tmp_path / "expr.glb")
    assert doc.groups["nuflux"][0].attributes["@time"].value == pytest.approx(3.5)
    assert doc.settings["$target_mass"] == 10.0


def test_a_redefinition_continues_the_group_and_later_statements_win(tmp_path: Path) -> None:
    path = one_bin(tmp_path, 4)
    text = path.read_text(encoding="utf-8") + "nuflux(#beam)<\n  @norm = 2e5\n>\n"
    path.write_text(text, encoding="utf-8")
    g = read_aedl(path).group("nuflux", "beam")
    assert g.attributes["@norm"].value == 2e5 and g.attributes["@time"].value == 2.0


def test_includes_resolve_from_the_top_level_folder(tmp_path: Path) -> None:
    path = one_bin(tmp_path, 4)
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "part.inc").write_text('include "./sub/deeper.inc"\n', encoding="utf-8")
    (sub / "deeper.inc").write_text("EXTRA = 7\n", encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8") + 'include "./sub/part.inc"\n',
                    encoding="utf-8")
    doc = read_aedl(path)
    assert doc.variables["EXTRA"] == 7.0
    assert {p.name for p in doc.files} == {"toy.glb", "part.inc", "deeper.inc"}


def _variant(tmp_path: Path, old: str, new: str, n_sampling: int = 4) -> Path:
    path = one_bin(tmp_path, n_sampling)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


UNSUPPORTED = [
    ("@time = 2.0", "@builtin = 1", "@builtin"),
    ("@time = 2.0", "@parent_energy = 50", "@parent_energy"),
    ("@energy = {0, LAST, ONES}", "@type = 1", "@type"),
    ("@energy = {0, LAST, ONES}", "@sigma_e = {0.1, 0, 0}", "@sigma_e"),
    ('@sys_on_function = "chiNoSysSpectrum"', "@signalerror = 0.01 : 0.0", "@signalerror"),
    ('@sys_on_function = "chiNoSysSpectrum"', "@sys_on_errors = {0.01}", "@sys_on_errors"),
    ('@sys_on_function = "chiNoSysSpectrum"', "@backgroundcenter = 1 : 0", "@backgroundcenter"),
    ('@sys_on_function = "chiNoSysSpectrum"', '@sys_on_function = "chiSpectrumTilt"',
     "chiSpectrumTilt"),
    ("$bins = 1", "$bins = 1\n#NEXT#", "#NEXT#"),
    ("$bins = 1", "$bins = 1\nflux(#old)< >", "flux"),
    ("$profiletype = 3", "$profiletype = 1", "$profiletype"),
    ("$densitytab = {2.8}", "$densitytab = {2.8, 3.0}", "one matter layer"),
    ("$bins = 1", "$bins = 1\n$filter_state = 1\n$filter_value = 0.1", "low-pass filter"),
    ("$bins = 1", "$bins = 1\n$densitysteps = 20", "$densitysteps"),
    ("$bins = 1", "$bins = 1\n$simbins = 20", "$simbins"),
    ("LENGTH = 1300.0", "LENGTH = line(3)", "line()"),
    ("LENGTH = 1300.0", "LENGTH = 1300.0\nX = interpolation(1)", "interpolation()"),
]


@pytest.mark.parametrize(("old", "new", "named"), UNSUPPORTED)
def test_unsupported_constructs_are_one_line_errors_naming_them(tmp_path: Path, old: str,
                                                                new: str, named: str) -> None:
    path = _variant(tmp_path, old.replace("LAST", "3").replace("ONES", "1, 1, 1, 1"), new)
    with pytest.raises(AedlError) as info:
        load_experiment(path)
    message = str(info.value)
    assert named in message and "\n" not in message


MALFORMED = [
    ("@channel = #beam : + : m : e : #CC : #all", "@channel = #beam : + : m : x : #CC : #all",
     "flavour"),
    ("@channel = #beam : + : m : e : #CC : #all", "@channel = #nope : + : m : e : #CC : #all",
     "unknown name #nope"),
    ("@channel = #beam : + : m : e : #CC : #all", "@channel = #CC : + : m : e : #CC : #all",
     "#CC is a cross, not a nuflux"),
    ("@signal = 1.0@#app", "@signal = 1.0@#missing", "unknown name #missing"),
    ("$target_mass = 10", "$target_mass = UNDEFINED", "undefined variable UNDEFINED"),
    ("@post_smearing_efficiencies = {0.8}", "@post_smearing_efficiencies = {0.8, 0.9}",
     "needs 1 numbers"),
    ("@energy = {0, LAST, ONES}", "@energy = {0, 7, 1, 1, 1, 1}", "sampling range"),
    ('@flux_file = "flux.dat"', '@flux_file = "missing.dat"', "cannot read flux file"),
    ("$bins = 1", "$bins = 1\n$emin = 1 / 0", "division by zero"),
    ("rule(#r)<", "rule(#r)", "expected '<'"),
    ("$bins = 1", "$bins = 1\n$tyop = 3", "$tyop"),
    ("@time = 2.0", "@tiem = 2.0", "@tiem"),
]


@pytest.mark.parametrize(("old", "new", "named"), MALFORMED)
def test_malformed_files_are_one_line_errors_with_file_and_line(tmp_path: Path, old: str,
                                                                 new: str, named: str) -> None:
    path = _variant(tmp_path, old.replace("LAST", "3").replace("ONES", "1, 1, 1, 1"), new)
    with pytest.raises(LfvnsiError) as info:
        load_experiment(path)
    message = str(info.value)
    assert named in message and "\n" not in message


def test_errors_name_the_file_and_line(tmp_path: Path) -> None:
    path = _variant(tmp_path, "@time = 2.0", "@time = 2.0 +")
    with pytest.raises(AedlError, match=r"toy\.glb:\d+: expected a number"):
        read_aedl(path)


def test_energy_window_bins_and_nuisance_structure(tmp_path: Path) -> None:
    e = load_experiment(two_rules(tmp_path))
    app, dis = e.rules
    assert app.window_bins == (1, 2)  # centres 1.5, 2.5 are inside (0.5, 3.5); 0.5, 3.5 not
    assert dis.window_bins == (0, 3)
    assert [s.name for s in e.systematics] == ["common", "sig", "unused"]
    assert app.signal[0].sys_on == (1,) and app.background[0].sys_on == (0,)
    assert dis.signal[0].sys_on == (0,)


def test_chimultiexp_needs_one_list_per_entry(tmp_path: Path) -> None:
    path = two_rules(tmp_path)
    text = path.read_text(encoding="utf-8").replace("  @sys_on_multiex_errors_bg = {#common}\n",
                                                    "", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AedlError, match="one @sys_on_multiex_errors_bg list per background"):
        load_experiment(path)
