#!/usr/bin/env bash
# A throwaway PostgreSQL for the team tests: installed from Debian's packages when missing, run as a
# private cluster in a temp dir on a loopback port (never the system's own server), stopped on exit.
# Source it: it exports EXPERT_ANSWERS_TEST_PG_URL (an admin URL) and sets an EXIT trap.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_PORT="${PG_PORT:-55432}"
PG_DIR=$(mktemp -d /tmp/ea-pg.XXXXXX)
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
PG_RUN=""
if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; PG_RUN="runuser -u postgres --"; fi
$PG_RUN "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync >/dev/null
# Settings in the cluster's own config, so the fault tests can stop and restart it with a plain
# `pg_ctl start` (the network dropping mid-sync).
printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nfsync = off\n" \
  "$PG_PORT" "$PG_DIR" >> "$PG_DIR/data/postgresql.conf"
# Members sign in with their password over TCP, as on a team's server (scram-sha-256), so CI proves
# the laptop's .pgpass file is really used; the admin (postgres) is trusted, on loopback only.
printf "local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n" \
  > "$PG_DIR/data/pg_hba.conf"
$PG_RUN "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start >/dev/null
stop_pg() {
  $PG_RUN "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap stop_pg EXIT
export EXPERT_ANSWERS_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
export EXPERT_ANSWERS_TEST_PG_DATA="$PG_DIR/data" EXPERT_ANSWERS_TEST_PG_BIN="$PG_BIN" EXPERT_ANSWERS_TEST_PG_RUN="$PG_RUN"
# .ci/run is CI by definition: the PostgreSQL fixtures fail (never skip) if the URL went missing.
export CI="${CI:-true}"
echo "postgres: throwaway cluster on 127.0.0.1:$PG_PORT ($PG_DIR)"
