#!/bin/sh
# Sets up Temporal on PostgreSQL for the work-order service. One script for both paths: docker-compose.yml
# runs it in temporalio/admin-tools containers, and `npm run cluster` and the cluster tests run it on this
# machine against the server and sql tool that scripts/install-temporal-server.sh built.
#
#   setup.sh schema     before the server starts: create the two databases and bring their schemas to the
#                       version this temporal-sql-tool carries (first run: set up; later runs: upgrade).
#   setup.sh namespace  once the server answers: the namespace with its retention, and the work orders'
#                       search attributes. Both steps are idempotent: run them on every deploy.
#
# Environment (the names the temporalio/server image reads, so one set of values configures both):
#   POSTGRES_SEEDS, DB_PORT (5432), POSTGRES_USER, POSTGRES_PWD, DBNAME (temporal),
#   VISIBILITY_DBNAME (temporal_visibility); TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (default),
#   NAMESPACE_RETENTION (30d), SEARCH_ATTRIBUTES (name=Type pairs; the default is the code's list,
#   src/workflows/search-attributes.ts, which test/operations/deployment.test.ts holds it to).
set -eu

SEARCH_ATTRIBUTES=${SEARCH_ATTRIBUTES:-"WorkOrderId=Keyword BizOrderId=Keyword WorkOrderNode=Keyword WorkOrderStatus=Keyword Seller=Keyword"}

sql() {
  # The password goes by environment (the tool reads SQL_PASSWORD), not on a command line ps can show.
  temporal-sql-tool --plugin postgres12 --endpoint "$POSTGRES_SEEDS" --port "${DB_PORT:-5432}" \
    --user "$POSTGRES_USER" "$@"
}

# Creates the database and its schema, or upgrades the schema of one that exists.
schema() {
  db=$1
  schema_name=$2
  if out=$(sql --database "$db" create-database 2>&1); then
    echo "database $db: created"
    sql --database "$db" setup-schema --version 0.0
  else
    case $out in
      *"already exists"*) echo "database $db: exists" ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
  sql --database "$db" update-schema --schema-name "$schema_name"
  echo "database $db: schema $schema_name is current"
}

# Retries a command that needs the server while it starts (about a minute at most).
until_ok() {
  attempt=1
  until "$@" >/dev/null 2>&1; do
    if [ "$attempt" -ge 60 ]; then
      echo "giving up after $attempt attempts: $*" >&2
      "$@"
    fi
    attempt=$((attempt + 1))
    sleep 1
  done
}

namespace() {
  : "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required (host:port of the frontend)}"
  ns=${TEMPORAL_NAMESPACE:-default}
  until_ok temporal operator cluster health --address "$TEMPORAL_ADDRESS"
  if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$ns" >/dev/null 2>&1; then
    echo "namespace $ns: exists"
  else
    until_ok temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$ns" --retention "${NAMESPACE_RETENTION:-30d}"
    echo "namespace $ns: created, retention ${NAMESPACE_RETENTION:-30d}"
  fi
  # A new namespace reaches the server's namespace cache within about ten seconds.
  until_ok temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$ns"
  existing=$(temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$ns")
  for pair in $SEARCH_ATTRIBUTES; do
    name=${pair%%=*}
    type=${pair#*=}
    # Creating an attribute that exists with the same type succeeds, with another type fails: run it
    # either way, so a type clash stops the deploy instead of passing unnoticed.
    temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$ns" --name "$name" --type "$type" >/dev/null
    if printf '%s\n' "$existing" | grep -qw -- "$name"; then
      echo "search attribute $name ($type): exists"
    else
      echo "search attribute $name ($type): registered"
    fi
  done
}

case ${1:-} in
  schema)
    : "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}" "${POSTGRES_USER:?POSTGRES_USER is required}" "${POSTGRES_PWD:?POSTGRES_PWD is required}"
    export SQL_PASSWORD="$POSTGRES_PWD"
    schema "${DBNAME:-temporal}" postgresql/v12/temporal
    schema "${VISIBILITY_DBNAME:-temporal_visibility}" postgresql/v12/visibility
    ;;
  namespace) namespace ;;
  *) echo "usage: $0 schema|namespace" >&2; exit 2 ;;
esac
