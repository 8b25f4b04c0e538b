"""The tutorials, executed once per test session with nbclient, for the notebook and site tests."""

from __future__ import annotations

import os
import warnings

import pytest
from docs_support import NOTEBOOKS, Executed


@pytest.fixture(scope="session")
def executed_tutorials(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Executed]:
    """Each notebook of docs/tutorials run top to bottom in a fresh kernel and scratch directory.

    The kernel's working directory and TMPDIR are the scratch directory, so whatever a tutorial
    writes stays there; the stored notebooks are not modified.
    """
    with warnings.catch_warnings():
        # jupyter_client announces its platformdirs migration with a DeprecationWarning
        warnings.simplefilter("ignore", DeprecationWarning)
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError

        out: dict[str, Executed] = {}
        for path in NOTEBOOKS:
            scratch = tmp_path_factory.mktemp(path.stem)
            notebook = nbformat.read(path, as_version=4)
            client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                                    resources={"metadata": {"path": str(scratch)}})
            env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
            env.update(TMPDIR=str(scratch), JUPYTER_PLATFORM_DIRS="1")
            error = None
            try:
                client.execute(env=env)
            except CellExecutionError as exc:
                error = str(exc)
            out[path.name] = Executed(path, notebook, error, scratch)
    return out
