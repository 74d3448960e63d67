#!/usr/bin/env bash
# Team throughput (issue 12): 1, 2 and 3 `handoff watch --state` worker processes on this machine
# over the same calls, each run on a fresh database of a throwaway PostgreSQL cluster, and the
# database's cost per job. Paste the output into BENCHMARKS.md with the date and machine.
#
#   bash scripts/bench_workers.sh                     30 calls, 1 2 3 workers, release build
#   bash scripts/bench_workers.sh --calls 4 --workers "1 2" --profile debug   a quick smoke run
#
# Calls are copies of fixtures/calls/* with distinct content (a metadata comment, same audio), all
# in the inbox before the workers start. Throughput is audio seconds per wall second from the
# first job queued to the last one finished, on the database's clock: model loading and the
# settle time before the first job are left out. Each worker gets its share of the cores as
# Whisper threads (cores / workers, at least 1) unless --threads N is given: N workers with all
# cores each oversubscribe the machine, and ggml's spinning threads then make every worker many
# times slower (2 workers x 2 threads on 2 cores: over 4x slower than 1 worker). Run it on an
# otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."

calls=30
workers="1 2 3"
profile=release
threads=""
while (($#)); do
    case "$1" in
        --calls) calls="$2"; shift 2 ;;
        --workers) workers="$2"; shift 2 ;;
        --profile) profile="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        *) echo "usage: $0 [--calls N] [--workers \"1 2 3\"] [--profile release|debug] [--threads N]" >&2; exit 2 ;;
    esac
done

model="${HANDOFF_MODEL:-../shared/models/ggml-tiny.en.bin}"
[ -f "$model" ] || model=models/ggml-tiny.en.bin
[ -f "$model" ] || { echo "bench_workers: no Whisper model (see README: Model)" >&2; exit 1; }
for tool in ffmpeg psql; do
    command -v "$tool" >/dev/null || { echo "bench_workers: $tool is missing; run scripts/setup.sh" >&2; exit 1; }
done
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pg_bin" ] || { echo "bench_workers: no PostgreSQL server binaries; run scripts/setup.sh" >&2; exit 1; }

cargo_flags=()
[ "$profile" = release ] && cargo_flags=(--release)
cargo build --quiet "${cargo_flags[@]}" --bin handoff
cargo build --quiet "${cargo_flags[@]}" -p handoff-teamstate --example overhead
target="${CARGO_TARGET_DIR:-target}/$profile"

work=$(mktemp -d /tmp/handoff-bench-XXXXXX)
pids=()
stop_all() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    run_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap stop_all EXIT

# PostgreSQL will not run as root: then its binaries run as the Debian package's postgres user.
run_pg() {
    if [ "$(id -u)" -eq 0 ]; then (cd "$work/pg" && runuser -u postgres -- "$@"); else "$@"; fi
}
mkdir -p "$work/pg"
if [ "$(id -u)" -eq 0 ]; then
    chmod 711 "$work" # mktemp's 700 would keep the postgres user out of its own folder
    chown postgres: "$work/pg"
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_pg "$pg_bin/initdb" -D "$work/pg/data" -U handoff --auth=trust --no-locale -E UTF8 >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $work/pg" start >/dev/null
server="postgres://handoff@127.0.0.1:$port"
sql() { psql -X -q -t -A "$server/$1" -c "$2"; }

# The calls: fixture calls in turn, each with a comment of its own so every copy is new content.
mkdir -p "$work/calls"
sources=(fixtures/calls/*.mp3 fixtures/calls/*.m4a fixtures/calls/*.ogg fixtures/calls/*.opus)
for ((n = 0; n < calls; n++)); do
    source="${sources[n % ${#sources[@]}]}"
    ffmpeg -v error -i "$source" -map 0 -c copy -metadata comment="bench call $n" \
        "$work/calls/call-$(printf %02d "$n").${source##*.}"
done
audio_seconds=$(for file in "$work"/calls/*; do
    ffprobe -v error -show_entries format=duration -of csv=p=0 "$file"
done | awk '{ total += $1 } END { printf "%.1f", total }')
echo "$calls calls, $audio_seconds s of audio; model $model; $(nproc) cores; profile $profile"
echo
echo "| workers | threads each | jobs done | audio s | wall s (first queued → last done) | audio s per wall s |"
echo "|---|---|---|---|---|---|"

for count in $workers; do
    db="bench_$count"
    sql postgres "CREATE DATABASE $db" >/dev/null
    inbox="$work/inbox-$count"
    mkdir -p "$inbox"
    cp "$work"/calls/* "$inbox/"
    share=$(( $(nproc) / count ))
    ((share >= 1)) || share=1
    pids=()
    for ((w = 1; w <= count; w++)); do
        "$target/handoff" watch "$inbox" --state "$server/$db" --worker "bench-$w" --model "$model" \
            --settle-seconds 1 --rescan-seconds 2 -q --threads "${threads:-$share}" \
            2>"$work/worker-$count-$w.log" &
        pids+=($!)
    done
    # The tables appear when the first worker starts; then wait for every call to be finished.
    until [ "$(sql "$db" "SELECT count(*) FROM jobs WHERE state IN ('done', 'failed')" 2>/dev/null || echo 0)" -ge "$calls" ]; do
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null || { echo "a worker exited early:" >&2; cat "$work"/worker-"$count"-*.log >&2; exit 1; }
        done
        sleep 1
    done
    for pid in "${pids[@]}"; do kill -TERM "$pid"; done
    wait "${pids[@]}" || true
    pids=()
    done_jobs=$(sql "$db" "SELECT count(*) FROM jobs WHERE state = 'done'")
    wall=$(sql "$db" "SELECT round(extract(epoch FROM max(updated_at) - min(queued_at))::numeric, 1) FROM jobs")
    echo "| $count | ${threads:-$share} | $done_jobs | $audio_seconds | $wall | $(awk -v a="$audio_seconds" -v w="$wall" 'BEGIN { printf "%.1f", a / w }') |"
done

echo
handoff_json=$(find "$work" -name "*.handoff.json" -print -quit)
sql postgres "CREATE DATABASE overhead" >/dev/null
"$target/examples/overhead" "$server/overhead" 500 "$handoff_json"
