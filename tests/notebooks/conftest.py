"""Helpers for the notebook tests: a python3 kernelspec from the project's venv, and
``execute_notebook`` (harness.notebook.execute: nbclient in a fresh kernel, parameters
injected after the cell tagged ``parameters`` as papermill does, executed copy written to
reports/notebooks/)."""

from __future__ import annotations

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
    from harness.notebook.execute import ensure_kernel

    return ensure_kernel(KERNEL)


def execute_notebook(name: str, kernel: str, params: dict[str, Any] | None = None, suffix: str = "") -> Any:
    """Run ``notebooks/<name>`` top to bottom in a fresh kernel (working directory
    ``notebooks/``, as Jupyter Lab would; :func:`harness.notebook.execute.execute`, the
    committed outputs cleared first) and return the executed notebook, outputs as
    produced (not normalised). The executed copy goes to ``reports/notebooks/``; a
    failing cell fails the test with the cell's source and traceback."""
    import nbformat
    from nbclient.exceptions import CellExecutionError

    from harness.notebook.execute import execute

    EXECUTED_DIR.mkdir(parents=True, exist_ok=True)
    out = EXECUTED_DIR / (Path(name).stem + suffix + ".ipynb")
    try:
        nb = execute(NOTEBOOK_DIR / name, params, kernel=kernel, timeout=CELL_TIMEOUT)
    except CellExecutionError as exc:
        nbformat.write(exc.notebook, out)  # type: ignore[attr-defined]  # set by execute()
        pytest.fail(f"{name}{' ' + suffix if suffix else ''} failed (executed copy: {out}):\n{exc}", pytrace=False)
    nbformat.write(nb, out)
    return nb
