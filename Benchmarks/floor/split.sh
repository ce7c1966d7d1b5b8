#!/usr/bin/env bash
# Where a lone client's call goes (concurrency 1, tensor input, the suite's model): the client's round trip
# (`maas bench`) against the server's own share of it, timed by the kernel on the server's syscalls: from
# `epoll_wait` returning (the request has arrived) to entering `write` with the answer. Next to them, the
# engine's batch-1 run in process (`maas bench --local`): what the call costs before any server is involved.
#
#   Benchmarks/floor/split.sh                 # 20,000 calls; MAAS=path/to/maas to use that binary
#
# Needs perf (Debian: linux-perf) with access to syscall tracepoints (root, or perf_event_paranoid -1), python3
# with numpy for the input, and a release build (.build/release/maas unless MAAS is set). Dev tool: not in CI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
maas="${MAAS:-$root/.build/release/maas}"
calls="${CALLS:-20000}"
port="${PORT:-9577}"
model="$root/Tests/MaaSEngineTests/Fixtures/models/reference_speech/model.onnx"
work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

python3 -c "
import numpy as np
np.save('$work/x.npy', np.random.default_rng(1).standard_normal((44, 1, 20)).astype(np.float32))"
"$maas" bench --local "$model" --configs 44x1 --iterations 5000 --no-onnxruntime --json > "$work/local.json"

"$maas" serve --port "$port" --data-dir "$work/data" --log-level warning > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
"$maas" register ref "$model" --profile librosa --layout time-major --top-k 5 \
    --classes zero,one,two,three,four,five,six,seven,eight,nine --clip-decision mean-log-prob --port "$port" > /dev/null
"$maas" bench ref --input "x=$work/x.npy" --port "$port" --concurrency 1 --requests 3000 --warmup 0s > /dev/null

perf record -q -e syscalls:sys_exit_epoll_wait,syscalls:sys_enter_write -p "$server" -o "$work/trace.data" \
    > /dev/null 2>&1 &
recorder=$!
sleep 1
"$maas" bench ref --input "x=$work/x.npy" --port "$port" --concurrency 1 --requests "$calls" --warmup 0s --json \
    > "$work/bench.json" 2> /dev/null
kill -INT "$recorder"
wait "$recorder" || true
perf script -i "$work/trace.data" -F time,event --ns 2> /dev/null > "$work/trace.txt"

python3 - "$work/local.json" "$work/bench.json" "$work/trace.txt" <<'PY'
import json, sys

local = json.load(open(sys.argv[1]))
bench = json.load(open(sys.argv[2]))
server = []
woke = None
for line in open(sys.argv[3]):
    fields = line.split()
    if len(fields) < 2:
        continue
    time, event = float(fields[0].rstrip(":")), fields[1].rstrip(":")
    if event.endswith("sys_exit_epoll_wait"):
        woke = time
    elif event.endswith("sys_enter_write") and woke is not None:
        server.append((time - woke) * 1e6)
        woke = None
server.sort()

def pct(values, p):
    return values[min(len(values) - 1, int(len(values) * p / 100))]

engine = local["rows"][0]
print("| what | p50 µs | p90 µs | p99 µs |")
print("|---|---|---|---|")
print("| engine in process, batch 1, T=44 (best %.1f µs) | %.1f | | %.1f |" % (
    engine["engine_best_ms"] * 1e3, engine["engine_median_ms"] * 1e3, engine["engine_p99_ms"] * 1e3))
print("| server: epoll_wait returns → write entered (%d calls) | %.1f | %.1f | %.1f |" % (
    len(server), pct(server, 50), pct(server, 90), pct(server, 99)))
latency = bench["latency_ms"]
print("| client round trip, `maas bench` (%d calls) | %.1f | %.1f | %.1f |" % (
    bench.get("requests", 0), latency["p50"] * 1e3, latency["p90"] * 1e3, latency["p99"] * 1e3))
PY
