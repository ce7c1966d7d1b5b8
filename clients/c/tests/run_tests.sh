#!/usr/bin/env bash
# The C client's tests (run by `make -C clients/c test`, which builds the programs first):
#   1. test_npy: the .npy reader on NumPy-written files (fixtures/) and hostile ones;
#   2. test_client: libmaasclient against build/tests/fake_server (real calls, then hostile frames and
#      seeded damage), and its request bytes against Google's protobuf (fixtures/wire/);
#   3. maas-c against the same fake server: exact output in the Swift CLI's format (expected/), errors,
#      exit codes. cli_runner runs every case in one process.
# The three run at once, each under valgrind (--leak-check=full): valgrind costs about a second per
# process started, so there are three. A valgrind finding fails the step.
# Needs valgrind and coreutils; no Python (the fixtures are committed, made by the scripts beside them).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BUILD=${BUILD:-$HERE/../build}
T=$BUILD/tests
F=$HERE/fixtures
EXPECTED=$HERE/expected
CLI=$BUILD/maas-c
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; shift; for line in "$@"; do echo "     $line"; done; }

command -v valgrind >/dev/null || { echo "error: valgrind is needed for the C client tests (apt-get install valgrind)" >&2; exit 1; }
for program in test_npy test_client cli_runner npy_tool fake_server; do
    [ -x "$T/$program" ] || { echo "error: $T/$program is missing (make -C clients/c test-programs)" >&2; exit 1; }
done

rm -rf "$T/scratch" "$T/valgrind" "$T/cli" "$T/run"
mkdir -p "$T/scratch/npy" "$T/valgrind" "$T/cli" "$T/run"

# grind NAME COMMAND... : runs COMMAND under valgrind, output in $T/run/NAME.out, exit status in
# $T/run/NAME.status, valgrind's findings in $T/valgrind/NAME.log (empty when clean).
grind() {
    local name=$1
    shift
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
        --read-inline-info=no --log-file="$T/valgrind/$name.log" "$@" >"$T/run/$name.out" 2>&1
    echo "$?" >"$T/run/$name.status"
}
# ground NAME DESCRIPTION: reports a grind run whose program ends with a "N passed, M failed" line.
ground() {
    local status
    status=$(cat "$T/run/$1.status")
    if [ "$status" = 0 ] && [ ! -s "$T/valgrind/$1.log" ]; then
        pass "$2 ($(tail -1 "$T/run/$1.out"))"
    else
        fail "$2 (exit $status)" "$(grep -v '^ok ' "$T/run/$1.out")" "$(cat "$T/valgrind/$1.log")"
    fi
}

# ---------------------------------------------------------------- the fake server

mkfifo "$T/server.stdin"
"$T/fake_server" <"$T/server.stdin" >"$T/server.out" 2>"$T/server.err" &
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

# ---------------------------------------------------------------- the maas-c cases

# add_case ID ARGS... : one maas-c run for cli_runner (--port is added); its output lands in $T/cli/ID.*
PLAN=$T/cli.plan
: >"$PLAN"
add_case() {
    local id=$1
    shift
    {
        printf '%s\t--port\t%s' "$id" "$PORT"
        [ "$#" = 0 ] || printf '\t%s' "$@"
        printf '\n'
    } >>"$PLAN"
}

# The same output as the Swift CLI, case by case (expected/ was recorded from it by make_expected.sh).
while IFS='|' read -r name arguments; do
    read -r -a words <<<"${arguments//\{F\}/$F}"
    add_case "same-$name" "${words[@]}"
done < <(grep -v '^#' "$HERE/cli_cases.txt")

head -c 2621440 /dev/urandom >"$T/scratch/upload.bin"
sha=$(sha256sum "$T/scratch/upload.bin" | cut -d' ' -f1)
add_case tensor predict iris --tensor "$F/iris_x.npy"
add_case tensor-named --json predict iris:1 --tensor "$F/iris_x.npy" --input-name x
add_case weird versions weird
add_case register register cli-model "$T/scratch/upload.bin" --description "from the CLI" --label team=audio --label stage=dev
add_case register-json register cli-model "$T/scratch/upload.bin" --json --label b=2 --label a=1 --sha256 "$sha" --format onnx
add_case not-found versions missing
add_case control-chars versions control-chars
add_case audio predict iris clip.wav
printf 'yes\r\nno\r\n\r\n\n' >"$T/scratch/labels.txt"
add_case classes-file --json register reg-file "$F/iris_x.npy" --profile librosa --classes-file "$T/scratch/labels.txt"
add_case output-unwritable predict iris --tensor "$F/iris_x.npy" --output /proc/maas-c-cannot-write-here
# maas-c prints whatever survives seeded damage to an audio answer (or says why not), under valgrind.
for seed in $(seq 1 40); do
    add_case "fuzza-$seed" predict "fuzza-$seed" "$F/clip.wav" --features "fuzza-$seed.npy"
    add_case "fuzza-json-$seed" --json predict "fuzza-$seed" "$F/clip.wav"
done
add_case classes-file-missing register reg-file "$F/iris_x.npy" --classes-file /nonexistent/labels.txt
add_case audio-features predict speech "$F/clip.wav" --top-k 2 --features "$T/scratch/features.npy"
add_case audio-control predict audio-control "$F/clip.wav"
add_case audio-odd-scores predict audio-odd-scores "$F/clip.wav"
add_case audio-no-front-end predict iris "$F/clip.wav"
add_case audio-not-wav predict speech "$HERE/cli_cases.txt"
add_case audio-directory predict speech "$F"
add_case audio-many-classes predict audio-many-classes "$F/clip.wav"
add_case audio-bad-utf8 --json predict audio-bad-utf8 "$F/clip.wav"
add_case audio-no-features predict audio-empty-scores "$F/clip.wav" --features "$T/scratch/none.npy"
add_case audio-bad-features-path predict speech "$F/clip.wav" --features /nonexistent/dir/f.npy
add_case two-inputs predict two-inputs --tensor "$F/iris_x.npy"
add_case f16 predict iris --tensor "$F/f16_2.npy" --port 1
add_case fortran predict iris --input x="$F/f32_fortran.npy"
add_case no-model-file register m /nonexistent/model.onnx --port 1
add_case oversize versions oversize
add_case truncated versions truncated
add_case timeout-ms --timeout-ms 200 versions slow
add_case timeout-seconds versions slow --timeout 0.25
add_case host-name --host localhost versions iris
add_case no-server versions iris --port 1
add_case help --help
add_case duplicate-label register a b --label k=1 --label k=2
usage_errors=("" "versions" "register only-name" "versions a --tensor x.npy" "register a b --input-name x"
    "predict a" "predict a b.wav --input-name x" "predict a:0 --tensor x.npy" "predict a --tensor x.npy --input y=z.npy"
    "register a b --layout frames" "register a b --top-k 2" "register a b --ctc-blank 0" "versions a --profile librosa"
    "register a b --classes x --classes-file y" "register a b --profile htk" "register a b --clip-decision max"
    "predict a --tensor x.npy --classes a,b" "register a b --max-batch-size 0" "register a b --max-batch-size 4097"
    "register a b --max-queue-delay-us 1000001" "versions a --max-batch-size 2" "versions a --output d" "predict a b.wav --top-k 0" "predict a x.npy" "predict a b.raw --pcm-channels 2" "predict a b.raw --pcm-rate 0" "predict a b.wav --top-k x" "predict a --tensor x.npy --top-k 3"
    "versions a --features f.npy" "predict a --input x=1.npy --features f.npy" "versions a --bogus" "versions a --timeout-ms -1" "versions a --timeout -1" "frobnicate a" "register a b --label nokey"
    "register a b --label k=" "register a b --format zip" "versions a --port 70000" "predict a --input x=1.npy --input x=2.npy"
    "register a b --batch-padding=yes" "versions a --no-batch-padding")
for i in "${!usage_errors[@]}"; do
    read -r -a words <<<"${usage_errors[$i]}"
    add_case "usage-$i" "${words[@]}"
done

# ---------------------------------------------------------------- run the three programs at once

# The Swift CLI's printing of 262144 float32 bit patterns against maas-c's, natively (valgrind would
# take minutes over them), while the valgrind runs wait on sockets.
SWIFT_MAAS=${SWIFT_MAAS:-$ROOT/.build/debug/maas}
bits_pid=
# A private copy: in a shared tree another swift build may relink the binary while this runs.
if [ -x "$SWIFT_MAAS" ] && cp "$SWIFT_MAAS" "$T/maas-swift"; then
    SWIFT_MAAS=$T/maas-swift
    (
        bits=$T/scratch/f32_random_256k.npy
        "$T/npy_tool" bit-patterns "$bits"
        for flag in human json; do
            option=; [ "$flag" = json ] && option=--json
            # shellcheck disable=SC2086
            "$SWIFT_MAAS" predict identity --input x="$bits" $option --port "$PORT" >"$T/cli/bits-$flag.swift" 2>&1
            # shellcheck disable=SC2086
            "$CLI" predict identity --input x="$bits" $option --port "$PORT" >"$T/cli/bits-$flag.out" 2>&1
        done
    ) &
    bits_pid=$!
fi

grind test_npy "$T/test_npy" "$F" "$T/scratch/npy" &
npy_pid=$!
grind test_client "$T/test_client" "$PORT" "$F" "$T/scratch" &
client_pid=$!
# In $T/run: the cases' relative --output and --features paths land there (make_expected.sh does the same).
(cd "$T/run" && grind cli "$T/cli_runner" "$PLAN" "$T/cli") &
cli_pid=$!
wait "$npy_pid" "$client_pid" "$cli_pid"

ground test_npy "test_npy"
ground test_client "test_client"
cli_status=$(cat "$T/run/cli.status")
if [ "$cli_status" = 0 ] && [ ! -s "$T/valgrind/cli.log" ]; then
    pass "maas-c under valgrind: $(tail -1 "$T/run/cli.out"), no leaks or invalid accesses"
else
    fail "maas-c under valgrind (cli_runner exit $cli_status)" "$(cat "$T/run/cli.out" "$T/valgrind/cli.log")"
fi

# ---------------------------------------------------------------- maas-c's results

# ran ID WANT_EXIT DESCRIPTION: 0 when case ID exited WANT_EXIT (else reported as a failure).
ran() {
    local status
    status=$(cat "$T/cli/$1.status" 2>/dev/null)
    [ "$status" = "$2" ] && return 0
    fail "$3: exit ${status:-(none)}, want $2" "stderr: $(cat "$T/cli/$1.err" 2>/dev/null)"
    return 1
}
same_stdout() { # ID FILE DESCRIPTION
    if cmp -s "$T/cli/$1.out" "$2"; then pass "$3"; else fail "$3" "$(diff "$2" "$T/cli/$1.out" | head -20)"; fi
}
stderr_is() { # ID TEXT DESCRIPTION
    if [ "$(cat "$T/cli/$1.err")" = "$2" ] && [ ! -s "$T/cli/$1.out" ]; then pass "$3"; else fail "$3" "stderr: $(cat "$T/cli/$1.err")" "want:   $2"; fi
}
stderr_starts() { # ID PREFIX DESCRIPTION
    case "$(cat "$T/cli/$1.err")" in
    "$2"*) [ "$(wc -l <"$T/cli/$1.err")" = 1 ] && pass "$3" || fail "$3" "more than one line: $(cat "$T/cli/$1.err")" ;;
    *) fail "$3" "stderr: $(cat "$T/cli/$1.err")" "want:   $2..." ;;
    esac
}
# check ID WANT_EXIT DESCRIPTION KIND ARG: the exit status, then stdout/stderr by KIND.
check() {
    ran "$1" "$2" "$3" || return
    case "$4" in
    stdout) same_stdout "$1" "$5" "$3" ;;
    stderr) stderr_is "$1" "$5" "$3" ;;
    stderr-starts) stderr_starts "$1" "$5" "$3" ;;
    esac
}

while IFS='|' read -r name _; do
    check "same-$name" 0 "prints what maas prints: $name" stdout "$EXPECTED/$name.txt"
done < <(grep -v '^#' "$HERE/cli_cases.txt")
# The files the cases wrote, against the Swift CLI's (make_expected.sh records their sha256s).
if (cd "$T/run" && sha256sum -c --quiet "$EXPECTED/written-files.sha256" >"$T/written.check" 2>&1); then
    pass "--output and --features files are byte for byte the Swift CLI's ($(wc -l <"$EXPECTED/written-files.sha256") files)"
else
    fail "--output and --features files are byte for byte the Swift CLI's" "$(cat "$T/written.check")"
fi

check tensor 0 "--tensor feeds the model's only input, found with ListVersions" stdout "$EXPECTED/predict-iris.txt"
check tensor-named 0 "--tensor with --input-name and options before the command" stdout "$EXPECTED/predict-iris-v1-json.txt"
if ran weird 0 "control characters from the server are shown as ? in tables"; then
    if [ "$(sed -n 2p "$T/cli/weird.out")" = '7        maas-plan  1024.0 KiB  abc     1969-12-31 23:59:58  été int64[]           -      -        q"b\s/n?t?c??d?é→😀' ]; then
        pass "control characters from the server are shown as ? in tables"
    else
        fail "control characters from the server are shown as ? in tables" "$(cat "$T/cli/weird.out")"
    fi
fi

printf 'registered cli-model version 1\n  format   onnx, 2.5 MiB, sha256 %s…\n  inputs   x float32[-1, 3]\n  outputs  \n' \
    "${sha:0:12}" >"$T/expected-register.txt"
check register 0 "register streams the file and reports the version (sha256 as sha256sum computes it)" stdout \
    "$T/expected-register.txt"
cat >"$T/expected-register.json" <<JSON
{
  "created_at" : "2025-06-01T12:00:00.000Z",
  "created_at_unix_ms" : 1748779200000,
  "description" : "",
  "format" : "onnx",
  "inputs" : [
    {
      "dtype" : "float32",
      "name" : "x",
      "shape" : [
        -1,
        3
      ]
    }
  ],
  "labels" : {
    "a" : "1",
    "b" : "2"
  },
  "name" : "cli-model",
  "outputs" : [

  ],
  "sha256" : "$sha",
  "size_bytes" : 2621440,
  "version" : 2
}
JSON
check register-json 0 "register --json reports the version object, labels sorted by key" stdout "$T/expected-register.json"

check not-found 3 "a server error is one line with its status name (exit 3 for NOT_FOUND)" stderr \
    'error: NOT_FOUND: no model named "missing"'
check control-chars 3 "control characters in server messages are shown as ?" stderr \
    'error: NOT_FOUND: bad ?[31mred?[0m?forged line'
check audio 65 "a missing audio file is refused before connecting (exit 65)" stderr \
    'error: INVALID_ARGUMENT: cannot read audio file clip.wav: No such file or directory'
# The fake server's features: 1 + (11068 - 44) / 512 = 22 frames of 20, saved as NumPy writes them.
if ran audio-features 0 "--features saves the features as .npy"; then
    # np.save writes this header (checked by hand: np.save(np.load(f)) gives the same bytes).
    printf "\x93NUMPY\x01\x00\x76\x00{'descr': '<f4', 'fortran_order': False, 'shape': (22, 20), }%*s\n" 56 '' >"$T/npy-header.bin"
    if [ "$(stat -c %s "$T/scratch/features.npy")" = $((128 + 22 * 20 * 4)) ] &&
        cmp -s -n 128 "$T/npy-header.bin" "$T/scratch/features.npy"; then
        pass "--features saves the [22, 20] features as .npy, header as NumPy writes it"
    else
        fail "--features saves the [22, 20] features as .npy" "$(head -c 128 "$T/scratch/features.npy" | od -c | head -5)"
    fi
    if [ "$(sed -n 4p "$T/cli/audio-features.out")" = "probabilities  float32 [1, 10]" ] &&
        [ "$(wc -l <"$T/cli/audio-features.out")" = 5 ]; then
        pass "--top-k 2 shows two labels"
    else
        fail "--top-k 2 shows two labels" "$(cat "$T/cli/audio-features.out")"
    fi
fi
if ran audio-control 0 "control characters in labels and transcripts are shown as ?"; then
    printf 'audio-control version 1: bad?[31m?label (50.0%%)\n  bad?[31m?label   50.0%%\ntranscript: forged?line?\n' >"$T/expected-control.txt"
    same_stdout audio-control "$T/expected-control.txt" "control characters in labels and transcripts are shown as ?"
fi
# NaN, infinite, negative and > 1 probabilities print as numbers (also a parity case in cli_cases.txt).
cat >"$T/expected-odd.txt" <<'TEXT'
audio-odd-scores version 1: negative index (250.0%)
  negative index                                    250.0%
  a very long label that is longer than the others    nan%
  inf                                                 inf%
  minus                                             -50.0%
  tiny                                                0.0%
  été →                                              12.5%
TEXT
check audio-odd-scores 0 "odd probabilities from the server (NaN, inf, negative, over 1) are printed, not trapped on" stdout \
    "$T/expected-odd.txt"
if ran classes-file 0 "--classes-file: one label per line, CRLF and trailing empty lines dropped"; then
    names=$(sed -n '/"names" : \[/,/\]/p' "$T/cli/classes-file.out" | sed -n 's/^ *"\(.*\)",*$/\1/p' | tr '\n' ' ')
    [ "$names" = "yes no " ] && pass "--classes-file: one label per line, CRLF and trailing empty lines dropped" ||
        fail "--classes-file: one label per line, CRLF and trailing empty lines dropped" "names: $names"
fi
check output-unwritable 1 "--output where no directory can be made (exit 1)" stderr-starts \
    "error: INTERNAL: cannot create output directory '/proc/maas-c-cannot-write-here': "
fuzz_ok=0 fuzz_refused=0 fuzz_bad=
for seed in $(seq 1 40); do
    for id in "fuzza-$seed" "fuzza-json-$seed"; do
        status=$(cat "$T/cli/$id.status" 2>/dev/null)
        case $status in
        0) fuzz_ok=$((fuzz_ok + 1)) ;;
        1 | 7) [ "$(wc -l <"$T/cli/$id.err")" = 1 ] && grep -q '^error: ' "$T/cli/$id.err" &&
            fuzz_refused=$((fuzz_refused + 1)) || fuzz_bad+=" $id" ;;
        *) fuzz_bad+=" $id(exit $status)" ;;
        esac
    done
done
if [ -z "$fuzz_bad" ] && [ "$fuzz_ok" -gt 0 ] && [ "$fuzz_refused" -gt 0 ]; then
    pass "80 damaged audio answers: $fuzz_ok printed, $fuzz_refused refused with one error line"
else
    fail "80 damaged audio answers are printed or refused with one error line" "bad:$fuzz_bad ($fuzz_ok printed, $fuzz_refused refused)"
fi
check classes-file-missing 65 "an unreadable --classes-file is refused before connecting (exit 65)" stderr \
    'error: INVALID_ARGUMENT: cannot read --classes-file /nonexistent/labels.txt: No such file or directory'
check audio-no-front-end 2 "audio for a version without a front-end: the server's FAILED_PRECONDITION (exit 2)" stderr \
    'error: FAILED_PRECONDITION: model iris version 2 has no audio front-end: send tensors, or register it with an audio config'
check audio-not-wav 2 "bytes the server cannot decode: its INVALID_ARGUMENT (exit 2)" stderr-starts \
    'error: INVALID_ARGUMENT: audio_file: not a WAV file'
check audio-directory 65 "a directory as the audio file is refused before connecting (exit 65)" stderr \
    "error: INVALID_ARGUMENT: cannot read audio file $F: it is a directory"
check audio-many-classes 1 "65537 top classes are a bad answer (exit 1)" stderr \
    "error: INTERNAL: bad Predict response from 127.0.0.1:$PORT: 65537 top classes, over the client's limit of 65536"
check audio-bad-utf8 1 "a label that is not UTF-8 is a bad answer, never invalid JSON (exit 1)" stderr \
    "error: INTERNAL: bad Predict response from 127.0.0.1:$PORT: the label of top class 0 is not valid UTF-8"
check audio-no-features 1 "--features when the server sends none (exit 1)" stderr \
    'error: INTERNAL: the server sent no features (asked for with --features)'
check audio-bad-features-path 1 "--features into a missing directory (exit 1)" stderr \
    'error: INTERNAL: cannot create /nonexistent/dir/f.npy: No such file or directory'
check two-inputs 2 "a model with two inputs needs --input-name (exit 2)" stderr-starts \
    'error: INVALID_ARGUMENT: model two-inputs version 1 has 2 inputs'
check f16 65 "an unsupported .npy dtype is refused before connecting (exit 65)" stderr-starts \
    "error: INVALID_ARGUMENT: $F/f16_2.npy: dtype '<f2' is not supported"
check fortran 65 "a Fortran-order .npy is refused (exit 65)" stderr-starts \
    "error: INVALID_ARGUMENT: $F/f32_fortran.npy: Fortran-order"
check no-model-file 65 "a missing model file is refused before connecting (exit 65)" stderr-starts \
    "error: INVALID_ARGUMENT: cannot read model file /nonexistent/model.onnx"
check oversize 1 "an oversized frame from the server is INTERNAL (exit 1)" stderr \
    "error: INTERNAL: 127.0.0.1:$PORT sent a frame of 4294967295 bytes, over the client's limit of 67108864 bytes"
check truncated 7 "a truncated frame is UNAVAILABLE (exit 7)" stderr-starts \
    "error: UNAVAILABLE: 127.0.0.1:$PORT closed the connection in the middle of a frame"
check timeout-ms 6 "a client timeout is DEADLINE_EXCEEDED (exit 6)" stderr \
    "error: DEADLINE_EXCEEDED: no ListVersions response from 127.0.0.1:$PORT within 200 ms"
check timeout-seconds 6 "--timeout takes seconds" stderr \
    "error: DEADLINE_EXCEEDED: no ListVersions response from 127.0.0.1:$PORT within 250 ms"
check host-name 0 "--host accepts a name" stdout "$EXPECTED/versions-iris.txt"
check no-server 7 "no server is UNAVAILABLE (exit 7)" stderr \
    "error: UNAVAILABLE: cannot connect to 127.0.0.1:1: connection refused"
if ran help 0 "--help prints usage"; then
    grep -q '^usage: maas-c' "$T/cli/help.out" && pass "--help prints usage" || fail "--help prints usage"
fi
check duplicate-label 64 "a usage error exits 64 (labels were allocated before it)" stderr \
    'error: --label names "k" more than once (see maas-c --help)'
for i in "${!usage_errors[@]}"; do
    check "usage-$i" 64 "usage error exits 64: maas-c ${usage_errors[$i]}" stderr-starts "error: "
done

# With a Swift CLI built, also compare 262144 arbitrary float32 bit patterns (too large to commit): both
# CLIs ran natively, beside the valgrind runs (see above).
if [ -n "$bits_pid" ]; then
    wait "$bits_pid"
    same_stdout bits-human "$T/cli/bits-human.swift" "262144 float32 bit patterns print as the Swift CLI prints them (human)"
    same_stdout bits-json "$T/cli/bits-json.swift" "262144 float32 bit patterns print as the Swift CLI prints them (--json)"
else
    echo "skip 262144 float32 bit patterns against the Swift CLI: no $SWIFT_MAAS (swift build)"
fi

if [ -s "$T/server.err" ]; then
    fail "the fake server saw no protocol violations" "$(cat "$T/server.err")"
fi

echo "clients/c: $passed passed, $failed failed"
[ "$failed" = 0 ]
