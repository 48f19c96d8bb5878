#!/usr/bin/env bash
# Installs (apt-get, when missing) and starts on loopback the servers the integration tests use, idempotently,
# and stops what it started. Sourced by scripts/test.sh; run directly for a developer session:
#   bash scripts/services.sh start   # prints the CACHEME_TEST_* exports to eval
#   bash scripts/services.sh stop    # stops servers this state directory says were started by a previous `start`
# Connection settings are exported as CACHEME_TEST_* environment variables for the tests:
#   CACHEME_TEST_REDIS, CACHEME_TEST_REDIS_CLUSTER, CACHEME_TEST_POSTGRES, CACHEME_TEST_MYSQL.
# Works as root on a fresh Debian 12 machine with none of the servers installed.

SERVICES_STATE="${SERVICES_STATE:-/tmp/cacheme-services}"
CACHEME_REDIS_PORT="${CACHEME_REDIS_PORT:-6399}"
CACHEME_CLUSTER_PORTS="${CACHEME_CLUSTER_PORTS:-7101 7102 7103}"
CACHEME_MYSQL_PORT="${CACHEME_MYSQL_PORT:-3306}"
CACHEME_DB_USER="cacheme"
CACHEME_DB_PASSWORD="cacheme_test_pw"
CACHEME_DB_NAME="cacheme_test"
STARTED_SERVICES=()

_svc_log() { echo "[services] $*" >&2; }

# Remembers a started server (in this shell and in the state directory, so `stop` from another shell finds it).
_svc_started() { STARTED_SERVICES+=("$1"); echo "$1" >>"$SERVICES_STATE/started"; }

# Polls a command until it succeeds or the deadline (seconds) passes.
_svc_wait() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then return 1; fi
    sleep 0.2
  done
}

_svc_install() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server redis-tools)
  { command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; } || missing+=(postgresql postgresql-contrib)
  { command -v mysqld_safe >/dev/null 2>&1 && command -v mysqladmin >/dev/null 2>&1; } || missing+=(mariadb-server mariadb-client)
  [ ${#missing[@]} -eq 0 ] && return 0
  _svc_log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=900 update -qq >&2 || return 1
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >&2 || return 1
}

_svc_redis_ping() { [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = "PONG" ]; }

_svc_redis_server() { # port dir [extra args]
  local port=$1 dir=$2; shift 2
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
    --dir "$dir" --logfile "$dir/redis-$port.log" --pidfile "$dir/redis-$port.pid" "$@" >&2
}

_svc_start_redis() {
  local port=$CACHEME_REDIS_PORT
  if ! _svc_redis_ping "$port"; then
    _svc_redis_server "$port" "$SERVICES_STATE/redis" || return 1
    _svc_wait 30 _svc_redis_ping "$port" || { _svc_log "redis on $port did not answer"; return 1; }
    _svc_started "redis:$port"
  fi
  export CACHEME_TEST_REDIS="redis://127.0.0.1:$port"
}

_svc_cluster_ok() {
  local p
  for p in $CACHEME_CLUSTER_PORTS; do
    redis-cli -h 127.0.0.1 -p "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
}

_svc_start_cluster() {
  local p first="" nodes=() dir="$SERVICES_STATE/cluster"
  if ! _svc_cluster_ok; then
    # Test ports only: nodes left by an earlier, interrupted run are shut down and the cluster is created afresh.
    for p in $CACHEME_CLUSTER_PORTS; do
      _svc_redis_ping "$p" && redis-cli -h 127.0.0.1 -p "$p" shutdown nosave >/dev/null 2>&1
    done
    rm -rf "$dir"; mkdir -p "$dir"
    for p in $CACHEME_CLUSTER_PORTS; do
      _svc_redis_server "$p" "$dir" --cluster-enabled yes --cluster-config-file "nodes-$p.conf" --cluster-node-timeout 5000 || return 1
      _svc_wait 30 _svc_redis_ping "$p" || { _svc_log "cluster node $p did not answer"; return 1; }
      _svc_started "redis:$p"
      nodes+=("127.0.0.1:$p")
    done
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 \
      || { _svc_log "cluster create failed: $(tail -n 3 "$dir/create.log")"; return 1; }
    _svc_wait 60 _svc_cluster_ok || { _svc_log "cluster did not reach state ok"; return 1; }
  fi
  for p in $CACHEME_CLUSTER_PORTS; do first="${first:+$first,}127.0.0.1:$p"; done
  export CACHEME_TEST_REDIS_CLUSTER="redis://$first"
}

_svc_pg_cluster() { pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1, $2, $3}'; }

_svc_start_postgres() {
  local version name port
  if [ -z "$(_svc_pg_cluster)" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    pg_createcluster "$version" main >&2 || return 1
  fi
  read -r version name port <<<"$(_svc_pg_cluster)"
  # pg_stat_statements lets the round-trip test read the server's own statement counts.
  if ! grep -q "^shared_preload_libraries *= *'pg_stat_statements'" "/etc/postgresql/$version/$name/postgresql.conf"; then
    pg_conftool "$version" "$name" set shared_preload_libraries pg_stat_statements >&2 || return 1
    pg_ctlcluster "$version" "$name" status >/dev/null 2>&1 && { pg_ctlcluster "$version" "$name" restart >&2 || return 1; }
  fi
  if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
    mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql
    pg_ctlcluster "$version" "$name" start >&2 || return 1
    _svc_wait 60 pg_isready -q -h 127.0.0.1 -p "$port" || { _svc_log "postgresql did not answer"; return 1; }
    _svc_started "postgres:$version:$name"
  fi
  su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1" >&2 <<SQL || return 1
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$CACHEME_DB_USER') THEN CREATE ROLE $CACHEME_DB_USER LOGIN; END IF;
END \$\$;
ALTER ROLE $CACHEME_DB_USER WITH LOGIN SUPERUSER PASSWORD '$CACHEME_DB_PASSWORD';
SELECT 'CREATE DATABASE $CACHEME_DB_NAME OWNER $CACHEME_DB_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$CACHEME_DB_NAME')\gexec
\c $CACHEME_DB_NAME
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
SQL
  export CACHEME_TEST_POSTGRES="postgresql://$CACHEME_DB_USER:$CACHEME_DB_PASSWORD@127.0.0.1:$port/$CACHEME_DB_NAME"
}

_svc_mysql_ping() { mysqladmin --protocol=tcp -h 127.0.0.1 -P "$CACHEME_MYSQL_PORT" -u "$CACHEME_DB_USER" -p"$CACHEME_DB_PASSWORD" ping; }
_svc_mysql_root_ping() { mysqladmin -u root ping; }

_svc_start_mysql() {
  local dir="$SERVICES_STATE/mysql"
  if ! _svc_mysql_root_ping >/dev/null 2>&1 && ! _svc_mysql_ping >/dev/null 2>&1; then
    mkdir -p /run/mysqld "$dir" && chown mysql:mysql /run/mysqld "$dir"
    if [ ! -d /var/lib/mysql/mysql ]; then
      mariadb-install-db --user=mysql --datadir=/var/lib/mysql >&2 || return 1
    fi
    # performance_schema lets the round-trip test read the server's own statement counts.
    nohup mysqld_safe --user=mysql --bind-address=127.0.0.1 --port="$CACHEME_MYSQL_PORT" --performance-schema=ON \
      --log-error="$dir/mysqld.log" >"$dir/mysqld_safe.out" 2>&1 &
    _svc_wait 90 _svc_mysql_root_ping || { _svc_log "mariadb did not answer: $(tail -n 5 "$dir/mysqld.log" 2>/dev/null)"; return 1; }
    _svc_started "mysql"
  fi
  mysql -u root >&2 <<SQL || return 1
CREATE DATABASE IF NOT EXISTS $CACHEME_DB_NAME CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$CACHEME_DB_USER'@'127.0.0.1' IDENTIFIED BY '$CACHEME_DB_PASSWORD';
CREATE USER IF NOT EXISTS '$CACHEME_DB_USER'@'localhost' IDENTIFIED BY '$CACHEME_DB_PASSWORD';
GRANT ALL PRIVILEGES ON $CACHEME_DB_NAME.* TO '$CACHEME_DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON $CACHEME_DB_NAME.* TO '$CACHEME_DB_USER'@'localhost';
GRANT SELECT ON performance_schema.* TO '$CACHEME_DB_USER'@'127.0.0.1';
GRANT SELECT ON performance_schema.* TO '$CACHEME_DB_USER'@'localhost';
FLUSH PRIVILEGES;
SQL
  _svc_wait 30 _svc_mysql_ping || { _svc_log "mariadb refused the test user"; return 1; }
  export CACHEME_TEST_MYSQL="mysql://$CACHEME_DB_USER:$CACHEME_DB_PASSWORD@127.0.0.1:$CACHEME_MYSQL_PORT/$CACHEME_DB_NAME"
}

services_start() {
  mkdir -p "$SERVICES_STATE"
  STARTED_SERVICES=()
  [ -f "$SERVICES_STATE/started" ] && mapfile -t STARTED_SERVICES <"$SERVICES_STATE/started"
  _svc_install || { _svc_log "apt-get install failed"; return 1; }
  _svc_start_redis || return 1
  _svc_start_cluster || return 1
  _svc_start_postgres || return 1
  _svc_start_mysql || return 1
  _svc_log "ready: ${STARTED_SERVICES[*]:-(all were already running)}"
  return 0
}

# Stops only what services_start started (in this shell, or as recorded in the state directory by `start`).
services_stop() {
  local entries=("${STARTED_SERVICES[@]}") s kind a b
  [ -f "$SERVICES_STATE/started" ] && mapfile -t entries <"$SERVICES_STATE/started"
  for s in "${entries[@]}"; do
    [ -n "$s" ] || continue
    IFS=: read -r kind a b <<<"$s"
    case "$kind" in
      redis) redis-cli -h 127.0.0.1 -p "$a" shutdown nosave >/dev/null 2>&1 ;;
      postgres) pg_ctlcluster "$a" "$b" stop >/dev/null 2>&1 ;;
      mysql) mysqladmin -u root shutdown >/dev/null 2>&1 ;;
    esac
  done
  STARTED_SERVICES=()
  rm -f "$SERVICES_STATE/started"
  return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    start)
      services_start || exit 1
      echo "export CACHEME_TEST_REDIS='$CACHEME_TEST_REDIS' CACHEME_TEST_REDIS_CLUSTER='$CACHEME_TEST_REDIS_CLUSTER'"
      echo "export CACHEME_TEST_POSTGRES='$CACHEME_TEST_POSTGRES' CACHEME_TEST_MYSQL='$CACHEME_TEST_MYSQL'" ;;
    stop) services_stop ;;
    *) echo "usage: bash scripts/services.sh start|stop" >&2; exit 2 ;;
  esac
fi
