"""Execute the learner notebooks and commit what they show (issue 20).

``python -m harness.notebook.execute`` runs every notebook of ``notebooks/`` top to
bottom in a fresh kernel (nbclient, working directory ``notebooks/`` as in Jupyter
Lab, the emulators: each notebook's own ``parameters`` cell), normalises the values
that change from run to run, and writes the outputs into the ``.ipynb``: browsing the
repository shows the traffic, tokens and verdicts without running anything.
``--check`` writes nothing: it executes into memory and exits 1, naming the cells,
when a committed notebook's outputs differ from a fresh run's (stale outputs). A notebook
that needs what this machine lacks (:data:`REQUIRES`: 05 runs the real Tyk gateway) is
SKIPPED with the reason and how to provide it; its committed outputs stay.

Normalisation (:class:`Normaliser`) replaces, in every output (stream text, each
MIME bundle entry, error values), only values that no two runs share: loopback ports,
UUIDs, hex and base64 identifiers and key material, the redactor's secret fingerprints
(``***redacted:ab12cd34***``, harness.core.redact), the harness's run tag in client
names, epoch seconds and milliseconds, ISO and HTTP dates, durations in milliseconds,
temporary directories, memory addresses and any compact JWT that is not already
masked. Identifiers and fingerprints are numbered in order of first appearance within
one notebook (``⟨uuid-2⟩``, ``***redacted:⟨secret-3⟩***``), so the reader can still
follow one client id or one secret from exchange to exchange; ports, times and
durations become a bare placeholder (a freed port may be handed out again within a
run, and a second boundary may fall between two timestamps, so numbering those would
differ from run to run). Placeholders use ``⟨ ⟩``, which no rule matches and HTML does
not escape: normalising twice changes nothing.

Consecutive stream outputs of one stream are joined (:func:`merge_streams`): where the
kernel's flushes cut a cell's printing is timing, not content. Nothing else is rewritten, so a real change in what a notebook shows (a status, a
claim, a reason, a cell added) makes ``--check`` fail. nbclient's own volatile metadata
(cell timings) is not recorded; the notebook's ``language_info`` keeps only the
language name (the patch version of Python is the machine's, not the notebook's).
"""

from __future__ import annotations

import argparse
import copy
import difflib
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.launchers.registry import Role, how_to_provide, unavailable
from harness.notebook.guide import project_root

#: Notebooks that run a launcher this machine may lack, by stem: (role, kind) of the launcher
#: registry (harness.launchers.registry). Without it the notebook is not executed: its committed
#: outputs stay as they are, and the run says SKIPPED with the registry's reason and how to
#: provide what is missing (never a pass, never a failure).
REQUIRES: dict[str, tuple[Role, str]] = {"05-our-gateway-and-real-tyk": ("gateway", "tyk-oss")}
#: Seconds one cell may take. The emulator notebooks finish each cell in seconds; the
#: real Keycloak one (tests only) reuses a running server.
CELL_TIMEOUT = 300
KERNEL = "python3"


def notebook_dir() -> Path:
    """``notebooks/`` of the project this module belongs to."""
    root = project_root(Path(__file__).resolve().parent)
    if root is None:  # pragma: no cover - an installed copy without the repository
        raise FileNotFoundError("dcr-harness repository not found above harness/notebook")
    return root / "notebooks"


def notebook_paths(names: Iterable[str] = ()) -> list[Path]:
    """The notebooks named (file names, stems, or a stem's unique start such as ``01``),
    or all of ``notebooks/*.ipynb``."""
    here = notebook_dir()
    wanted = list(names)
    if not wanted:
        return sorted(here.glob("*.ipynb"))
    paths = []
    for name in wanted:
        p = here / (name if name.endswith(".ipynb") else name + ".ipynb")
        if not p.is_file():
            starts = sorted(here.glob(f"{name}*.ipynb")) if "/" not in name and "*" not in name else []
            if len(starts) != 1:
                raise FileNotFoundError(f"no notebook {p}")
            p = starts[0]
        paths.append(p)
    return paths


def missing(path: Path) -> str | None:
    """Why ``path`` cannot run on this machine (what it needs, why it is missing, how to
    provide it: :data:`REQUIRES`), or None when it can."""
    need = REQUIRES.get(path.stem)
    if need is None:
        return None
    role, kind = need
    reason = unavailable(kind, role)
    if reason is None:
        return None
    provide = how_to_provide(kind, role)
    return f"{reason}. To run it: {provide}" if provide else reason


# ----------------------------------------------------------------------------------------
# Normalisation


@dataclass
class _Numbered:
    """Numbers distinct values of one kind in order of first appearance."""

    kind: str
    seen: dict[str, int] = field(default_factory=dict)

    def label(self, value: str) -> str:
        n = self.seen.setdefault(value, len(self.seen) + 1)
        return f"⟨{self.kind}-{n}⟩"


_UUID = re.compile(r"(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])", re.I)
#: A UUID cut short for display (``6cee102d-75d…``, the sequence diagram's labels).
_UUID_CUT = re.compile(r"(?<![0-9a-f])([0-9a-f]{8}-[0-9a-f-]{0,27})…", re.I)
_FINGERPRINT = re.compile(r"\*\*\*redacted:([0-9a-f]{8})\*\*\*")
#: The same mask inside a form body as a report prints it, percent-encoded (RFC 3986 §2.1).
_FINGERPRINT_ENCODED = re.compile(r"%2A%2A%2Aredacted%3A([0-9a-f]{8})%2A%2A%2A", re.I)
#: The run tag the harness appends to client names (harness.scenario.context: 8 hex digits).
_RUN_TAG = re.compile(r"(\[dcr-harness )([0-9a-f]{8})\]")
#: A compact JWS/JWT not already masked (RFC 7515 §7.1): base64url header ``eyJ...``.
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_PORT = re.compile(r"\b((?:127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0)):\d{2,5}\b")
_TMP = re.compile(re.escape(tempfile.gettempdir().rstrip("/")) + r"/[\w.-]+")
_ADDR = re.compile(r"\b0x[0-9a-f]{6,16}\b")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_HTTP_DATE = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\b")
#: Epoch seconds (``iat``, ``exp``, ``client_id_issued_at``) or milliseconds (a JWK's
#: ``exp`` in Gluu) from 2001 to 2286.
_EPOCH = re.compile(r"(?<![\w.⟨-])1\d{9}(?:\d{3})?(?:\.\d+)?(?![\w⟩-])")
_MS = re.compile(r"\b\d+(?:\.\d+)? ?ms\b")
#: Hex identifiers (the portal's ids): 12 to 64 hex digits, or 8 to 11 with a letter and
#: a digit (shorter all-digit runs are ordinary numbers).
_HEX = re.compile(r"(?<![\w⟨-])(?:[0-9a-f]{12,64}|(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{8,11})(?![\w⟩])")
#: base64/base64url material (key ids, moduli, certificates, random state): 16 or more
#: characters with an upper-case and a lower-case letter (a random 24-character value
#: lacks one with odds of about 1 in 250 000; a digit is missing 1 time in 60).
_B64 = re.compile(r"(?<![\w⟨+/=-])(?=[\w+/-]*[A-Z])(?=[\w+/-]*[a-z])[A-Za-z0-9_+/-]{16,}={0,2}(?![\w⟩])")
#: The real Tyk gateway's version as ``/hello`` reports it (``v5.15.0-dev+381c1935.3cf01ad24``:
#: a release, and for a build from a checkout the commit hashes): kept as it is, so a reader
#: sees which Tyk answered (the hex rule would otherwise number the hashes). A run on another
#: Tyk binary shows another version: its outputs are stale for this one, as they should be.
_TYK_VERSION = re.compile(r"\bv\d+\.\d+\.\d+(?:-[0-9A-Za-z]+)?(?:\+[0-9a-f]{7,40}(?:\.[0-9a-f]{7,40})*)?(?=[^\w.]|$|\.(?!\w))")
#: One word of prose or code: ``jwksAlgorithmsSupported``, ``Keycloak``, ``RS256``, ``v1``.
_WORD = re.compile(r"[A-Z]?[a-z]+(?:[A-Z][a-z]+)*\d*|[A-Z0-9]{1,8}|[a-z]+\d+")


def _looks_like_words(value: str) -> bool:
    """True for identifiers and paths made of words (``jwksAlgorithmsSupported``,
    ``oxauth/restv1/register``, ``Key_not_authorized``) that the base64 rule would
    otherwise take; random base64 almost never splits into such words."""
    return all(_WORD.fullmatch(part) for part in re.split(r"[/_+-]", value) if part)


class Normaliser:
    """Replace the run-specific values of one notebook's outputs (module docstring).

    One instance per notebook: numbered placeholders count across all of its outputs,
    in the order :meth:`notebook` visits them (cells in order, MIME types sorted)."""

    def __init__(self) -> None:
        self._uuid = _Numbered("uuid")
        self._secret = _Numbered("secret")
        self._id = _Numbered("id")
        self._b64 = _Numbered("random")
        # Order matters: masked secrets and JWTs first, then the shapes that contain
        # digits the later, looser rules would otherwise take apart.
        self._rules: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
            (_FINGERPRINT, lambda m: f"***redacted:{self._secret.label(m.group(1))}***"),
            (_FINGERPRINT_ENCODED, lambda m: f"%2A%2A%2Aredacted%3A{self._secret.label(m.group(1))}%2A%2A%2A"),
            (_RUN_TAG, lambda m: f"{m.group(1)}{self._id.label(m.group(2))}]"),
            (_JWT, lambda m: "⟨jwt⟩"),
            (_TMP, lambda m: "⟨tmp⟩"),
            (_PORT, lambda m: f"{m.group(1)}:⟨port⟩"),
            (_UUID, lambda m: self._uuid.label(m.group(0).lower())),
            (_UUID_CUT, self._cut_uuid),
            (_ISO_DATE, lambda m: "⟨date⟩"),
            (_HTTP_DATE, lambda m: "⟨date⟩"),
            (_ADDR, lambda m: "0x⟨addr⟩"),
            (_EPOCH, lambda m: "⟨epoch⟩"),
            (_MS, lambda m: "⟨ms⟩"),
            (_B64, self._base64),
            (_HEX, lambda m: self._id.label(m.group(0))),
        ]

    def _cut_uuid(self, m: re.Match[str]) -> str:
        """The label of the one UUID seen so far that starts with the shown prefix."""
        prefix = m.group(1).lower()
        matches = [u for u in self._uuid.seen if u.startswith(prefix)]
        return (self._uuid.label(matches[0]) if len(matches) == 1 else "⟨uuid⟩") + "…"

    def _base64(self, m: re.Match[str]) -> str:
        return m.group(0) if _looks_like_words(m.group(0)) else self._b64.label(m.group(0))

    def text(self, text: str) -> str:
        """``text`` with every volatile value replaced (values to keep, :data:`_TYK_VERSION`,
        are set aside first and put back after)."""
        kept: list[str] = []

        def keep(m: re.Match[str]) -> str:
            kept.append(m.group(0))
            return f"\x00{len(kept) - 1}\x00"

        text = _TYK_VERSION.sub(keep, text)
        for pattern, replace in self._rules:
            text = pattern.sub(replace, text)
        return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)

    def output(self, out: dict[str, Any]) -> dict[str, Any]:
        """One nbformat output, normalised in place (and returned)."""
        if "text" in out:
            out["text"] = self._any(out["text"])
        for mime in sorted(out.get("data", {})):
            if mime.startswith("text/") or mime.endswith(("+json", "/json", "javascript")):
                out["data"][mime] = self._any(out["data"][mime])
        if "evalue" in out:
            out["evalue"] = self.text(out["evalue"])
        if "traceback" in out:
            out["traceback"] = [self.text(line) for line in out["traceback"]]
        out.get("metadata", {}).pop("execution", None)
        return out

    def _any(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self._any(v) for v in value]
        if isinstance(value, dict):
            return {k: self._any(v) for k, v in value.items()}
        return value

    def notebook(self, nb: Any) -> Any:
        """Every output of ``nb`` normalised in place; volatile metadata dropped."""
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
            if "outputs" in cell:
                cell.outputs = merge_streams(cell.outputs)
            for out in cell.get("outputs", []):
                self.output(out)
        info = nb.metadata.get("language_info")
        if info is not None:
            nb.metadata["language_info"] = {"name": info.get("name", "python")}
        return nb


def merge_streams(outputs: list[Any]) -> list[Any]:
    """``outputs`` with consecutive ``stream`` outputs of the same stream joined into one.
    How a cell's printing is cut into stream messages depends on when the kernel flushes
    (``print`` writes its text and its end separately; under load a flush falls between
    them), not on what the cell printed; Jupyter shows the joined text either way."""
    merged: list[Any] = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None and prev.get("output_type") == "stream"
                and prev.get("name") == out.get("name")):
            prev["text"] = _joined(prev.get("text", "")) + _joined(out.get("text", ""))
            continue
        merged.append(out)
    return merged


def _joined(text: str | list[str]) -> str:
    return text if isinstance(text, str) else "".join(text)


def normalise(nb: Any) -> Any:
    """``nb`` with its outputs normalised (a fresh :class:`Normaliser`)."""
    return Normaliser().notebook(nb)


# ----------------------------------------------------------------------------------------
# Execution


def ensure_kernel(name: str = KERNEL) -> str:
    """The ``python3`` kernelspec, installed into this interpreter's prefix when missing."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(prefix=sys.prefix, kernel_name=name)
    return name


def inject_parameters(nb: Any, params: dict[str, Any]) -> Any:
    """Insert an ``injected-parameters`` cell right after the cell tagged ``parameters``
    (as papermill does)."""
    import nbformat

    if not params:
        return nb
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    src = "# Parameters injected by the test\n" + "\n".join(f"{k} = {v!r}" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(src, id="injected-parameters")
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(index + 1, cell)
    return nb


def execute(path: Path, params: dict[str, Any] | None = None, *, kernel: str = KERNEL,
            timeout: int = CELL_TIMEOUT) -> Any:
    """``path`` executed top to bottom in a fresh kernel (working directory: its folder),
    outputs as produced (not normalised). Raises nbclient's ``CellExecutionError`` with
    the failing cell's source and traceback; the partly executed notebook is on the
    exception as ``.notebook``."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = inject_parameters(nbformat.read(path, as_version=4), params or {})
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        exc.notebook = nb  # type: ignore[attr-defined]  # the partial run, for the caller to save
        raise
    return nb


def outputs_of(nb: Any) -> list[tuple[str, str]]:
    """``(cell id, outputs as text)`` for every code cell: what the check compares (stream
    outputs joined as :func:`merge_streams` does, so a notebook written before that rule
    compares equal)."""
    return [(c.get("id", str(i)), json.dumps({"count": c.execution_count,
                                               "outputs": merge_streams(copy.deepcopy(c.outputs))},
                                              indent=1, sort_keys=True))
            for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def stale_cells(committed: Any, fresh: Any) -> list[str]:
    """One line (and a short diff) per code cell whose committed outputs differ from the
    fresh, normalised run's; empty when the committed notebook is up to date."""
    old_cells, new = outputs_of(committed), outputs_of(fresh)
    old = dict(old_cells)
    problems = []
    if [i for i, _ in old_cells] != [i for i, _ in new]:
        problems.append("the code cells differ (run jupytext --sync, then this command)")
    for cell_id, text in new:
        if old.get(cell_id) != text:
            diff = difflib.unified_diff((old.get(cell_id) or "").splitlines(), text.splitlines(),
                                        "committed", "fresh run", n=0, lineterm="")
            problems.append(f"cell {cell_id}:\n" + "\n".join(list(diff)[:12]))
    return problems


@dataclass(frozen=True)
class Outcome:
    """What happened to one notebook."""

    path: Path
    seconds: float
    problems: tuple[str, ...] = ()
    #: Why it was not executed (:func:`missing`), or None.
    skipped: str | None = None


def run(paths: Sequence[Path], *, check: bool, kernel: str = KERNEL) -> list[Outcome]:
    """Execute each notebook; write its normalised outputs (``check=False``) or
    compare them with the committed ones (``check=True``)."""
    import nbformat

    outcomes = []
    for path in paths:
        why_not = missing(path)
        if why_not is not None:
            outcomes.append(Outcome(path, 0.0, skipped=why_not))
            continue
        started = time.monotonic()
        fresh = normalise(execute(path, kernel=kernel))
        problems: tuple[str, ...] = ()
        if check:
            problems = tuple(stale_cells(nbformat.read(path, as_version=4), fresh))
        else:
            nbformat.write(fresh, path)
        outcomes.append(Outcome(path, time.monotonic() - started, problems))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    """``python -m harness.notebook.execute [--check] [NOTEBOOK ...]``."""
    p = argparse.ArgumentParser(prog="python -m harness.notebook.execute",
                                description="Execute the learner notebooks on the emulators and write their "
                                            "normalised outputs into the .ipynb files (--check: only compare).")
    p.add_argument("notebooks", nargs="*", help="notebook file names or stems (default: all of notebooks/)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 when a committed notebook's outputs are stale")
    args = p.parse_args(argv)
    from nbclient.exceptions import CellExecutionError

    try:
        outcomes = run(notebook_paths(args.notebooks), check=args.check, kernel=ensure_kernel())
    except (FileNotFoundError, CellExecutionError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    stale = 0
    for o in outcomes:
        if o.skipped is not None:
            sys.stdout.write(f"{o.path.name}: SKIPPED, committed outputs kept ({o.skipped})\n")
            continue
        state = ("stale" if o.problems else "up to date") if args.check else "written"
        sys.stdout.write(f"{o.path.name}: {state} ({o.seconds:.1f} s)\n")
        for problem in o.problems:
            sys.stdout.write(f"  {problem}\n")
        stale += bool(o.problems)
    if stale:
        sys.stdout.write(f"{stale} notebook(s) have stale outputs: run ./harness.sh notebooks "
                         "(or python -m harness.notebook.execute) and commit the .ipynb files\n")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
