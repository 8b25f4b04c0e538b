"""The ``lfvnsi`` command.

Bad input of any kind ends with one line on stderr, ``lfvnsi: error: ...``, and exit code 2.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

import click

from lfvnsi.dune_command import dune
from lfvnsi.exceptions import ConfigError, LfvnsiError

__all__ = ["main"]


def _one_line_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LfvnsiError as exc:
            _error_exit(str(exc))
        except OSError as exc:  # a file given on the command line that cannot be read or written
            if exc.errno == errno.EPIPE:
                raise  # the reader of a pipe went away: click leaves quietly
            where = f"{str(exc.filename)!r}: " if exc.filename else ""
            _error_exit(f"{where}{exc.strerror or exc}")

    return wrapper


def _echo_json(document: Any, indent: int | None = 1) -> None:
    """Print a --json document as strict JSON (non-finite numbers as null, see io.strict_json)."""
    from lfvnsi.io.strict_json import to_json

    click.echo(to_json(document, indent=indent))


def _error_exit(message: str) -> NoReturn:
    click.echo(f"lfvnsi: error: {' '.join(message.split())}", err=True)
    sys.exit(2)


#: click >= 8.2 raises this for a group called without a command (older click prints the help).
_NO_ARGS_IS_HELP: type[click.ClickException] = getattr(click.exceptions, "NoArgsIsHelpError",
                                                        type("_Never", (click.ClickException,), {}))


class _Group(click.Group):
    """The command group: click's own usage errors (an unknown option, a value of the wrong type,
    a directory where a file is expected, ...) get the one-line form of every other error."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _NO_ARGS_IS_HELP as exc:  # bare ``lfvnsi``: the help text, not an error
            exc.show()
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            ctx = getattr(exc, "ctx", None)
            where = f"{ctx.info_name}: " if ctx is not None and ctx.parent is not None else ""
            hint = f" (see {ctx.command_path} --help)" if ctx is not None else ""
            text = exc.format_message()
            _error_exit(f"{where}{text[:1].lower()}{text[1:].rstrip('.')}{hint}")
        except click.Abort:
            click.echo("lfvnsi: interrupted", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lfvnsi")
def cli() -> None:
    """LFV non-standard neutrino interactions from a light Z' (Farzan, arXiv:1912.09408)."""


@cli.command()
@click.argument("config", required=False, type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override one parameter (repeatable), e.g. --set M1=2.0 --set texture=paper.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of tables.")
@click.option("--bounds", "bound_set", default="current", show_default=True,
              type=click.Choice(["current", "paper", "future"]),
              help="Bound set: current limits, the paper's, or current plus projections.")
@_one_line_errors
def point(config: str | None, overrides: tuple[str, ...], as_json: bool, bound_set: str) -> None:
    """Evaluate one point (default: the built-in benchmark) and report it."""
    from lfvnsi.constraints.summary import point_constraints
    from lfvnsi.io import load_point, point_document
    from lfvnsi.pipeline import evaluate

    params = load_point(config, overrides)
    results = evaluate(params)
    document = point_document(results)
    document.update(point_constraints(results, bound_set))
    if as_json:
        _echo_json(document)
        return
    from lfvnsi.report import print_point

    print_point(document)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the table as one JSON document.")
@_one_line_errors
def reproduce(as_json: bool) -> None:
    """Recompute every quantitative claim of the paper: its number, ours, the verdict and why."""
    from lfvnsi.reproduce import reproduction_table

    rows = reproduction_table()
    if as_json:
        _echo_json({"claims": rows})
        return
    from lfvnsi.report import print_reproduction

    print_reproduction(rows)


@cli.command()
@click.argument("config", required=False, type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override one model parameter (repeatable), e.g. --set g_B=1e-4.")
@click.option("--preset", default=None, help="dune, t2hk or atmospheric (default dune).")
@click.option("--ordering", default=None, help="normal (default) or inverted.")
@click.option("--release", default=None, help="Oscillation-parameter release (default nufit-6.0).")
@click.option("--antineutrino/--neutrino", default=None, help="Antineutrinos (default neutrinos).")
@click.option("--energy-min", "energy_min_GeV", type=float, default=None, help="Lowest energy, GeV.")
@click.option("--energy-max", "energy_max_GeV", type=float, default=None, help="Highest energy, GeV.")
@click.option("--n-energies", type=int, default=None, help="Number of log-spaced energies.")
@click.option("--baseline", "baseline_km", type=float, default=None, help="Baseline, km.")
@click.option("--density", "density_g_cm3", type=float, default=None, help="Density, g/cm^3.")
@click.option("--Ye", "Ye", type=float, default=None, help="Electrons per nucleon.")
@click.option("--cos-zenith-min", type=float, default=None, help="Earth preset: lowest cos(zenith).")
@click.option("--cos-zenith-max", type=float, default=None, help="Earth preset: highest cos(zenith).")
@click.option("--n-zenith", type=int, default=None, help="Earth preset: number of zenith angles.")
@click.option("--slabs", "slabs_per_segment", type=int, default=None,
              help="Earth preset: slabs per PREM segment (default 8).")
@click.option("--channel", default=None, help="Channel of the report and plots, e.g. mu->e.")
@click.option("--out", default=None, help="Write the table to FILE.csv or FILE.parquet.")
@click.option("--plot", default=None, help="Write the figure to FILE.png/.pdf/.svg.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of tables.")
@_one_line_errors
def oscillate(config: str | None, overrides: tuple[str, ...], as_json: bool,
              **flags: Any) -> None:
    """Oscillation probabilities with the model's NSI against standard matter."""
    from lfvnsi.io import load_point
    from lfvnsi.io.config import config_section, read_config
    from lfvnsi.oscillation.document import oscillation_document
    from lfvnsi.oscillation.output import plot_oscillation, write_table
    from lfvnsi.oscillation.run import resolve_options, run_oscillation

    table = config_section(read_config(config), "oscillation") if config is not None else {}
    options = resolve_options(table, flags)
    params = load_point(config, overrides)
    result = run_oscillation(params, options)
    if options["out"]:
        write_table(result, options["out"])
    if options["plot"]:
        plot_oscillation(result, options["plot"])
    if as_json:
        _echo_json(oscillation_document(result), indent=None)
        return
    from lfvnsi.oscillation.report import print_oscillation

    print_oscillation(result)


@cli.command()
@click.argument("config", required=False, type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override one model parameter (repeatable), e.g. --set m_zprime=0.05.")
@click.option("--datasets", default=None, metavar="LIST",
              help="Comma-separated releases (default: csi2017,csi2021,lar2020).")
@click.option("--form-factor", "form_factor", default=None,
              help="Nuclear form factor: helm (default) or klein_nystrand.")
@click.option("--plots", "plots", default=None, metavar="DIR", type=click.Path(file_okay=False),
              help="Write predicted-versus-observed spectra (PNG, one per release) into DIR.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of a table.")
@_one_line_errors
def cevns(config: str | None, overrides: tuple[str, ...], datasets: str | None,
          form_factor: str | None, plots: str | None, as_json: bool) -> None:
    """CEvNS of one model point (default: the benchmark) against COHERENT's released data.

    Options may also come from a [cevns] table of CONFIG (datasets, form_factor, plots);
    command-line options win.
    """
    from lfvnsi.cevns.cli import run_cevns

    run_cevns(config, overrides, datasets, form_factor, plots, as_json)


@cli.command()
@click.option("--status", "statuses", multiple=True, type=click.Choice(["paper", "current", "future"]),
              help="Only records of this status (repeatable).")
@click.option("--observable", default=None, help="Only records on this observable.")
@click.option("--json", "as_json", is_flag=True, help="Print the records as one JSON document.")
@_one_line_errors
def bounds(statuses: tuple[str, ...], observable: str | None, as_json: bool) -> None:
    """List the bounds database (data/bounds.toml): id, observable, limit, CL, status, source."""
    from lfvnsi.constraints import load_bounds
    from lfvnsi.report import print_bounds

    everything = load_bounds()
    known = sorted({b.observable for b in everything})
    if observable is not None and observable not in known:
        import difflib

        close = difflib.get_close_matches(observable, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(f"--observable {observable!r}: no record of the bounds database is on it"
                          f"{hint}; observables with records: {', '.join(known)}")
    records = [b for b in everything if (not statuses or b.status in statuses)
               and (observable is None or b.observable == observable)]
    if as_json:
        _echo_json({"bounds": [_bound_json(b) for b in records]})
        return
    print_bounds(records)


def _bound_json(b: Any) -> dict[str, Any]:
    limit: Any = b.value if b.curve is None else {"curve": b.curve.path, "x": b.curve.x_name}
    return {"id": b.id, "observable": b.observable, "kind": b.kind, "limit": limit, "cl": b.cl,
            "status": b.status, "experiment": b.experiment, "year": b.year,
            "reference": b.reference, "arxiv": b.arxiv, "doi": b.doi, "inspire": b.inspire,
            "verified": b.verified, "note": b.note}


@cli.command()
@click.argument("config", required=False, type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override one parameter (repeatable).")
@click.option("--bounds", "bound_set", default="current", show_default=True,
              type=click.Choice(["current", "paper", "future"]), help="Bound set of the run.")
@_one_line_errors
def cite(config: str | None, overrides: tuple[str, ...], bound_set: str) -> None:
    """BibTeX for everything a `lfvnsi point` run uses: the model, the inputs, the bounds."""
    from lfvnsi.constraints import evaluate_constraints
    from lfvnsi.io import load_point
    from lfvnsi.io.citations import bibtex
    from lfvnsi.pipeline import evaluate

    c = evaluate_constraints(evaluate(load_point(config, overrides)), bound_set)
    used = tuple(b for k, b in enumerate(c.bounds) if bool(c.applicable[k]))
    click.echo(bibtex(used), nl=False)


@cli.command()
@click.argument("spec_path", metavar="SPEC", type=click.Path(dir_okay=False))
@click.option("--out", default=None, metavar="FILE.parquet",
              help="Results directory (default: the spec's name + .parquet in the working directory).")
@click.option("--resume", is_flag=True, help="Continue an interrupted scan of the same spec.")
@click.option("--workers", type=int, default=1, show_default=True,
              help="Local worker processes (or local Dask workers with --executor dask).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on an existing Dask cluster, e.g. tcp://host:8786.")
@click.option("--executor", default="auto", show_default=True,
              type=click.Choice(["auto", "serial", "processes", "dask"]),
              help="auto: dask with --scheduler, processes with --workers > 1, else serial.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--skip-disk-check", is_flag=True,
              help="Start even if the parts may not fit on the disk (the estimate assumes no "
                   "compression); the memory check cannot be skipped.")
@_one_line_errors
def scan(spec_path: str, out: str | None, resume: bool, workers: int, scheduler: str | None,
         executor: str, quiet: bool, skip_disk_check: bool) -> None:
    """Scan the parameter space of SPEC (TOML) through the whole pipeline, chunk by chunk."""
    from pathlib import Path

    from lfvnsi.scan import load_spec
    from lfvnsi.scan.progress import run_with_progress

    spec = load_spec(spec_path)
    target = Path(out) if out else Path(f"{spec.name}.parquet")  # in the working directory
    summary = run_with_progress(spec, target, resume=resume, workers=workers,
                                executor=executor, scheduler=scheduler, quiet=quiet,
                                check_disk=not skip_disk_check)
    repaired = (f", {summary.chunks_repaired} damaged and computed again"
                if summary.chunks_repaired else "")
    click.echo(f"{summary.points_computed} points in {summary.chunks_computed} chunks "
               f"({summary.chunks_skipped} already done{repaired}) -> {summary.out}  "
               f"[{summary.seconds:.1f} s, {summary.points_per_second:.3g} points/s]")


@cli.command()
@click.argument("spec_path", metavar="SPEC", type=click.Path(dir_okay=False))
@click.option("--out", default=None, metavar="FILE.parquet",
              help="Write the bins (default: <spec name>-reach.parquet in the working directory); "
                   "finished bins are kept in FILE.parquet.bins.json, so the same command "
                   "resumes an interrupted run.")
@click.option("--workers", type=int, default=None,
              help="Processes over the bins (default: the [reach] table's, else 1).")
@click.option("--plot", "plot_path", default=None, metavar="FILE.png|.pdf", help="Write the figure.")
@click.option("--scan", "scan_path", default=None, metavar="RESULTS.parquet",
              help="A scan result to draw behind the reach (its allowed points).")
@click.option("--quiet", is_flag=True, help="No progress line.")
@click.option("--json", "as_json", is_flag=True, help="Print the bins as one JSON document.")
@_one_line_errors
def reach(spec_path: str, out: str | None, workers: int | None, plot_path: str | None,
          scan_path: str | None, quiet: bool, as_json: bool) -> None:
    """The largest allowed |objective| per bin of one axis of SPEC, by constrained optimisation.

    Settings come from a [reach] table of SPEC (axis, bins, objective, restarts, generations,
    population, seed, seeding, workers); without one, 25 log bins of m_zprime and eps^u of the
    spec's flavour pair.
    """
    from pathlib import Path

    from lfvnsi.io.config import config_section, read_config
    from lfvnsi.scan.reach import reach_from_mapping, run_reach, write_reach
    from lfvnsi.scan.spec import spec_from_mapping

    document = read_config(spec_path)
    spec = spec_from_mapping(document, spec_path)
    table = dict(config_section(document, "reach"))
    if workers is not None:
        table["workers"] = workers
    settings = reach_from_mapping(table, spec, spec_path)
    if plot_path is not None:
        from lfvnsi.plots.figure import check_path

        check_path(plot_path, "plot")
    target = Path(out) if out else Path(f"{spec.name}-reach.parquet")
    if target.suffix != ".parquet":
        raise ConfigError(f"option 'out' = {str(target)!r}: the file name must end in .parquet")

    def progress(done: int, total: int) -> None:
        if not (quiet or as_json):
            click.echo(f"reach: {done}/{total} bins", err=True)

    result = run_reach(spec, settings, target, progress)
    write_reach(result, target)
    if plot_path is not None:
        from lfvnsi.plots import save_figure
        from lfvnsi.plots.figure import use_agg
        from lfvnsi.plots.reach import reach_result_figure
        from lfvnsi.plots.scan import load_scan

        use_agg()
        behind = load_scan(scan_path, [settings.axis, settings.objective]) if scan_path else None
        save_figure(reach_result_figure(result, behind), plot_path, "plot")
    if as_json:
        _echo_json(result.to_json())
        return
    from lfvnsi.report import print_reach

    print_reach(result, target)


@cli.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--walkers", type=int, default=None, help="emcee walkers (default 32, >= 2 x axes).")
@click.option("--steps", type=int, default=None, help="Steps per walker (default 1000).")
@click.option("--burn", type=int, default=None, help="Burn-in steps left out of the summary (200).")
@click.option("--seed", type=int, default=None, help="Random seed (default: the spec's seed).")
@click.option("--mode", default=None, type=click.Choice(["gaussian", "step"]),
              help="Likelihood: limits as Gaussians (default) or allowed/excluded.")
@click.option("--out", default=None, metavar="FILE.parquet", help="Write the chain.")
@click.option("--corner", default=None, metavar="FILE.png|.pdf", help="Write the corner plot.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON document.")
@_one_line_errors
def fit(spec: str, as_json: bool, **flags: Any) -> None:
    """MCMC (emcee) over the axes of a scan SPEC, on the likelihood of the spec's bound set.

    Options may also sit in a [fit] table of SPEC; command-line options win.
    """
    from lfvnsi.io.config import config_section, read_config
    from lfvnsi.scan.fit import fit_options, format_summary, require_emcee, run_fit, write_chain
    from lfvnsi.scan.spec import spec_from_mapping

    require_emcee()
    document = read_config(spec)
    scan_spec = spec_from_mapping(document, spec)
    options = fit_options(config_section(document, "fit"), flags, len(scan_spec.axes),
                          default_seed=scan_spec.seed)
    if options.corner is not None:  # a missing extra stops the command before sampling
        from lfvnsi.plots.figure import use_agg
        from lfvnsi.plots.fit import corner_figure, require_corner

        use_agg()
        require_corner()
    if as_json or not sys.stderr.isatty():
        result = run_fit(scan_spec, options)
    else:
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("sampling", total=options.steps)
            result = run_fit(scan_spec, options, progress=lambda k: bar.update(task, completed=k))
    written = []
    if options.out is not None:
        written.append(write_chain(result, options.out))
    if options.corner is not None:
        from lfvnsi.plots import save_figure

        written.append(save_figure(corner_figure(result), options.corner, "corner"))
    summary = result.summary()
    if as_json:
        summary["written"] = [str(p) for p in written]
        _echo_json(summary)
        return
    click.echo(format_summary(summary, written))


@cli.command()
@click.argument("results", type=click.Path())
@click.option("--x", "x", default=None, help="Column on the x axis (default: first scanned axis).")
@click.option("--y", "y", default=None,
              help="Column on the y axis (default: second axis); with --reach: one eps column.")
@click.option("--logx/--linx", default=None, help="Log or linear x axis (default: log if x > 0).")
@click.option("--logy/--liny", default=None, help="Log or linear y axis (default: log if y > 0).")
@click.option("--out", default=None, metavar="FILE.png|.pdf",
              help="Output file (default: RESULTS_<x>_<y>.png or RESULTS_reach.png beside RESULTS).")
@click.option("--reach", is_flag=True, help="The NSI reach versus m_Z' with the current limits.")
@click.option("--bins", type=int, default=25, show_default=True, help="m_Z' bins of --reach.")
@click.option("--legend", "n_legend", type=int, default=8, show_default=True,
              help="Strongest constraints named in the legend; the rest are 'other'.")
@_one_line_errors
def plot(results: str, x: str | None, y: str | None, logx: bool | None, logy: bool | None,
         out: str | None, reach: bool, bins: int, n_legend: int) -> None:
    """Allowed and excluded regions of a scan RESULTS directory, or its NSI reach (--reach)."""
    from lfvnsi.plots import plot_scan
    from lfvnsi.plots.figure import use_agg

    use_agg()

    _, path = plot_scan(results, out, x, y, logx, logy, reach=reach, n_bins=bins,
                        n_legend=n_legend)
    click.echo(f"wrote {path}")




cli.add_command(dune)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    cli.main(args=argv, prog_name="lfvnsi")


if __name__ == "__main__":  # pragma: no cover
    main()
