"""The committed notebooks: each ``.ipynb`` paired by jupytext with a percent-format ``.py``
source and in sync with it, committed with their (normalised) outputs, parameterised (papermill
``parameters`` cell first), one section per guide step, and referring to no file outside
the repository.

Pairing: ``notebooks/jupytext.toml`` (https://jupytext.readthedocs.io/en/latest/config.html).
The sync check is jupytext's own comparison (``jupytext.compare.compare_notebooks``, the
one behind ``jupytext --test``): cell types, sources and metadata, ignoring outputs,
execution counts and the cell metadata Jupyter adds while running."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest
from jupytext.compare import NotebookDifference, compare_notebooks
from jupytext.config import load_jupytext_config

from harness.notebook.execute import normalise, stale_cells
from harness.notebook.guide import Guide
from tests.notebooks.conftest import NOTEBOOK_DIR, ROOT

pytestmark = pytest.mark.notebook

NAMES = ["01-keycloak-dcr.ipynb", "02-gluu-dcr.ipynb", "03-jwt-edge-cases.ipynb",
         "04-reproduce-a-customer-setup.ipynb", "05-our-gateway-and-real-tyk.ipynb"]
#: The pairing ``notebooks/jupytext.toml`` declares (jupytext's ``formats`` syntax).
PAIRED_FORMATS = "ipynb,py:percent"


def source_of(notebook: Path) -> Path:
    """The percent-format source paired with ``notebook`` (same stem, ``.py``)."""
    return notebook.with_suffix(".py")


def assert_in_sync(notebook: Path) -> None:
    """Raise ``NotebookDifference`` unless the cells of ``notebook`` equal those of its
    paired ``.py`` (what ``jupytext --sync`` would otherwise rewrite)."""
    from_text = jupytext.read(source_of(notebook), fmt="py:percent")
    from_ipynb = nbformat.read(notebook, as_version=4)
    compare_notebooks(from_text, from_ipynb, fmt="py:percent", compare_outputs=False, compare_ids=False)


def test_the_notebooks_of_issues_8_and_20_each_have_their_source() -> None:
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")) == NAMES
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.py")) == [source_of(Path(n)).name for n in NAMES]


@pytest.mark.parametrize("name", NAMES)
def test_jupytext_pairs_the_notebook_with_its_percent_source(name: str) -> None:
    """Jupyter (through jupytext's contents manager) and ``jupytext --sync`` read the
    pairing from the configuration file, so saving either file updates the other."""
    config = load_jupytext_config(str(NOTEBOOK_DIR / name))
    assert config is not None, "notebooks/jupytext.toml is missing"
    assert config.default_formats(str(NOTEBOOK_DIR / name)) == PAIRED_FORMATS
    header = source_of(NOTEBOOK_DIR / name).read_text(encoding="utf-8")
    assert re.search(r"^#\s+format_name: percent$", header, re.M), "the .py is not in percent format"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_and_its_source_are_in_sync(name: str) -> None:
    try:
        assert_in_sync(NOTEBOOK_DIR / name)
    except NotebookDifference as exc:
        pytest.fail(f"{name} and {source_of(Path(name)).name} differ: run jupytext --sync notebooks/*.ipynb\n{exc}",
                    pytrace=False)


def _copy_pair(tmp_path: Path, name: str) -> Path:
    shutil.copy(NOTEBOOK_DIR / name, tmp_path / name)
    shutil.copy(source_of(NOTEBOOK_DIR / name), source_of(tmp_path / name))
    return tmp_path / name


def test_the_sync_check_rejects_a_source_edited_without_syncing(tmp_path: Path) -> None:
    notebook = _copy_pair(tmp_path, NAMES[0])
    py = source_of(notebook)
    text = py.read_text(encoding="utf-8")
    assert 'IDP = "emulator"' in text
    py.write_text(text.replace('IDP = "emulator"', 'IDP = "keycloak-dist"', 1), encoding="utf-8")
    with pytest.raises(NotebookDifference):
        assert_in_sync(notebook)


def test_the_sync_check_rejects_a_cell_added_in_jupyter(tmp_path: Path) -> None:
    notebook = _copy_pair(tmp_path, NAMES[0])
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print('added in Jupyter')"))
    nbformat.write(nb, notebook)
    with pytest.raises(NotebookDifference):
        assert_in_sync(notebook)


def test_the_sync_check_ignores_outputs_and_execution_metadata(tmp_path: Path) -> None:
    """Executed notebooks (outputs, counts, ``ExecuteTime``-style metadata) stay in sync:
    outputs may be committed into the .ipynb files without touching the .py sources."""
    notebook = _copy_pair(tmp_path, NAMES[0])
    nb = nbformat.read(notebook, as_version=4)
    for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.outputs = [nbformat.v4.new_output("stream", text=f"output {n}\n")]
        cell.execution_count = n + 1
        cell.metadata["scrolled"] = True
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.2", "mimetype": "text/x-python"}
    nbformat.write(nb, notebook)
    assert_in_sync(notebook)


#: Path-like tokens in a cell: relative ones with a file extension or starting with ``../``,
#: and absolute ones with a file extension. URL paths (``/tyk/apis``) and ``admin/admin`` are not files.
PATH_TOKEN = re.compile(r"(?<![\w.:/~-])((?:\.\./|/)?[\w.-]+(?:/[\w.-]+)+)")
FILE_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")
#: Path-like strings that are not file references, each with why.
NOT_FILES = {
    "../../../../dev/null": "03-jwt-edge-cases: a JWS `kid` header value sent to the gateway (path traversal attack), never opened",
}


def outside_references(nb: nbformat.NotebookNode) -> list[str]:
    """Path-like tokens of ``nb``'s cells that do not name a file or folder of this
    repository (relative to the repository root, or to ``notebooks/`` where the kernel runs)."""
    bad = []
    for cell in nb.cells:
        for token in PATH_TOKEN.findall(cell.source):
            if token in NOT_FILES:
                continue
            has_extension = FILE_EXTENSION.search(token) is not None
            if token.startswith("/"):
                if has_extension:
                    bad.append(token)
                continue
            if not (has_extension or token.startswith("../")):
                continue
            here = [p.resolve() for p in (ROOT / token, NOTEBOOK_DIR / token)]
            if not any(p.is_relative_to(ROOT) and p.exists() for p in here):
                bad.append(token)
    return bad


@pytest.mark.parametrize("name", NAMES)
def test_no_notebook_refers_to_files_outside_the_repository(name: str) -> None:
    assert outside_references(nbformat.read(NOTEBOOK_DIR / name, as_version=4)) == []


@pytest.mark.parametrize("token", ["../shared/reference/gluu.md", "shared/reference/gluu.md", "/work/shared/DESIGN.md",
                                   "../../shared/seeds", "scenarios/no-such-scenario.yaml"])
def test_the_reference_check_rejects_a_file_outside_the_repository(token: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"See `{token}` and `scenarios/keycloak.yaml`."),
                                         nbformat.v4.new_code_cell(f'open("{token}")')])
    assert outside_references(nb) == [token, token]


@pytest.mark.parametrize("name", NAMES)
def test_committed_with_normalised_outputs(name: str) -> None:
    """Every code cell carries its outputs and execution count (a reader sees the run
    without running it), and no run-specific value is left in them: normalising the
    committed notebook again changes nothing (harness.notebook.execute)."""
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), \
        f"{name} was not executed top to bottom: run python -m harness.notebook.execute"
    assert stale_cells(nb, normalise(copy.deepcopy(nb))) == []


def test_the_output_check_rejects_a_notebook_without_outputs() -> None:
    committed = nbformat.read(NOTEBOOK_DIR / NAMES[0], as_version=4)
    bare = copy.deepcopy(committed)
    for cell in bare.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    assert stale_cells(committed, bare) != []


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


#: Markdown links and images: ``[text](target)``, ``![alt](target)``, ``<img src="target">``.
MD_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|<img\s[^>]*src=\"([^\"]+)\"")


def _anchor(heading: str) -> str:
    """The anchor Jupyter and GitHub give a markdown heading (lower case, spaces to hyphens,
    punctuation dropped)."""
    text = re.sub(r"[`*_]", "", heading.strip().lstrip("#").strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def broken_links(markdown: list[str], base: Path) -> list[str]:
    """Links in ``markdown`` (the texts of one document) that do not resolve: a relative
    target must name a file or folder of the repository (relative to ``base``, the
    document's folder, as GitHub and Jupyter resolve it), a ``#anchor`` a heading of the
    same document, an ``http(s)`` URL must be well formed (not fetched: the tests run
    offline)."""
    from urllib.parse import urlparse

    anchors = {_anchor(line) for text in markdown for line in text.splitlines() if line.startswith("#")}
    bad = []
    for text in markdown:
        for m in MD_LINK.finditer(text):
            target = m.group(1) or m.group(2)
            url = urlparse(target)
            if url.scheme in ("http", "https"):
                if not url.netloc:
                    bad.append(target)
            elif url.scheme:
                bad.append(target)  # file:, javascript:, ... never in a learner notebook
            elif target.startswith("#"):
                if target[1:] not in anchors:
                    bad.append(target)
            else:
                path = (base / url.path).resolve()
                if not (path.is_relative_to(ROOT) and path.exists()):
                    bad.append(target)
    return bad


@pytest.mark.parametrize("name", NAMES)
def test_every_link_in_a_notebook_resolves(name: str) -> None:
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert broken_links(texts, NOTEBOOK_DIR) == []


def test_every_link_in_the_notebooks_readme_resolves() -> None:
    assert broken_links([(NOTEBOOK_DIR / "README.md").read_text(encoding="utf-8")], NOTEBOOK_DIR) == []


@pytest.mark.parametrize("link", ["[the profile](../docs/no-such-file.md)", "[out](../../shared/DESIGN.md)",
                                  "[a section](#no-such-heading)", "[bad](https:///path-only)",
                                  "![picture](img/missing.png)", '<img src="img/missing.png">', "[x](file:///etc/passwd)"])
def test_the_link_check_rejects_what_does_not_resolve(link: str) -> None:
    assert broken_links([f"# Title\n\nSee {link}."], NOTEBOOK_DIR) != []


def test_the_link_check_accepts_what_resolves() -> None:
    doc = ("# A title\n\n## Step 1 — `discovery`\n\n[profiles](../docs/profiles.md) [scenario](../scenarios/keycloak.yaml) "
           "[rfc](https://www.rfc-editor.org/rfc/rfc7591) [up](#a-title) [step](#step-1--discovery)")
    assert broken_links([doc], NOTEBOOK_DIR) == []
