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
    from lfvnsi.io import load_point, point_document
    from lfvnsi.pipeline import evaluate

    params = load_point(config, overrides)
    document = point_document(evaluate(params))
    if as_json:
        click.echo(json.dumps(document, indent=1, allow_nan=True))
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
        click.echo(json.dumps({"claims": rows}, indent=1, allow_nan=True))
        return
    from lfvnsi.report import print_reproduction

    print_reproduction(rows)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    cli.main(args=argv, prog_name="lfvnsi")


if __name__ == "__main__":  # pragma: no cover
    main()
