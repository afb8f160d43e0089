#!/usr/bin/env bash
# dcr-harness: set everything up, then run the guide, the tests, or Jupyter Lab.
#
#   ./harness.sh guide   set up, then run the Keycloak guide on the embedded emulator
#   ./harness.sh test    set up, then run the whole test suite (real Keycloak included)
#   ./harness.sh lab     set up, then open the notebooks in Jupyter Lab
#   ./harness.sh notebooks  set up, sync each notebook with its .py (jupytext), execute them and
#                        write their normalised outputs into the .ipynb, then run the notebook tests
#   ./harness.sh lint    set up, then run ruff, mypy and the import contracts only
#   ./harness.sh setup   only set up (.venv with dcr-harness and its test tools)
#
# Setup is idempotent: it creates .venv, installs the project with its test and notebook
# extras (pip skips what is already there), checks for a JDK 17+ and Maven (needed for the
# real Keycloak server, which the tests download from Maven Central into
# ~/.cache/dcr-harness), installs Debian's chromium + chromium-driver for the browser
# tests and redis-server for the real Tyk gateway tests when they are missing and apt is
# available. The real Tyk gateway itself is not built here (the Go module proxy refuses
# its module): its tests run wherever a Tyk binary is provided ($DCR_HARNESS_TYK_BIN, tyk on
# PATH, or ~/.cache/dcr-harness/tyk/<commit>/tyk) and skip with that reason elsewhere.
set -euo pipefail
cd "$(dirname "$0")"

PY="${PYTHON:-python3}"
VENV=".venv"
STAMP="$VENV/.dcr-harness-installed"

log() { printf '\033[1m[harness.sh]\033[0m %s\n' "$*" >&2; }

setup_python() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating $VENV with $($PY --version 2>&1)"
    "$PY" -m venv "$VENV"
  fi
  if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    log "installing dcr-harness and its dependencies into $VENV (pip)"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[test,notebooks]"
    "$VENV/bin/python" -m ipykernel install --sys-prefix --name python3 >/dev/null 2>&1 || true
    touch "$STAMP"
  fi
}

setup_java() {
  if ! command -v mvn >/dev/null 2>&1; then
    log "Maven is missing: installing it (apt)"; apt_install maven
  fi
  if [ -z "${JAVA_HOME:-}" ] && ! ls -d /usr/lib/jvm/*/bin/java >/dev/null 2>&1 && ! command -v java >/dev/null 2>&1; then
    log "no JDK found: installing openjdk-17-jdk-headless (apt)"; apt_install openjdk-17-jdk-headless
  fi
}

setup_browser() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    log "installing Debian's chromium and chromium-driver for the browser tests (apt)"
    apt_install chromium chromium-driver || log "could not install chromium: browser tests will say why they skip"
  fi
}

setup_tyk() {
  if ! command -v redis-server >/dev/null 2>&1; then
    log "installing Debian's redis-server for the real Tyk gateway tests (apt)"
    apt_install redis-server || log "could not install redis-server: the real_tyk tests will say why they skip"
  fi
  local why
  why="$("$VENV/bin/python" -c 'from harness.launchers.registry import unavailable; print(unavailable("tyk-oss", "gateway") or "")')"
  if [ -n "$why" ]; then log "real Tyk: $why; the real_tyk tests will skip"; else log "real Tyk: found; the real_tyk tests run"; fi
}

lint() {
  # ruff (style, pyflakes, print in library code), mypy on harness/, and the import-linter
  # contracts of shared/DESIGN.md (pyproject.toml [tool.importlinter]). Any finding fails.
  log "ruff check"; "$VENV/bin/ruff" check --quiet .
  log "mypy harness"; "$VENV/bin/mypy" --no-error-summary
  log "import contracts (lint-imports)"; "$VENV/bin/lint-imports" --no-cache >/dev/null || "$VENV/bin/lint-imports" --no-cache
}

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then log "apt-get not available; install $* by hand"; return 1; fi
  local SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

cmd="${1:-guide}"; shift || true
case "$cmd" in
  setup)
    setup_python; setup_java; setup_browser ;;
  guide)
    setup_python
    exec "$VENV/bin/dcr-harness" run scenarios/keycloak.yaml "$@" ;;
  test)
    setup_python; setup_java; setup_browser; setup_tyk
    mkdir -p reports
    lint
    log "running the test suite (reports/junit.xml)"
    exec "$VENV/bin/python" -m pytest --junitxml=reports/junit.xml "$@" ;;
  lint)
    setup_python; lint ;;
  lab)
    setup_python
    exec "$VENV/bin/jupyter" lab notebooks/ "$@" ;;
  notebooks)
    # notebooks/README.md: jupytext --sync keeps the newer file of each .ipynb/.py pair,
    # harness.notebook.execute runs every notebook on the emulators (nbclient) and writes
    # its normalised outputs into the .ipynb, then the notebook tests check the pairs and
    # that a fresh run still shows what is committed.
    setup_python
    log "jupytext --sync notebooks/*.ipynb"; "$VENV/bin/jupytext" --sync --quiet notebooks/*.ipynb
    log "executing the notebooks, writing their outputs (python -m harness.notebook.execute)"
    "$VENV/bin/python" -m harness.notebook.execute
    log "checking the notebooks (pytest -m notebook tests/notebooks)"
    exec "$VENV/bin/python" -m pytest -m notebook tests/notebooks "$@" ;;
  *)
    echo "usage: ./harness.sh [guide|test|lint|lab|notebooks|setup] [extra args]" >&2; exit 2 ;;
esac
