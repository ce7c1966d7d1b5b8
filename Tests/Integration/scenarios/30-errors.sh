#!/usr/bin/env bash
# scenario: refused requests from the CLI get the right status and exit code, create nothing, and the server keeps serving
# time-limit: 120
set -uo pipefail
source "$REPO/Tests/Integration/lib/harness.sh"
source "$REPO/Tests/Integration/lib/npy.sh"

DATA="$SCRATCH/data"
server_start "$DATA" || exit 0
port=(--port "$PORT")
MFCC="$DEMO_DIR/mfcc.npy"

run_cli setup "$MAAS" register demo "$DEMO_DIR/speech-demo.onnx" "${port[@]}" --json
check_rc "setup: register demo (version 1)" 0
run_cli before "$MAAS" versions demo "${port[@]}" --json
cp "$OUT" "$SCRATCH/demo-before.json"

# expect_error LABEL EXIT-CODE STATUS-NAME COMMAND...: the call fails with that exit code, its stderr names
# the status (when one is given) and starts with a one-line "error: ..." message.
expect_error() {
    local label=$1 code=$2 status=$3
    shift 3
    run_cli "$label" "$@"
    check_rc "$label: exit $code" "$code"
    # A bad command line (64) is argument-parser's usage message; everything else is one 'error:' line.
    [ -n "$status" ] && check_file_contains "$label: stderr names $status" "$ERR" "$status"
    [ "$code" = 64 ] && return
    if head -n 1 "$ERR" | grep -q '^error: '; then
        pass "$label: one-line 'error: ...' message ($(head -n 1 "$ERR" | cut -c1-90))"
    else
        fail "$label: one-line 'error: ...' message" "stderr: $(excerpt "$ERR" 3)"
    fi
}

# ---- unknown names and versions

expect_error "versions of an unknown model" 3 NOT_FOUND "$MAAS" versions nope "${port[@]}"
expect_error "predict on an unknown model" 3 NOT_FOUND "$MAAS" predict nope --input mfcc="$MFCC" "${port[@]}"
expect_error "predict on an unknown version" 3 NOT_FOUND "$MAAS" predict demo:99 --input mfcc="$MFCC" "${port[@]}"

# ---- bad model files: refused, and no version created

printf 'this is not a model\n' >"$SCRATCH/garbage.onnx"
head -c 1000 "$DEMO_DIR/speech-demo.onnx" >"$SCRATCH/truncated.onnx"
expect_error "register a text file as a new model" 2 INVALID_ARGUMENT "$MAAS" register fresh "$SCRATCH/garbage.onnx" "${port[@]}"
run_cli fresh-versions "$MAAS" versions fresh "${port[@]}"
check_rc "the refused model 'fresh' has no version (versions exits 3)" 3
expect_error "register a truncated ONNX file as version 2 of demo" 2 INVALID_ARGUMENT \
    "$MAAS" register demo "$SCRATCH/truncated.onnx" "${port[@]}"
check_file_contains "the refusal says where the model stopped decoding" "$ERR" "at byte"
run_cli after "$MAAS" versions demo "${port[@]}" --json
check_same_files "demo's versions are unchanged by the refused uploads" "$SCRATCH/demo-before.json" "$OUT"
check_staging_empty "no staging leftovers after refused uploads" "$DATA"

expect_error "register under the name '.hidden'" 64 "" "$MAAS" register .hidden "$DEMO_DIR/speech-demo.onnx" "${port[@]}"

# The server's own name check, past the CLI's: the C client sends names as given.
if need_c_client; then
    expect_error "maas-c register under the name 'a/b'" 2 INVALID_ARGUMENT "$MAAS_C" --port "$PORT" register a/b "$DEMO_DIR/speech-demo.onnx"
    name129=$(printf 'n%.0s' {1..129})
    expect_error "maas-c register under a 129-character name" 2 INVALID_ARGUMENT "$MAAS_C" --port "$PORT" register "$name129" "$DEMO_DIR/speech-demo.onnx"
fi

# ---- bad inputs

expect_error "predict with an input name the model lacks" 2 INVALID_ARGUMENT "$MAAS" predict demo --input x="$MFCC" "${port[@]}"
head -c 304 /dev/zero >"$SCRATCH/zeros"
npy_write "$SCRATCH/wrong-shape.npy" '<f4' "4 1 19" "$SCRATCH/zeros"
expect_error "predict with shape [4, 1, 19] for float32[-1, 1, 20]" 2 INVALID_ARGUMENT \
    "$MAAS" predict demo --input mfcc="$SCRATCH/wrong-shape.npy" "${port[@]}"
head -c 320 /dev/zero >"$SCRATCH/zeros"
npy_write "$SCRATCH/int64.npy" '<i8' "2 1 20" "$SCRATCH/zeros"
expect_error "predict with int64 data for a float32 input" 2 INVALID_ARGUMENT \
    "$MAAS" predict demo --input mfcc="$SCRATCH/int64.npy" "${port[@]}"
head -c 50 "$MFCC" >"$SCRATCH/cut.npy"
expect_error "predict with a truncated .npy file (refused locally)" 65 "" \
    "$MAAS" predict demo --input mfcc="$SCRATCH/cut.npy" "${port[@]}"

# Bad audio (garbage, truncated header, zero bytes, NaN samples, over-long, no audio front-end) is in
# 25-audio.sh, with the server that has an audio model registered.

# ---- still serving, and a real prediction still works after all of that

server_serves "the server still answers ListVersions after the refused calls" demo
run_cli predict-after "$MAAS" predict demo --input mfcc="$MFCC" "${port[@]}" --json
check_rc "a valid prediction still succeeds" 0

# ---- no server

server_term
check_eq "SIGTERM stops the server with exit status 0" 0 "$SERVER_RC"
expect_error "versions with no server listening" 7 UNAVAILABLE "$MAAS" versions demo "${port[@]}"
exit 0
