#!/usr/bin/env bash
# Sourced by demo.sh and test.sh: makes sure this machine has Python >= 3.11 with venv
# and a .venv with the project installed, the classifier's native scanner (native/scan,
# Rust) built into it. Re-running is quick: pip's cache, the scanner's wheel cache and
# the marker files skip work already done. (servers.sh installs what the local Kafka and
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

# A Rust toolchain new enough for the scanner's PyO3 (1.85): cargo from PATH or
# ~/.cargo/bin, else rustup's minimal profile installed into ~/.cargo (checksum checked).
ensure_cargo() {
  export PATH="$PATH:$HOME/.cargo/bin"
  if command -v cargo >/dev/null && command -v rustc >/dev/null \
     && rustc --version | awk '{split($2, v, "."); exit !(v[1] > 1 || v[2] >= 85)}'; then
    return
  fi
  ensure_system_packages curl:curl cc:gcc
  local url="https://static.rust-lang.org/rustup/dist/$(uname -m)-unknown-linux-gnu/rustup-init" dir
  dir=$(mktemp -d)
  _setup_say "installing Rust (rustup, minimal profile) into ~/.cargo for the classifier's scanner"
  curl -fsSL -o "$dir/rustup-init" "$url" && curl -fsSL -o "$dir/rustup-init.sha256" "$url.sha256" \
    && (cd "$dir" && echo "$(cut -d' ' -f1 rustup-init.sha256)  rustup-init" | sha256sum -c --quiet) \
    || { _setup_say "could not fetch rustup-init from $url: install Rust >= 1.85 (https://rustup.rs)"; exit 1; }
  chmod +x "$dir/rustup-init" && "$dir/rustup-init" -y -q --profile minimal --no-modify-path >/dev/null
  rm -rf "$dir"
}

# The scanner's wheel, built once per version of its sources and interpreter and kept
# in ~/.cache/policywatch (so a fresh clone installs it in seconds), then installed.
ensure_scanner() {
  local venv="$1" source="$REPO/native/scan" stamp cache tag
  stamp=$(cd "$source" && cat Cargo.toml Cargo.lock pyproject.toml src/*.rs | sha256sum | cut -c1-16)
  [ -f "$venv/.scanner-$stamp" ] && return
  tag=$("$venv/bin/python" -c 'import sys; print(sys.implementation.cache_tag)')
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/policywatch/scanner/$stamp-$tag"
  if ! ls "$cache"/*.whl >/dev/null 2>&1; then
    ensure_cargo
    _setup_say "building the classifier's native scanner (native/scan, Rust): about a minute, once"
    if ! CARGO_TARGET_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/policywatch/scanner/target" \
         "$venv/bin/python" -m pip wheel -q --no-deps -w "$cache.partial" "$source" > "$venv/scanner.log" 2>&1; then
      cat "$venv/scanner.log" >&2; _setup_say "building the scanner failed (log: $venv/scanner.log)"; exit 1
    fi
    rm -rf "$cache" && mv "$cache.partial" "$cache"
  fi
  "$venv/bin/python" -m pip install -q --force-reinstall --no-deps "$cache"/*.whl > "$venv/scanner.log" 2>&1 \
    || { cat "$venv/scanner.log" >&2; _setup_say "installing the scanner failed"; exit 1; }
  rm -f "$venv"/.scanner-* && touch "$venv/.scanner-$stamp"
}

ensure_venv() {
  local venv="$REPO/.venv" marker="$REPO/.venv/.installed" python
  python=$(choose_python)
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { _setup_say "Python >= 3.11 is required (found $("$python" --version))"; exit 1; }
  [ -x "$venv/bin/python" ] || { _setup_say "creating $venv with $python"; "$python" -m venv "$venv"; }
  ensure_scanner "$venv"
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
