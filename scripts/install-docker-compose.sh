#!/usr/bin/env bash
# Builds Docker Compose (the official module, pinned) into .tools/go-bin/docker-compose, so that the suite can
# run `docker compose config` on docker-compose.yml: it loads and checks the file without a Docker engine. Always
# this build, never a `docker-compose` on PATH, which may be another version (Debian's is v1). Built with `go install` from the Go module proxy (about 5 minutes cold, seconds with
# a warm Go cache). Not fatal: without it the check is skipped, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."

COMPOSE_VERSION=2.29.7
target=.tools/go-bin/docker-compose

if [ -x "$target" ] && [ -f "$target.version" ] && [ "$(cat "$target.version")" = "$COMPOSE_VERSION" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "docker compose: not here and no Go to build it; the 'docker compose config' check will be skipped" >&2
  exit 0
fi
echo "docker compose: building github.com/docker/compose/v2 v${COMPOSE_VERSION} with go install into ${target}"
build=$(mktemp -d)
if GOBIN="$build" timeout 900 go install "github.com/docker/compose/v2/cmd@v${COMPOSE_VERSION}"; then
  mkdir -p "$(dirname "$target")"
  mv "$build/cmd" "$target"
  echo "$COMPOSE_VERSION" > "$target.version"
else
  echo "docker compose: the build did not work; the 'docker compose config' check will be skipped" >&2
fi
rm -rf "$build"
