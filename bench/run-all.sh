#!/usr/bin/env bash
# `npm run bench`: every benchmark, one after the other (they would disturb each other side by side), then the
# tables into bench/results/README.md. Numbers are only comparable within one run on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-temporal-cli.sh
bash scripts/install-temporal-server.sh # benchmark 8 runs on the full server with PostgreSQL
for bench in top-client end-to-end many-open rate-limit sale-day-fairness soak wake replay-cost cluster sale-day evicted-throughput report-cost; do
  echo "== bench/${bench}.ts"
  node --import tsx "bench/${bench}.ts"
done
bash bench/tables.sh
