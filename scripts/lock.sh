#!/usr/bin/env bash
# Re-resolve every dependency in one resolver call and write requirements.lock (exact pins).
# Run after changing dependencies in pyproject.toml; commit the result. All installs use it as constraints.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3.11 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --upgrade pip setuptools
"$tmp/venv/bin/pip" install -q '.[test]'
"$tmp/venv/bin/pip" check
{
  echo "# Exact pins for klimamonitor, resolved in one call by scripts/lock.sh on $(date -u +%Y-%m-%d)."
  echo "# Used as constraints by every install: pip install -c requirements.lock -e '.[test]'"
  "$tmp/venv/bin/pip" freeze --all --exclude klimamonitor | grep -v '^pip=='
} > requirements.lock
echo "requirements.lock: $(grep -c '==' requirements.lock) pins"
