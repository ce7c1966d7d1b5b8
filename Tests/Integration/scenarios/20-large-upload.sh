#!/usr/bin/env bash
# scenario: a 210 MiB upload streams through the server with flat memory, and a rejected upload leaves nothing
# time-limit: 150
set -uo pipefail
source "$REPO/Tests/Integration/lib/harness.sh"
source "$REPO/Tests/Integration/lib/npy.sh"

SIZE=$((210 << 20))
RSS_LIMIT_KB=$((150 << 10))

# Random bytes behind a prefix no model format starts with, so the server must receive every byte, check
# size and sha256, and only then refuse it by its first 16 bytes (reading no more of it).
BIG="$SCRATCH/big.bin"
{ printf 'maas integration test: not a model\n'; head -c $((SIZE - 35)) /dev/urandom; } >"$BIG"
BIG_SHA=$(sha256sum "$BIG" | cut -d' ' -f1)
check_eq "the test file is $SIZE bytes" "$SIZE" "$(stat -c %s "$BIG")"

DATA="$SCRATCH/data"
server_start "$DATA" || exit 0
port=(--port "$PORT")
note "server RSS after start: $(($(peak_rss_kb "$SERVER_PID") / 1024)) MiB peak"

# Samples the staging directory's size and the server's RSS while an upload runs.
sample_upload() { # OUT-FILE
    while :; do
        printf '%s %s\n' "$(du -sb "$DATA/staging" 2>/dev/null | cut -f1)" \
            "$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null)" >>"$1"
        sleep 0.02
    done
}

# ---- the Swift CLI sends size_bytes and sha256 with the header; the server checks both, then the format

sample_upload "$SCRATCH/samples-1" &
sampler=$!
track_pid "$sampler"
started=$(date +%s%N)
run_cli big-swift "$MAAS" register big "$BIG" "${port[@]}"
ms=$((($(date +%s%N) - started) / 1000000))
kill "$sampler"; wait "$sampler" 2>/dev/null
check_rc "register of the 210 MiB non-model exits 2 (INVALID_ARGUMENT)" 2
check_file_contains "the refusal names the status" "$ERR" "INVALID_ARGUMENT"
check_file_contains "it was refused for its format, so size and sha256 checks had passed on all bytes" "$ERR" \
    "neither an ONNX model nor a maas plan"
note "upload of $((SIZE >> 20)) MiB took $((ms / 1000)).$((ms % 1000 / 100)) s ($((ms > 0 ? (SIZE >> 20) * 1000 / ms : 0)) MiB/s incl. client-side hashing)"
staged=$(awk '$1 > m {m = $1} END {print m + 0}' "$SCRATCH/samples-1")
if [ "$staged" -gt 0 ]; then
    pass "the upload was seen streaming into the staging directory (up to $((staged >> 20)) MiB on disk)"
else
    fail "the upload was seen streaming into the staging directory" "$(wc -l <"$SCRATCH/samples-1") samples, none with bytes"
fi
peak=$(peak_rss_kb "$SERVER_PID")
if [ -n "$peak" ] && [ "$peak" -lt "$RSS_LIMIT_KB" ]; then
    pass "server peak RSS (VmHWM) stays under $((RSS_LIMIT_KB >> 10)) MiB: $((peak >> 10)) MiB"
else
    fail "server peak RSS (VmHWM) stays under $((RSS_LIMIT_KB >> 10)) MiB" "VmHWM: ${peak:-unreadable} kB"
fi

# ---- a wrong sha256: the server must have hashed every byte to name the right one

run_cli big-badsha "$MAAS" register big "$BIG" "${port[@]}" --sha256 "$(printf '0%.0s' {1..64})"
check_rc "register with a wrong --sha256 exits 2" 2
check_file_contains "the server reports the sha256 of all $SIZE bytes it received" "$ERR" "hash to $BIG_SHA"

# ---- the C client streams the same file in 1 MiB chunks

if need_c_client; then
    run_cli big-c "$MAAS_C" --port "$PORT" register big "$BIG"
    check_rc "maas-c register of the 210 MiB non-model exits 2" 2
    check_file_contains "maas-c shows the server's reason" "$ERR" "neither an ONNX model nor a maas plan"
fi
peak=$(peak_rss_kb "$SERVER_PID")
if [ -n "$peak" ] && [ "$peak" -lt "$RSS_LIMIT_KB" ]; then
    pass "after three 210 MiB uploads the server's peak RSS is still under $((RSS_LIMIT_KB >> 10)) MiB: $((peak >> 10)) MiB"
else
    fail "after three 210 MiB uploads the server's peak RSS is still under $((RSS_LIMIT_KB >> 10)) MiB" "VmHWM: ${peak:-unreadable} kB"
fi

# ---- nothing was left behind

run_cli big-versions "$MAAS" versions big "${port[@]}"
check_rc "no version of 'big' exists (versions exits 3, NOT_FOUND)" 3
check_staging_empty "the staging directory is empty again" "$DATA"
check_eq "no model directory was created for 'big'" "" "$(ls -d "$DATA/models/big" 2>/dev/null)"

run_cli big-real "$MAAS" register big "$DEMO_DIR/speech-demo.onnx" "${port[@]}"
check_rc "the server still registers a real model" 0
check_file_contains "refused uploads used up no version number (the first real one is 1)" "$OUT" "registered big version 1"

# ---- for the record: an ONNX-looking upload of the same size is compiled, which reads it whole

{ printf '\010\007'; head -c $((SIZE - 2)) "$BIG"; } >"$SCRATCH/big.onnx"
rm -f "$BIG"
run_cli big-onnx "$MAAS" register big "$SCRATCH/big.onnx" "${port[@]}"
check_rc "an ONNX-looking 210 MiB file of random bytes is refused (exit 2)" 2
note "server peak RSS after compiling that hostile upload: $(($(peak_rss_kb "$SERVER_PID") >> 10)) MiB (the ONNX importer reads the whole file)"
rm -f "$SCRATCH/big.onnx"

server_term
check_eq "SIGTERM stops the server with exit status 0" 0 "$SERVER_RC"
exit 0
