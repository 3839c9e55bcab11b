#!/usr/bin/env bash
# The whole test suite: type check, lint, then every test file under test/ on Node's test runner.
# Each file runs in its own process and starts its own Temporal dev server and TOP sandbox as needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-temporal-cli.sh
# The full server for the cluster tests (test/cluster); without Go they are skipped and say why.
bash scripts/install-temporal-server.sh || echo "test: no Temporal server built; the cluster tests will be skipped" >&2
# Temporal's time-skipping test server (test/time-skipping); without Java and Maven those tests are skipped.
bash scripts/install-time-skipping-server.sh || echo "test: no time-skipping server installed; the time-skipping tests will be skipped" >&2
# promtool for the alert rules' unit tests (test/operations/alerts.test.ts); without Go they are skipped.
bash scripts/install-promtool.sh
# The published Node TOP clients, for the sandbox's test against them (their own folder, scripts ignored).
bash scripts/install-published-top-clients.sh
npx tsc --noEmit -p .
npx eslint .
mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
# A test that hangs (a result that never comes) fails after ten minutes instead of holding CI to its limit.
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout=600000 "$@" "${files[@]}"
