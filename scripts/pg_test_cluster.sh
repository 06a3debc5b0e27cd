#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks: `initdb` + `pg_ctl` in a temp folder,
# on 127.0.0.1 and a free port, run as an unprivileged user (initdb refuses root). No system
# service, nothing outside the folder.
#
#   eval "$(scripts/pg_test_cluster.sh start)"   # exports DLTX_TEST_PG_URL and DLTX_TEST_PG_DIR
#   scripts/pg_test_cluster.sh stop "$DLTX_TEST_PG_DIR"
#
# `start` prints the two `export` lines on stdout (diagnostics go to stderr) and exits 3 when no
# initdb can be found (install Debian's `postgresql`), 1 when the server would not start.
set -euo pipefail

find_bin() {
  local name=$1 found
  if found=$(command -v "$name" 2>/dev/null); then echo "$found"; return 0; fi
  # Debian keeps the server's programs off PATH, one folder per major version: take the newest.
  found=$(ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$found" ]; then echo "$found"; return 0; fi
  return 1
}

# Runs a command as the cluster's owner: ourselves, or (as root) an unprivileged user.
as_owner() {
  if [ -n "${OWNER:-}" ]; then
    runuser -u "$OWNER" -- "$@"
  else
    "$@"
  fi
}

pick_owner() {
  OWNER=""
  [ "$(id -u)" -ne 0 ] && return 0
  if id -u postgres >/dev/null 2>&1; then
    OWNER=postgres
  else
    id -u dltxpg >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin dltxpg
    OWNER=dltxpg
  fi
}

start() {
  local initdb pg_ctl
  if ! initdb=$(find_bin initdb); then
    echo "no initdb found: install PostgreSQL's server (Debian: apt-get install postgresql)" >&2
    exit 3
  fi
  pg_ctl=$(dirname "$initdb")/pg_ctl
  pick_owner
  local dir password
  dir=$(mktemp -d "${TMPDIR:-/tmp}/dltx_pg.XXXXXX")
  chmod 700 "$dir"
  [ -n "$OWNER" ] && chown "$OWNER" "$dir"
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
  printf '%s\n' "$password" >"$dir/pwfile"
  [ -n "$OWNER" ] && chown "$OWNER" "$dir/pwfile"
  # Password auth over TCP (tests check a wrong password), trust on the folder's socket only.
  as_owner "$initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" -E UTF8 \
    --locale=C.UTF-8 --auth-host=scram-sha-256 --auth-local=trust >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  rm -f "$dir/pwfile"
  local port attempt
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    # fsync off: a test server's data need not survive a power cut, and loads get faster.
    if as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60" \
      >/dev/null 2>&1; then
      echo "export DLTX_TEST_PG_URL='postgresql://postgres:${password}@127.0.0.1:${port}/postgres'"
      echo "export DLTX_TEST_PG_DIR='${dir}'"
      return 0
    fi
    echo "port $port did not work (attempt $attempt), trying another" >&2
  done
  cat "$dir/server.log" >&2 || true
  rm -rf "$dir"
  exit 1
}

stop() {
  local dir=${1:-${DLTX_TEST_PG_DIR:-}}
  if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then
    echo "no cluster folder given (pass the DLTX_TEST_PG_DIR of start)" >&2
    exit 1
  fi
  local pg_ctl
  pg_ctl=$(dirname "$(find_bin initdb)")/pg_ctl
  pick_owner
  as_owner "$pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
start) start ;;
stop) stop "${2:-}" ;;
*)
  echo "usage: $0 start | stop <dir>" >&2
  exit 2
  ;;
esac
