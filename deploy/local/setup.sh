#!/usr/bin/env bash
# Sourced by demo.sh and test.sh: makes sure this machine has what policywatch needs
# (Python >= 3.11 with venv; Java 17, Maven, curl and unzip for the local servers) and
# a .venv with the project installed. Re-running is quick: pip's cache and the marker
# file skip work already done.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

_setup_say() { printf '[setup] %s\n' "$*" >&2; }

_missing_system_packages() {
  local missing=()
  command -v python3 >/dev/null || missing+=(python3 python3-venv)
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || missing+=(maven)
  command -v curl >/dev/null || missing+=(curl)
  command -v unzip >/dev/null || missing+=(unzip)
  echo "${missing[@]:-}"
}

ensure_system_packages() {
  local missing; missing=$(_missing_system_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    _setup_say "installing system packages: $missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    _setup_say "please install: $missing (e.g. sudo apt-get install $missing)"; exit 1
  fi
}

ensure_venv() {
  local venv="$REPO/.venv" marker="$REPO/.venv/.installed"
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { _setup_say "Python >= 3.11 is required (found $(python3 --version))"; exit 1; }
  [ -x "$venv/bin/python" ] || { _setup_say "creating $venv"; python3 -m venv "$venv"; }
  if [ ! -f "$marker" ] || [ "$REPO/pyproject.toml" -nt "$marker" ]; then
    _setup_say "installing policywatch and its packages into .venv (cached by pip)"
    "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
    "$venv/bin/python" -m pip install -q -e "$REPO[test]"
    touch "$marker"
  fi
}

ensure_system_packages
ensure_venv
