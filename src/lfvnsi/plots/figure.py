"""Creating and writing figures: pyplot-free, so no window and no global figure state.

References: DESIGN.md (layer ``lfvnsi.plots``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lfvnsi.exceptions import ConfigError, MissingExtraError

__all__ = ["FORMATS", "check_path", "new_figure", "save_figure", "use_agg"]

#: File formats of the figures, chosen by the output's extension.
FORMATS = (".png", ".pdf")


def use_agg() -> None:
    """Select matplotlib's Agg backend (for the command line: files only, never a window)."""
    try:
        import matplotlib
    except ImportError:
        raise MissingExtraError("matplotlib", "plots", "plots") from None
    matplotlib.use("Agg")


def new_figure(**kwargs: Any) -> Any:
    """A ``matplotlib.figure.Figure`` (not attached to pyplot), or a one-line error naming the extra."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtraError("matplotlib", "plots", "plots") from None
    return Figure(**kwargs)


def check_path(path: str | Path, option: str = "out") -> Path:
    """The output path, refused (one line) unless it ends in .png or .pdf."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ConfigError(f"option {option!r} = {str(path)!r}: the file name must end in "
                          f"{' or '.join(FORMATS)}")
    return path


def save_figure(fig: Any, path: str | Path, option: str = "out") -> Path:
    """Write ``fig`` as PNG (150 dpi) or PDF, by the extension of ``path``; returns the path."""
    path = check_path(path, option)
    try:
        fig.savefig(path, dpi=150, bbox_inches="tight")
    except OSError as exc:
        raise ConfigError(f"cannot write {str(path)!r}: {exc}") from None
    return path
