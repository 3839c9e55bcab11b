#!/usr/bin/env bash
# Collects the latest tables into bench/results/README.md and the README's benchmark section.
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo "# Benchmark results"
  echo
  echo "Produced by \`npm run bench\`; the JSON files beside this one hold the raw figures and the machine."
  echo
  for bench in top-client end-to-end many-open rate-limit sale-day-fairness soak wake replay-cost workflow-heap many-open-heap-limit cluster sale-day evicted-throughput; do [ -f "bench/results/${bench}.md" ] && cat "bench/results/${bench}.md"; echo; done
} > bench/results/README.md
# The README shows the latest tables, between its bench markers.
node -e '
const fs = require("fs");
const readme = fs.readFileSync("README.md", "utf8");
const tables = fs.readFileSync("bench/results/README.md", "utf8").split("\n").slice(4).join("\n").replace(/^### /gm, "#### ");
const start = "<!-- bench:start -->", end = "<!-- bench:end -->";
fs.writeFileSync("README.md", readme.slice(0, readme.indexOf(start) + start.length) + "\n" + tables.trim() + "\n" + readme.slice(readme.indexOf(end)));
'
echo "tables: bench/results/README.md and README.md"
