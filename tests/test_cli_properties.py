"""The command line under random input: every model parameter and every option, with values
in range, at the extremes and garbage.

Whatever the input, a command either succeeds (exit 0), and then every number of its --json
document is finite (parsed by a parser that refuses NaN and Infinity; a null only where the README
documents one), or stops with exactly one line ``lfvnsi: error: ...`` and exit code 2. Never a
traceback, never another exit code. The commands run in this process (click's runner), where an
uncaught exception is what a user would see as a traceback.

The example counts are modest (the whole module runs in well under a minute); ``derandomize``
keeps the examples the same from run to run.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lfvnsi.cli import cli
from lfvnsi.constraints import load_bounds
from lfvnsi.model.parameters import _CHOICES, PARAMETER_TABLE, Parameters
from lfvnsi.oscillation.presets import PRESETS

#: Nulls the README documents, by command (paths as ``key.key``; ``*`` any key).
DOCUMENTED_NULLS = {"point": {"observables.schwarz_ratio_u", "observables.N_invisible_dominance",
                              "observables.ctau_Zp_m"},
                    "fit": {"parameters.*.autocorr_steps"},
                    "oscillate": {"density_g_cm3"}}  # PREM: no single density

GARBAGE = ["", "abc", "nan", "inf", "-inf", "1e", "[1, 2]", "{a = 1}", "true", "'x'", "=", "--",
           "1" + "0" * 400, "0x1F", "1979-05-27", "1e999", "-1e999", "5e-324", "-0.0", "\u00e9"]


def examples(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def in_range(name: str) -> st.SearchStrategy[float]:
    """A value inside the parameter's allowed range, log-uniform over its decades."""
    r = PARAMETER_TABLE[name]
    low = max(r.low, 1e-30 if r.low >= 0 else -1e30)
    high = min(r.high, 1e30)
    if r.symmetric or low < 0:
        top = max(abs(low), abs(high))
        return st.builds(lambda e, s: s * min(10.0 ** e, top), st.floats(-12, math.log10(top)),
                         st.sampled_from([1.0, -1.0]))
    lo = math.log10(low) if low > 0 else -12.0
    return st.floats(lo, math.log10(high)).map(lambda e: min(max(10.0 ** e, low), high))


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``good`` four times in five, else ``bad``: enough valid runs to check their numbers.
    (``one_of(good, good, good, good, bad)`` would be even odds: repeats count once.)"""
    return st.sampled_from(range(5)).flatmap(lambda i: bad if i == 4 else good)


def number_text(name: str) -> st.SearchStrategy[str]:
    """A --set value for a numeric parameter: mostly in range, else extreme or garbage."""
    r = PARAMETER_TABLE[name]
    edges = [x for x in (r.low, r.high) if math.isfinite(x)]
    return mostly(st.one_of(in_range(name), st.sampled_from(edges or [0.0])).map(repr),
                  st.one_of(st.sampled_from([0.0, 1e308, -1e308, 1e-320]).map(repr),
                            st.floats(allow_nan=True, allow_infinity=True).map(repr),
                            st.sampled_from(GARBAGE)))


def choice_text(name: str) -> st.SearchStrategy[str]:
    return mostly(st.sampled_from(_CHOICES[name]), st.sampled_from(GARBAGE + ["LNC", "Paper"]))


#: Parameters without a rule tying them to others (texture, version): any value in range is a
#: valid point unless the spectrum refuses it (a mu term no longer far below the heavy masses).
FREE = ("g_psi", "m_zprime", "mt_alpha", "mt_beta", "M1", "M2", "M_N", "mp1", "mp2", "g_B",
        "kinetic_mixing", "mu_L1", "mu_R2", "mu_21", "a_e", "a_tau")


@st.composite
def overrides(draw: st.DrawFn, most: int = 6) -> list[str]:
    """A few --set NAME=VALUE: mostly free parameters, but any parameter, and now and then an
    unknown or malformed override."""
    pool = draw(mostly(st.just(FREE), st.just(Parameters.names())))
    names = draw(st.lists(st.sampled_from(pool), max_size=most, unique=True))
    args = []
    for name in names:
        value = draw(choice_text(name) if name in _CHOICES else number_text(name))
        args += ["--set", f"{name}={value}"]
    if draw(mostly(st.just(False), st.just(True))) and draw(st.booleans()):
        args += ["--set", draw(st.sampled_from(["Mzp=1", "M1", "=2", "M1==2", "m_zprime="]))]
    return args


def option_value(kind: str, low: float = 1e-6, high: float = 1e4) -> st.SearchStrategy[str]:
    """Text for a typed option; integers in range stay small (<= 40) so that a run stays short."""
    if kind == "int":
        return mostly(st.integers(1, 40).map(str),
                      st.sampled_from(["0", "-1", "10000000000", "1.5", "abc", ""]))
    good = st.floats(math.log10(low), math.log10(high)).map(lambda e: repr(10.0 ** e))
    return mostly(good, st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                                  st.sampled_from(GARBAGE)))


#: "nan" or "inf" as a word of a text report, with some context for the failure message.
BARE_NON_FINITE = re.compile(r".{0,40}(?<![\w.])[-+]?(?:nan|inf)(?!\w).{0,20}", re.IGNORECASE)


def invoke(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args)


def nulls(document: Any, path: str = "") -> list[str]:
    if document is None:
        return [path]
    if isinstance(document, dict):
        return [p for k, v in document.items() for p in nulls(v, f"{path}.{k}" if path else k)]
    if isinstance(document, list):
        return [p for v in document for p in nulls(v, path)]
    return []


def _documented(path: str, command: str) -> bool:
    for pattern in DOCUMENTED_NULLS.get(command, ()):
        parts, keys = pattern.split("."), path.split(".")
        if len(parts) == len(keys) and all(p in ("*", k) for p, k in zip(parts, keys, strict=True)):
            return True
    return False


def check(result: Any, args: list[str], as_json: bool) -> None:
    """Exit 0 with a strict, finite document, or exit 2 with one line; nothing else."""
    command = args[0]
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args, repr(result.exception))
    assert result.exit_code in (0, 2), (args, result.exit_code, result.output)
    event(f"{command}: exit {result.exit_code}")
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("lfvnsi: error: "), (args, result.stderr)
        assert result.stdout == "", (args, result.stdout[:300])
        return
    assert "Traceback" not in result.output
    # a text report says "infinite" or "undefined", never prints a bare nan or inf
    assert not BARE_NON_FINITE.search(result.stdout), (args, BARE_NON_FINITE.findall(result.stdout))
    if as_json:
        def refuse(name: str) -> None:
            raise AssertionError(f"{args}: {name} in the JSON document")

        document = json.loads(result.stdout, parse_constant=refuse)
        bad = [p for p in nulls(document) if not _documented(p, command)]
        assert not bad, (args, bad)


@st.composite
def config(draw: st.DrawFn, base: Path, section: str = "parameters") -> list[str]:
    """No CONFIG, or one: a TOML file of random parameters (or options of ``section``), one that
    is not TOML, one that does not exist, or a directory."""
    kind = draw(mostly(st.sampled_from(["none", "none", "file"]),
                       st.sampled_from(["bad toml", "missing", "directory", "unknown table"])))
    if kind == "none":
        return []
    path = base / "config.toml"
    if kind == "missing":
        return [str(base / "missing.toml")]
    if kind == "directory":
        return [str(base)]
    if kind == "bad toml":
        path.write_text("M1 = = 2\n")
    elif kind == "unknown table":
        path.write_text("[plotting]\nx = 1\n")
    else:
        lines = [f"[{section}]"]
        for name in draw(st.lists(st.sampled_from(FREE), max_size=3, unique=True)):
            lines.append(f"{name} = {draw(number_text(name))}")
        path.write_text("\n".join(lines) + "\n")
    return [str(path)]


@examples(300)
@given(st.data(), overrides(), st.booleans(),
       mostly(st.sampled_from(["current", "paper", "future"]), st.sampled_from(["", "none", "all"])))
def test_point(tmp_path_factory: Any, data: st.DataObject, extra: list[str], as_json: bool,
               bound_set: str) -> None:
    cfg = data.draw(config(tmp_path_factory.mktemp("point")))
    args = ["point", *cfg, *extra, "--bounds", bound_set] + (["--json"] if as_json else [])
    check(invoke(args), args, as_json)


#: Options of ``lfvnsi oscillate`` with a value: kind and the range drawn in-range values span.
BOTH = {"--energy-min": ("float", 1e-6, 1e3), "--energy-max": ("float", 1e-3, 1e5),
        "--n-energies": ("int", 1, 40)}
CONSTANT_DENSITY = {"--baseline": ("float", 1e-3, 1e5), "--density": ("float", 1e-3, 1e3),
                    "--Ye": ("float", 1e-3, 1.0)}
EARTH = {"--cos-zenith-min": ("float", 1e-3, 1.0), "--cos-zenith-max": ("float", 1e-3, 1.0),
         "--n-zenith": ("int", 1, 40), "--slabs": ("int", 1, 40)}


@st.composite
def oscillate_args(draw: st.DrawFn) -> list[str]:
    preset = draw(mostly(st.sampled_from(list(PRESETS)), st.just("minos")))
    own = EARTH if preset == "atmospheric" else CONSTANT_DENSITY
    flags = {**BOTH, **draw(mostly(st.just(own), st.just({**CONSTANT_DENSITY, **EARTH})))}
    args = ["oscillate", "--preset", preset]
    for flag in draw(st.lists(st.sampled_from(sorted(flags)), max_size=4, unique=True)):
        kind, low, high = flags[flag]
        value = draw(option_value(kind, low, high))
        if flag.startswith("--cos-zenith") and draw(st.booleans()):
            value = f"-{value}"  # below the horizon
        args += [flag, value]
    if draw(st.booleans()):
        args += ["--ordering", draw(mostly(st.sampled_from(["normal", "inverted"]), st.just("up")))]
    if draw(st.booleans()):
        args += ["--channel", draw(mostly(st.sampled_from(["mu->e", "e->tau", "tau->tau"]),
                                          st.sampled_from(["e->x", ""])))]
    if draw(st.booleans()):
        args += ["--release", draw(mostly(st.just("nufit-6.0"), st.just("nufit-0.1")))]
    if draw(st.booleans()):
        args.append(draw(st.sampled_from(["--antineutrino", "--neutrino"])))
    # a short grid unless the draw chose the sizes itself
    if "--n-energies" not in args:
        args += ["--n-energies", "12"]
    if preset == "atmospheric" and "--n-zenith" not in args:
        args += ["--n-zenith", "4"]
    return args + draw(overrides(most=3))


@examples(200)
@given(st.data(), oscillate_args(), st.booleans(),
       st.one_of(st.none(), mostly(st.sampled_from(["p.csv", "p.parquet"]),
                                   st.sampled_from(["p.xlsx", "missing/p.csv", "/proc/p.csv",
                                                    "/dev/null/p.parquet"]))))
def test_oscillate(tmp_path_factory: Any, data: st.DataObject, args: list[str], as_json: bool,
                   table: str | None) -> None:
    base = tmp_path_factory.mktemp("oscillate")
    args = [args[0], *data.draw(config(base, "oscillation")), *args[1:]]
    args += (["--json"] if as_json else []) + (["--out", str(base / table)] if table else [])
    check(invoke(args), args, as_json)


@examples(6)
@given(oscillate_args(), mostly(st.sampled_from(["p.png", "p.pdf", "p.svg"]),
                                st.sampled_from(["p.bmp", "/proc/p.png"])))
def test_oscillate_plot(tmp_path_factory: Any, args: list[str], figure: str) -> None:
    args = args + ["--plot", str(tmp_path_factory.mktemp("figure") / figure)]
    check(invoke(args), args, False)


@examples(100)
@given(st.lists(mostly(st.sampled_from(["paper", "current", "future"]), st.just("past")),
                max_size=2),
       st.one_of(st.none(), mostly(st.sampled_from(sorted({b.observable for b in load_bounds()})),
                                   st.sampled_from(GARBAGE))),
       st.booleans(), overrides(most=3))
def test_bounds_and_cite(statuses: list[str], observable: str | None, as_json: bool,
                         extra: list[str]) -> None:
    args = ["bounds"] + [a for s in statuses for a in ("--status", s)]
    if observable is not None:
        args += ["--observable", observable]
    args += ["--json"] if as_json else []
    check(invoke(args), args, as_json)
    args = ["cite", *extra, "--bounds", statuses[0] if statuses else "current"]
    check(invoke(args), args, False)


def _toml(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) or not value.startswith("=") else value


@st.composite
def scan_spec(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A small scan spec with random keys and values, and the names it varies."""
    numeric = sorted(PARAMETER_TABLE)
    names = draw(st.lists(st.sampled_from(draw(mostly(st.just(list(FREE)), st.just(numeric)))),
                          min_size=draw(mostly(st.just(1), st.just(0))), max_size=2, unique=True))
    scan: dict[str, Any] = {
        "sampler": draw(mostly(st.sampled_from(["random", "latin", "grid"]), st.just("sobol"))),
        "points": draw(mostly(st.integers(1, 48), st.sampled_from([0, -3, 10**15, "many"]))),
        "chunk": draw(mostly(st.integers(1, 48), st.sampled_from([0, 2**70, 1.5]))),
        "seed": draw(mostly(st.integers(0, 2**64 - 1), st.sampled_from([-1, 2**64]))),
        "bounds": draw(mostly(st.sampled_from(["current", "paper", "future"]), st.just("none"))),
    }
    if draw(st.booleans()):
        scan["outputs"] = draw(st.lists(mostly(st.sampled_from(["g_nu_ab", "eps_u_emu", "Br_h_inv",
                                                                "schwarz_ratio_u"]),
                                               st.just("nope")), min_size=1, max_size=3,
                                        unique=True))
    lines = ["[scan]"] + [f"{k} = {_toml(v)}" for k, v in scan.items()]
    for name in names:
        ends = sorted(draw(st.lists(in_range(name), min_size=2, max_size=2, unique=True)))
        if draw(mostly(st.just(False), st.just(True))):
            ends = draw(st.sampled_from([[1.0, 0.5], [0.0, 1e400], ["a", 1.0], [-1.0, 1.0]]))
        positive = isinstance(ends[0], float) and ends[0] > 0
        scale = draw(mostly(st.sampled_from(["linear", "log"] if positive else ["linear"]),
                            st.sampled_from(["cubic", "log"])))
        lines += [f"[scan.vary.{name}]", f"range = [{', '.join(_toml(v) for v in ends)}]",
                  f"scale = {_toml(scale)}", f"n = {draw(mostly(st.integers(1, 4), st.just(0)))}"]
    return "\n".join(lines).replace("1e+400", "1e400") + "\n", names


COLUMNS = ["m_zprime", "g_psi", "M1", "eps_u_emu", "g_nu_ab", "max_ratio", "nope", "strongest"]


@st.composite
def scan_options(draw: st.DrawFn) -> list[str]:
    """--workers, --executor, --scheduler, --resume, --skip-disk-check: mostly harmless values
    (one process: a worker pool would cost seconds per example), else wrong ones."""
    args = ["--workers", draw(mostly(st.just("1"), st.sampled_from(["0", "-2", "abc"])))]
    args += ["--executor", draw(mostly(st.sampled_from(["serial", "auto"]), st.just("threads")))]
    if draw(mostly(st.just(False), st.just(True))):
        args += ["--scheduler", draw(st.sampled_from(["tcp://127.0.0.1:1", "nowhere", ""]))]
    for flag in ("--resume", "--skip-disk-check"):
        if draw(st.booleans()):
            args.append(flag)
    return args


@st.composite
def plot_options(draw: st.DrawFn) -> list[str]:
    args = ["--reach"] if draw(st.booleans()) else []
    for flag in ("--x", "--y"):
        if draw(st.booleans()):
            args += [flag, draw(st.sampled_from(COLUMNS))]
    for pair in (("--logx", "--linx"), ("--logy", "--liny")):
        if draw(st.booleans()):
            args.append(draw(st.sampled_from(pair)))
    for flag in ("--bins", "--legend"):
        if draw(st.booleans()):
            args += [flag, draw(mostly(st.sampled_from(["1", "3", "8"]),
                                       st.sampled_from(["0", "-1", "x"])))]
    return args


@examples(150)
@given(scan_spec(), scan_options(), plot_options(),
       mostly(st.sampled_from(["plot.png", "plot.pdf"]), st.just("plot.svg")))
def test_scan_and_plot(tmp_path_factory: Any, spec: tuple[str, list[str]], options: list[str],
                       plotting: list[str], figure: str) -> None:
    text, _ = spec
    base: Path = tmp_path_factory.mktemp("scan")
    (base / "spec.toml").write_text(text)
    out = base / "out.parquet"
    args = ["scan", str(base / "spec.toml"), "--out", str(out), "--quiet", *options]
    result = invoke(args)
    check(result, args, False)
    if result.exit_code != 0:
        return
    args = ["plot", str(out), "--out", str(base / figure), *plotting]
    check(invoke(args), args, False)


@examples(5)
@given(scan_spec(), st.lists(st.sampled_from(["--walkers", "--steps", "--burn", "--seed"]),
                             max_size=4, unique=True),
       st.data(), mostly(st.sampled_from(["gaussian", "step"]), st.just("flat")), st.booleans())
def test_fit(tmp_path_factory: Any, spec: tuple[str, list[str]], flags: list[str],
             data: st.DataObject, mode: str, as_json: bool) -> None:
    """A short chain (the flags drawn set walkers, steps and burn to at most 8)."""
    text, _ = spec
    base: Path = tmp_path_factory.mktemp("fit")
    (base / "spec.toml").write_text(text + "[fit]\nwalkers = 8\nsteps = 3\nburn = 1\n")
    args = ["fit", str(base / "spec.toml"), "--mode", mode, "--out", str(base / "chain.parquet")]
    for flag in flags:
        args += [flag, data.draw(mostly(st.integers(0, 8).map(str), st.sampled_from(["-1", "x"])))]
    args += ["--json"] if as_json else []
    check(invoke(args), args, as_json)


@examples(10)
@given(st.one_of(st.none(), st.sampled_from(["csi2017", "lar2020,csi2021", "csi2017,xyz", ""])),
       st.one_of(st.none(), st.sampled_from(["helm", "klein_nystrand", "flat"])),
       overrides(most=2), mostly(st.just(False), st.just(True)))
def test_cevns(datasets: str | None, form_factor: str | None, extra: list[str],
               unwritable_plots: bool) -> None:
    args = ["cevns", *extra, "--json"] + (["--plots", "/proc/plots"] if unwritable_plots else [])
    args += ["--datasets", datasets] if datasets is not None else []
    args += ["--form-factor", form_factor] if form_factor is not None else []
    check(invoke(args), args, True)
