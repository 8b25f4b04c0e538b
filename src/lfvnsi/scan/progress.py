"""A scan with a progress bar (points, points/s, time left) on the terminal."""

from __future__ import annotations

import time
from pathlib import Path

from lfvnsi.scan.runner import ScanSummary, run_scan
from lfvnsi.scan.spec import ScanSpec

__all__ = ["run_with_progress"]


def run_with_progress(spec: ScanSpec, out: Path, resume: bool = False, workers: int = 1,
                      executor: str = "auto", scheduler: str | None = None,
                      quiet: bool = False, check_disk: bool = True) -> ScanSummary:
    """``run_scan`` with a rich progress bar on stderr (none when ``quiet``)."""
    if quiet:
        return run_scan(spec, out, resume=resume, workers=workers, executor=executor,
                        scheduler=scheduler, check_disk=check_disk)
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

        started, computed = time.perf_counter(), [0]

        def advance(chunk: int, points: int) -> None:
            computed[0] += points  # this run's points only: a resumed scan's rate is honest
            rate = computed[0] / (time.perf_counter() - started)
            bar.update(task, advance=points, rate=f"{rate:.3g} points/s")

        def resumed(done: int) -> None:  # the bar counts this run's points (honest rate, eta)
            if done:
                bar.update(task, total=spec.size - done,
                           description=f"{spec.name} (resumed, {done} points already done)")

        return run_scan(spec, out, resume=resume, workers=workers, executor=executor,
                        scheduler=scheduler, on_chunk=advance,
                        on_start=lambda done: resumed(done), check_disk=check_disk)
