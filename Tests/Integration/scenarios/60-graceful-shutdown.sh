#!/usr/bin/env bash
# scenario: SIGTERM with an upload and predictions in flight: they all complete, new connections are refused, exit 0
# time-limit: 150
set -uo pipefail
source "$REPO/Tests/Integration/lib/harness.sh"
source "$REPO/Tests/Integration/lib/npy.sh"
source "$REPO/Tests/Integration/lib/wire.sh"

DATA="$SCRATCH/data"
DEMO_MODEL="$DEMO_DIR/speech-demo.onnx"
MODEL_SIZE=$(stat -c %s "$DEMO_MODEL")
MODEL_SHA=$(sha256sum "$DEMO_MODEL" | cut -d' ' -f1)
FIRST_PART=200000

# One inference worker, so the long predictions queue behind each other and are surely in flight at SIGTERM.
server_start "$DATA" --workers 1 --log-level debug || exit 0
run_cli setup "$MAAS" register demo "$DEMO_MODEL" --port "$PORT"
check_rc "setup: register demo (version 1)" 0
opened_before=$(grep -c 'connection opened' "$SERVER_LOG")

# A long input: the demo's 44 MFCC frames repeated to 90000 frames (7.2 MB, under the 8 MiB frame limit).
MFCC_RAW="$SCRATCH/mfcc.raw"
tail -c +$(($(npy_data_offset "$DEMO_DIR/mfcc.npy") + 1)) "$DEMO_DIR/mfcc.npy" >"$MFCC_RAW"
LONG_T=90000
while [ "$(stat -c %s "$MFCC_RAW")" -lt $((LONG_T * 80)) ]; do cat "$MFCC_RAW" "$MFCC_RAW" >"$MFCC_RAW.2" && mv "$MFCC_RAW.2" "$MFCC_RAW"; done
head -c $((LONG_T * 80)) "$MFCC_RAW" >"$SCRATCH/long.raw"
npy_write "$SCRATCH/long.npy" '<f4' "$LONG_T 1 20" "$SCRATCH/long.raw"

# ---- calls in flight: an upload half sent (raw socket), two long and two short predictions

uploading=0
if wire_connect 3; then
    upload_begin 3 1 demo "$MODEL_SIZE" "$MODEL_SHA"
    upload_chunk 3 1 "$DEMO_MODEL" 0 "$FIRST_PART" 0 && uploading=1
fi
staged_at_least() { [ "$(du -sb "$DATA/staging" | cut -f1)" -ge "$1" ]; }
if [ "$uploading" = 1 ] && wait_until 20 staged_at_least "$FIRST_PART"; then
    pass "an upload is in progress: its first $FIRST_PART bytes are in the staging directory"
else
    fail "an upload is in progress: its first $FIRST_PART bytes are in the staging directory" "staging: $(du -sb "$DATA/staging" 2>&1)"
fi

C_PREDICT=("$MAAS" predict demo) # the C client when it is built, so both clients are in flight
if [ -n "$MAAS_C" ] && [ -x "$MAAS_C" ]; then C_PREDICT=("$MAAS_C" --port "$PORT" --json predict demo); fi

start_bg() { # LABEL COMMAND...: a client in the background, time-limited; its PID in BG_PID
    local label=$1
    shift
    timeout -k 5 "$CALL_TIMEOUT" "$@" >"$SCRATCH/$label.out" 2>"$SCRATCH/$label.err" &
    BG_PID=$!
    track_pid "$BG_PID"
}
start_bg long-swift "$MAAS" predict demo --input mfcc="$SCRATCH/long.npy" --port "$PORT" --json
long_swift=$BG_PID
if [ "${C_PREDICT[0]}" = "$MAAS" ]; then
    start_bg long-other "$MAAS" predict demo --input mfcc="$SCRATCH/long.npy" --port "$PORT" --json
    long_other=$BG_PID
    start_bg short-other "$MAAS" predict demo --input mfcc="$DEMO_DIR/mfcc.npy" --port "$PORT" --json
    short_other=$BG_PID
else
    start_bg long-other "${C_PREDICT[@]}" --input mfcc="$SCRATCH/long.npy"
    long_other=$BG_PID
    start_bg short-other "${C_PREDICT[@]}" --input mfcc="$DEMO_DIR/mfcc.npy"
    short_other=$BG_PID
fi
start_bg short-swift "$MAAS" predict demo --input mfcc="$DEMO_DIR/mfcc.npy" --port "$PORT" --json
short_swift=$BG_PID

# Four prediction connections opened (the upload's is already counted), plus time for their requests to land.
connections_opened_since_setup() { [ $(($(grep -c 'connection opened' "$SERVER_LOG") - opened_before)) -ge "$1" ]; }
if wait_until 20 connections_opened_since_setup 5; then
    sleep 1
    pass "four prediction clients are connected"
else
    fail "four prediction clients are connected" "$(grep -c 'connection opened' "$SERVER_LOG") connections logged"
fi
running=0
for pid in "$long_swift" "$long_other" "$short_swift" "$short_other"; do alive "$pid" && running=$((running + 1)); done
# With one worker the second long prediction waits for the first: it is in flight at SIGTERM on any machine
# where one long prediction takes longer than the second of settling above.
if alive "$long_other" || alive "$long_swift"; then
    pass "predictions are in flight when SIGTERM is sent ($running of 4 still running)"
else
    fail "predictions are in flight when SIGTERM is sent" "both long predictions already finished: make LONG_T larger"
fi

# ---- SIGTERM

kill -TERM "$SERVER_PID"
sleep 0.3
run_cli refused "$MAAS" versions demo --port "$PORT"
check_rc "a new connection after SIGTERM is refused (versions exits 7, UNAVAILABLE)" 7
if alive "$SERVER_PID"; then pass "the server is still running while calls are in flight"; else fail "the server is still running while calls are in flight" "it already exited"; fi

# The upload's second half arrives after SIGTERM; the call was in flight, so it must still commit.
if [ "$uploading" = 1 ]; then
    upload_chunk 3 1 "$DEMO_MODEL" "$FIRST_PART" $((MODEL_SIZE - FIRST_PART)) 1
    wire_read_frame 3 "$SCRATCH/upload.bin" 30
    rc=$?
    pb_decode "$SCRATCH/upload.bin" 5,4,4.1 >"$SCRATCH/upload.txt" 2>/dev/null
    if [ "$rc" = 0 ] && [ -z "$(pb_field "$SCRATCH/upload.txt" 5.1)" ] && [ "$(pb_field "$SCRATCH/upload.txt" 4.1.2)" = 2 ]; then
        pass "the upload finished after SIGTERM is committed as demo version 2"
    else
        fail "the upload finished after SIGTERM is committed as demo version 2" "read status $rc: $(tr '\n' ' ' <"$SCRATCH/upload.txt" | cut -c1-300)"
    fi
    if wire_at_eof 3 10; then pass "the draining server then closes the upload's connection"; else fail "the draining server then closes the upload's connection" "still open after 10 s"; fi
    wire_close 3
fi

npy_values "$DEMO_DIR/expected.npy" >"$SCRATCH/expected.txt"
for label in long-swift long-other short-swift short-other; do
    case $label in
        long-swift) pid=$long_swift ;; long-other) pid=$long_other ;;
        short-swift) pid=$short_swift ;; short-other) pid=$short_other ;;
    esac
    wait_pid "$pid" $((CALL_TIMEOUT + 10))
    CLI_RC=$WAITED_RC OUT="$SCRATCH/$label.out" ERR="$SCRATCH/$label.err"
    check_rc "in-flight prediction $label completes with exit 0" 0
    json_output_values "$OUT" probabilities >"$SCRATCH/$label.values"
    case $label in
        short-*) compare_values "$label's answer is onnxruntime's" "$SCRATCH/$label.values" "$SCRATCH/expected.txt" 1e-4 ;;
    esac
done
compare_values "both long predictions got the same 10 probabilities" "$SCRATCH/long-other.values" "$SCRATCH/long-swift.values" 1e-6

if wait_pid "$SERVER_PID" 45; then
    check_eq "the server exits with status 0 once the calls are done" 0 "$WAITED_RC"
else
    fail "the server exits with status 0 once the calls are done" "still running 45 s after SIGTERM"
    server_kill
fi
SERVER_PID=
check_file_contains "its log says it stopped" "$SERVER_LOG" "stopped"
if grep -q 'grace period over' "$SERVER_LOG"; then
    fail "no call was cut off by the grace period" "$(grep 'grace period over' "$SERVER_LOG")"
else
    pass "no call was cut off by the grace period"
fi

# ---- the version committed during shutdown is durable

server_start "$DATA" || exit 0
run_cli after "$MAAS" versions demo --port "$PORT" --json
check_eq "after a restart demo lists 2 1" "2 1" "$(json_values "$OUT" version | tr '\n' ' ' | sed 's/ $//')"
check_eq "version 2 has the uploaded model's sha256" "$MODEL_SHA" "$(json_values "$OUT" sha256 | head -n 1)"

# ---- SIGINT is graceful too

kill -INT "$SERVER_PID"
if wait_pid "$SERVER_PID" 45; then
    check_eq "SIGINT stops an idle server with exit status 0" 0 "$WAITED_RC"
else
    fail "SIGINT stops an idle server with exit status 0" "still running after 45 s"
    server_kill
fi
SERVER_PID=
exit 0
