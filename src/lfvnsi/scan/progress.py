"""A scan with a progress bar (points, points/s, time left) on the terminal."""

from __future__ import annotations

from pathlib import Path

from lfvnsi.scan.runner import ScanSummary, run_scan
from lfvnsi.scan.spec import ScanSpec

__all__ = ["run_with_progress"]


def run_with_progress(spec: ScanSpec, out: Path, resume: bool = False, workers: int = 1,
                      executor: str = "auto", scheduler: str | None = None,
                      quiet: bool = False) -> ScanSummary:
    """``run_scan`` with a rich progress bar on stderr (none when ``quiet``)."""
    if quiet:
        return run_scan(spec, out, resume=resume, workers=workers, executor=executor,
                        scheduler=scheduler)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TaskProgressColumn(), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(spec.name, total=spec.size, rate="")

        def advance(chunk: int, points: int) -> None:
            bar.advance(task, points)
            speed = bar.tasks[0].speed
            bar.update(task, rate=f"{speed:.3g} points/s" if speed else "")

        if resume:
            bar.update(task, completed=0)
        return run_scan(spec, out, resume=resume, workers=workers, executor=executor,
                        scheduler=scheduler, on_chunk=advance)
