"""Scans on a Dask cluster (a local one here): the same numbers as in one process, also when a
worker is killed in the middle of the scan."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import distributed  # the test extra installs it: missing is a failure, not a skip
import pytest
from scan_specs import assert_same, columns, spec

from lfvnsi.scan import run_scan


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as c:
        yield c


SPEC = {"points": 4000, "chunk": 250}


def test_dask_equals_one_process(cluster: distributed.LocalCluster, tmp_path: Path) -> None:
    run_scan(spec(**SPEC), tmp_path / "serial")
    summary = run_scan(spec(**SPEC), tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert summary.chunks_computed == 16
    assert_same(columns(tmp_path / "dask"), columns(tmp_path / "serial"))


def test_a_killed_worker_does_not_change_the_result(cluster: distributed.LocalCluster,
                                                    tmp_path: Path) -> None:
    run_scan(spec(**SPEC, seed=5), tmp_path / "serial")
    with distributed.Client(cluster) as client:  # one client at a time in this process
        pids = client.run(os.getpid)  # worker address -> pid
    killed: list[int] = []

    def kill_one(chunk: int, points: int) -> None:
        if not killed:  # after the first finished chunk: the others are in flight
            victim = next(iter(pids.values()))
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    run_scan(spec(**SPEC, seed=5), tmp_path / "dask", scheduler=cluster.scheduler_address,
             on_chunk=kill_one)
    assert killed
    with distributed.Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        assert killed[0] not in client.run(os.getpid).values()  # it was really replaced
    assert_same(columns(tmp_path / "dask"), columns(tmp_path / "serial"))


def test_local_dask_cluster_from_workers(tmp_path: Path) -> None:
    """``--workers N --executor dask`` starts (and stops) its own local cluster."""
    run_scan(spec(points=600, chunk=200), tmp_path / "serial")
    run_scan(spec(points=600, chunk=200), tmp_path / "dask", workers=2, executor="dask")
    assert_same(columns(tmp_path / "dask"), columns(tmp_path / "serial"))
