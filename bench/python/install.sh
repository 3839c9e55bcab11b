#!/usr/bin/env bash
# Installs the Python SDK for benchmark 6's Python comparison into .tools/bench-python (a venv), pinned by
# requirements.txt. Benchmarks only: the product and its tests do not need Python.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.tools/bench-python
if [ -x "$venv/bin/python" ] && cmp -s bench/python/requirements.txt "$venv/requirements.txt"; then exit 0; fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt
cp bench/python/requirements.txt "$venv/requirements.txt"
