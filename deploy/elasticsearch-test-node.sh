#!/usr/bin/env bash
# A throw-away Elasticsearch 8 node for tests and benchmarks, without Docker.
#
#   deploy/elasticsearch-test-node.sh [start|stop|status]   (default: start)
#
# Fetches Elastic's integration-test distribution from Maven Central once (with
# mvn) into a cache directory outside git, then runs it with the machine's
# Java 17 as a non-root user, security off, on loopback, with a small heap, and
# waits until /_cluster/health is green. Idempotent: a running node is left
# alone. Prints the node's URL on its last line.
#
# Settings (environment): ES_VERSION (8.19.4), ES_PORT (9299), ES_HEAP (512m),
# ES_CACHE_DIR (/var/cache/cyborgbackup as root, else .cache/ in the clone),
# ES_JAVA_HOME (the Java 17 of Debian), ES_WAIT_SECONDS (120).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deploy/lib/services.sh
. "$ROOT/deploy/lib/services.sh"

ES_VERSION=${ES_VERSION:-8.19.4}
ES_PORT=${ES_PORT:-9299}
ES_HEAP=${ES_HEAP:-512m}
ES_JAVA_HOME=${ES_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
ES_USER=cyborg-es
if is_root; then
  ES_CACHE_DIR=${ES_CACHE_DIR:-/var/cache/cyborgbackup}
else
  ES_CACHE_DIR=${ES_CACHE_DIR:-$ROOT/.cache}
fi
HOME_DIR="$ES_CACHE_DIR/elasticsearch-$ES_VERSION"
NODE_DIR="$ES_CACHE_DIR/es-node-$ES_PORT"
URL="http://127.0.0.1:$ES_PORT"

green() {
  curl -fsS "$URL/_cluster/health?wait_for_status=green&timeout=1s" 2>/dev/null |
    grep -q '"status":"green"'
}

download() {
  [ -x "$HOME_DIR/bin/elasticsearch" ] && return 0
  have mvn || die "mvn is needed to fetch Elasticsearch (apt-get install maven)"
  have unzip || die "unzip is needed (apt-get install unzip)"
  mkdir -p "$ES_CACHE_DIR"
  local tmp
  tmp=$(mktemp -d "$ES_CACHE_DIR/download.XXXXXX")
  info "fetching org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
  mvn -q -B dependency:copy \
    "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
    "-DoutputDirectory=$tmp"
  unzip -q "$tmp/elasticsearch-$ES_VERSION.zip" -d "$tmp"
  # Renamed into place last, so an interrupted download is never taken for a complete one.
  mv "$tmp/elasticsearch-$ES_VERSION" "$HOME_DIR"
  rm -rf "$tmp"
}

# Elasticsearch refuses to run as root: give it a user of its own.
run_as() {
  if is_root; then
    id -u "$ES_USER" >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin "$ES_USER"
    chown -R "$ES_USER" "$HOME_DIR" "$NODE_DIR"
    runuser -u "$ES_USER" -- "$@"
  else
    "$@"
  fi
}

start() {
  if green; then
    info "Elasticsearch is already green on $URL"
    echo "$URL"
    return 0
  fi
  [ -x "$ES_JAVA_HOME/bin/java" ] || die "no Java at $ES_JAVA_HOME (apt-get install openjdk-17-jre-headless)"
  download
  mkdir -p "$NODE_DIR/data" "$NODE_DIR/logs"
  if ! [ -f "$NODE_DIR/pid" ] || ! kill -0 "$(cat "$NODE_DIR/pid")" 2>/dev/null; then
    info "starting Elasticsearch $ES_VERSION on $URL (data in $NODE_DIR)"
    run_as env ES_JAVA_HOME="$ES_JAVA_HOME" ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP" \
      "$HOME_DIR/bin/elasticsearch" -d -p "$NODE_DIR/pid" \
      -E discovery.type=single-node -E xpack.security.enabled=false \
      -E network.host=127.0.0.1 -E http.port="$ES_PORT" -E transport.port=0 \
      -E cluster.name="cyborg-test-$ES_PORT" -E node.name="cyborg-test-$ES_PORT" \
      -E path.data="$NODE_DIR/data" -E path.logs="$NODE_DIR/logs" \
      -E cluster.routing.allocation.disk.threshold_enabled=false \
      -E action.destructive_requires_name=false >/dev/null
  fi
  wait_until "${ES_WAIT_SECONDS:-120}" "Elasticsearch on $URL" green ||
    die "Elasticsearch did not turn green; see $NODE_DIR/logs/"
  echo "$URL"
}

stop() {
  [ -f "$NODE_DIR/pid" ] || return 0
  local pid
  pid=$(cat "$NODE_DIR/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 60 ]; do
      sleep 1
      waited=$((waited + 1))
    done
  fi
  rm -f "$NODE_DIR/pid"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) green && echo "green on $URL" ;;
  *) die "usage: $0 [start|stop|status]" ;;
esac
