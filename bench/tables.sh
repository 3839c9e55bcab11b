#!/usr/bin/env bash
# Collects the latest tables into bench/results/README.md (bench/README.md says how they were made).
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo "# Benchmark results"
  echo
  echo "Produced by \`npm run bench\`; the JSON files beside this one hold the raw figures and the machine."
  echo
  for bench in top-client end-to-end many-open rate-limit sale-day-fairness sale-day-fairness-slots soak wake replay-cost workflow-heap many-open-heap-limit cluster sale-day report-cost report-cost-cluster run-length run-length-cluster; do [ -f "bench/results/${bench}.md" ] && cat "bench/results/${bench}.md"; echo; done
} > bench/results/README.md
echo "tables: bench/results/README.md"
