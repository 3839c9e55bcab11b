#!/usr/bin/env bash
# `npm run bench`: every benchmark, one after the other (they would disturb each other side by side), then the
# tables into bench/results/README.md. Numbers are only comparable within one run on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-temporal-cli.sh
for bench in top-client end-to-end many-open rate-limit; do
  echo "== bench/${bench}.ts"
  node --import tsx "bench/${bench}.ts"
done
{
  echo "# Benchmark results"
  echo
  echo "Produced by \`npm run bench\`; the JSON files beside this one hold the raw figures and the machine."
  echo
  for bench in top-client end-to-end many-open rate-limit; do cat "bench/results/${bench}.md"; echo; done
} > bench/results/README.md
echo "tables: bench/results/README.md"
