#!/usr/bin/env bash
# Real Apache Kafka (KRaft) and Elasticsearch on loopback, without Docker.
#
#   deploy/local/servers.sh fetch|start|stop|status|reset [kafka|elasticsearch|all]
#
# Both come from Maven Central through `mvn` and are cached between runs (Maven's own
# repository in ~/.m2, unpacked servers in $POLICYWATCH_CACHE). Heaps are small
# (POLICYWATCH_SERVER_HEAP, 512m by default). Elasticsearch refuses to run as root, so
# as root it runs as the unprivileged user `policywatch-es`, created on first use.
# Ports: Kafka 39092 (controller 39093), Elasticsearch 39200; override with
# POLICYWATCH_KAFKA_PORT / POLICYWATCH_ES_PORT.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/kafka/pom.xml")
# The Python client's major version (elasticsearch>=8.19,<9 in pyproject.toml) must
# equal the server's.
ES_VERSION=8.19.21
ES_ARTIFACT=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip

if [ "$(id -u)" = 0 ]; then
  CACHE=${POLICYWATCH_CACHE:-/var/cache/policywatch}   # readable by the ES user
else
  CACHE=${POLICYWATCH_CACHE:-$HOME/.cache/policywatch}
fi
RUN=${POLICYWATCH_SERVERS_DIR:-/tmp/policywatch-servers}
HEAP=${POLICYWATCH_SERVER_HEAP:-512m}
KAFKA_PORT=${POLICYWATCH_KAFKA_PORT:-39092}
KAFKA_CONTROLLER_PORT=$((KAFKA_PORT + 1))
ES_PORT=${POLICYWATCH_ES_PORT:-39200}
ES_USER=policywatch-es
JAVA_HOME_17=${POLICYWATCH_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}

say() { printf '[servers] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

source "$HERE/lib.sh"
# What the servers need from the system, installed with apt-get when missing.
ensure_system_packages java:openjdk-17-jre-headless mvn:maven curl:curl unzip:unzip runuser:util-linux

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive PIDFILE: its process exists. Enough for a process this script has just
# started: its command line is still the shell's until it execs the server.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# pid_runs PIDFILE MARKER: the pid in PIDFILE is alive and its command line names MARKER.
# A pid file outlives the machine's processes (a reboot, a new session, a CI run on the
# same /tmp) and its number is soon reused by something else, so "alive" alone is not
# "running".
pid_runs() {
  pid_alive "$1" && [ -r "/proc/$(cat "$1")/cmdline" ] || return 1
  tr '\0' ' ' < "/proc/$(cat "$1")/cmdline" | grep -qF -- "$2"
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  for _ in $(seq "$limit"); do
    if "$@"; then return 0; fi
    sleep 1
  done
  return 1
}

# --- Kafka -----------------------------------------------------------------------------
kafka_home() { echo "$CACHE/kafka-$KAFKA_VERSION"; }

fetch_kafka() {
  local home; home=$(kafka_home)
  [ -f "$home/.complete" ] && return 0
  say "fetching Kafka $KAFKA_VERSION and its runtime dependencies from Maven Central"
  mkdir -p "$home"
  mvn -q -B -f "$HERE/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$home/libs" \
    || die "mvn could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION (see the output above)"
  touch "$home/.complete"
}

KAFKA_MARKER="$RUN/kafka.properties"   # on our broker's command line
kafka_running() { pid_runs "$RUN/kafka.pid" "$KAFKA_MARKER"; }

kafka_up_or_dead() { port_open "$KAFKA_PORT" || ! pid_alive "$RUN/kafka.pid"; }

start_kafka() {
  fetch_kafka
  if kafka_running; then
    wait_for 60 "Kafka port" kafka_up_or_dead && port_open "$KAFKA_PORT" \
      || die "Kafka (pid $(cat "$RUN/kafka.pid")) runs but port $KAFKA_PORT is closed; see $RUN/kafka-logs/"
    say "Kafka already running on 127.0.0.1:$KAFKA_PORT"; return 0
  fi
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another process (set POLICYWATCH_KAFKA_PORT)"
  local home data cp
  home=$(kafka_home); data="$RUN/kafka-data"; cp="$home/libs/*"
  mkdir -p "$RUN/kafka-logs" "$data"
  sed -e "s#@PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" \
      -e "s#@DATA_DIR@#$data#g" "$HERE/kafka/server.properties.in" > "$RUN/kafka.properties"
  if [ ! -f "$data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    java -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$RUN/kafka.properties" >/dev/null 2>&1 \
      || die "formatting Kafka storage in $data failed"
  fi
  say "starting Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$KAFKA_PORT, heap $HEAP"
  nohup "$JAVA_HOME_17/bin/java" -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC \
      -Dkafka.logs.dir="$RUN/kafka-logs" -Dlog4j2.configurationFile="$HERE/kafka/log4j2.properties" \
      -cp "$cp" kafka.Kafka "$RUN/kafka.properties" > "$RUN/kafka-logs/stdout.log" 2>&1 &
  echo $! > "$RUN/kafka.pid"
  wait_for 60 "Kafka port" kafka_up_or_dead && port_open "$KAFKA_PORT" \
    || die "Kafka did not open port $KAFKA_PORT within 60 s; see $RUN/kafka-logs/"
  say "Kafka is up: KAFKA bootstrap 127.0.0.1:$KAFKA_PORT"
}

descendants() { local child; for child in $(pgrep -P "$1"); do echo "$child"; descendants "$child"; done; }

# Stops the process in PIDFILE and everything it started (runuser -> elasticsearch ->
# its JVMs), and nothing else: another instance of the same server, or a process that
# has since been given the same pid, is left alone.
stop_pidfile() {  # stop_pidfile NAME PIDFILE MARKER
  local pidfile=$2 pid pids
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if pid_runs "$pidfile" "$3"; then
    pids="$pid $(descendants "$pid" | tr '\n' ' ')"
    say "stopping $1 (pids $pids)"
    kill $pids 2>/dev/null || true
    wait_for 30 "$1 exit" bash -c "! kill -0 $pids 2>/dev/null" || kill -9 $pids 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# --- Elasticsearch ---------------------------------------------------------------------
es_home() { echo "$CACHE/elasticsearch-$ES_VERSION"; }

fetch_es() {
  local home; home=$(es_home)
  [ -f "$home/.complete" ] && return 0
  say "fetching Elasticsearch $ES_VERSION ($ES_ARTIFACT) from Maven Central"
  local tmp; tmp=$(mktemp -d)
  mvn -q -B dependency:copy -Dartifact="$ES_ARTIFACT" -DoutputDirectory="$tmp" \
    || die "mvn could not fetch $ES_ARTIFACT (see the output above)"
  rm -rf "$home"; mkdir -p "$CACHE"
  unzip -q "$tmp"/elasticsearch-*.zip -d "$tmp/x"
  mv "$tmp/x/elasticsearch-$ES_VERSION" "$home"
  rm -rf "$tmp"
  chmod -R a+rX "$home"
  touch "$home/.complete"
}

ES_MARKER="-Epath.data=$RUN/es-data"   # on our server's command line
es_running() { pid_runs "$RUN/es.pid" "$ES_MARKER"; }

es_healthy() {
  curl -fsS "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1
}

# True when healthy, and also when the process died (so the wait stops early).
es_up_or_dead() { es_healthy || ! pid_alive "$RUN/es.pid"; }

start_es() {
  fetch_es
  if es_running; then say "Elasticsearch already running on 127.0.0.1:$ES_PORT"; return 0; fi
  port_open "$ES_PORT" && die "port $ES_PORT is taken by another process (set POLICYWATCH_ES_PORT)"
  local home conf; home=$(es_home); conf="$RUN/es-config"
  mkdir -p "$RUN/es-data" "$RUN/es-logs" "$RUN/es-tmp"
  rm -rf "$conf"; cp -r "$home/config" "$conf"
  local run_as=()
  if [ "$(id -u)" = 0 ]; then
    id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER" \
      || die "could not create the unprivileged user $ES_USER that Elasticsearch runs as"
    chown -R "$ES_USER" "$RUN/es-data" "$RUN/es-logs" "$RUN/es-tmp" "$conf"
    chmod a+x "$RUN"
    run_as=(runuser -u "$ES_USER" --)
  fi
  say "starting Elasticsearch $ES_VERSION on 127.0.0.1:$ES_PORT, heap $HEAP"
  # Disk watermarks off: a nearly full dev disk must not turn indices read-only mid-test.
  # Wildcard deletes allowed: each test removes its own "<prefix>-*" indices.
  # The transport port is a range, so a second instance (fault drills) never collides.
  nohup "${run_as[@]}" env ES_JAVA_HOME="$JAVA_HOME_17" ES_PATH_CONF="$conf" ES_TMPDIR="$RUN/es-tmp" \
      ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP" \
      "$home/bin/elasticsearch" -Ediscovery.type=single-node -Enetwork.host=127.0.0.1 \
      -Ehttp.port="$ES_PORT" -Etransport.port=$((ES_PORT + 100))-$((ES_PORT + 199)) -Epath.data="$RUN/es-data" \
      -Epath.logs="$RUN/es-logs" -Expack.security.enabled=false -Expack.ml.enabled=false \
      -Ecluster.routing.allocation.disk.threshold_enabled=false -Eaction.destructive_requires_name=false \
      > "$RUN/es-logs/stdout.log" 2>&1 &
  echo $! > "$RUN/es.pid"
  wait_for 120 "Elasticsearch health" es_up_or_dead \
    && es_healthy || die "Elasticsearch was not healthy within 120 s; see $RUN/es-logs/stdout.log"
  say "Elasticsearch is up: http://127.0.0.1:$ES_PORT"
}


status() {
  if kafka_running; then echo "kafka: running on 127.0.0.1:$KAFKA_PORT"; else echo "kafka: stopped"; fi
  if es_running && es_healthy; then echo "elasticsearch: running on http://127.0.0.1:$ES_PORT"
  else echo "elasticsearch: stopped"; fi
}

action=${1:-status}; target=${2:-all}
case "$target" in kafka|elasticsearch|es|all) ;; *) die "unknown server '$target' (kafka, elasticsearch, all)";; esac
mkdir -p "$RUN"
case "$action" in
  fetch)  [[ $target == kafka || $target == all ]] && fetch_kafka
          [[ $target == es || $target == elasticsearch || $target == all ]] && fetch_es; true ;;
  start)  [[ $target == kafka || $target == all ]] && start_kafka
          [[ $target == es || $target == elasticsearch || $target == all ]] && start_es; true ;;
  stop)   [[ $target == kafka || $target == all ]] && stop_pidfile Kafka "$RUN/kafka.pid" "$KAFKA_MARKER"
          [[ $target == es || $target == elasticsearch || $target == all ]] && stop_pidfile Elasticsearch "$RUN/es.pid" "$ES_MARKER"; true ;;
  reset)  "$0" stop "$target"; rm -rf "$RUN"; say "removed $RUN" ;;
  status) status ;;
  *) die "unknown action '$action' (fetch, start, stop, status, reset)" ;;
esac
