#!/usr/bin/env bash
# Builds the client package from the repository's sources: the client, the `work-order` command and what
# they import (the message definitions, the vocabulary), with declarations; and the JSON Schemas.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf dist schemas
../../node_modules/.bin/tsc -p tsconfig.json
mkdir -p schemas
cp ../../docs/contract/*.schema.json schemas/
