#!/usr/bin/env bash
# `npm run bench`: every scenario, one after the other (they would disturb each other side by side), then the
# tables into bench/results/README.md; `npm run bench -- report-cost sale-day` runs only those. Numbers are
# only comparable within one run on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ALL=(top-client end-to-end many-open rate-limit sale-day-fairness soak wake replay-cost cluster sale-day report-cost run-length)
# Run by name only: heap snapshots of the workflow thread by object kind.
BY_NAME=(workflow-heap)
if [ $# -gt 0 ]; then selected=("$@"); else selected=("${ALL[@]}"); fi
for bench in "${selected[@]}"; do
  if [[ ! " ${ALL[*]} ${BY_NAME[*]} " == *" ${bench} "* ]]; then
    echo "no scenario '${bench}'; the scenarios: ${ALL[*]} ${BY_NAME[*]}" >&2
    exit 2
  fi
done
bash scripts/install-temporal-cli.sh
bash scripts/install-temporal-server.sh # cluster and sale-day run on the full server with PostgreSQL
for bench in "${selected[@]}"; do
  echo "== bench/${bench}.ts"
  node --import tsx "bench/${bench}.ts"
done
bash bench/tables.sh
