"""lfvnsi fit: emcee on the bounds' likelihood, on tiny problems (2 parameters, 8 walkers)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from lfvnsi import Parameters, evaluate
from lfvnsi.exceptions import ConfigError, HierarchyError, LfvnsiError, MissingExtraError
from lfvnsi.plots import corner_figure, save_figure
from lfvnsi.plots.fit import require_corner
from lfvnsi.scan.fit import (
    FitOptions,
    FitResult,
    Posterior,
    fit_options,
    format_summary,
    require_emcee,
    run_fit,
    write_chain,
)
from lfvnsi.scan.spec import ScanSpec, spec_from_mapping

SPEC_TOML = """\
[parameters]
g_B = 1e-4

[scan]
name = "tiny fit"
seed = 4
outputs = ["eps_u_emu", "g_nu_ab"]

[scan.vary.m_zprime]
range = [0.01, 1.0]
scale = "log"

[scan.vary.g_psi]
range = [0.001, 0.5]
scale = "log"

[fit]
walkers = 8
steps = 20
burn = 5
"""
TINY = FitOptions(walkers=8, steps=20, burn=5, seed=7)


def tiny_spec(**vary: dict) -> ScanSpec:
    axes = vary or {"m_zprime": {"range": [0.01, 1.0], "scale": "log"},
                    "g_psi": {"range": [0.001, 0.5], "scale": "log"}}
    return spec_from_mapping({"parameters": {"g_B": 1e-4},
                              "scan": {"name": "tiny fit", "vary": axes,
                                       "outputs": ["eps_u_emu", "g_nu_ab"]}})


@pytest.fixture(scope="module")
def result() -> FitResult:
    return run_fit(tiny_spec(), TINY)


def test_chain_shape_and_every_sample_inside_the_priors(result: FitResult) -> None:
    assert result.names == ("m_zprime", "g_psi") and result.scales == ("log", "log")
    assert result.chain.shape == (20, 8, 2)
    assert result.log_likelihood.shape == (20, 8)
    m, g = result.chain[..., 0], result.chain[..., 1]
    assert np.all((m >= 0.01) & (m <= 1.0)) and np.all((g >= 0.001) & (g <= 0.5))
    assert np.all(np.isfinite(result.log_likelihood)) and np.all(result.log_likelihood <= 0)
    assert 0 < np.mean(result.acceptance_fraction) <= 1
    assert result.samples().shape == (15 * 8, 2)
    assert set(result.outputs) == {"eps_u_emu", "g_nu_ab"}


def test_stored_log_likelihood_and_outputs_are_those_of_the_pipeline(result: FitResult) -> None:
    """Re-evaluating the last step's walkers gives the chain's numbers."""
    from lfvnsi.constraints import evaluate_constraints
    from lfvnsi.scan.likelihood import log_likelihood

    last = result.chain[-1]
    p = Parameters.benchmark().replace(g_B=1e-4, m_zprime=last[:, 0], g_psi=last[:, 1])
    r = evaluate(p)
    c = evaluate_constraints(r, "current")
    assert result.log_likelihood[-1] == pytest.approx(log_likelihood(c), rel=1e-10)
    assert np.array_equal(result.allowed[-1], c.allowed)
    assert result.outputs["eps_u_emu"][-1] == pytest.approx(r.observables["eps_u_emu"], rel=1e-12)


def test_reproducible_with_a_seed(result: FitResult) -> None:
    again = run_fit(tiny_spec(), TINY)
    assert np.array_equal(again.chain, result.chain)
    assert np.array_equal(again.log_likelihood, result.log_likelihood)
    other = run_fit(tiny_spec(), FitOptions(walkers=8, steps=20, burn=5, seed=8))
    assert not np.array_equal(other.chain, result.chain)


def test_summary_median_inside_its_68_interval(result: FitResult) -> None:
    s = result.summary()
    assert s["n_samples"] == 120 and s["walkers"] == 8 and s["burn"] == 5
    for name in ("m_zprime", "g_psi"):
        p = s["parameters"][name]
        assert p["low_68"] <= p["median"] <= p["high_68"]
        assert p["median"] == pytest.approx(np.median(result.samples()[:, result.names.index(name)]))
    assert s["best"]["log_likelihood"] == pytest.approx(np.max(result.log_likelihood))
    text = format_summary(s)
    assert "m_zprime" in text and "acceptance fraction" in text
    json.dumps(s)  # plain JSON


def test_chain_parquet_has_one_row_per_walker_and_step(result: FitResult, tmp_path: Path) -> None:
    path = write_chain(result, tmp_path / "chain.parquet")
    table = pq.read_table(path)
    assert table.num_rows == 160
    for name in ("walker", "step", "burn_in", "m_zprime", "g_psi", "log_likelihood", "allowed",
                 "max_ratio", "eps_u_emu", "g_nu_ab"):
        assert name in table.column_names
    cols = table.to_pydict()
    row = 13 * 8 + 3  # step 13, walker 3
    assert (cols["step"][row], cols["walker"][row]) == (13, 3)
    assert cols["g_psi"][row] == result.chain[13, 3, 1]
    assert cols["log_likelihood"][row] == result.log_likelihood[13, 3]
    assert sum(cols["burn_in"]) == 5 * 8
    meta = json.loads(table.schema.metadata[b"lfvnsi.fit"])
    assert meta["spec"]["name"] == "tiny fit" and meta["options"]["seed"] == 7


def test_corner_plot_renders_png_and_pdf(result: FitResult, tmp_path: Path) -> None:
    fig = corner_figure(result)
    assert len(fig.axes) == 4
    assert fig.axes[2].get_xlabel() == "log10 m_zprime [GeV]"
    assert fig.axes[2].get_ylabel() == "log10 g_psi"
    assert fig.axes[0].get_xlim() == pytest.approx((-2.0, 0.0))  # the prior range
    png = save_figure(fig, tmp_path / "corner.png")
    pdf = save_figure(fig, tmp_path / "corner.pdf")
    assert png.read_bytes()[:4] == b"\x89PNG" and pdf.read_bytes()[:4] == b"%PDF"


def test_step_mode_samples_only_allowed_points() -> None:
    r = run_fit(tiny_spec(), FitOptions(walkers=8, steps=10, burn=2, seed=3, mode="step"))
    assert np.all(r.allowed) and np.all(r.log_likelihood == 0.0)


def test_points_the_pipeline_cannot_evaluate_get_minus_infinity() -> None:
    """mu_L1 above 1e-3 x the lightest heavy mass (5.4e-4 GeV) is refused by the pipeline
    (HierarchyError; flagged invalid in a batch): that walker alone gets -inf, and a fit over
    such a range runs and keeps to the region the pipeline accepts."""
    spec = tiny_spec(g_psi={"range": [0.001, 0.5], "scale": "log"},
                     mu_L1={"range": [1e-8, 1e-2], "scale": "log"})
    base = spec.base_parameters()
    with pytest.raises(HierarchyError):
        evaluate(base.replace(mu_L1=np.array([1e-7, 1e-2])))
    post = Posterior(spec)
    rows = post(np.array([[-2.0, -7.0], [-2.0, -2.0], [-1.0, -6.0], [5.0, -7.0]]))
    assert np.isfinite(rows[[0, 2], 0]).all()
    assert rows[1, 0] == -np.inf and np.isnan(rows[1, 1:]).all()
    assert rows[3, 0] == -np.inf  # outside the prior: not evaluated
    fit = run_fit(spec, FitOptions(walkers=8, steps=15, burn=0, seed=2))
    assert np.all(fit.chain[..., 1] <= 5.4e-4) and np.all(np.isfinite(fit.log_likelihood))


def test_a_batch_refused_as_a_whole_is_evaluated_walker_by_walker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipeline that raises for any batch holding g_psi > 0.1: the batch falls back to one
    evaluation per walker, the offending walkers get -inf, the others their own numbers."""
    import lfvnsi.scan.fit as fit_module

    calls: list[int] = []

    def strict(params: Parameters, **kwargs: object) -> object:
        calls.append(params.size)
        if np.any(params.g_psi > 0.1):
            raise LfvnsiError("refused")
        return evaluate(params, **kwargs)  # type: ignore[arg-type]

    post = Posterior(tiny_spec())
    theta = np.log10([[0.05, 0.01], [0.05, 0.3], [0.2, 0.002]])
    expected = post(theta[[0, 2]])
    monkeypatch.setattr(fit_module, "evaluate", strict)
    rows = post(theta)
    assert calls == [3, 1, 1, 1]
    assert rows[1, 0] == -np.inf and np.isnan(rows[1, 1:]).all()
    assert rows[[0, 2]] == pytest.approx(expected, rel=1e-12)


def test_options_from_the_fit_table_and_the_command_line() -> None:
    opts = fit_options({"walkers": 8, "steps": 20, "burn": 5}, {"steps": 30, "seed": None}, 2,
                       default_seed=4)
    assert (opts.walkers, opts.steps, opts.burn, opts.seed, opts.mode) == (8, 30, 5, 4, "gaussian")
    with pytest.raises(ConfigError, match="walkers"):
        fit_options({}, {"walkers": 3}, 2)
    with pytest.raises(ConfigError, match="burn"):
        fit_options({}, {"steps": 10, "burn": 10}, 2)
    with pytest.raises(ConfigError, match="thin"):
        fit_options({"thin": 2}, {}, 2)
    with pytest.raises(ConfigError, match="corner"):
        fit_options({}, {"corner": "c.svg"}, 2)
    with pytest.raises(ConfigError, match="out"):
        fit_options({}, {"out": "chain.csv"}, 2)


def test_no_start_with_finite_likelihood_is_one_error() -> None:
    """Step mode where nothing is allowed: g_B = 0.1 gives mu-e conversion far above SINDRUM."""
    spec = spec_from_mapping({"parameters": {"g_B": 0.1}, "scan": {"vary": {
        "m_zprime": {"range": [0.05, 0.1], "scale": "log"},
        "g_psi": {"range": [0.3, 0.5], "scale": "log"}}}})
    with pytest.raises(LfvnsiError, match="finite likelihood"):
        run_fit(spec, FitOptions(walkers=4, steps=2, burn=0, mode="step"))


def test_missing_extras_are_one_line_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "emcee", None)
    monkeypatch.setitem(sys.modules, "corner", None)
    with pytest.raises(MissingExtraError, match=r"lfvnsi\[fit\]"):
        require_emcee()
    with pytest.raises(MissingExtraError, match=r"lfvnsi\[fit\]"):
        require_corner()


def lfvnsi(*args: str, cwd: Path, prelude: str = "pass") -> subprocess.CompletedProcess[str]:
    code = f"{prelude}; from lfvnsi.cli import main; main({list(args)!r})"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=False, cwd=cwd)


def test_cli_fit_json_chain_and_corner(tmp_path: Path) -> None:
    (tmp_path / "fit.toml").write_text(SPEC_TOML, encoding="utf-8")
    proc = lfvnsi("fit", "fit.toml", "--steps", "12", "--burn", "2", "--seed", "5", "--json",
                  "--out", "chain.parquet", "--corner", "corner.pdf", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["steps"] == 12 and doc["walkers"] == 8 and doc["seed"] == 5
    assert set(doc["parameters"]) == {"m_zprime", "g_psi"}
    assert pq.read_table(tmp_path / "chain.parquet").num_rows == 12 * 8
    assert (tmp_path / "corner.pdf").read_bytes()[:4] == b"%PDF"


def test_cli_fit_readable_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from lfvnsi.cli import cli

    (tmp_path / "fit.toml").write_text(SPEC_TOML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(cli, ["fit", "fit.toml", "--steps", "6", "--burn", "1", "--mode",
                                   "step", "--out", "c.parquet"])
    assert out.exit_code == 0, out.output
    assert "8 walkers x 6 steps" in out.output and "step likelihood" in out.output
    assert "g_psi" in out.output and "wrote c.parquet" in out.output


@pytest.mark.parametrize(("args", "prelude", "needle"), [
    (("--walkers", "3"), "", "walkers"),
    (("--corner", "c.svg"), "", "corner"),
    ((), "import sys; sys.modules['emcee'] = None", "lfvnsi[fit]"),
])
def test_cli_fit_errors_are_one_line(tmp_path: Path, args: tuple[str, ...], prelude: str,
                                     needle: str) -> None:
    (tmp_path / "fit.toml").write_text(SPEC_TOML, encoding="utf-8")
    proc = lfvnsi("fit", "fit.toml", *args, cwd=tmp_path, prelude=prelude or "pass")
    assert proc.returncode == 2
    assert proc.stderr.startswith("lfvnsi: error:") and proc.stderr.strip().count("\n") == 0
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_the_example_fit_is_valid() -> None:
    from lfvnsi.io.config import config_section, read_config

    path = Path(__file__).parents[2] / "examples" / "fit.toml"
    document = read_config(path)
    spec = spec_from_mapping(document, str(path))
    options = fit_options(config_section(document, "fit"), {}, len(spec.axes), spec.seed)
    assert [a.name for a in spec.axes] == ["m_zprime", "g_psi", "g_B"]
    assert options.walkers >= 2 * len(spec.axes) and options.burn < options.steps
