#!/usr/bin/env bash
# Several `coachrag serve` replicas behind nginx on loopback, sharing one state store and one
# indexes/ folder: what `coachrag-bench replicas` measures, and a way to try it by hand.
#
#   scripts/replicas.sh up DIR [postgresql|sqlite]  PostgreSQL (a throw-away cluster in DIR/pg)
#                                                   or one SQLite file, replicas a and b, nginx;
#                                                   writes DIR/env (URL, DATABASE_URL, ports)
#   scripts/replicas.sh restart DIR a|b             SIGTERM the replica, wait for its exit
#                                                   (must be 0), start it again, wait until ready
#   scripts/replicas.sh kill DIR a|b                kill -9 the replica, then start it again
#   scripts/replicas.sh down DIR                    stop everything
#
# DIR/indexes is served (ingest into it with `coachrag ingest --indexes DIR/indexes`); the
# replicas share DIR/state for the JWT signing key. $COACHRAG names the binary
# (default .build/release/coachrag); $OLLAMA_HOST is passed on.
set -euo pipefail
cmd=${1:?usage: replicas.sh up|restart|kill|down DIR ...}
dir=${2:?usage: replicas.sh $cmd DIR}
COACHRAG=${COACHRAG:-.build/release/coachrag}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_ready() {  # port
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$1/health/ready" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "replicas: the replica on port $1 did not become ready in 60 s" >&2
  return 1
}

start_replica() {  # name
  local name=$1 port
  # shellcheck disable=SC1091
  source "$dir/env"
  port=$(eval echo "\$PORT_$name")
  rm -f "$dir/$name.exit"
  # A watcher subshell records the replica's exit status when it ends.
  (
    "$COACHRAG" serve --port "$port" --database "$DATABASE_URL" --state "$dir/state" --indexes "$dir/indexes" \
      --pipelines "$dir/pipelines" --rate-limit 0 --auth-rate-limit 0 --quiet >>"$dir/$name.log" 2>&1 &
    echo $! >"$dir/$name.pid"
    wait $! && echo 0 >"$dir/$name.exit" || echo $? >"$dir/$name.exit"
  ) >/dev/null 2>&1 &
  for _ in $(seq 1 50); do [ -s "$dir/$name.pid" ] && break; sleep 0.1; done
  wait_ready "$port"
}

stop_replica() {  # name signal
  local pid
  pid=$(cat "$dir/$1.pid" 2>/dev/null || true)
  [ -n "$pid" ] || return 0
  kill "-$2" "$pid" 2>/dev/null || true
  for _ in $(seq 1 600); do [ -s "$dir/$1.exit" ] && break; sleep 0.1; done
  [ -s "$dir/$1.exit" ] || { echo "replicas: replica $1 did not stop in 60 s" >&2; return 1; }
  rm -f "$dir/$1.pid"
  cat "$dir/$1.exit"
}

case $cmd in
up)
  backend=${3:-postgresql}
  mkdir -p "$dir/state" "$dir/indexes" "$dir/pipelines" "$dir/nginx"
  dir=$(cd "$dir" && pwd)
  if [ "$backend" = postgresql ]; then
    [ -n "$PG_BIN" ] || { echo "replicas: PostgreSQL server binaries not found (scripts/setup.sh installs postgresql-15)" >&2; exit 1; }
    pg_port=$(free_port)
    mkdir -p "$dir/pg"
    # As root the cluster belongs to the postgres user, who must be able to reach it.
    if [ "$(id -u)" -eq 0 ]; then chmod a+x "$dir"; chown postgres "$dir/pg"; fi
    as_postgres "$PG_BIN/initdb" -D "$dir/pg/data" -A trust -U postgres --no-sync >"$dir/pg/initdb.log"
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/log" -w start \
      -o "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
    "$PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qAt -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE coachrag LOGIN PASSWORD 'coachrag'" -c "CREATE DATABASE coachrag OWNER coachrag" >/dev/null
    database_url="postgres://coachrag:coachrag@127.0.0.1:$pg_port/coachrag?sslmode=disable"
  else
    database_url="sqlite:$dir/state/coachrag.sqlite"
  fi
  port_a=$(free_port); port_b=$(free_port); port_lb=$(free_port)
  cat >"$dir/env" <<ENV
URL=http://127.0.0.1:$port_lb
DATABASE_URL=$database_url
PORT_a=$port_a
PORT_b=$port_b
PORT_lb=$port_lb
BACKEND=$backend
ENV
  # Migrated once, before the replicas start (each would also do it, under a lock).
  "$COACHRAG" db migrate --database "$database_url" --state "$dir/state" >/dev/null
  # nginx passes a request to the next replica only when it could not be sent to this one
  # (connection refused: a replica that stopped accepting); never a POST it already sent.
  cat >"$dir/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/nginx/body; proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi; uwsgi_temp_path $dir/nginx/uwsgi; scgi_temp_path $dir/nginx/scgi;
  upstream coachrag {
    server 127.0.0.1:$port_a max_fails=0;
    server 127.0.0.1:$port_b max_fails=0;
  }
  server {
    listen 127.0.0.1:$port_lb;
    location / {
      proxy_pass http://coachrag;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 120s;
      proxy_buffering off;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
CONF
  start_replica a
  start_replica b
  nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" >"$dir/nginx/stdout.log" 2>&1 &
  echo $! >"$dir/nginx.pid"
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port_lb/health/live" 2>/dev/null && break; sleep 0.1; done
  echo "replicas: $backend, replicas on $port_a and $port_b, nginx on http://127.0.0.1:$port_lb"
  ;;
restart)
  name=${3:?restart DIR a|b}
  status=$(stop_replica "$name" TERM)
  echo "replicas: $name exited with $status after SIGTERM"
  start_replica "$name"
  [ "$status" = 0 ]
  ;;
kill)
  name=${3:?kill DIR a|b}
  stop_replica "$name" KILL >/dev/null
  start_replica "$name"
  ;;
down)
  for name in a b; do [ -f "$dir/$name.pid" ] && { stop_replica "$name" TERM >/dev/null || true; }; done
  [ -f "$dir/nginx.pid" ] && { kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true; rm -f "$dir/nginx.pid"; }
  [ -d "$dir/pg/data" ] && as_postgres "$PG_BIN/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  ;;
*) echo "usage: replicas.sh up|restart|kill|down DIR ..." >&2; exit 2 ;;
esac
