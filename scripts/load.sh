#!/usr/bin/env bash
# Load test on loopback only, bounded, stops by itself. Builds the binaries, makes sure the
# national data set is loaded in the database `penggerak_national` (penggerak seed --scale
# national; the first time takes minutes), signs in a pool of national teachers with drafts,
# then for each level of connections starts a fresh server on 127.0.0.1:18080 and runs the
# surge mix (scripts/surge.lua: dashboard, application steps, essay autosave, profile, sign-in,
# clinic registration, document upload, submit) for DUR seconds, and the bare baseline
# (cmd/barehttp: a chi handler serving the dashboard's bytes through the same compression) on
# 127.0.0.1:18081. Per level it prints req/s, p50/p95/p99, errors and the server's peak RSS.
# Then sign-in alone (argon2id, production parameters), and the cost of each kind of request of
# the mix alone (4 connections, LOAD_COST_SECS seconds each, 0 to skip): the server's and the
# database backends' CPU per request, which depend far less on the other load of a shared
# machine than the rates. With LOAD_PROFILE=1 a CPU profile of the server is taken during
# each level (pprof on the metrics address) and kept beside the server logs. At the levels in
# LOAD_WITHOUT_SIGNIN (default 200) the mix also runs without its sign-ins (the others in
# proportion), since sign-in is measured on its own. Copy the figures
# into README.md, section Performance.
#   scripts/load.sh [seconds-per-level] [levels...]      (defaults: 20 s; 50 200 500; 0: none)
set -euo pipefail
cd "$(dirname "$0")/.."
dur="${1:-20}"
shift || true
levels=("${@:-50 200 500}")
levels=(${levels[@]})
teachers_n=${LOAD_TEACHERS:-200}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
export DATABASE_URL=$(scripts/db.sh penggerak_national)
export ADDR=127.0.0.1:18080 BASE_URL=http://127.0.0.1:18080 METRICS_ADDR=127.0.0.1:18090 UPLOAD_DIR=${UPLOAD_DIR:-/tmp/penggerak-load-uploads}
go build -o bin/penggerak ./cmd/penggerak
go build -o bin/barehttp ./cmd/barehttp
if ! psql "$DATABASE_URL" -Atqc "SELECT 1 FROM cohorts WHERE program_kind = 'cgp' AND number = 20" 2>/dev/null | grep -q 1; then
  echo "== loading the national data set (once)"
  bin/penggerak seed --scale national 2>&1 | grep -v '^{'
else
  bin/penggerak migrate >/dev/null
fi
work=$(mktemp -d); nlog=0
pid=""; bare=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [ -n "$bare" ] && kill "$bare" 2>/dev/null && wait "$bare" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
start_server() {
  bin/penggerak serve >"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -fs http://127.0.0.1:18080/healthz >/dev/null && return; sleep 0.1; done
  echo "server did not start"; tail -5 "$work/server.log"; exit 1
}
stop_server() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; pid=""; cp "$work/server.log" "${LOAD_LOG:-/tmp/penggerak-load-server.log}.$((++nlog))"; }
peak() { awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' /proc/$1/status; }
cpu_ms() { # CPU (user + system) of processes $@ in ms, from /proc/<pid>/stat
  local t=0 p f
  for p in "$@"; do
    f=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
    set -- $f
    t=$((t + ${12} + ${13}))
  done
  echo $((t * 1000 / $(getconf CLK_TCK)))
}
server_backends() { # pids of the PostgreSQL backends serving process $1's connections
  local ports
  ports=$(ss -tnpH state established "( dport = :5432 )" 2>/dev/null | grep "pid=$1," | awk '{split($3, a, ":"); print a[length(a)]}')
  [ -n "$ports" ] || return 0
  ps -eo pid=,args= | awk -v ports=" $(echo $ports) " '{ if (match($0, /127\.0\.0\.1\(([0-9]+)\)/)) { p = substr($0, RSTART + 10, RLENGTH - 11); if (index(ports, " " p " ")) print $1 } }'
}
sample_backends() { # every 0.2 s until killed: "pid cpu-ms" of each backend of process $1
  while :; do
    for b in $(server_backends "$1"); do [ -e "/proc/$b/stat" ] && echo "$b $(cpu_ms "$b")"; done
    sleep 0.2
  done
}
backend_cpu() { # CPU the backends in samples file $1 used: last minus first sample of each (a backend opened during
  # the run counts from its first sample, 0.2 s in at most: not its start-up, which a run's end causes by cutting requests)
  awk '/^--$/ { next } $2 == 0 { next } { if (!($1 in first)) first[$1] = $2; last[$1] = $2 } END { for (p in last) s += last[p] - first[p]; print s + 0 }' "$1"
}
logdir=$(dirname "${LOAD_LOG:-/tmp/penggerak-load-server.log}")

url=http://127.0.0.1:18080
start_server
# Teachers with a complete draft in the national cohort and their kab/kota's clinic.
psql "$DATABASE_URL" -AtF $'\t' -c "SELECT u.email, a.id, cl.id, a.applicant_name, a.npsn, s.name, a.jenjang,
    (SELECT string_agg(q.id::text, ',' ORDER BY q.position) FROM essay_questions q WHERE q.cohort_id = a.cohort_id),
    (SELECT min(d.id) FROM required_documents d WHERE d.cohort_id = a.cohort_id)
  FROM applications a JOIN cohorts c ON c.id = a.cohort_id AND c.program_kind = 'cgp' AND c.number = 20
  JOIN users u ON u.id = a.user_id JOIN schools s ON s.npsn = a.npsn
  JOIN clinics cl ON cl.regency_code = a.regency_code AND cl.title LIKE 'Coaching Clinic Rekrutmen CGP Angkatan 20%'
  WHERE a.status = 'draft' AND a.profile_confirmed_at IS NOT NULL ORDER BY a.id LIMIT $teachers_n" > "$work/teachers.tsv"
echo "== signing in $(wc -l < "$work/teachers.tsv") national teachers (argon2id each)"
signin() { # email → session token
  curl -s -o /dev/null -c - -H 'Sec-Fetch-Site: same-origin' --data-urlencode "email=$1" --data-urlencode password=penggerak-demo "$url/masuk" |
    awk '$6=="penggerak_session"{print $7}'
}
export -f signin; export url
cut -f1 "$work/teachers.tsv" | xargs -P 4 -I{} bash -c 'echo "{} $(signin {})"' > "$work/cookies.txt"
{
  echo "return {"
  while IFS=$'\t' read -r email app clinic name npsn school jenjang qids doc; do
    c=$(awk -v e="$email" '$1==e {print $2}' "$work/cookies.txt")
    [ -n "$c" ] || continue
    printf '{e="%s", c="%s", a=%s, k=%s, n="%s", s="%s", sn="%s", j="%s", q={%s}, d=%s},\n' "$email" "$c" "$app" "$clinic" "$name" "$npsn" "$school" "$jenjang" "$qids" "$doc"
  done < "$work/teachers.tsv"
  echo "}"
} > "$work/teachers.lua"
first=$(head -n 1 "$work/cookies.txt" | cut -d' ' -f2)
curl -fs -H "Cookie: penggerak_session=$first" "$url/dasbor" > "$work/dashboard.html"
stop_server
bin/barehttp 127.0.0.1:18081 "$work/dashboard.html" &
bare=$!
sleep 0.5

echo
printf '%-34s %6s %9s %8s %8s %8s %6s %6s %9s %9s\n' scenario conns req/s p50-ms p95-ms p99-ms 4xx 5xx timeouts peak-RSS
report() { # name conns wrk-output peak
  local line; line=$(grep '^RESULT' <<<"$3" || true)
  [ -n "$line" ] || { echo "$1: no result"; echo "$3" | tail -5; return; }
  eval "$(sed 's/^RESULT //' <<<"$line")"
  printf '%-34s %6s %9s %8s %8s %8s %6s %6s %9s %9s\n' "$1" "$2" "$rps" "$p50_ms" "$p95_ms" "$p99_ms" "$status4xx" "$status5xx" \
    "$((timeouts + socket_errors))" "$4"
}
for c in "${levels[@]}"; do
  [ "$c" = 0 ] && continue # level 0: only sign-in alone and the cost per request
  start_server
  prof=""
  if [ -n "${LOAD_PROFILE:-}" ]; then
    prof="$logdir/penggerak-load-cpu-$c.pprof"
    (sleep 2; curl -fs -o "$prof" "http://$METRICS_ADDR/debug/pprof/profile?seconds=$((dur - 4))" || true) &
    profiler=$!
  fi
  out=$(wrk -t2 -c"$c" -d"${dur}s" --timeout 10s -s scripts/surge.lua "$url/" -- "$work/teachers.lua" 2>&1)
  if [ -n "$prof" ]; then wait "$profiler"; echo "  (CPU profile: go tool pprof bin/penggerak $prof)"; fi
  report "surge mix (app)" "$c" "$out" "$(peak $pid)"
  stop_server
  if [[ " ${LOAD_WITHOUT_SIGNIN:-200} " == *" $c "* ]]; then # sign-in measured on its own, below
    start_server
    out=$(wrk -t2 -c"$c" -d"${dur}s" --timeout 10s -s scripts/surge.lua "$url/" -- "$work/teachers.lua" -signin 2>&1)
    report "surge mix without sign-in (app)" "$c" "$out" "$(peak $pid)"
    stop_server
  fi
  out=$(wrk -t2 -c"$c" -d"${dur}s" --timeout 10s -s scripts/bare.lua "http://127.0.0.1:18081/dasbor" 2>&1)
  report "bare chi, dashboard bytes" "$c" "$out" "$(peak $bare)"
done
start_server
cat > "$work/signin.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Sec-Fetch-Site"] = "same-origin"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format("email=guru%06d%%40nasional.penggerak.id&password=penggerak-demo", 1000 + (n * 7919) % 200000))
end
LUA
cat scripts/bare.lua >> "$work/signin.lua"
out=$(wrk -t2 -c16 -d"${dur}s" --timeout 10s -s "$work/signin.lua" "$url/masuk" 2>&1)
report "sign-in alone (argon2id m=19MiB t=2)" 16 "$out" "$(peak $pid)"
cost_secs=${LOAD_COST_SECS:-5}
if [ "$cost_secs" != 0 ]; then
  echo
  echo "cost of each kind of request alone (4 connections, ${cost_secs} s each; CPU per request)"
  printf '%-12s %8s %8s %8s %10s %10s\n' kind req/s p50-ms p99-ms server-µs postgres-µs
  for kind in dashboard step autosave profile signin clinic-form clinic-post upload submit; do
    wrk -t1 -c4 -d2s -s scripts/surge.lua "$url/" -- "$work/teachers.lua" "$kind" >/dev/null 2>&1 # warm: pool and caches
    for b in $(server_backends "$pid"); do echo "$b $(cpu_ms "$b")"; done > "$work/pg.samples"
    echo -- >> "$work/pg.samples"
    sample_backends "$pid" >> "$work/pg.samples" &
    sampler=$!
    profiler=""
    if [ -n "${LOAD_PROFILE:-}" ]; then
      (curl -fs -o "$logdir/penggerak-load-cpu-$kind.pprof" "http://$METRICS_ADDR/debug/pprof/profile?seconds=$((cost_secs - 1))" || true) &
      profiler=$!
    fi
    s0=$(cpu_ms "$pid")
    out=$(wrk -t1 -c4 -d"${cost_secs}s" --timeout 10s -s scripts/surge.lua "$url/" -- "$work/teachers.lua" "$kind" 2>&1)
    s1=$(cpu_ms "$pid")
    sleep 0.3; kill "$sampler"; wait "$sampler" 2>/dev/null || true
    [ -n "$profiler" ] && wait "$profiler"
    pg=$(backend_cpu "$work/pg.samples")
    eval "$(grep '^RESULT' <<<"$out" | sed 's/^RESULT //')"
    printf '%-12s %8s %8s %8s %10s %10s\n' "$kind" "$rps" "$p50_ms" "$p99_ms" \
      "$(( (s1 - s0) * 1000 / (requests > 0 ? requests : 1) ))" "$(( pg * 1000 / (requests > 0 ? requests : 1) ))"
  done
fi
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
