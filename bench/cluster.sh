#!/usr/bin/env bash
# The cluster check: Compagnon as it runs on several machines, all on 127.0.0.1.
#
#   bash bench/cluster.sh smoke    # start everything, one request through the balancer, one login, stop (< 1 min)
#   bash bench/cluster.sh load     # the load bench through the balancer; web1 is SIGKILLed in the middle
#
#   HAProxy :HA  ──►  web1 (gunicorn, deploy/gunicorn.conf.py)  ─┐
#                └►  web2 (gunicorn)                             ├─►  PgBouncer (transaction pooling)  ──►  PostgreSQL :5432
#                    worker1, worker2 (manage.py db_worker)      ─┘
#                    cache: Redis 127.0.0.1:6379 db 15 (flushed) · files: S3 (moto_server) bucket compagnon-bench
#
# This script starts the shared services (HAProxy, PgBouncer, moto_server; Redis is already running)
# in a temporary directory var/cluster/run.XXXXXX, writes cluster.env there, and hands over to
# `python -m bench load --cluster DIR` (bench/load/run.py), which prepares the database (directly on
# PostgreSQL), starts the two web instances and the two workers, runs the requests and stops its
# own processes. The trap below stops the services on any exit (Ctrl-C included) and removes the
# directory unless KEEP=1. Installs haproxy and pgbouncer with apt-get when they are missing and it
# runs as root; otherwise it says what to install and stops.
set -euo pipefail

MODE="${1:-smoke}"
case "$MODE" in smoke|load) ;; *) echo "usage: bash bench/cluster.sh smoke|load" >&2; exit 2 ;; esac
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
STARTED=$(date +%s.%N)
elapsed() { awk -v a="$STARTED" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

need_packages=()
command -v haproxy >/dev/null || need_packages+=(haproxy)
command -v pgbouncer >/dev/null || need_packages+=(pgbouncer)
if ((${#need_packages[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "cluster: installing ${need_packages[*]} (apt-get)"
    apt-get install -y "${need_packages[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "${need_packages[@]}" >/dev/null; }
  else
    echo "cluster: ${need_packages[*]} missing. Install them (Debian/Ubuntu: sudo apt-get install -y haproxy pgbouncer) and run again." >&2
    exit 1
  fi
fi
[ -x "$ROOT/.venv/bin/moto_server" ] || { echo "cluster: moto_server missing: run 'make bench' (installs the bench extra)." >&2; exit 1; }
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "cluster: Redis does not answer on 127.0.0.1:6379." >&2; exit 1; }
pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 || { echo "cluster: PostgreSQL does not answer on 127.0.0.1:5432." >&2; exit 1; }

mkdir -p "$ROOT/var/cluster"
DIR="$(mktemp -d "$ROOT/var/cluster/run.XXXXXX")"
chmod 755 "$DIR"

stop_services() {
  local code=$?
  trap - EXIT INT TERM
  for name in haproxy pgbouncer moto; do
    if [ -f "$DIR/$name.pid" ]; then
      pid="$(cat "$DIR/$name.pid" 2>/dev/null || true)"
      [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for name in haproxy pgbouncer moto; do
    pid="$(cat "$DIR/$name.pid" 2>/dev/null || true)"
    [ -z "$pid" ] && continue
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then echo "cluster: files kept in $DIR"; else rm -rf "$DIR"; fi
  echo "cluster $MODE: $(elapsed) s in all, everything stopped"
  exit "$code"
}
trap stop_services EXIT
trap 'exit 130' INT TERM

port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
HA_PORT=$(port); WEB1_PORT=$(port); WEB2_PORT=$(port); PGB_PORT=$(port); S3_PORT=$(port)
DB=compagnon_bench_cluster
REDIS_DB=15
BUCKET=compagnon-bench

# --- Redis: a database of our own, empty ----------------------------------------------------------
redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB" flushdb >/dev/null

# --- S3: moto_server, one private bucket -----------------------------------------------------------
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1
"$ROOT/.venv/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT" >"$DIR/moto.log" 2>&1 &
echo $! >"$DIR/moto.pid"

# --- PgBouncer: transaction pooling in front of PostgreSQL -----------------------------------------
# Transaction pooling: a server connection is lent for one transaction, so a few PostgreSQL backends
# serve every web thread and worker. Possible because the app keeps no session state between
# transactions: no advisory lock, no LISTEN/NOTIFY, no temporary table, SET only as SET LOCAL /
# set_config(..., true); the TimeZone Django sets at connect is a parameter PgBouncer tracks and
# restores per client. Prepared statements (the app's default, DATABASE_PREPARE_THRESHOLD=2) need
# PgBouncer >= 1.21 with max_prepared_statements; an older PgBouncer gets the app with
# DATABASE_PREPARE_THRESHOLD=off (server-side binding alone uses unnamed statements: fine).
# Server-side cursors (QuerySet.iterator()) would break outside a transaction: the app runs with
# DISABLE_SERVER_SIDE_CURSORS=1 here (check_books, run directly on PostgreSQL, keeps them).
PGB_VERSION="$(pgbouncer --version 2>/dev/null | head -1 | grep -oE '[0-9]+\.[0-9]+' | head -1 || true)"
if [ -n "$PGB_VERSION" ] && awk -v v="$PGB_VERSION" 'BEGIN { split(v, p, "."); exit !(p[1] > 1 || (p[1] == 1 && p[2] >= 21)) }'; then
  PGB_PREPARED="max_prepared_statements = 200"
  APP_PREPARE_THRESHOLD=2
else
  PGB_PREPARED="; PgBouncer ${PGB_VERSION:-?} < 1.21: no prepared statements (the app is told so)"
  APP_PREPARE_THRESHOLD=off
fi
mkdir -p "$DIR/pgbouncer"
printf '"postgres" ""\n' >"$DIR/pgbouncer/userlist.txt"
cat >"$DIR/pgbouncer/pgbouncer.ini" <<EOF
[databases]
$DB = host=127.0.0.1 port=5432 dbname=$DB user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB_PORT
unix_socket_dir =
auth_type = trust
auth_file = $DIR/pgbouncer/userlist.txt
admin_users = postgres
stats_users = postgres
pool_mode = transaction
; PostgreSQL backends per database/user pair: enough for the CPU that runs queries (2 cores here),
; the web threads queue for a connection only while all of them are busy (docs/sizing.md).
default_pool_size = ${PGB_POOL:-10}
reserve_pool_size = 2
reserve_pool_timeout = 2
max_client_conn = 500
server_reset_query =
ignore_startup_parameters = extra_float_digits
$PGB_PREPARED
logfile = $DIR/pgbouncer/pgbouncer.log
pidfile = $DIR/pgbouncer/pgbouncer.pid
EOF
if [ "$(id -u)" = 0 ]; then
  chown -R postgres "$DIR/pgbouncer"   # PgBouncer refuses to run as root
  pgbouncer -u postgres "$DIR/pgbouncer/pgbouncer.ini" >>"$DIR/pgbouncer/stdout.log" 2>&1 &
else
  pgbouncer "$DIR/pgbouncer/pgbouncer.ini" >>"$DIR/pgbouncer/stdout.log" 2>&1 &
fi
echo $! >"$DIR/pgbouncer.pid"

# --- HAProxy: the balancer (plays the host that terminates TLS) ------------------------------------
cat >"$DIR/haproxy.cfg" <<EOF
global
    maxconn 2000
    stats socket $DIR/haproxy.sock mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # idle connections: the members' kept 10 s (they pause up to 5 s between actions), the
    # instances' less than gunicorn's keepalive (15 s here): each side closes before the other
    # may still send on it
    timeout http-keep-alive 10s
    # a connection refused by a dead instance is tried again on the other one (nothing was sent):
    # redispatched at every retry, not only the last
    retries 3
    option redispatch 1
    option forwardfor
    # a request the dead instance had received but not answered: a reading one (GET, HEAD) is
    # sent again to the other instance (layer-7 retry: it changes nothing); a writing one (POST)
    # is never sent twice by the balancer: its answer is an error, and the member's page or the
    # API client retries it with the same idempotency key
    retry-on conn-failure empty-response response-timeout 502 503

frontend www
    bind 127.0.0.1:$HA_PORT
    default_backend web

backend web
    balance leastconn
    http-request disable-l7-retry unless METH_GET
    # Requests wait here, not in gunicorn's backlog, once an instance has maxconn in progress:
    # fewer than its threads (WEB_CONCURRENCY x GUNICORN_THREADS = 12), so a thread is always
    # free for the health check, and a busy instance is never taken for a dead one. A dead
    # instance refuses connections: 3 failed checks (3 s) and it is out; meanwhile the refused
    # connections are redispatched to the other one (retries, redispatch above, observe below).
    timeout queue 30s
    timeout check 5s
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
    http-check expect status 200
    # observe layer4: a connection the live traffic sees refused takes the instance out at once,
    # without waiting for 3 checks; otherwise leastconn would keep choosing the dead instance
    # (it holds no connection) and the retries would all land on it (503).
    default-server check inter 1s fall 3 rise 2 maxconn ${HA_MAXCONN:-10} observe layer4 error-limit 1 on-error mark-down
    server web1 127.0.0.1:$WEB1_PORT
    server web2 127.0.0.1:$WEB2_PORT
EOF
haproxy -c -q -f "$DIR/haproxy.cfg"
haproxy -db -f "$DIR/haproxy.cfg" >"$DIR/haproxy.log" 2>&1 &
echo $! >"$DIR/haproxy.pid"

# --- wait for the services ---------------------------------------------------------------------------
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break; sleep 0.25; done
"$PY" - "$S3_PORT" "$BUCKET" <<'EOF'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", region_name="us-east-1")
s3.create_bucket(Bucket=sys.argv[2])
EOF
for _ in $(seq 1 40); do pg_isready -q -h 127.0.0.1 -p "$PGB_PORT" && break; sleep 0.25; done
for name in moto pgbouncer haproxy; do
  kill -0 "$(cat "$DIR/$name.pid")" 2>/dev/null || { echo "cluster: $name did not start (see $DIR)" >&2; KEEP=1; exit 1; }
done

cat >"$DIR/cluster.env" <<EOF
CLUSTER_DIR=$DIR
HAPROXY_PORT=$HA_PORT
HAPROXY_SOCKET=$DIR/haproxy.sock
WEB1_PORT=$WEB1_PORT
WEB2_PORT=$WEB2_PORT
WEB_CONCURRENCY=${WEB_CONCURRENCY:-3}
PGBOUNCER_PORT=$PGB_PORT
ADMIN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB
APP_DATABASE_URL=postgres://postgres@127.0.0.1:$PGB_PORT/$DB
PGBOUNCER_ADMIN_URL=postgres://postgres@127.0.0.1:$PGB_PORT/pgbouncer
APP_DATABASE_PREPARE_THRESHOLD=$APP_PREPARE_THRESHOLD
APP_DISABLE_SERVER_SIDE_CURSORS=1
CACHE_URL=redis://127.0.0.1:6379/$REDIS_DB
STORAGE_URL='s3://$BUCKET/compagnon?endpoint_url=http://127.0.0.1:$S3_PORT&region=us-east-1&addressing_style=path'
AWS_ACCESS_KEY_ID=bench
AWS_SECRET_ACCESS_KEY=bench
AWS_DEFAULT_REGION=us-east-1
EOF
echo "cluster: HAProxy :$HA_PORT → web1 :$WEB1_PORT, web2 :$WEB2_PORT; PgBouncer ${PGB_VERSION:-?} :$PGB_PORT (transaction pooling, app prepare threshold $APP_PREPARE_THRESHOLD);" \
  "S3 :$S3_PORT; Redis db $REDIS_DB — services up in $(elapsed) s"

cd "$ROOT"
# In the background and waited for, so that Ctrl-C or a TERM sent to this script is passed on as
# TERM (a background job ignores SIGINT): the Python side stops the web instances and workers it
# started, then the EXIT trap stops the services.
if [ "$MODE" = smoke ]; then
  "$PY" -m bench load --cluster "$DIR" --smoke &
else
  "$PY" -m bench load --cluster "$DIR" "${@:2}" &
fi
CHILD=$!
trap 'kill -TERM "$CHILD" 2>/dev/null; wait "$CHILD"; exit 130' INT TERM
wait "$CHILD"
