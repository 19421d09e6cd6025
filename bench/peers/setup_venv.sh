#!/usr/bin/env bash
# Create bench/.venvs/NAME for a peer job queue and install its requirements.
# Usage: bench/peers/setup_venv.sh procrastinate|arq
# Idempotent: a stamp file records the installed requirement set; quiet on success.
set -euo pipefail

name="${1:-}"
case "$name" in
  procrastinate) reqs=("procrastinate" "psycopg[binary]") ;;
  arq)           reqs=("arq") ;;
  *) echo "usage: $0 procrastinate|arq" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/../.venvs/$name"
stamp="$venv/.peer-installed"
want="${reqs[*]}"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$venv/bin/python" ]]; then
  exit 0
fi

py="$(command -v python3.11 || true)"
if [[ -z "$py" ]]; then
  echo "python3.11 not found on PATH" >&2; exit 1
fi

if [[ ! -x "$venv/bin/python" ]]; then
  "$py" -m venv "$venv" >/dev/null
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${reqs[@]}" >"$log" 2>&1; then
  cat "$log" >&2
  echo "pip install failed for $name" >&2
  exit 1
fi
printf '%s' "$want" > "$stamp"
