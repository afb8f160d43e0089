"""Regenerate ``tyk_fields.json`` (the fields of Tyk's API definition and policy) from Tyk's Go source.

    python -m harness.tyk.gateway.fields_gen                  # compare: exit 0 if up to date, 1 (with the changes) if stale
    python -m harness.tyk.gateway.fields_gen --write          # write tyk_fields.json
    python -m harness.tyk.gateway.fields_gen --tyk-src DIR    # read Tyk's source from DIR (a checkout at TYK_COMMIT)

The generator is ``tools/tykfields`` (Go, go/parser + go/ast, standard library only; its
doc comment states the encoding/json rules it follows, its tests check them on a synthetic
module of our own), run with ``go run``. No copy of Tyk's code is kept in this repository:
Tyk's source comes from, in this order,

1. ``--tyk-src DIR``, else ``$DCR_HARNESS_TYK_SRC``: a tree of TykTechnologies/tyk at
   TYK_COMMIT that the user has (a git checkout, an unpacked archive);
2. the Go module proxy: ``go mod download -json github.com/TykTechnologies/tyk@TYK_VERSION``
   (measured here, 2026-12-04: proxy.golang.org answers ``403 Forbidden ... This module
   version is not available`` for every version of that module; other machines may be
   served, so it is still tried).

With neither, the command fails with one line naming what to provide (exit 2). The JSON's
header records the commit, the pseudo-version and the sha256 of every Go file read, so a
run on another tree (another commit, a patched checkout) reports those files as changed.

TYK_COMMIT is the commit the harness runs as the real open-source gateway (the last one
whose Go dependencies the module proxy serves; shared/reference/tyk.md); TYK_VERSION is its
Go pseudo-version (https://go.dev/ref/mod#pseudo-versions: the newest v0/v1 tag below it is
v1.9.1, so ``v1.9.2-0.<UTC commit time>-<12 hex>``; Tyk's v5 tags are not valid for a module
path without ``/v5``). To move to another commit, change both, then run with ``--tyk-src``
(or where the proxy serves it, without) and ``--write``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.core.errors import ConfigError, HarnessError

TYK_MODULE = "github.com/TykTechnologies/tyk"
#: The Tyk commit the schema describes (2026-08-04 11:54:09 UTC).
TYK_COMMIT = "381c1935128eedbec8e60a88b47f9f9484298f63"
#: Its Go module pseudo-version.
TYK_VERSION = "v1.9.2-0.20260804115409-381c1935128e"

#: The committed JSON (package data, read by harness.tyk.gateway.fieldschema).
JSON_PATH = Path(__file__).with_name("tyk_fields.json")
#: The Go generator (outside the package: a source checkout is needed to regenerate).
GENERATOR_DIR = Path(__file__).resolve().parents[3] / "tools" / "tykfields"
#: The environment variable naming a tree of Tyk's source (as ``--tyk-src``).
ENV_TYK_SRC = "DCR_HARNESS_TYK_SRC"

#: A generous bound for one ``go`` call (a cold module download of Tyk is tens of MB).
GO_TIMEOUT_S = 600


class SourceUnavailable(HarnessError):
    """Tyk's source could not be had (no ``go``, or the module proxy refused the module):
    something to provide, so exit code 2 as for other input errors."""

    exit_code = 2


@dataclass(frozen=True)
class TykSource:
    """A tree of Tyk's source and where it came from (for messages)."""

    root: Path
    origin: str


def go_env() -> dict[str, str]:
    """The environment for our ``go`` calls: no workspace, no inherited build flags that
    could change module resolution (the generator uses the standard library only)."""
    env = dict(os.environ)
    env.update({"GOWORK": "off", "GOFLAGS": "-buildvcs=false"})
    return env


def go_binary() -> str:
    """The ``go`` command, or :class:`SourceUnavailable` naming what is missing."""
    go = shutil.which("go")
    if go is None:
        raise SourceUnavailable("the Go toolchain ('go') is not on PATH", hint="install Go 1.22 or newer")
    return go


def download_module(version: str = TYK_VERSION, timeout_s: float = GO_TIMEOUT_S) -> TykSource:
    """``go mod download -json`` of Tyk at ``version``: the module's directory in the Go
    module cache, or :class:`SourceUnavailable` with the proxy's answer (or the time-out)."""
    go = go_binary()
    ref = f"{TYK_MODULE}@{version}"
    with tempfile.TemporaryDirectory() as outside_any_module:  # so no go.mod is consulted or edited
        try:
            proc = subprocess.run([go, "mod", "download", "-json", ref], capture_output=True, text=True,
                                  env=go_env(), cwd=outside_any_module, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise SourceUnavailable(f"go mod download {ref}: no answer within {timeout_s:g} s") from None
    try:
        info: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        info = {}
    if proc.returncode != 0 or info.get("Error") or not info.get("Dir"):
        reason = " ".join(str(info.get("Error") or proc.stderr or f"go exited {proc.returncode}").split())
        raise SourceUnavailable(f"go mod download {ref}: {reason.removeprefix(ref + ': ')}")
    return TykSource(Path(info["Dir"]), f"{ref} (Go module cache)")


def generate(src: TykSource, commit: str = TYK_COMMIT, version: str = TYK_VERSION) -> str:
    """The JSON text ``tools/tykfields`` makes of the tree ``src`` (``go run``)."""
    go = go_binary()
    if not (GENERATOR_DIR / "main.go").is_file():
        raise SourceUnavailable(f"the generator {GENERATOR_DIR} is missing", hint="run from a source checkout of dcr-harness")
    try:
        proc = subprocess.run([go, "run", ".", "-src", str(src.root.resolve()), "-commit", commit, "-version", version],
                              capture_output=True, text=True, env=go_env(), cwd=GENERATOR_DIR, timeout=GO_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise HarnessError(f"tools/tykfields on {src.origin}: no answer within {GO_TIMEOUT_S} s") from None
    if proc.returncode != 0:
        raise HarnessError(f"tools/tykfields failed on {src.origin}: {' '.join(proc.stderr.split())}")
    return proc.stdout


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two generated documents, one line per field (``+`` added,
    ``-`` removed, ``~`` changed) or metadata item, for a stale-schema message."""
    out: list[str] = []
    for key in ("commit", "version"):
        a, b = old.get("source", {}).get(key), new.get("source", {}).get(key)
        if a != b:
            out.append(f"~ source.{key}: {a} -> {b}")
    files_a, files_b = old.get("source", {}).get("files", {}), new.get("source", {}).get("files", {})
    out += [f"~ source file {name}" for name in sorted(set(files_a) | set(files_b)) if files_a.get(name) != files_b.get(name)]
    if old.get("roots") != new.get("roots"):
        out.append(f"~ roots: {old.get('roots')} -> {new.get('roots')}")
    structs_a, structs_b = old.get("structs", {}), new.get("structs", {})
    for name in sorted(set(structs_a) | set(structs_b)):
        if name not in structs_b:
            out.append(f"- {name}")
            continue
        if name not in structs_a:
            out.append(f"+ {name}")
            continue
        fa, fb = structs_a[name], structs_b[name]
        for field in sorted(set(fa) | set(fb)):
            if field not in fb:
                out.append(f"- {name}.{field}")
            elif field not in fa:
                out.append(f"+ {name}.{field}: {json.dumps(fb[field])}")
            elif fa[field] != fb[field]:
                out.append(f"~ {name}.{field}: {json.dumps(fa[field])} -> {json.dumps(fb[field])}")
    if old.get("external_types") != new.get("external_types"):
        out.append("~ external_types")
    return out


def tree(path: Path, how: str) -> TykSource:
    """``path`` as a source of Tyk (``how`` names where it was given), or :class:`ConfigError`."""
    if not (path / "apidef").is_dir() or not (path / "user").is_dir():
        raise ConfigError(f"{how} {path}: not a TykTechnologies/tyk source tree (no apidef/ and user/)")
    return TykSource(path, f"{path} ({how})")


def resolve_source(tyk_src: Path | None, environ: Mapping[str, str] = os.environ) -> TykSource:
    """``--tyk-src``, else ``$DCR_HARNESS_TYK_SRC``, else the module proxy; when the proxy
    refuses, :class:`SourceUnavailable` with its answer and what to provide instead."""
    if tyk_src is not None:
        return tree(tyk_src, "--tyk-src")
    if environ.get(ENV_TYK_SRC):
        return tree(Path(environ[ENV_TYK_SRC]), ENV_TYK_SRC)
    go_binary()  # missing, it is the thing to fix first (the generator needs it too)
    try:
        return download_module()
    except SourceUnavailable as exc:
        raise SourceUnavailable(f"no source of Tyk {TYK_COMMIT[:8]} to read: {exc.message}",
                                hint=f"pass --tyk-src DIR or set {ENV_TYK_SRC}=DIR, DIR a checkout of "
                                     f"TykTechnologies/tyk at {TYK_COMMIT}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.tyk.gateway.fields_gen",
                                     description="Regenerate tyk_fields.json from Tyk's Go structs (tools/tykfields).")
    parser.add_argument("--write", action="store_true", help="write the JSON instead of comparing")
    parser.add_argument("--tyk-src", type=Path, metavar="DIR",
                        help=f"a TykTechnologies/tyk source tree at {TYK_COMMIT[:8]} (default: ${ENV_TYK_SRC}, "
                             "else the Go module proxy)")
    args = parser.parse_args(argv)
    try:
        src = resolve_source(args.tyk_src)
        text = generate(src)
    except HarnessError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exc.exit_code
    current = JSON_PATH.read_text(encoding="utf-8") if JSON_PATH.is_file() else ""
    if args.write:
        JSON_PATH.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {JSON_PATH.name} from {src.origin}\n")
        return 0
    if current == text:
        sys.stdout.write(f"{JSON_PATH.name} is up to date with {src.origin}\n")
        return 0
    lines = changes(json.loads(current), json.loads(text)) if current else ["+ (no JSON yet)"]
    sys.stdout.write(f"{JSON_PATH.name} is stale against {src.origin} (run with --write):\n")
    sys.stdout.write("".join(f"  {line}\n" for line in lines or ["(formatting only)"]))
    return 1


if __name__ == "__main__":
    sys.exit(main())
