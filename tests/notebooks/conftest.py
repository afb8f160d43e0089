"""Helpers for the notebook tests: a python3 kernelspec from the project's venv, and
``execute_notebook`` (nbclient in a fresh kernel, parameters injected after the cell
tagged ``parameters`` as papermill does, executed copy written to reports/notebooks/)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
EXECUTED_DIR = ROOT / "reports" / "notebooks"
KERNEL = "python3"
#: Per-cell timeout (seconds). A cell that boots nothing finishes in seconds on the
#: emulator; the real-server notebook reuses the session's Keycloak.
CELL_TIMEOUT = 300


@pytest.fixture(scope="session")
def kernel_name() -> str:
    """The ``python3`` kernelspec, installed into the venv (``--sys-prefix``) when missing."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(prefix=sys.prefix, kernel_name=KERNEL)
    return KERNEL


def inject_parameters(nb: Any, params: dict[str, Any]) -> Any:
    """Insert an ``injected-parameters`` cell right after the ``parameters`` cell."""
    import nbformat

    if not params:
        return nb
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    src = "# Parameters injected by the test\n" + "\n".join(f"{k} = {v!r}" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(src, id="injected-parameters")
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(index + 1, cell)
    return nb


def execute_notebook(name: str, kernel: str, params: dict[str, Any] | None = None, suffix: str = "") -> Any:
    """Run ``notebooks/<name>`` top to bottom in a fresh kernel (working directory
    ``notebooks/``, as Jupyter Lab would) and return the executed notebook. The
    executed copy goes to ``reports/notebooks/``; a failing cell fails the test with
    the cell's source and traceback."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = inject_parameters(nbformat.read(NOTEBOOK_DIR / name, as_version=4), params or {})
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=kernel,
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    EXECUTED_DIR.mkdir(parents=True, exist_ok=True)
    out = EXECUTED_DIR / (Path(name).stem + suffix + ".ipynb")
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{name}{' ' + suffix if suffix else ''} failed (executed copy: {out}):\n{exc}", pytrace=False)
    finally:
        nbformat.write(nb, out)
    return nb
