#!/usr/bin/env bash
# `npm run bench`: every benchmark, one after the other (they would disturb each other side by side), then the
# tables into bench/results/README.md. Numbers are only comparable within one run on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-temporal-cli.sh
for bench in top-client end-to-end many-open rate-limit soak wake; do
  echo "== bench/${bench}.ts"
  node --import tsx "bench/${bench}.ts"
done
bash bench/tables.sh
