#!/usr/bin/env bash
# End-to-end tests of the real product: builds the server, the Swift CLI and the C client, then runs each
# scenario in Tests/Integration/scenarios/. Every scenario starts its own `maas serve --port 0` on a fresh
# data directory, talks to it with the real clients (and raw sockets), and stops it by PID.
#
#   Tests/Integration/run.sh                 build, then run every scenario
#   Tests/Integration/run.sh errors raw      only scenarios whose file name contains one of the words
#   NO_BUILD=1 ... / KEEP_TMP=1 ...          skip the build / keep each scenario's scratch directory
#
# Needs bash, coreutils, awk, sed, grep, and for the C client gcc, make, protobuf-c-compiler,
# libprotobuf-c-dev and valgrind. The last line printed is "N passed, M failed"; the exit status is
# non-zero when anything failed.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$REPO" || exit 1

export REPO
export MAAS=${MAAS:-$REPO/.build/debug/maas}
export MAAS_C=${MAAS_C:-$REPO/clients/c/build/maas-c}

PASSED=0
FAILED=0
FAILURES=()

record_failure() { # SCENARIO WHAT
    FAILED=$((FAILED + 1))
    FAILURES+=("$1: $2")
    printf '  FAIL  %s\n' "$2"
}

finish() {
    echo
    if [ "$FAILED" -gt 0 ]; then
        echo "failed checks:"
        printf '  %s\n' "${FAILURES[@]}"
    fi
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
    exit
}

# ---------------------------------------------------------------- build

if [ "${NO_BUILD:-0}" != 1 ]; then
    echo "== build"
    if swift build --product maas >"${TMPDIR:-/tmp}/maas-it-build.log" 2>&1; then
        printf '  ok    swift build --product maas\n'
        PASSED=$((PASSED + 1))
    else
        tail -n 30 "${TMPDIR:-/tmp}/maas-it-build.log"
        record_failure build "swift build --product maas"
        finish
    fi
    if [ -f clients/c/Makefile ]; then
        if make -C clients/c >"${TMPDIR:-/tmp}/maas-it-make.log" 2>&1; then
            printf '  ok    make -C clients/c\n'
            PASSED=$((PASSED + 1))
        else
            tail -n 30 "${TMPDIR:-/tmp}/maas-it-make.log"
            record_failure build "make -C clients/c (the C client scenarios will fail too)"
        fi
    else
        record_failure build "clients/c/Makefile exists (no C client to build)"
    fi
fi
[ -x "$MAAS" ] || { record_failure build "$MAAS exists"; finish; }

# The scenarios run private copies of the two binaries: in a shared tree another `swift build` or `make`
# may relink them in the middle of the suite (a half-written binary hangs or fails a scenario at random).
BIN_COPY=$(mktemp -d "${TMPDIR:-/tmp}/maas-it-bin.XXXXXX")
trap 'rm -rf "$BIN_COPY"' EXIT
cp "$MAAS" "$BIN_COPY/maas" && MAAS=$BIN_COPY/maas
if [ -x "$MAAS_C" ]; then cp "$MAAS_C" "$BIN_COPY/maas-c" && MAAS_C=$BIN_COPY/maas-c; fi

# ---------------------------------------------------------------- scenarios

# A process the scenario left running, if it is still the one it started (PID plus start time).
kill_leftover() { # PID STARTTIME
    local now
    now=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}')
    [ -n "$2" ] && [ "$now" = "$2" ] && kill -KILL "$1" 2>/dev/null
}

selected() { # SCENARIO-NAME
    [ ${#WORDS[@]} -gt 0 ] || return 0
    local word
    for word in "${WORDS[@]}"; do [[ $1 == *"$word"* ]] && return 0; done
    return 1
}

WORDS=("$@")
SUITE_START=$(date +%s%N)
for script in "$HERE"/scenarios/*.sh; do
    name=$(basename "$script" .sh)
    selected "$name" || continue
    title=$(sed -n 's/^# scenario: //p' "$script" | head -n 1)
    limit=$(sed -n 's/^# time-limit: //p' "$script" | head -n 1)
    limit=${limit:-120}
    echo
    echo "== $name: $title"

    RESULTS=$(mktemp "${TMPDIR:-/tmp}/maas-it-results.XXXXXX")
    PIDS=$(mktemp "${TMPDIR:-/tmp}/maas-it-pids.XXXXXX")
    export RESULTS PIDS
    started=$(date +%s%N)
    timeout -k 10 "$limit" bash "$script"
    rc=$?
    elapsed=$((($(date +%s%N) - started) / 1000000))

    while read -r pid start; do kill_leftover "$pid" "$start"; done <"$PIDS"
    passed=$(grep -c '^PASS' "$RESULTS")
    failed=$(grep -c '^FAIL' "$RESULTS")
    PASSED=$((PASSED + passed))
    FAILED=$((FAILED + failed))
    while IFS=$'\t' read -r _ what; do FAILURES+=("$name: $what"); done < <(grep '^FAIL' "$RESULTS")
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        record_failure "$name" "the scenario finishes within its ${limit}s limit (it was stopped)"
        failed=$((failed + 1))
    elif [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
        record_failure "$name" "the scenario script ends cleanly (exit status $rc)"
        failed=$((failed + 1))
    fi
    printf '  -- %d passed, %d failed, %d.%01d s\n' "$passed" "$failed" $((elapsed / 1000)) $((elapsed % 1000 / 100))
    rm -f "$RESULTS" "$PIDS"
done
total=$((($(date +%s%N) - SUITE_START) / 1000000))
printf '\nscenarios took %d.%01d s\n' $((total / 1000)) $((total % 1000 / 100))
finish
