#!/usr/bin/env bash
# Starts the whole of CyborgBackup on one Debian machine, every service in one
# process, from this checkout:
#
#     deploy/start.sh                  # as root: installs what is missing too
#     deploy/start.sh --services-only  # as root: only PostgreSQL and RabbitMQ
#
# It checks Node.js, makes sure the local PostgreSQL and RabbitMQ run (unless
# DATABASE_URL / AMQP_URL point elsewhere), keeps a SECRET_KEY in
# data/secret_key, installs the npm dependencies and builds when needed, and
# then replaces itself with `npm start`. Configuration: see the README
# (DATABASE_URL, AMQP_URL, SECRET_KEY, PORT, ...).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=deploy/lib/services.sh
. "$ROOT/deploy/lib/services.sh"

# Oldest Node.js the project supports (package.json "engines").
MIN_NODE=20.19
# What the services run at run time; installed when started as root.
RUNTIME_PACKAGES=(ca-certificates openssh-client borgbackup)

SECRET_KEY_PATH=$ROOT/data/secret_key
DEFAULT_DATABASE_URL=postgres://postgres@127.0.0.1:5432/cyborgbackup
DEFAULT_AMQP_URL=amqp://guest:guest@127.0.0.1:5672

# Prints the host of a URL (scheme://user:pass@host:port/path).
url_host() {
  local authority=${1#*://}
  authority=${authority%%[/?#]*}
  authority=${authority##*@}
  if [[ $authority == \[* ]]; then
    authority=${authority#[}
    printf '%s\n' "${authority%%]*}"
  else
    printf '%s\n' "${authority%%:*}"
  fi
}

# Prints the port of a URL, or $2 when it names none.
url_port() {
  local authority=${1#*://}
  authority=${authority%%[/?#]*}
  authority=${authority##*@}
  authority=${authority##*]}
  if [[ $authority == *:* ]] && [ -n "${authority##*:}" ]; then
    printf '%s\n' "${authority##*:}"
  else
    printf '%s\n' "$2"
  fi
}

is_local_url() {
  case $(url_host "$1") in
    '' | localhost | 127.* | ::1) return 0 ;;
    *) return 1 ;;
  esac
}

check_node() {
  if node_at_least "$MIN_NODE" && have npm; then
    info "node $(node --version), npm $(npm --version)"
    return 0
  fi
  cat >&2 <<MSG
error: Node.js >= $MIN_NODE with npm is needed (found: $(node --version 2>/dev/null || echo no node)).
Debian 12's own nodejs package is version 18, which is too old. Install Node.js 20
from NodeSource instead, as root:

    apt-get update && apt-get install -y ca-certificates curl
    curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
    apt-get install -y nodejs

(or, without root, nvm: https://github.com/nvm-sh/nvm then \`nvm install 20\`),
then run $0 again.
MSG
  exit 1
}

runtime_packages() {
  local missing
  mapfile -t missing < <(missing_packages "${RUNTIME_PACKAGES[@]}")
  [ "${#missing[@]}" -gt 0 ] || return 0
  if is_root; then
    apt_install "${missing[@]}"
  else
    warn "missing Debian packages: ${missing[*]} (backups need them; as root run: apt-get install -y ${missing[*]})"
  fi
}

# Makes sure the local PostgreSQL and RabbitMQ run, for each URL that points
# at this machine. As root it installs and starts them; otherwise it says
# what to run as root and stops.
ensure_services() {
  local database_url=${DATABASE_URL:-$DEFAULT_DATABASE_URL}
  local amqp_url=${AMQP_URL:-$DEFAULT_AMQP_URL}
  local want_pg=false want_mq=false hints=()

  if is_local_url "$database_url"; then
    want_pg=true
    PG_PORT=$(url_port "$database_url" 5432)
  else
    info "PostgreSQL: using $(url_host "$database_url") from DATABASE_URL"
  fi
  if is_local_url "$amqp_url"; then
    want_mq=true
    AMQP_PORT=$(url_port "$amqp_url" 5672)
  else
    info "RabbitMQ: using $(url_host "$amqp_url") from AMQP_URL"
  fi

  if is_root; then
    if [ "$want_pg" = true ]; then ensure_postgresql; fi
    if [ "$want_mq" = true ]; then ensure_rabbitmq; fi
    return 0
  fi

  if [ "$want_pg" = true ]; then
    if postgresql_ready; then
      info "PostgreSQL is answering on $PG_HOST:$PG_PORT"
    else
      hints+=("$(postgresql_root_hint)")
    fi
  fi
  if [ "$want_mq" = true ]; then
    if rabbitmq_ready; then
      info "RabbitMQ is answering on $AMQP_HOST:$AMQP_PORT"
    else
      hints+=("$(rabbitmq_root_hint)")
    fi
  fi
  [ "${#hints[@]}" -eq 0 ] && return 0

  {
    printf 'error: PostgreSQL and RabbitMQ must run on this machine first. As root, run:\n\n'
    printf '    %s --services-only\n\n' "$ROOT/deploy/start.sh"
    printf 'which installs, configures and starts them, or do it by hand:\n\n'
    printf '    %s\n' "${hints[@]}"
    printf '\nthen run %s again (or set DATABASE_URL / AMQP_URL to servers elsewhere).\n' "$0"
  } >&2
  exit 1
}

# Keeps a random SECRET_KEY in data/secret_key unless one is given.
ensure_secret_key() {
  # An empty SECRET_KEY would hide SECRET_KEY_FILE from the services.
  [ -n "${SECRET_KEY:-}" ] || unset SECRET_KEY
  if [ -n "${SECRET_KEY:-}" ]; then
    info "using SECRET_KEY from the environment"
    return 0
  fi
  if [ -n "${SECRET_KEY_FILE:-}" ]; then
    [ -r "$SECRET_KEY_FILE" ] || die "SECRET_KEY_FILE=$SECRET_KEY_FILE cannot be read"
    info "using SECRET_KEY_FILE=$SECRET_KEY_FILE"
    return 0
  fi
  if [ ! -s "$SECRET_KEY_PATH" ]; then
    info "creating $SECRET_KEY_PATH (keep it: it decrypts the stored secrets)"
    mkdir -p "$(dirname "$SECRET_KEY_PATH")"
    (
      umask 077
      generate_secret_key >"$SECRET_KEY_PATH.tmp"
    )
    mv "$SECRET_KEY_PATH.tmp" "$SECRET_KEY_PATH"
  fi
  chmod 600 "$SECRET_KEY_PATH"
  export SECRET_KEY_FILE=$SECRET_KEY_PATH
  info "using SECRET_KEY_FILE=$SECRET_KEY_FILE"
}

# `npm ci` when node_modules is missing or older than package-lock.json.
ensure_dependencies() {
  local stamp=node_modules/.cyborg-installed
  if [ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ]; then
    info "node_modules is up to date"
    return 0
  fi
  npm ci --no-audit --no-fund
  touch "$stamp"
}

# `npm run build` when dist/ is missing or older than any source file.
ensure_build() {
  local stamp=dist/.built sources=() started
  local candidate
  for candidate in apps libs tools package.json package-lock.json tsconfig.json tsconfig.base.json tsconfig.build.json; do
    if [ -e "$candidate" ]; then sources+=("$candidate"); fi
  done
  if [ -f "$stamp" ] && [ -z "$(find "${sources[@]}" -newer "$stamp" -print -quit)" ]; then
    info "dist/ is up to date"
    return 0
  fi
  # Stamped with the time the build began, so edits made meanwhile count.
  started=$(date +%s)
  npm run build
  mkdir -p dist
  touch -d "@$started" "$stamp"
}

banner() {
  local port=${PORT:-8000}
  cat <<MSG

  CyborgBackup is starting (all services in one process).
    API:      http://localhost:$port/api/v1/
    Login:    the first start creates the user admin@cyborg.local
              (its password is CYBORG_ADMIN_PASSWORD when that is set; see the log otherwise)
    Secret:   ${SECRET_KEY_FILE:-SECRET_KEY from the environment}
  Stop it with Ctrl-C.

MSG
}

main() {
  local services_only=false
  case ${1:-} in
    --services-only) services_only=true ;;
    '') ;;
    -h | --help)
      sed -n '2,12s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac

  if [ "$services_only" = false ]; then
    step "Node.js"
    check_node
  fi
  step "Debian packages"
  runtime_packages
  step "PostgreSQL and RabbitMQ"
  ensure_services
  [ "$services_only" = false ] || exit 0

  step "Secret key"
  ensure_secret_key
  step "npm dependencies"
  ensure_dependencies
  step "Build"
  ensure_build
  banner
  exec npm start
}

main "$@"
