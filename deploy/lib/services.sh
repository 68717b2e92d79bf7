# shellcheck shell=bash
#
# Shared helpers for .ci/run and deploy/start.sh: Debian packages, Node.js,
# and the local PostgreSQL and RabbitMQ that CyborgBackup talks to.
#
# Source it from a bash script that runs with `set -euo pipefail`. The ensure_*
# functions are idempotent: they do nothing when all is already in place.
# Settings (environment): PG_HOST / PG_PORT (127.0.0.1 / 5432), AMQP_HOST /
# AMQP_PORT (127.0.0.1 / 5672), PG_WAIT_SECONDS (60), RABBITMQ_WAIT_SECONDS (90).

step() { printf '==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }

# Runs "$@" every second until it succeeds; fails after $1 seconds.
# Usage: wait_until SECONDS DESCRIPTION COMMAND [ARG...]
wait_until() {
  local seconds=$1 what=$2 waited=0
  shift 2
  until "$@"; do
    if [ "$waited" -ge "$seconds" ]; then
      warn "$what did not come up within ${seconds}s"
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  info "$what is up (waited ${waited}s)"
}

# True when a TCP connection to host $1 port $2 succeeds within 2 seconds.
port_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# --- Debian packages ---------------------------------------------------------

# Prints those of the named packages that are not installed, one a line.
missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' ||
      printf '%s\n' "$pkg"
  done
}

APT_UPDATED=false
# Installs those of the named packages that are missing; runs `apt-get update`
# first (once per script) only when something has to be installed.
apt_install() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  [ "${#missing[@]}" -gt 0 ] || return 0
  is_root || die "missing Debian packages: ${missing[*]}; as root run: apt-get update && apt-get install -y ${missing[*]}"
  if [ "$APT_UPDATED" = false ]; then
    info "apt-get update"
    apt-get update -qq
    APT_UPDATED=true
  fi
  info "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# --- Node.js -----------------------------------------------------------------

# True when `node` exists and its version is at least $1 (MAJOR.MINOR).
node_at_least() {
  local want=$1 have_version major minor
  have node || return 1
  have_version=$(node -p 'process.versions.node' 2>/dev/null) || return 1
  IFS=. read -r major minor _ <<<"$have_version"
  [ "$major" -gt "${want%%.*}" ] ||
    { [ "$major" -eq "${want%%.*}" ] && [ "$minor" -ge "${want#*.}" ]; }
}

# Prints 48 random URL-safe characters.
generate_secret_key() {
  node -e 'process.stdout.write(require("node:crypto").randomBytes(36).toString("base64url"))'
}

# --- PostgreSQL --------------------------------------------------------------

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}

postgresql_ready() {
  if have pg_isready; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    port_open "$PG_HOST" "$PG_PORT"
  fi
}

# True when a PostgreSQL server (not only the client) is installed.
postgresql_installed() {
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null
}

# Prints "VERSION NAME" of the cluster on $PG_PORT, or else of the first one.
postgresql_cluster() {
  local clusters
  clusters=$(pg_lsclusters -h 2>/dev/null) || return 1
  [ -n "$clusters" ] || return 1
  awk -v port="$PG_PORT" '$3 == port { print $1, $2; found = 1; exit }
    END { if (!found) exit 1 }' <<<"$clusters" ||
    awk 'NR == 1 { print $1, $2 }' <<<"$clusters"
}

# Lets every local TCP connection (127.0.0.1 and ::1) in without a password,
# as on the CI machines. Only called right after this script installed the
# server: an existing pg_hba.conf is never touched.
postgresql_trust_local() {
  local version=$1 name=$2 hba
  hba=/etc/postgresql/$version/$name/pg_hba.conf
  grep -q '^# cyborgbackup: local trust' "$hba" && return 0
  info "allowing password-less local TCP connections in $hba"
  {
    printf '# cyborgbackup: local trust (added by deploy/lib/services.sh)\n'
    printf 'host    all    all    127.0.0.1/32    trust\n'
    printf 'host    all    all    ::1/128         trust\n\n'
    cat "$hba"
  } >"$hba.new"
  chown --reference="$hba" "$hba.new"
  chmod --reference="$hba" "$hba.new"
  mv "$hba.new" "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$name" reload || true
}

start_postgresql() {
  local cluster version name
  cluster=$(postgresql_cluster) || {
    version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
    info "creating cluster $version/main"
    pg_createcluster --port "$PG_PORT" "$version" main
    cluster="$version main"
  }
  read -r version name <<<"$cluster"
  info "starting PostgreSQL cluster $version/$name"
  # "already running" is fine: the wait below decides.
  pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start || true
}

# Makes sure PostgreSQL answers on $PG_HOST:$PG_PORT: installs it (as root)
# when it is missing, starts it when it is down, and waits up to 60 s.
ensure_postgresql() {
  local fresh=false cluster
  if ! have pg_isready; then
    apt_install postgresql-client
  fi
  if postgresql_ready; then
    info "PostgreSQL is answering on $PG_HOST:$PG_PORT"
    return 0
  fi
  is_root || die "PostgreSQL is not answering on $PG_HOST:$PG_PORT; as root run: $(postgresql_root_hint)"
  if ! postgresql_installed; then
    apt_install postgresql
    fresh=true
  fi
  postgresql_ready || start_postgresql
  wait_until "${PG_WAIT_SECONDS:-60}" PostgreSQL postgresql_ready ||
    die "PostgreSQL did not start; see /var/log/postgresql/"
  if [ "$fresh" = true ]; then
    cluster=$(postgresql_cluster)
    # shellcheck disable=SC2086 # "VERSION NAME" is meant to split
    postgresql_trust_local $cluster
    wait_until 10 "password-less login as postgres" postgresql_login ||
      die "cannot connect as postgres to $PG_HOST:$PG_PORT without a password"
  fi
}

postgresql_login() {
  psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -w -Atqc 'SELECT 1' >/dev/null 2>&1
}

postgresql_root_hint() {
  if postgresql_installed; then
    # shellcheck disable=SC2016 # printed for the user to run
    printf 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'
  else
    printf 'apt-get update && apt-get install -y postgresql (or run this script as root, which also sets up local trust auth)'
  fi
}

# --- RabbitMQ ----------------------------------------------------------------

AMQP_HOST=${AMQP_HOST:-127.0.0.1}
AMQP_PORT=${AMQP_PORT:-5672}

rabbitmq_installed() { have rabbitmq-server; }

# True when the Erlang node runs (whether or not the rabbit app in it does).
rabbitmq_node_up() {
  if have rabbitmq-diagnostics; then
    timeout 30 rabbitmq-diagnostics -q ping >/dev/null 2>&1
  else
    timeout 30 rabbitmqctl status >/dev/null 2>&1
  fi
}

# True when the broker accepts AMQP connections. The listener opens only at
# the end of the boot, so an open port means RabbitMQ is ready.
rabbitmq_ready() {
  port_open "$AMQP_HOST" "$AMQP_PORT"
}

start_rabbitmq() {
  if rabbitmq_node_up; then
    # The node runs but the broker in it was stopped (`rabbitmqctl stop_app`).
    info "starting the RabbitMQ application"
    rabbitmqctl start_app >/dev/null
  else
    info "starting RabbitMQ"
    rabbitmq-server -detached
  fi
}

# Makes sure RabbitMQ accepts AMQP on $AMQP_HOST:$AMQP_PORT: installs it (as
# root) when it is missing, starts it when it is down, and waits up to 90 s.
ensure_rabbitmq() {
  if rabbitmq_ready; then
    info "RabbitMQ is answering on $AMQP_HOST:$AMQP_PORT"
    return 0
  fi
  is_root || die "RabbitMQ is not answering on $AMQP_HOST:$AMQP_PORT; as root run: $(rabbitmq_root_hint)"
  rabbitmq_installed || apt_install rabbitmq-server
  # A fresh install may have started it already.
  rabbitmq_ready || start_rabbitmq
  wait_until "${RABBITMQ_WAIT_SECONDS:-90}" RabbitMQ rabbitmq_ready ||
    die "RabbitMQ did not start; see /var/log/rabbitmq/"
}

rabbitmq_root_hint() {
  if rabbitmq_installed; then
    printf 'rabbitmq-server -detached'
  else
    printf 'apt-get update && apt-get install -y rabbitmq-server && rabbitmq-server -detached'
  fi
}
