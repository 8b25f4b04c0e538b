"""Text reports piped into a file or another program: one line per table row, nothing cut."""

from __future__ import annotations

import io

from click.testing import CliRunner
from rich.console import Console

from lfvnsi.cli import cli
from lfvnsi.constraints import load_bounds
from lfvnsi.terminal import PIPE_WIDTH, report_console


def piped(*args: str) -> str:
    """The command's stdout as a pipe receives it (CliRunner's stream is not a terminal)."""
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_console_is_unwrapped_only_off_a_terminal(monkeypatch) -> None:
    import sys

    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert report_console().width == PIPE_WIDTH
    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    assert report_console().width < PIPE_WIDTH


def test_bounds_table_has_every_id_whole() -> None:
    out = piped("bounds")
    assert "…" not in out
    rows = [line for line in out.splitlines() if line.startswith("│")]
    records = load_bounds()
    assert len(rows) == len(records)  # one line per record
    for b, row in zip(records, rows, strict=True):
        assert row.split("│")[1].strip() == b.id


def test_reproduce_keeps_one_line_per_claim() -> None:
    from lfvnsi.reproduce import reproduction_table

    claims = reproduction_table()
    out = piped("reproduce")
    assert "…" not in out
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == len(claims)
    for c, row in zip(claims, rows, strict=True):
        assert c["claim"] in row and c["where"] in row
    notes = [line for line in out.splitlines() if line[:3].strip().rstrip(".").isdigit()]
    assert len(notes) == len(claims)  # each reason on one line
    assert len(out.splitlines()) <= 2 * len(claims) + 8


def test_point_and_oscillate_reports_cut_nothing() -> None:
    for args in (("point",), ("oscillate", "--n-energies", "12")):
        assert "…" not in piped(*args)
