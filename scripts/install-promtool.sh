#!/usr/bin/env bash
# Builds Prometheus's promtool into .tools/go-bin/promtool, for `promtool test rules` on the alerting rules
# (deploy/alerts/). Pinned by scripts/promtool/go.mod (the version compose's Prometheus image carries), built
# from the Go module proxy: 3 minutes cold, seconds with a warm Go cache. Not fatal: without Go the alert
# tests are skipped, and say so.
set -euo pipefail
cd "$(dirname "$0")/.."

target=.tools/go-bin/promtool
stamp=$(cat scripts/promtool/go.mod scripts/promtool/go.sum scripts/install-promtool.sh | sha256sum | cut -d' ' -f1)
if [ -x "$target" ] && [ -f "$target.version" ] && [ "$(cat "$target.version")" = "$stamp" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "promtool: no Go to build it; the alert rule tests will be skipped" >&2
  exit 0
fi
echo "promtool: building github.com/prometheus/prometheus/cmd/promtool ($(sed -n 's/^require github.com\/prometheus\/prometheus \(v\S*\)$/\1/p' scripts/promtool/go.mod)) into ${target}"
mkdir -p "$(dirname "$target")"
# remove_all_sd leaves out Prometheus's service-discovery plugins (Kubernetes, AWS, Azure, …), which rule
# tests never use: 3 minutes cold instead of 7 (with them, the three Go builds of .ci/run took 17 minutes cold).
if (cd scripts/promtool && timeout 1200 go build -tags remove_all_sd -o "../../$target.partial" github.com/prometheus/prometheus/cmd/promtool); then
  mv "$target.partial" "$target"
  echo "$stamp" > "$target.version"
else
  rm -f "$target.partial"
  echo "promtool: the build did not work; the alert rule tests will be skipped" >&2
fi
