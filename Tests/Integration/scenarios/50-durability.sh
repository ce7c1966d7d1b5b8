#!/usr/bin/env bash
# scenario: kill -9 in the middle of a 200 MiB upload; on restart no partial version, earlier versions intact, numbering continues
# time-limit: 150
set -uo pipefail
source "$REPO/Tests/Integration/lib/harness.sh"
source "$REPO/Tests/Integration/lib/npy.sh"
source "$REPO/Tests/Integration/lib/wire.sh"

DATA="$SCRATCH/data"
DEMO_MODEL="$DEMO_DIR/speech-demo.onnx"
GRU_MODEL="$FIXTURES/models/gru_classifier/model.onnx"
CHUNK=$((1 << 20))
BIG_SIZE=$((200 << 20))
SENT_BEFORE_KILL=$((120 << 20))

server_start "$DATA" || exit 0

# ---- acknowledged versions before the crash

run_cli reg-1 "$MAAS" register demo "$DEMO_MODEL" --port "$PORT" --description "first"
check_rc "register demo version 1" 0
run_cli reg-2 "$MAAS" register demo "$DEMO_MODEL" --port "$PORT" --description "second" --label run=2
check_rc "register demo version 2" 0
run_cli reg-3 "$MAAS" register gru "$GRU_MODEL" --port "$PORT"
check_rc "register gru version 1" 0
for name in demo gru; do
    run_cli "before-$name" "$MAAS" versions "$name" --port "$PORT" --json
    cp "$OUT" "$SCRATCH/$name-before.json"
done

run_cli second-server "$MAAS" serve --port 0 --data-dir "$DATA"
check_rc "a second server on the same data directory refuses to start (exit 2)" 2
check_file_contains "it says the directory is locked by the running server" "$ERR" "pid $SERVER_PID"

# ---- an upload of 200 MiB into demo (it would be version 3), cut by kill -9 after 120 MiB

{ printf '\010\007'; head -c $((BIG_SIZE - 2)) /dev/urandom; } >"$SCRATCH/big.onnx"
if wire_connect 3; then
    upload_begin 3 1 demo "$BIG_SIZE"
    sent=0
    while [ "$sent" -lt "$SENT_BEFORE_KILL" ]; do
        upload_chunk 3 1 "$SCRATCH/big.onnx" "$sent" "$CHUNK" 0 || break
        sent=$((sent + CHUNK))
    done
    check_eq "120 MiB of the upload were written to the socket" "$SENT_BEFORE_KILL" "$sent"
    staged_bytes() { du -sb "$DATA/staging" 2>/dev/null | cut -f1; }
    staged_at_least() { [ "$(staged_bytes)" -ge "$1" ]; }
    if wait_until 30 staged_at_least "$SENT_BEFORE_KILL"; then
        pass "the server has the 120 MiB on disk in its staging directory ($(($(staged_bytes) >> 20)) MiB)"
    else
        fail "the server has the 120 MiB on disk in its staging directory" "staging holds $(staged_bytes) bytes after 30 s"
    fi
    server_kill
    check_eq "kill -9 ends the server mid-upload" 137 "$SERVER_RC"
    wire_close 3
else
    fail "connect for the upload" "could not connect to 127.0.0.1:$PORT"
    server_kill
fi
rm -f "$SCRATCH/big.onnx"
leftover=$(du -sb "$DATA/staging" | cut -f1)
note "the crash left $((leftover >> 20)) MiB in $DATA/staging"

# ---- restart on the same directory

server_start "$DATA" || exit 0
check_eq "start-up removed the crashed upload's staging leftovers" "" "$(ls -A "$DATA/staging" 2>&1)"
for name in demo gru; do
    run_cli "after-$name" "$MAAS" versions "$name" --port "$PORT" --json
    check_rc "versions $name after the restart exits 0" 0
    check_same_files "versions $name --json is identical before the crash and after the restart" "$SCRATCH/$name-before.json" "$OUT"
done
check_eq "no partial version 3 of demo exists on disk" "1 2" "$(ls "$DATA/models/demo" | sort -n | tr '\n' ' ' | sed 's/ $//')"

# Every version's stored bytes still hash to the sha256 the registry reported when it was registered.
for name in demo gru; do
    versions=$(json_values "$SCRATCH/$name-before.json" version)
    hashes=$(json_values "$SCRATCH/$name-before.json" sha256)
    paste <(echo "$versions") <(echo "$hashes") | while read -r v sha; do
        stored=$(sha256sum "$DATA/models/$name/$v/source" 2>/dev/null | cut -d' ' -f1)
        check_eq "$name version $v: stored bytes still hash to its sha256" "$sha" "$stored"
    done
done

npy_values "$DEMO_DIR/expected.npy" >"$SCRATCH/expected.txt"
for v in 1 2; do
    run_cli "predict-$v" "$MAAS" predict "demo:$v" --input mfcc="$DEMO_DIR/mfcc.npy" --port "$PORT" --json
    check_rc "predict demo:$v after the restart exits 0" 0
    json_output_values "$OUT" probabilities >"$SCRATCH/actual-$v.txt"
    compare_values "demo:$v still predicts onnxruntime's answer" "$SCRATCH/actual-$v.txt" "$SCRATCH/expected.txt" 1e-4
done

# ---- numbering continues where it was

run_cli reg-after "$MAAS" register demo "$DEMO_MODEL" --port "$PORT"
check_file_contains "the next demo upload becomes version 3 (the crashed one took no number)" "$OUT" "registered demo version 3"
run_cli reg-gru-after "$MAAS" register gru "$GRU_MODEL" --port "$PORT"
check_file_contains "the next gru upload becomes version 2" "$OUT" "registered gru version 2"

server_term
check_eq "SIGTERM stops the server with exit status 0" 0 "$SERVER_RC"

# ---- and a plain restart keeps everything, including the versions made after the crash

server_start "$DATA" || exit 0
run_cli final "$MAAS" versions demo --port "$PORT" --json
check_eq "after another restart demo lists 3 2 1" "3 2 1" "$(json_values "$OUT" version | tr '\n' ' ' | sed 's/ $//')"
server_term
check_eq "SIGTERM stops the restarted server with exit status 0" 0 "$SERVER_RC"
exit 0
