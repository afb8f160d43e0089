"""The committed notebooks: built by notebooks/build.py, committed without outputs,
parameterised (papermill ``parameters`` cell first), and one section per guide step."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

from harness.notebook.guide import Guide
from tests.notebooks.conftest import NOTEBOOK_DIR

pytestmark = pytest.mark.notebook


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notebooks_build", NOTEBOOK_DIR / "build.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


BUILD = _builder()
NAMES = sorted(BUILD.NOTEBOOKS)


def test_the_four_notebooks_of_issue_8_are_built() -> None:
    assert NAMES == ["01-keycloak-dcr.ipynb", "02-gluu-dcr.ipynb", "03-jwt-edge-cases.ipynb",
                     "04-reproduce-a-customer-setup.ipynb"]
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_equals_the_builders_output(name: str) -> None:
    committed = (NOTEBOOK_DIR / name).read_text(encoding="utf-8")
    assert committed == BUILD.render(name), f"{name} is stale: run .venv/bin/python notebooks/build.py"


def assert_no_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {cell.id} has outputs"
            assert cell.execution_count is None, f"{path.name} cell {cell.id} has an execution count"


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs_or_execution_counts(name: str) -> None:
    assert_no_outputs(NOTEBOOK_DIR / name)


@pytest.mark.parametrize("what", ["outputs", "execution count"])
def test_the_check_rejects_an_executed_notebook(tmp_path: Path, what: str) -> None:
    nb = nbformat.reads(BUILD.render(NAMES[0]), as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    if what == "outputs":
        cell.outputs = [nbformat.v4.new_output("stream", text="hello")]
    else:
        cell.execution_count = 3
    path = tmp_path / NAMES[0]
    nbformat.write(nb, path)
    with pytest.raises(AssertionError, match=f"has (an )?{what}"):
        assert_no_outputs(path)


@pytest.mark.parametrize("name", NAMES)
def test_first_code_cell_is_the_papermill_parameters_cell(name: str) -> None:
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert first.metadata.get("tags") == ["parameters"]
    assert re.search(r'^IDP = "emulator"', first.source, re.M)
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name,scenario", [("01-keycloak-dcr.ipynb", "scenarios/keycloak.yaml"),
                                           ("02-gluu-dcr.ipynb", "scenarios/gluu.yaml")])
def test_every_step_of_the_guide_is_its_own_section(name: str, scenario: str) -> None:
    """Each step of the scenario's plan is run by exactly one ``guide.run("<step>")`` cell,
    right after a markdown cell that explains it, in the plan's order."""
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    with Guide.open(scenario) as guide:  # the IdP starts only when a step runs
        plan = [s.id for s in guide.steps]
    ran: list[str] = []
    for i, cell in enumerate(nb.cells):
        m = re.match(r'result = guide\.run\("([a-z-]+)"\)', cell.source) if cell.cell_type == "code" else None
        if m:
            ran.append(m.group(1))
            before = nb.cells[i - 1]
            assert before.cell_type == "markdown" and before.source.startswith("## "), \
                f"{name}: step {m.group(1)} has no explanation before it"
    assert ran == plan


def test_no_notebook_reimplements_jwt_validation() -> None:
    """Verdicts come from the harness gateway: no notebook verifies signatures itself."""
    for name in NAMES:
        nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        for banned in (".verify(", "jws.JWS(", "import jwt", "hmac.compare_digest", "from harness.jose.tokens import verify"):
            assert banned not in code, f"{name} uses {banned}"
