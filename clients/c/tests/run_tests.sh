#!/usr/bin/env bash
# The C client's tests (run by `make -C clients/c test`):
#   1. test_npy: the .npy reader on NumPy-written files and hostile ones;
#   2. test_client: libmaasclient against tests/fake_server.py (real calls, then hostile frames);
#   3. maas-c against the same fake server: exact output in the shared format, errors, exit codes.
# Every binary runs under valgrind (--leak-check=full); a valgrind finding fails the step.
# Needs python3 with numpy and protobuf, protoc (for the descriptor set), valgrind.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BUILD=${BUILD:-$HERE/../build}
T=$BUILD/tests
EXPECTED=$HERE/expected
CLI=$BUILD/maas-c
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; shift; for line in "$@"; do echo "     $line"; done; }

for tool in python3 protoc valgrind; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed for the C client tests" >&2; exit 1; }
done

rm -rf "$T/fixtures" "$T/scratch" "$T/valgrind"
mkdir -p "$T/fixtures" "$T/scratch" "$T/valgrind"
protoc --include_imports --descriptor_set_out="$T/maas.desc" -I "$ROOT/proto" maas/v1/maas.proto || exit 1
python3 "$HERE/make_npy_fixtures.py" "$T/fixtures" || exit 1

# Runs a command under valgrind; its log goes to a file so stderr stays the program's own.
# Sets $status; returns 1 (and reports) when valgrind found something.
grind() {
    local log="$T/valgrind/$1.log"
    shift
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
        --read-inline-info=no --log-file="$log" "$@"
    status=$?
    if [ "$status" = 99 ] || [ -s "$log" ]; then
        return 1
    fi
    return 0
}

# ---------------------------------------------------------------- 1. npy reader

if grind test_npy "$BUILD/tests/test_npy" "$T/fixtures" >"$T/test_npy.out" 2>&1 && [ "$status" = 0 ]; then
    pass "test_npy ($(tail -1 "$T/test_npy.out"))"
else
    fail "test_npy (exit $status)" "$(cat "$T/test_npy.out" "$T/valgrind/test_npy.log")"
fi

# ---------------------------------------------------------------- the fake server

mkfifo "$T/server.stdin"
python3 "$HERE/fake_server.py" "$T/maas.desc" <"$T/server.stdin" >"$T/server.out" 2>"$T/server.err" &
server_pid=$!
exec 9>"$T/server.stdin" # the server runs until this closes
stop_server() {
    exec 9>&-
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    rm -f "$T/server.stdin"
}
trap stop_server EXIT
PORT=
for _ in $(seq 100); do
    PORT=$(sed -n 's/^PORT //p' "$T/server.out")
    [ -n "$PORT" ] && break
    sleep 0.1
done
if [ -z "$PORT" ]; then
    echo "error: the fake server did not start:" >&2
    cat "$T/server.err" >&2
    exit 1
fi

# ---------------------------------------------------------------- 2. library

if grind test_client "$BUILD/tests/test_client" "$PORT" "$T/scratch" >"$T/test_client.out" 2>&1 && [ "$status" = 0 ]; then
    pass "test_client ($(tail -1 "$T/test_client.out"))"
else
    fail "test_client (exit $status)" "$(cat "$T/test_client.out" "$T/valgrind/test_client.log")"
fi

# ---------------------------------------------------------------- 3. CLI

run=0
# cli NAME EXPECTED_EXIT ARGS... : runs maas-c under valgrind; stdout in $T/out, stderr in $T/err.
cli() {
    local name=$1 want=$2
    shift 2
    run=$((run + 1))
    if ! grind "cli-$run" "$CLI" --port "$PORT" "$@" >"$T/out" 2>"$T/err"; then
        fail "$name: valgrind" "$(cat "$T/valgrind/cli-$run.log")"
        return 1
    fi
    if [ "$status" != "$want" ]; then
        fail "$name: exit $status, want $want" "stderr: $(cat "$T/err")"
        return 1
    fi
    return 0
}
same_stdout() { # NAME FILE
    if cmp -s "$T/out" "$2"; then pass "$1"; else fail "$1" "$(diff "$2" "$T/out" | head -20)"; fi
}
stderr_is() { # NAME TEXT
    if [ "$(cat "$T/err")" = "$2" ] && [ ! -s "$T/out" ]; then pass "$1"; else fail "$1" "stderr: $(cat "$T/err")" "want:   $2"; fi
}
stderr_starts() { # NAME PREFIX
    case "$(cat "$T/err")" in
    "$2"*) [ "$(wc -l <"$T/err")" = 1 ] && pass "$1" || fail "$1" "more than one line: $(cat "$T/err")" ;;
    *) fail "$1" "stderr: $(cat "$T/err")" "want:   $2..." ;;
    esac
}
F=$T/fixtures

# The same output as the Swift CLI, case by case (expected/ was recorded from it by make_expected.sh).
# These run four at a time: valgrind costs about a second per process.
mkdir -p "$T/cases"
case_pids=()
while IFS='|' read -r name arguments; do
    if [ "${#case_pids[@]}" -ge 4 ]; then
        wait "${case_pids[0]}"
        case_pids=("${case_pids[@]:1}")
    fi
    (
        # shellcheck disable=SC2086
        grind "case-$name" "$CLI" --port "$PORT" ${arguments//\{F\}/$F} >"$T/cases/$name.out" 2>"$T/cases/$name.err"
        echo "$?:$status" >"$T/cases/$name.status"
    ) &
    case_pids+=("$!")
done < <(grep -v '^#' "$HERE/cli_cases.txt")
for pid in "${case_pids[@]}"; do wait "$pid"; done
while IFS='|' read -r name _; do
    outcome=$(cat "$T/cases/$name.status")
    if [ "${outcome%%:*}" != 0 ]; then
        fail "prints what maas prints: $name: valgrind" "$(cat "$T/valgrind/case-$name.log")"
    elif [ "${outcome#*:}" != 0 ]; then
        fail "prints what maas prints: $name: exit ${outcome#*:}" "$(cat "$T/cases/$name.err")"
    elif cmp -s "$T/cases/$name.out" "$EXPECTED/$name.txt"; then
        pass "prints what maas prints: $name"
    else
        fail "prints what maas prints: $name" "$(diff "$EXPECTED/$name.txt" "$T/cases/$name.out" | head -20)"
    fi
done < <(grep -v '^#' "$HERE/cli_cases.txt")

cli "--tensor feeds the model's only input, found with ListVersions" 0 predict iris --tensor "$F/iris_x.npy" &&
    same_stdout "--tensor feeds the model's only input, found with ListVersions" "$EXPECTED/predict-iris.txt"
cli "--tensor with --input-name and options before the command" 0 --json predict iris:1 --tensor "$F/iris_x.npy" --input-name x &&
    same_stdout "--tensor with --input-name and options before the command" "$EXPECTED/predict-iris-v1-json.txt"
cli "control characters from the server are shown as ? in tables" 0 versions weird &&
    { [ "$(sed -n 2p "$T/out")" = '7        maas-plan  1024.0 KiB  abc     1969-12-31 23:59:58  été int64[]           q"b\s/n?t?c??d?é→😀' ] &&
        pass "control characters from the server are shown as ? in tables" ||
        fail "control characters from the server are shown as ? in tables" "$(cat "$T/out")"; }

head -c 2621440 /dev/urandom >"$T/scratch/upload.bin"
sha=$(sha256sum "$T/scratch/upload.bin" | cut -d' ' -f1)
if cli "register streams the file and reports the version" 0 register cli-model "$T/scratch/upload.bin" \
    --description "from the CLI" --label team=audio --label stage=dev; then
    printf 'registered cli-model version 1\n  format   onnx, 2.5 MiB, sha256 %s…\n  inputs   x float32[-1, 3]\n  outputs  \n' \
        "${sha:0:12}" >"$T/expected.txt"
    same_stdout "register streams the file and reports the version" "$T/expected.txt"
fi
if cli "register --json reports the version object" 0 register cli-model "$T/scratch/upload.bin" --json \
    --label b=2 --label a=1 --sha256 "$sha" --format onnx; then
    python3 - "$T/out" "$sha" <<'PYTHON' && pass "register --json reports the version object" || fail "register --json reports the version object" "$(cat "$T/out")"
import json, sys
text = open(sys.argv[1]).read()
v = json.loads(text)
assert v["name"] == "cli-model" and v["version"] == 2 and v["size_bytes"] == 2621440, v
assert v["sha256"] == sys.argv[2] and v["format"] == "onnx" and v["labels"] == {"a": "1", "b": "2"}, v
assert text.index('"a" : "1"') < text.index('"b" : "2"'), "labels sorted by key"
PYTHON
fi

cli "a server error is one line with its status name (exit 3 for NOT_FOUND)" 3 versions missing &&
    stderr_is "a server error is one line with its status name (exit 3 for NOT_FOUND)" 'error: NOT_FOUND: no model named "missing"'
cli "control characters in server messages are shown as ?" 3 versions control-chars &&
    stderr_is "control characters in server messages are shown as ?" 'error: NOT_FOUND: bad ?[31mred?[0m?forged line'
cli "audio predict says it is not supported yet (exit 1)" 1 predict iris clip.wav &&
    stderr_starts "audio predict says it is not supported yet (exit 1)" 'error: UNIMPLEMENTED: audio input is not supported until the server accepts audio'
cli "a model with two inputs needs --input-name (exit 2)" 2 predict two-inputs --tensor "$F/iris_x.npy" &&
    stderr_starts "a model with two inputs needs --input-name (exit 2)" 'error: INVALID_ARGUMENT: model two-inputs version 1 has 2 inputs'
cli "an unsupported .npy dtype is refused before connecting (exit 65)" 65 predict iris --tensor "$F/f16_2.npy" --port 1 &&
    stderr_starts "an unsupported .npy dtype is refused before connecting (exit 65)" "error: INVALID_ARGUMENT: $F/f16_2.npy: dtype '<f2' is not supported"
cli "a Fortran-order .npy is refused (exit 65)" 65 predict iris --input x="$F/f32_fortran.npy" &&
    stderr_starts "a Fortran-order .npy is refused (exit 65)" "error: INVALID_ARGUMENT: $F/f32_fortran.npy: Fortran-order"
cli "a missing model file is refused before connecting (exit 65)" 65 register m /nonexistent/model.onnx --port 1 &&
    stderr_starts "a missing model file is refused before connecting (exit 65)" "error: INVALID_ARGUMENT: cannot read model file /nonexistent/model.onnx"
cli "an oversized frame from the server is INTERNAL (exit 1)" 1 versions oversize &&
    stderr_is "an oversized frame from the server is INTERNAL (exit 1)" \
        "error: INTERNAL: 127.0.0.1:$PORT sent a frame of 4294967295 bytes, over the client's limit of 67108864 bytes"
cli "a truncated frame is UNAVAILABLE (exit 7)" 7 versions truncated &&
    stderr_starts "a truncated frame is UNAVAILABLE (exit 7)" "error: UNAVAILABLE: 127.0.0.1:$PORT closed the connection in the middle of a frame"
cli "a client timeout is DEADLINE_EXCEEDED (exit 6)" 6 --timeout-ms 200 versions slow &&
    stderr_is "a client timeout is DEADLINE_EXCEEDED (exit 6)" "error: DEADLINE_EXCEEDED: no ListVersions response from 127.0.0.1:$PORT within 200 ms"
cli "--timeout takes seconds" 6 versions slow --timeout 0.25 &&
    stderr_is "--timeout takes seconds" "error: DEADLINE_EXCEEDED: no ListVersions response from 127.0.0.1:$PORT within 250 ms"
cli "--host accepts a name" 0 --host localhost versions iris && same_stdout "--host accepts a name" "$EXPECTED/versions-iris.txt"
cli "no server is UNAVAILABLE (exit 7)" 7 versions iris --port 1 &&
    stderr_is "no server is UNAVAILABLE (exit 7)" "error: UNAVAILABLE: cannot connect to 127.0.0.1:1: Connection refused"
cli "--help prints usage" 0 --help && { grep -q '^usage: maas-c' "$T/out" && pass "--help prints usage" || fail "--help prints usage"; }
cli "a usage error exits 64 (under valgrind: labels were allocated)" 64 register a b --label k=1 --label k=2 &&
    stderr_is "a usage error exits 64 (under valgrind: labels were allocated)" \
        'error: --label names "k" more than once (see maas-c --help)'
# The rest of the command-line checks only parse argv: run natively, valgrind costs a second each.
for bad in "" "versions" "register only-name" "versions a --tensor x.npy" "register a b --input-name x" \
    "predict a" "predict a b.wav --input-name x" "predict a:0 --tensor x.npy" "predict a --tensor x.npy --input y=z.npy" \
    "versions a --bogus" "versions a --timeout-ms -1" "versions a --timeout -1" "frobnicate a" "register a b --label nokey" \
    "register a b --label k=" "register a b --format zip" "versions a --port 70000" "predict a --input x=1.npy --input x=2.npy"; do
    # shellcheck disable=SC2086
    "$CLI" --port "$PORT" $bad >"$T/out" 2>"$T/err"
    status=$?
    if [ "$status" = 64 ]; then
        stderr_starts "usage error exits 64: maas-c $bad" "error: "
    else
        fail "usage error exits 64: maas-c $bad" "exit $status, stderr: $(cat "$T/err")"
    fi
done

# With a Swift CLI built, also compare 262144 arbitrary float32 bit patterns (too large to commit).
SWIFT_MAAS=${SWIFT_MAAS:-$ROOT/.build/debug/maas}
if [ -x "$SWIFT_MAAS" ]; then
    for flag in "" --json; do
        # shellcheck disable=SC2086
        "$SWIFT_MAAS" predict identity --input x="$F/f32_random_256k.npy" $flag --port "$PORT" >"$T/swift.out" 2>&1
        # shellcheck disable=SC2086
        "$CLI" predict identity --input x="$F/f32_random_256k.npy" $flag --port "$PORT" >"$T/out" 2>&1
        same_stdout "262144 float32 bit patterns print as the Swift CLI prints them ${flag:-(human)}" "$T/swift.out"
    done
else
    echo "skip 262144 float32 bit patterns against the Swift CLI: no $SWIFT_MAAS (swift build)"
fi

if [ -s "$T/server.err" ]; then
    fail "the fake server saw no protocol violations" "$(cat "$T/server.err")"
fi

echo "clients/c: $passed passed, $failed failed"
[ "$failed" = 0 ]
