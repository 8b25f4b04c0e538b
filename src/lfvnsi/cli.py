"""The ``lfvnsi`` command.

Bad input of any kind ends with one line on stderr, ``lfvnsi: error: ...``, and exit code 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from lfvnsi.exceptions import LfvnsiError

__all__ = ["main"]


def _one_line_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LfvnsiError as exc:
            click.echo(f"lfvnsi: error: {' '.join(str(exc).split())}", err=True)
            sys.exit(2)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lfvnsi")
def cli() -> None:
    """LFV non-standard neutrino interactions from a light Z' (Farzan, arXiv:1912.09408)."""


@cli.command()
@click.argument("config", required=False, type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override one parameter (repeatable), e.g. --set M1=2.0 --set texture=paper.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of tables.")
@_one_line_errors
def point(config: str | None, overrides: tuple[str, ...], as_json: bool) -> None:
    """Evaluate one point (default: the built-in benchmark) and report it."""
    from lfvnsi.couplings import compute_couplings
    from lfvnsi.io import load_point, point_document
    from lfvnsi.spectrum import compute_spectrum

    params = load_point(config, overrides)
    spectrum = compute_spectrum(params)
    couplings = compute_couplings(params, spectrum)
    document = point_document(params, spectrum, couplings)
    if as_json:
        click.echo(json.dumps(document, indent=1, allow_nan=True))
        return
    from lfvnsi.report import print_point

    print_point(document)


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


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    cli.main(args=argv, prog_name="lfvnsi")


if __name__ == "__main__":  # pragma: no cover
    main()
