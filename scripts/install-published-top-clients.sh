#!/usr/bin/env bash
# Installs the published Node TOP clients the sandbox is tested against into their own folder, apart from the
# product's dependencies and image (they bring request@2 and ws@3), with install scripts ignored. They only
# ever talk to the sandbox on loopback.
set -euo pipefail
cd "$(dirname "$0")/../test/fixtures/published-top-clients"
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
