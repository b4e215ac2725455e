#!/usr/bin/env bash
# Load test on loopback only: builds the binary, starts it on 127.0.0.1:18080 against a fresh
# database `penggerak_load` with demo data, then runs bounded wrk scenarios (15 s each) and
# prints their figures. Copy the figures into README.md, section Performance.
#   scripts/load.sh [seconds-per-scenario] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
dur="${1:-15}"
conns="${2:-64}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
base=$(scripts/db.sh postgres)
admin="${base}"
psql "$admin" -qc "DROP DATABASE IF EXISTS penggerak_load WITH (FORCE)" >/dev/null
export DATABASE_URL=$(scripts/db.sh penggerak_load)
export ADDR=127.0.0.1:18080 BASE_URL=http://127.0.0.1:18080
go build -o bin/penggerak ./cmd/penggerak
bin/penggerak seed >/dev/null 2>&1
bin/penggerak serve >/tmp/penggerak-load.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.1; done

url=http://127.0.0.1:18080
jar=$(mktemp)
curl -fs -c "$jar" -o /dev/null -H 'Sec-Fetch-Site: same-origin' \
  --data-urlencode email=guru@demo.penggerak.id --data-urlencode password=penggerak-demo "$url/masuk"
cookie=$(awk '$6=="penggerak_session"{print $7}' "$jar")
rm -f "$jar"

cat > /tmp/penggerak-signin.lua <<'LUA'
wrk.method = "POST"
wrk.body   = "email=guru%40demo.penggerak.id&password=salah-sandi-beban"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
LUA

cat > /tmp/penggerak-signin-ok.lua <<'LUA'
wrk.method = "POST"
wrk.body   = "email=admin%40demo.penggerak.id&password=penggerak-demo"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
LUA

run() { # name, wrk args...
  local name=$1; shift
  echo "== $name"
  wrk -t2 -c"$conns" -d"${dur}s" --timeout 10s --latency "$@" | grep -E 'Requests/sec|Latency  |50%|99%|Non-2xx|Socket errors'
}
run "home page, anonymous (gzip)" -H "Accept-Encoding: gzip" "$url/"
run "dashboard, signed in" -H "Cookie: penggerak_session=$cookie" "$url/dasbor"
css=$(curl -fs "$url/" | grep -o '/static/app\.[0-9a-f]*\.css' | head -n 1)
run "stylesheet (content-hashed, pre-gzipped)" -H "Accept-Encoding: gzip" "$url$css"
# Failed sign-ins are rate-limited per account after 5: this measures the refusal path under a
# surge (argon2id is skipped once limited). A fresh account per request would measure hashing.
run "sign-in POST (correct password: argon2id + new session each)" -s /tmp/penggerak-signin-ok.lua "$url/masuk"
run "sign-in POST (rate-limited account)" -s /tmp/penggerak-signin.lua "$url/masuk"
echo "== server memory (RSS) after the run: $(ps -o rss= -p $pid | awk '{printf "%.1f MiB", $1/1024}')"
