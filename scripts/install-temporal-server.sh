#!/usr/bin/env bash
# Installs the full Temporal server and its SQL schema tool into .tools/temporal-server/, pinned to the
# version the compose file's temporalio/server and temporalio/admin-tools images carry. Used by
# `npm run cluster` and the cluster tests; the dev server (install-temporal-cli.sh) stays the default.
# Built from the official Go modules (the Go module proxy is reachable where GitHub releases are not);
# 5–10 minutes on 2 cores the first time, 20 s with a warm Go cache, skipped when the binaries are there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Keep in step with docker-compose.yml (temporalio/server and temporalio/admin-tools tags).
TEMPORAL_SERVER_VERSION=1.32.2
dir=.tools/temporal-server

have() {
  [ -x "$dir/temporal-server" ] && [ -x "$dir/temporal-sql-tool" ] &&
    [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$TEMPORAL_SERVER_VERSION" ]
}

if have; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "temporal server: Go is not installed; the cluster tests and 'npm run cluster' need it (https://go.dev/dl/)" >&2
  exit 1
fi

echo "temporal server: building go.temporal.io/server v${TEMPORAL_SERVER_VERSION} (server and sql tool) into ${dir}"
rm -rf "$dir"
mkdir -p "$dir/bin"
# disable_grpc_modules leaves out gRPC's optional xDS/observability modules the server does not need.
# GOTOOLCHAIN=auto: when the server needs a newer Go than the machine's (1.32.2 wants 1.26.10), Go fetches
# that toolchain from the module proxy instead of refusing.
GOTOOLCHAIN=auto GOBIN="$PWD/$dir/bin" go install -tags disable_grpc_modules \
  "go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}" \
  "go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}"
mv "$dir/bin/server" "$dir/temporal-server"
mv "$dir/bin/sql" "$dir/temporal-sql-tool"
rmdir "$dir/bin"
echo "$TEMPORAL_SERVER_VERSION" > "$dir/VERSION"
echo "temporal server: installed $("$dir/temporal-server" --version 2>/dev/null || echo "v${TEMPORAL_SERVER_VERSION}")"
