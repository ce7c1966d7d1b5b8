#!/usr/bin/env bash
# maas-c against a real `maas serve` (run by `make -C clients/c e2e`; needs `swift build` first):
# register, versions and predict with the demo model, each output compared with the Swift CLI's for the
# same request and the prediction with onnxruntime's (deploy/demo/expected.npy); then the errors:
# NOT_FOUND, a bad model file (and no version created), an input over the server's frame limit, audio
# for a version without an audio front-end (the audio paths are in Tests/Integration/scenarios/25-audio.sh);
# and the server still serving afterwards. Every maas-c run happens in one cli_runner process under
# valgrind (a finding fails the run). Ends with "N passed, M failed"; exit status 1 on any failure.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BUILD=${BUILD:-$HERE/../build}
T=$BUILD/tests
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

command -v valgrind >/dev/null || { echo "error: valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
for need in "$T/cli_runner" "$T/npy_tool" "$MAAS" "$DEMO/speech-demo.onnx" "$DEMO/mfcc.npy"; do
    [ -e "$need" ] || { echo "error: $need is missing (make -C clients/c e2e; swift build)" >&2; exit 1; }
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

# add_case ID ARGS... : one maas-c run, in order, for cli_runner; its output lands in $WORK/c/ID.*
PLAN=$WORK/plan
add_case() {
    local id=$1
    shift
    { printf '%s\t--port\t%s' "$id" "$PORT"; printf '\t%s' "$@"; printf '\n'; } >>"$PLAN"
}
sha=$(sha256sum "$DEMO/speech-demo.onnx" | cut -d' ' -f1)
"$T/npy_tool" zeros "$WORK/big.npy" 1 2400000
add_case register register demo "$DEMO/speech-demo.onnx"
add_case register-json register demo "$DEMO/speech-demo.onnx" --sha256 "$sha" --description "from C" --label via=maas-c --json
add_case versions versions demo
add_case versions-json versions demo --json
add_case predict predict demo --tensor "$DEMO/mfcc.npy"
add_case predict-json predict demo:1 --input mfcc="$DEMO/mfcc.npy" --json
add_case not-found versions nope
add_case bad-model register demo "$ROOT/README.md"
add_case after-bad-model versions demo --json
add_case oversized predict demo --input mfcc="$WORK/big.npy"
add_case audio predict demo "$HERE/fixtures/clip.wav"
add_case still-serving predict demo --tensor "$DEMO/mfcc.npy"
mkdir "$WORK/c"
valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
    --read-inline-info=no --log-file="$WORK/valgrind.log" "$T/cli_runner" "$PLAN" "$WORK/c" >"$WORK/runner.out" 2>&1
status=$?
if [ "$status" = 0 ] && [ ! -s "$WORK/valgrind.log" ]; then
    pass "maas-c under valgrind: $(tail -1 "$WORK/runner.out"), no leaks or invalid accesses"
else
    fail "maas-c under valgrind (cli_runner exit $status)" "$(cat "$WORK/runner.out" "$WORK/valgrind.log")"
fi

# ran ID WANT_EXIT DESCRIPTION: 0 when case ID exited WANT_EXIT (else reported as a failure).
ran() {
    local got
    got=$(cat "$WORK/c/$1.status" 2>/dev/null)
    [ "$got" = "$2" ] && return 0
    fail "$3: exit ${got:-(none)}, want $2" "$(cat "$WORK/c/$1.err" 2>/dev/null)"
    return 1
}
# same ID DESCRIPTION SWIFT-ARGS... : the Swift CLI's stdout for the same request must equal maas-c's.
same() {
    local id=$1 name=$2
    shift 2
    ran "$id" 0 "$name" || return
    "$MAAS" "$@" --port "$PORT" >"$WORK/swift.out" 2>/dev/null
    if cmp -s "$WORK/c/$id.out" "$WORK/swift.out"; then pass "$name"; else fail "$name" "$(diff "$WORK/swift.out" "$WORK/c/$id.out" | head -10)"; fi
}
# says ID WANT_EXIT DESCRIPTION PATTERN [out|err]: exit status, then a grep pattern in stdout or stderr.
says() {
    ran "$1" "$2" "$3" || return
    if grep -q -- "$4" "$WORK/c/$1.${5:-err}"; then pass "$3"; else fail "$3" "$(cat "$WORK/c/$1.${5:-err}")"; fi
}

says register 0 "register uploads version 1" '^registered demo version 1$' out
if ran register-json 0 "register --sha256 --json"; then
    grep -q "\"sha256\" : \"$sha\"" "$WORK/c/register-json.out" && grep -q '"version" : 2' "$WORK/c/register-json.out" &&
        pass "register --sha256 --json: version 2 with the file's sha256" ||
        fail "register --sha256 --json: version 2 with the file's sha256" "$(cat "$WORK/c/register-json.out")"
fi
same versions "versions prints what the Swift CLI prints" versions demo
same versions-json "versions --json prints what the Swift CLI prints" versions demo --json
same predict "predict prints what the Swift CLI prints" predict demo --input mfcc="$DEMO/mfcc.npy"
same predict-json "predict NAME:1 --json prints what the Swift CLI prints" predict demo:1 --input mfcc="$DEMO/mfcc.npy" --json
if [ -f "$DEMO/expected.npy" ] && [ -s "$WORK/c/predict-json.out" ]; then
    # The first output's "values" array: one number per line between `"values" : [` and `]`.
    awk '/"values" : \[/{inside=1; next} inside && /\]/{exit} inside' "$WORK/c/predict-json.out" >"$WORK/values.txt"
    if "$T/npy_tool" within 1e-4 "$DEMO/expected.npy" <"$WORK/values.txt" >"$WORK/within.out" 2>&1; then
        pass "predict matches onnxruntime's output within 1e-4 ($(cat "$WORK/within.out"))"
    else
        fail "predict matches onnxruntime's output within 1e-4" "$(cat "$WORK/within.out")"
    fi
fi

says not-found 3 "an unknown model is NOT_FOUND (exit 3)" '^error: NOT_FOUND: '
says bad-model 2 "a file that is not a model is INVALID_ARGUMENT (exit 2)" '^error: INVALID_ARGUMENT: '
if ran after-bad-model 0 "the refused upload created no version"; then
    [ "$(grep -c '"version" :' "$WORK/c/after-bad-model.out")" = 2 ] && pass "the refused upload created no version" ||
        fail "the refused upload created no version" "$(cat "$WORK/c/after-bad-model.out")"
fi
says oversized 5 "an input over the server's frame limit is RESOURCE_EXHAUSTED (exit 5)" '^error: RESOURCE_EXHAUSTED: '
says audio 2 "audio for a version without an audio front-end is FAILED_PRECONDITION (exit 2)" \
    "^error: FAILED_PRECONDITION: model 'demo' version [0-9]* has no audio front-end"
ran still-serving 0 "the server still serves after those errors" && pass "the server still serves after those errors"

kill -TERM "$server_pid"
wait "$server_pid"
status=$?
server_pid=
[ "$status" = 0 ] && pass "maas serve exits 0 on SIGTERM" || fail "maas serve exits 0 on SIGTERM" "exit $status"

echo "clients/c e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
