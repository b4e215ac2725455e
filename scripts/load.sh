#!/usr/bin/env bash
# Load test on loopback only, bounded, stops by itself. Builds the binaries, makes sure the
# national data set is loaded in the database `penggerak_national` (penggerak seed --scale
# national; the first time takes minutes), signs in a pool of national teachers with drafts,
# then for each level of connections starts a fresh server on 127.0.0.1:18080 and runs the
# surge mix (scripts/surge.lua: dashboard, application steps, essay autosave, profile, sign-in,
# clinic registration, document upload, submit) for DUR seconds, and the bare baseline
# (cmd/barehttp: a chi handler serving the dashboard's bytes through the same compression) on
# 127.0.0.1:18081. Per level it prints req/s, p50/p95/p99, errors and the server's peak RSS.
# Then sign-in alone (argon2id, production parameters). Copy the figures into README.md,
# section Performance.
#   scripts/load.sh [seconds-per-level] [levels...]      (defaults: 20 s; 50 200 500)
set -euo pipefail
cd "$(dirname "$0")/.."
dur="${1:-20}"
shift || true
levels=("${@:-50 200 500}")
levels=(${levels[@]})
teachers_n=${LOAD_TEACHERS:-200}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
export DATABASE_URL=$(scripts/db.sh penggerak_national)
export ADDR=127.0.0.1:18080 BASE_URL=http://127.0.0.1:18080 UPLOAD_DIR=${UPLOAD_DIR:-/tmp/penggerak-load-uploads}
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
  start_server
  out=$(wrk -t2 -c"$c" -d"${dur}s" --timeout 10s -s scripts/surge.lua "$url/" -- "$work/teachers.lua" 2>&1)
  report "surge mix (app)" "$c" "$out" "$(peak $pid)"
  stop_server
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
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"
