#!/usr/bin/env bash
# Shell helpers shared by the local scripts (sourced, never run).

_setup_say() { printf '[setup] %s\n' "$*" >&2; }

# ensure_system_packages "command:debian-package" ...: installs the packages whose
# command is missing (as root with apt-get), or says which to install.
ensure_system_packages() {
  local pair missing=""
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
  done
  missing=${missing# }
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    _setup_say "installing system packages: $missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    _setup_say "please install: $missing (e.g. sudo apt-get install $missing)"; exit 1
  fi
}
