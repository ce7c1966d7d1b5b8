#!/usr/bin/env bash
# maas-c against a real `maas serve` (run by `make -C clients/c e2e`; needs `swift build` first):
# register, versions and predict with the demo model, every maas-c run under valgrind, each output compared
# with the Swift CLI's for the same request; then the errors: NOT_FOUND, a bad model file (and no version
# created), an input over the server's frame limit, audio; and the server still serving afterwards.
# Ends with "N passed, M failed"; exit status 1 on any failure.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BUILD=${BUILD:-$HERE/../build}
CLI=$BUILD/maas-c
MAAS=${SWIFT_MAAS:-$ROOT/.build/debug/maas}
DEMO=$ROOT/deploy/demo
WORK=$(mktemp -d)
passed=0
failed=0
server_pid=

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; shift; for line in "$@"; do echo "     $line"; done; }
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

for need in "$CLI" "$MAAS" "$DEMO/speech-demo.onnx" "$DEMO/mfcc.npy"; do
    [ -e "$need" ] || { echo "error: $need is missing (make -C clients/c; swift build)" >&2; exit 1; }
done

"$MAAS" serve --port 0 --data-dir "$WORK/data" >"$WORK/serve.out" 2>"$WORK/serve.err" &
server_pid=$!
PORT=
for _ in $(seq 300); do
    PORT=$(sed -n 's/^maas listening on .*:\([0-9]*\)$/\1/p' "$WORK/serve.out")
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { echo "error: maas serve did not start:" >&2; cat "$WORK/serve.err" >&2; exit 1; }

run=0
# c EXPECTED_EXIT ARGS... : maas-c under valgrind; stdout $WORK/c.out, stderr $WORK/c.err; 1 on a mismatch.
c() {
    local want=$1
    shift
    run=$((run + 1))
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
        --read-inline-info=no --log-file="$WORK/valgrind-$run.log" "$CLI" --port "$PORT" "$@" >"$WORK/c.out" 2>"$WORK/c.err"
    local status=$?
    if [ "$status" = 99 ] || [ -s "$WORK/valgrind-$run.log" ]; then
        fail "maas-c $*: valgrind" "$(cat "$WORK/valgrind-$run.log")"
        return 1
    fi
    if [ "$status" != "$want" ]; then
        fail "maas-c $*: exit $status, want $want" "$(cat "$WORK/c.err")"
        return 1
    fi
}
# same NAME SWIFT-ARGS... : the Swift CLI's stdout for the same request must equal maas-c's last stdout.
same() {
    local name=$1
    shift
    "$MAAS" "$@" --port "$PORT" >"$WORK/swift.out" 2>/dev/null
    if cmp -s "$WORK/c.out" "$WORK/swift.out"; then pass "$name"; else fail "$name" "$(diff "$WORK/swift.out" "$WORK/c.out" | head -10)"; fi
}

sha=$(sha256sum "$DEMO/speech-demo.onnx" | cut -d' ' -f1)
c 0 register demo "$DEMO/speech-demo.onnx" &&
    { grep -q '^registered demo version 1$' "$WORK/c.out" && pass "register uploads version 1" || fail "register uploads version 1" "$(cat "$WORK/c.out")"; }
c 0 register demo "$DEMO/speech-demo.onnx" --sha256 "$sha" --description "from C" --label via=maas-c --json &&
    { grep -q "\"sha256\" : \"$sha\"" "$WORK/c.out" && grep -q '"version" : 2' "$WORK/c.out" &&
        pass "register --sha256 --json: version 2 with the file's sha256" || fail "register --sha256 --json" "$(cat "$WORK/c.out")"; }
c 0 versions demo && same "versions prints what the Swift CLI prints" versions demo
c 0 versions demo --json && same "versions --json prints what the Swift CLI prints" versions demo --json
c 0 predict demo --tensor "$DEMO/mfcc.npy" && same "predict prints what the Swift CLI prints" predict demo --input mfcc="$DEMO/mfcc.npy"
c 0 predict demo:1 --input mfcc="$DEMO/mfcc.npy" --json &&
    same "predict NAME:1 --json prints what the Swift CLI prints" predict demo:1 --input mfcc="$DEMO/mfcc.npy" --json
if [ -f "$DEMO/expected.npy" ]; then
    python3 - "$WORK/c.out" "$DEMO/expected.npy" <<'PYTHON' && pass "predict matches onnxruntime's output within 1e-4" || fail "predict matches onnxruntime's output within 1e-4"
import json, sys
import numpy as np
got = np.array(json.load(open(sys.argv[1]))["outputs"][0]["values"], dtype=np.float32)
want = np.load(sys.argv[2]).reshape(-1)
sys.exit(0 if got.shape == want.shape and np.max(np.abs(got - want)) <= 1e-4 else 1)
PYTHON
fi

c 3 versions nope && { grep -q '^error: NOT_FOUND: ' "$WORK/c.err" && pass "an unknown model is NOT_FOUND (exit 3)" || fail "NOT_FOUND" "$(cat "$WORK/c.err")"; }
c 2 register demo "$ROOT/README.md" &&
    { grep -q '^error: INVALID_ARGUMENT: ' "$WORK/c.err" && pass "a file that is not a model is INVALID_ARGUMENT (exit 2)" || fail "bad model" "$(cat "$WORK/c.err")"; }
c 0 versions demo --json &&
    { [ "$(grep -c '"version" :' "$WORK/c.out")" = 2 ] && pass "the refused upload created no version" || fail "the refused upload created no version" "$(cat "$WORK/c.out")"; }
python3 -c "import numpy as np; np.save('$WORK/big.npy', np.zeros((1, 2400000), dtype=np.float32))"
c 5 predict demo --input mfcc="$WORK/big.npy" &&
    { grep -q '^error: RESOURCE_EXHAUSTED: ' "$WORK/c.err" && pass "an input over the server's frame limit is RESOURCE_EXHAUSTED (exit 5)" || fail "oversized" "$(cat "$WORK/c.err")"; }
c 1 predict demo clip.wav &&
    { grep -q '^error: UNIMPLEMENTED: audio input is not supported until the server accepts audio' "$WORK/c.err" &&
        pass "audio predict is UNIMPLEMENTED for now (exit 1)" || fail "audio" "$(cat "$WORK/c.err")"; }
c 0 predict demo --tensor "$DEMO/mfcc.npy" && pass "the server still serves after those errors"

kill -TERM "$server_pid"
wait "$server_pid"
status=$?
server_pid=
[ "$status" = 0 ] && pass "maas serve exits 0 on SIGTERM" || fail "maas serve exits 0 on SIGTERM" "exit $status"

echo "clients/c e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
