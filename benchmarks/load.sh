#!/usr/bin/env bash
# Mixed-load run with a lost-write check; the work is in load.py (see benchmarks/README.md).
#   benchmarks/load.sh [--text debian|synthetic] [--duration 60] [--kill-worker] [--postgres URL] [--keep] [--out FILE]
# Uses the active virtualenv's python, else .venv/bin/python, else python3.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${VIRTUAL_ENV:-}" ]; then PY=python
elif [ -x .venv/bin/python ]; then PY=.venv/bin/python
else PY=python3
fi
exec "$PY" benchmarks/load.py "$@"
