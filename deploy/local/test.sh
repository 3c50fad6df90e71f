#!/usr/bin/env bash
# The whole test suite on a fresh machine: sets up .venv, fetches and starts the real
# Kafka broker and Elasticsearch server on loopback, runs every test (unit,
# integration, e2e, reliability), and stops the servers it started.
#   bash deploy/local/test.sh [pytest arguments]
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
source deploy/local/setup.sh

started_here=()
status=$(bash deploy/local/servers.sh status)
for server in kafka elasticsearch; do
  grep -q "^$server: running" <<<"$status" || started_here+=("$server")
done
stop_started() { for server in "${started_here[@]}"; do bash deploy/local/servers.sh stop "$server" || true; done; }
trap stop_started EXIT
bash deploy/local/servers.sh start all

export POLICYWATCH_TEST_KAFKA=127.0.0.1:${POLICYWATCH_KAFKA_PORT:-39092}
export POLICYWATCH_TEST_ELASTICSEARCH=http://127.0.0.1:${POLICYWATCH_ES_PORT:-39200}
# The product under test starts in its embedded default; tests opt in to the servers.
unset KAFKA_BOOTSTRAP_SERVERS ELASTICSEARCH_URL
.venv/bin/python -m pytest "$@"
