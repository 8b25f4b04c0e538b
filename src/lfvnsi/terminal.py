"""The rich console of the text reports: terminal width on a terminal, no wrapping elsewhere.

On a terminal rich fits tables and lines to its width. Piped into a file or another program
(``lfvnsi reproduce | less``, ``lfvnsi bounds > bounds.txt``) it would assume 80 columns, wrap
every long line and cut table cells with an ellipsis; there the console is as wide as the
content instead, so each table row stays one line and no id is cut.
"""

from __future__ import annotations

from rich.console import Console

__all__ = ["PIPE_WIDTH", "report_console"]

#: Width of the console when the output is not a terminal: wider than any line of a report.
PIPE_WIDTH = 100_000


def report_console(stderr: bool = False) -> Console:
    """A console for stdout (or stderr), unwrapped when that is not a terminal."""
    console = Console(stderr=stderr)
    if console.is_terminal:
        return console
    return Console(stderr=stderr, width=PIPE_WIDTH)
