#!/usr/bin/env bash
# Instructions per Predict call in the maas server, counted by callgrind: a measure that, unlike a timing, does
# not move with the machine's noise, so a change of a few hundred instructions in the request path shows.
#
#   Benchmarks/profile/callgrind.sh              # tensor input, calls computed on the event loop
#   MODE=audio Benchmarks/profile/callgrind.sh   # a 1 s 22050 Hz WAV: the server decodes it and computes MFCCs
#   PATH_TAKEN=worker Benchmarks/profile/callgrind.sh   # every call handed to an inference worker
#
# It counts, for the suite's model (Benchmarks/README.md), the user-space instructions of
#   - the engine's batch-1 run in process (`maas bench --local`, two runs of different lengths, subtracted, so
#     loading and warming up cancel);
#   - the server, per call: `maas serve` under callgrind with instrumentation off while it starts, registers
#     the model and answers WARM calls, then on for CALLS calls from `maas bench` at concurrency 1 (the client
#     runs natively and is not counted), broken down by where the instructions run (the model, maas's own
#     modules, SwiftNIO, the Swift runtime, malloc, ...), with the functions that run the most.
# The kernel's share (syscalls, wake-ups, loopback) is not counted: `floor/split.sh` times it.
#
# Environment: MAAS (binary; default .build/release/maas), MODE (tensor|audio), PATH_TAKEN (loop|worker),
# CALLS (1000), WARM (200), TOP (25 functions), KEEP=1 (keep the work directory with the callgrind files),
# CALLERS (a regular expression on mangled names: who calls those functions, e.g. 'Ma$' for type metadata
# accessors, 'swift_beginAccess' for dynamic exclusivity checks).
# Needs valgrind (Debian: valgrind), cc, python3 with numpy. Dev tool: not in CI. Under callgrind a call takes
# about 30 ms; the run takes about two minutes.
#
# Two workarounds for valgrind 3.19 (Debian 12): the binary is copied without its DWARF 5 debug info, which
# that valgrind cannot read (the symbol table stays, so functions keep their names); and sigsuspend_copy.c is
# preloaded, because valgrind's rt_sigsuspend wrapper crashes on the read-only mask libdispatch passes it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
maas="${MAAS:-$root/.build/release/maas}"
mode="${MODE:-tensor}"
path_taken="${PATH_TAKEN:-loop}"
calls="${CALLS:-1000}"
warm="${WARM:-200}"
top="${TOP:-25}"
model="$root/Tests/MaaSEngineTests/Fixtures/models/reference_speech/model.onnx"

for tool in valgrind callgrind_control objcopy nm cc python3; do
    command -v "$tool" > /dev/null || { echo "callgrind.sh: needs $tool (apt-get install valgrind binutils gcc python3)" >&2; exit 2; }
done
[ -x "$maas" ] || { echo "callgrind.sh: no maas binary at $maas (swift build -c release, or set MAAS)" >&2; exit 2; }
case "$mode" in tensor|audio) ;; *) echo "callgrind.sh: MODE is tensor or audio, not $mode" >&2; exit 2 ;; esac
case "$path_taken" in
    loop) serve_flags=(--loop-compute-us 100000) ;;
    worker) serve_flags=(--loop-compute-us 0) ;;
    *) echo "callgrind.sh: PATH_TAKEN is loop or worker, not $path_taken" >&2; exit 2 ;;
esac

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then kill -KILL "$server" 2> /dev/null || true; fi
    if [ "${KEEP:-0}" = 1 ]; then echo "work directory: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

objcopy --strip-debug "$maas" "$work/maas"
# Which C target each C function in the binary comes from, read from the build's object files next to it
# (none when MAAS is a binary outside a SwiftPM build directory: the report then guesses by name).
for objects in "$(dirname "$maas")"/C*.build; do
    [ -d "$objects" ] || continue
    for object in "$objects"/*.c.o; do
        [ -f "$object" ] || continue
        nm --defined-only "$object" 2> /dev/null | awk -v target="$(basename "$objects" .build)" 'NF == 3 { print $3, target }'
    done
done > "$work/c_symbols.txt"
cc -O2 -Wall -shared -fPIC "$here/sigsuspend_copy.c" -o "$work/sigsuspend_copy.so"
python3 - "$work" <<'PY'
import sys, wave
import numpy as np
work = sys.argv[1]
np.save(f"{work}/x.npy", np.random.default_rng(1).standard_normal((44, 1, 20)).astype(np.float32))
t = np.arange(22050) / 22050
clip = 0.3 * np.sin(2 * np.pi * (200 + 1800 * t) * t) + 0.01 * np.random.default_rng(2).standard_normal(t.size)
with wave.open(f"{work}/clip.wav", "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
    w.writeframes((clip * 32767).astype("<i2").tobytes())
PY
if [ "$mode" = audio ]; then input=(--audio "$work/clip.wav"); else input=(--input "x=$work/x.npy"); fi

# OpenBLAS with its AVX kernels and no thread pool of its own. Valgrind runs one thread at a time, and a pool
# thread spinning for work takes the others' turns; this valgrind does not run AVX-512 code, and runs the
# Haswell (AVX2 + FMA) kernels about 7× slower than Sandybridge's. The model's count is then that of OpenBLAS's
# AVX kernels, not of the ones it picks natively; what the server adds around the model does not depend on it.
# `env` execs valgrind, so a callgrind started in the background has $! = its process, as callgrind_control needs.
callgrind=(env LD_PRELOAD="$work/sigsuspend_copy.so" OPENBLAS_CORETYPE=Sandybridge OPENBLAS_NUM_THREADS=1
    valgrind --tool=callgrind)

echo "engine in process: two runs of maas bench --local under callgrind" >&2
for n in 50 550; do
    "${callgrind[@]}" --callgrind-out-file="$work/local.$n.out" "$work/maas" bench --local "$model" \
        --configs 44x1 --iterations "$n" --no-onnxruntime > /dev/null 2> "$work/local.$n.log"
done

echo "server: maas serve under callgrind ($path_taken path, $mode input)" >&2
"${callgrind[@]}" --instr-atstart=no --callgrind-out-file="$work/server.out" "$work/maas" serve --port 0 --json \
    --data-dir "$work/data" --log-level warning "${serve_flags[@]}" > "$work/serve.json" 2> "$work/server.log" &
server=$!
port=""
for _ in $(seq 600); do
    port="$(python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())['port'])" "$work/serve.json" 2> /dev/null || true)"
    [ -n "$port" ] && break
    kill -0 "$server" 2> /dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.2
done
[ -n "$port" ] || { echo "callgrind.sh: the server did not start; its log:" >&2; cat "$work/server.log" >&2; exit 1; }

"$maas" register ref "$model" --profile librosa --layout time-major --top-k 5 \
    --classes zero,one,two,three,four,five,six,seven,eight,nine --clip-decision mean-log-prob --port "$port" > /dev/null
"$maas" bench ref "${input[@]}" --port "$port" --concurrency 1 --requests "$warm" --warmup 0s > /dev/null 2>&1
callgrind_control -i on "$server" > "$work/control.log" 2>&1
"$maas" bench ref "${input[@]}" --port "$port" --concurrency 1 --requests "$calls" --warmup 0s --json \
    > "$work/bench.json" 2> /dev/null
callgrind_control -i off "$server" >> "$work/control.log" 2>&1
kill -INT "$server"
wait "$server" || true
server=""

python3 "$here/callgrind_report.py" "$work/local.50.out" "$work/local.550.out" 500 \
    "$work/server.out" "$work/bench.json" "$calls" "$top" "$mode" "$path_taken" "$work/c_symbols.txt" "${CALLERS:-}"
