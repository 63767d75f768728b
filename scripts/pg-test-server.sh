#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: its own data folder, 127.0.0.1 only, a free port.
#
# Usage:
#   scripts/pg-test-server.sh start DIR     initdb into DIR/data, start, print `export …` lines
#   scripts/pg-test-server.sh restart DIR   pg_ctl restart (fast): every open session is cut
#   scripts/pg-test-server.sh stop DIR      pg_ctl stop (fast); harmless when not running
#
# `start` prints, for `eval`:
#   PL_TEST_PG_URL            postgres://pl@127.0.0.1:PORT/pl_test (role pl, trust authentication)
#   PL_TEST_PG_PASSWORD_URL   postgres://pl_pw@127.0.0.1:PORT/pl_test (role pl_pw, password needed)
#   PL_TEST_PG_PASSWORD_FILE  a file holding pl_pw's password
#   PL_TEST_PG_DIR            DIR
# initdb refuses to run as root, so as root the server runs as the `postgres` user.
set -euo pipefail

usage() { echo "usage: $0 start|restart|stop DIR" >&2; exit 64; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

bindir() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return
  fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$found" ] || { echo "$0: no PostgreSQL server found (apt-get install postgresql)" >&2; exit 69; }
  echo "$found"
}

# Runs a command as the server's user: postgres when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

bin=$(bindir)
# The server must not inherit the caller's other descriptors: a FIFO's write end held by the
# postmaster would keep its reader waiting for an end of input that never comes.
exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-

case $action in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then
      # The postgres user must reach the folder, which may sit in a private temporary directory
      # (mktemp -d): let it pass through (x, not r) the ancestors it cannot enter.
      chown postgres: "$dir"
      parent=$(dirname "$dir")
      while [ "$parent" != / ]; do
        runuser -u postgres -- test -x "$parent" || chmod o+x "$parent"
        parent=$(dirname "$parent")
      done
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U pl --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 70; }
    cat >"$dir/data/pg_hba.conf" <<EOF
local all all trust
host all pl 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
EOF
    mkdir -p "$dir/socket"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/socket" "$dir/data/pg_hba.conf"
    started=false
    for _ in 1 2 3 4 5; do
      port=$(free_port)
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir/socket -c fsync=off" start >/dev/null; then
        started=true
        break
      fi
    done
    $started || { cat "$dir/server.log" >&2; exit 70; }
    password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    printf '%s\n' "$password" >"$dir/password"
    chmod 600 "$dir/password"
    psql="$bin/psql"
    [ -x "$psql" ] || psql=psql
    PGPASSWORD="" "$psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U pl -d postgres >/dev/null <<EOF
CREATE DATABASE pl_test;
CREATE ROLE pl_pw LOGIN PASSWORD '$password';
GRANT ALL ON DATABASE pl_test TO pl_pw;
\c pl_test
GRANT ALL ON SCHEMA public TO pl_pw;
EOF
    echo "$port" >"$dir/port"
    echo "export PL_TEST_PG_URL=postgres://pl@127.0.0.1:$port/pl_test"
    echo "export PL_TEST_PG_PASSWORD_URL=postgres://pl_pw@127.0.0.1:$port/pl_test"
    echo "export PL_TEST_PG_PASSWORD_FILE=$dir/password"
    echo "export PL_TEST_PG_DIR=$dir"
    ;;
  restart)
    [ -f "$dir/data/postmaster.pid" ] || { echo "$0: no server running in $dir" >&2; exit 69; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast restart >/dev/null
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >/dev/null || true
    fi
    ;;
  *)
    usage
    ;;
esac
