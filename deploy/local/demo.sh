#!/usr/bin/env bash
# The first command for a newcomer: sets up .venv (deploy/local/setup.sh), then runs the
# demonstration - serves a bundled demo site on localhost, crawls it, classifies and
# stores the articles in an embedded SQLite store under var/demo/, prints a summary
# and writes a sample digest. No Kafka, Elasticsearch or mail server needed.
#   bash deploy/local/demo.sh [policywatch run --demo options, e.g. --fresh]
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
source deploy/local/setup.sh
# The demo is always embedded, even in a shell where the distributed deployment is configured.
unset KAFKA_BOOTSTRAP_SERVERS ELASTICSEARCH_URL
exec .venv/bin/policywatch run --demo "$@"
