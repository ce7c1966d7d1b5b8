#!/usr/bin/env bash
# scenario: the C client under valgrind (memcheck, full leak check) against a real server: no errors, no leaks
# time-limit: 180
set -uo pipefail
source "$REPO/Tests/Integration/lib/harness.sh"
source "$REPO/Tests/Integration/lib/npy.sh"
source "$REPO/Tests/Integration/lib/valgrind.sh"

need_c_client || exit 0
need_valgrind || exit 0
server_start "$SCRATCH/data" || exit 0
DEMO_MODEL="$DEMO_DIR/speech-demo.onnx"
MFCC="$DEMO_DIR/mfcc.npy"
npy_values "$DEMO_DIR/expected.npy" >"$SCRATCH/expected.txt"

clean "register" 0 register demo "$DEMO_MODEL" --description "under valgrind" --label tool=memcheck
check_file_contains "the register under valgrind created demo version 1" "$OUT" "registered demo version 1"
clean "register --json" 0 --json register demo "$DEMO_MODEL"
clean "versions" 0 versions demo
clean "versions --json" 0 --json versions demo
check_eq "versions under valgrind lists 2 1" "2 1" "$(json_values "$OUT" version | tr '\n' ' ' | sed 's/ $//')"
clean "predict" 0 predict demo --input mfcc="$MFCC"
clean "predict --json" 0 --json predict demo:1 --tensor "$MFCC"
json_output_values "$OUT" probabilities >"$SCRATCH/actual.txt"
compare_values "predict under valgrind gives onnxruntime's values" "$SCRATCH/actual.txt" "$SCRATCH/expected.txt" 1e-4

# A fixture with several output rows, and the error paths (server status, local file, no server).
npy_write "$SCRATCH/x.npy" '<f4' "9 4 12" "$FIXTURES/models/gru_classifier/r1_in0.bin"
run_cli reg-gru "$MAAS" register gru "$FIXTURES/models/gru_classifier/model.onnx" --port "$PORT"
clean "predict (batch of 4)" 0 --json predict gru --input x="$SCRATCH/x.npy"
clean "versions of an unknown model" 3 versions nope
clean "predict on an unknown version" 3 predict demo:99 --input mfcc="$MFCC"
clean "predict with a wrong input name" 2 predict demo --input x="$MFCC"
printf 'not a model\n' >"$SCRATCH/garbage.onnx"
clean "register of a bad model" 2 register bad "$SCRATCH/garbage.onnx"
head -c 50 "$MFCC" >"$SCRATCH/cut.npy"
clean "predict with a truncated .npy" 65 predict demo --input mfcc="$SCRATCH/cut.npy"

server_term
check_eq "SIGTERM stops the server with exit status 0" 0 "$SERVER_RC"
clean "versions with no server" 7 versions demo
exit 0
