# shellcheck shell=bash
# Sourced by .ci/run: start a throwaway PostgreSQL cluster for the team/storage tests and stop it at exit.
# A real server (Debian's `postgresql` package), run in a temp dir with initdb/pg_ctl on a loopback port,
# as the unprivileged `postgres` user because PostgreSQL refuses to run as root.
# Exports EXPERT_ANSWERS_TEST_PG_URL (superuser URL); the tests' pg fixture FAILS under CI if it is missing.
ea_pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && { echo "$dir"; return; }; done
}
if [ -z "$(ea_pg_bin)" ] && command -v apt-get >/dev/null 2>&1; then
  ${SUDO:-} apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
EA_PG_BIN="$(ea_pg_bin)"
EA_PG_DIR="$(mktemp -d /tmp/ea-pg.XXXXXX)"
EA_PG_PORT="${EA_PG_PORT:-55432}"
EA_PG_RUN=""
[ "$(id -u)" = 0 ] && { chown postgres "$EA_PG_DIR"; EA_PG_RUN="runuser -u postgres --"; }
$EA_PG_RUN "$EA_PG_BIN/initdb" -D "$EA_PG_DIR/data" -U postgres -A trust >/dev/null
# Settings in the cluster's own config, so a test can stop and restart it with a plain `pg_ctl start`.
printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" "$EA_PG_PORT" "$EA_PG_DIR" \
  >> "$EA_PG_DIR/data/postgresql.conf"
$EA_PG_RUN "$EA_PG_BIN/pg_ctl" -D "$EA_PG_DIR/data" -l "$EA_PG_DIR/log" -w start >/dev/null
ea_pg_stop() { $EA_PG_RUN "$EA_PG_BIN/pg_ctl" -D "$EA_PG_DIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$EA_PG_DIR"; }
trap ea_pg_stop EXIT
export EXPERT_ANSWERS_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$EA_PG_PORT/postgres"
export EXPERT_ANSWERS_TEST_PG_DATA="$EA_PG_DIR/data" EXPERT_ANSWERS_TEST_PG_BIN="$EA_PG_BIN" EXPERT_ANSWERS_TEST_PG_RUN="$EA_PG_RUN"
# .ci/run is CI by definition: make the tests' PostgreSQL fixture fail (never skip) if the URL went missing.
export CI="${CI:-true}"
