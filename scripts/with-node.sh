#!/usr/bin/env bash
# Runs a command on a Node.js the product supports (package.json "engines"): this machine's when it is new
# enough, otherwise the pinned Node 24 LTS that scripts/install-node.sh installs into .tools/node, as CI
# does. So `npm run demo` and `npm test` work the same on a machine whose Node is 20, instead of half working.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
required=$(sed -n 's/.*"node": *">=\([0-9.]*\)".*/\1/p' "$root/package.json")
if node -e '
  const [have, want] = [process.versions.node, process.argv[1]].map((v) => v.split(".").map(Number));
  const newer = have[0] !== want[0] ? have[0] > want[0] : have[1] !== want[1] ? have[1] > want[1] : have[2] >= want[2];
  process.exit(newer ? 0 : 1);' "$required" 2>/dev/null; then
  exec "$@"
fi
echo "node: this machine has $(node --version 2>/dev/null || echo 'no Node.js'); the product needs ${required} or newer: using the pinned Node from scripts/install-node.sh" >&2
if ! bin=$(bash "$root/scripts/install-node.sh"); then
  echo "node: could not install it; install Node.js ${required} or newer (24 LTS) and run this again" >&2
  exit 1
fi
export PATH="$bin:$PATH"
exec "$@"
