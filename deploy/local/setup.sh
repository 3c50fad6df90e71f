#!/usr/bin/env bash
# Sourced by demo.sh and test.sh: makes sure this machine has Python >= 3.11 with venv
# and a .venv with the project installed. Re-running is quick: pip's cache and the
# marker file skip work already done. (servers.sh installs what the local Kafka and
# Elasticsearch need - Java, Maven, curl, unzip - only when they are started.)
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

source "$REPO/deploy/local/lib.sh"

# The interpreter .venv is made from: $PYTHON when set; else the distribution's
# /usr/bin/python3 when it is >= 3.11 with venv, because distributions (like the
# python:3.11 image of deploy/Dockerfile) build CPython with PGO and LTO and a source
# build such as pyenv's has neither: the classifier runs 9% fewer instructions on it
# (bench/classify_instructions.py); else python3 from PATH.
choose_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  if /usr/bin/python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo /usr/bin/python3
  else
    echo python3
  fi
}

ensure_venv() {
  local venv="$REPO/.venv" marker="$REPO/.venv/.installed" python
  python=$(choose_python)
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { _setup_say "Python >= 3.11 is required (found $("$python" --version))"; exit 1; }
  [ -x "$venv/bin/python" ] || { _setup_say "creating $venv with $python"; "$python" -m venv "$venv"; }
  if [ ! -f "$marker" ] || [ "$REPO/pyproject.toml" -nt "$marker" ]; then
    _setup_say "installing policywatch and its packages into .venv (cached by pip)"
    # pip's output goes to a log, shown only when something fails.
    if ! { "$venv/bin/python" -m pip install -q --upgrade pip \
           && "$venv/bin/python" -m pip install -q -e "$REPO[test]"; } > "$venv/pip.log" 2>&1; then
      cat "$venv/pip.log" >&2; _setup_say "installing packages failed (log: $venv/pip.log)"; exit 1
    fi
    touch "$marker"
  fi
}

ensure_system_packages python3:python3
python3 -c 'import venv, ensurepip' 2>/dev/null || ensure_system_packages _no_such_command_:python3-venv
ensure_venv
