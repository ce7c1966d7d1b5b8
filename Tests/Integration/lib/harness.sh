# shellcheck shell=bash disable=SC2034  # sourced by scenarios, which use these variables
# Shared by every scenario: check accounting, bounded waits, and servers started and stopped by PID.
#
# The runner exports: REPO (repository root), MAAS (Swift CLI), MAAS_C (C client, may not exist),
# RESULTS (this scenario's result file: one "PASS|FAIL|SKIP<TAB>what" line per check), PIDS (every
# background PID this scenario starts, so the runner can kill leftovers by PID if the scenario hangs).
#
# Nothing here uses `set -e`: a failed check is recorded and the scenario goes on to the next one.

: "${REPO:?run scenarios through Tests/Integration/run.sh}"
: "${MAAS:?}" "${RESULTS:?}" "${PIDS:?}"
MAAS_C=${MAAS_C:-}

# Seconds a single CLI call may take before it counts as hung. Generous: debug builds, 2 busy cores.
CALL_TIMEOUT=${CALL_TIMEOUT:-60}

DEMO_DIR="$REPO/deploy/demo"
FIXTURES="$REPO/Tests/MaaSEngineTests/Fixtures"

# One scratch directory per scenario; removed on exit unless KEEP_TMP=1 (then its path is printed).
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/maas-it.XXXXXX")

# ---------------------------------------------------------------- results

_record() { printf '%s\t%s\n' "$1" "$2" >>"$RESULTS"; }

pass() {
    _record PASS "$1"
    printf '  ok    %s\n' "$1"
}

# fail WHAT [DETAIL...]: each detail is printed on its own indented line.
fail() {
    local what=$1
    shift
    _record FAIL "$what"
    printf '  FAIL  %s\n' "$what"
    local line
    for line in "$@"; do printf '%s\n' "$line" | sed 's/^/          /'; done
}

skip() {
    _record SKIP "$1"
    printf '  SKIPPED  %s: %s\n' "$1" "$2"
}

note() { printf '  note  %s\n' "$*"; }

# The first lines of a file, for failure details.
excerpt() {
    if [ -s "$1" ]; then head -n "${2:-8}" "$1"; else echo "(${1##*/} is empty)"; fi
}

# check WHAT CONDITION-COMMAND...: passes when the command succeeds.
check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what" "command failed: $*"; fi
}

check_eq() { # WHAT EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected: $2" "actual:   $3"; fi
}

check_file_contains() { # WHAT FILE FIXED-STRING
    if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "'$3' not found in ${2##*/}:" "$(excerpt "$2")"; fi
}

check_same_files() { # WHAT EXPECTED-FILE ACTUAL-FILE (two empty files do not count as the same result)
    if [ ! -s "$2" ] && [ ! -s "$3" ]; then
        fail "$1" "both are empty: ${2##*/}, ${3##*/}"
    elif cmp -s "$2" "$3"; then
        pass "$1"
    else
        fail "$1" "$(diff -u "$2" "$3" | head -n 30)"
    fi
}

# ---------------------------------------------------------------- processes

# A process's start time (clock ticks since boot): with the PID it names one process, even after PID reuse.
start_time() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'; }

# Remembers a background PID (and its start time) for cleanup by PID, never by name.
track_pid() { printf '%s %s\n' "$1" "$(start_time "$1")" >>"$PIDS"; }

# kill_tracked SIGNAL PID STARTTIME: signals the process only if it is still the one that was tracked.
kill_tracked() {
    [ -n "$3" ] && [ "$(start_time "$2")" = "$3" ] && kill "-$1" "$2" 2>/dev/null
}

# True while PID is a live process (a zombie waiting to be reaped counts as gone).
alive() {
    local state
    state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $1}')
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# wait_pid PID SECONDS: waits for a child of this shell to end; sets WAITED_RC to its exit status.
# Returns 1 (WAITED_RC=timeout) if it is still running after SECONDS.
wait_pid() {
    local pid=$1 deadline=$((SECONDS + $2))
    while alive "$pid"; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            WAITED_RC=timeout
            return 1
        fi
        sleep 0.05
    done
    wait "$pid" 2>/dev/null
    WAITED_RC=$?
    return 0
}

# wait_until SECONDS COMMAND...: polls COMMAND every 50 ms; returns 1 if it never succeeded.
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.05
    done
}

# run_cli LABEL COMMAND...: runs a client with a time limit; stdout/stderr land in $SCRATCH/LABEL.out/.err,
# and CLI_RC holds its exit status (124 when it had to be killed: the server did not answer in time).
run_cli() {
    local label=${1//[^A-Za-z0-9._-]/_}
    shift
    OUT="$SCRATCH/$label.out"
    ERR="$SCRATCH/$label.err"
    timeout -k 5 "$CALL_TIMEOUT" "$@" >"$OUT" 2>"$ERR"
    CLI_RC=$?
    return 0
}

# check_rc WHAT EXPECTED: judges the last run_cli.
check_rc() {
    if [ "$CLI_RC" = "$2" ]; then
        pass "$1"
    elif [ "$CLI_RC" = 124 ] || [ "$CLI_RC" = 137 ]; then
        fail "$1" "no answer within ${CALL_TIMEOUT}s (client killed): the server hung" "stderr: $(excerpt "$ERR" 3)"
    else
        fail "$1" "exit status $CLI_RC, expected $2" "stdout: $(excerpt "$OUT" 4)" "stderr: $(excerpt "$ERR" 4)"
    fi
}

# ---------------------------------------------------------------- the server

# server_start DATA-DIR [serve options...]: starts `maas serve --port 0` and waits (30 s at most) for its
# "listening" line. Sets SERVER_PID, PORT, SERVER_LOG (stderr) and SERVER_OUT (stdout).
SERVER_PID=
server_start() {
    local data=$1
    shift
    local n=$((${_SERVER_STARTS:-0} + 1))
    _SERVER_STARTS=$n
    SERVER_OUT="$SCRATCH/serve-$n.out"
    SERVER_LOG="$SCRATCH/serve-$n.log"
    PORT=
    "$MAAS" serve --port 0 --data-dir "$data" "$@" >"$SERVER_OUT" 2>"$SERVER_LOG" &
    SERVER_PID=$!
    track_pid "$SERVER_PID"
    local deadline=$((SECONDS + 30)) why="no 'maas listening on' line within 30 s"
    while [ "$SECONDS" -lt "$deadline" ]; do
        PORT=$(sed -n 's/^maas listening on .*:\([0-9][0-9]*\)$/\1/p' "$SERVER_OUT")
        [ -n "$PORT" ] && return 0
        if ! alive "$SERVER_PID"; then
            wait "$SERVER_PID" 2>/dev/null
            why="the server exited with status $? before listening"
            SERVER_PID=
            break
        fi
        sleep 0.05
    done
    fail "maas serve starts and prints its port" "$why" "stdout: $(excerpt "$SERVER_OUT" 3)" "stderr: $(excerpt "$SERVER_LOG" 10)"
    server_kill
    return 1
}

# server_term [SECONDS]: SIGTERM, then waits; sets SERVER_RC (timeout when it did not exit; it is then killed).
server_term() {
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null
    if wait_pid "$SERVER_PID" "${1:-45}"; then
        SERVER_RC=$WAITED_RC
    else
        server_kill
        SERVER_RC=timeout
    fi
    SERVER_PID=
}

# kill -9 the server and reap it; sets SERVER_RC (137 when the signal is what ended it).
server_kill() {
    [ -n "$SERVER_PID" ] || return 0
    # bash reports "Killed" for a job ended by SIGKILL; here that is the intent, not news.
    local saved
    exec {saved}>&2 2>/dev/null
    kill -KILL "$SERVER_PID"
    wait_pid "$SERVER_PID" 10
    exec 2>&"$saved" {saved}>&-
    SERVER_RC=$WAITED_RC
    SERVER_PID=
}

# check_staging_empty WHAT DATA-DIR: the registry's staging directory empties within 5 s (a refused upload's
# files may be removed just after the refusal is sent).
staging_is_empty() { [ -z "$(ls -A "$1/staging" 2>&1)" ]; }
check_staging_empty() {
    if wait_until 5 staging_is_empty "$2"; then
        pass "$1"
    else
        fail "$1" "$2/staging still holds: $(ls -lA "$2/staging" 2>&1 | head -n 5)"
    fi
}

# Peak resident set (VmHWM) of a live process, in KiB.
peak_rss_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# The server answers a ListVersions call (any well-formed answer, NOT_FOUND included, counts as serving).
server_serves() { # WHAT MODEL
    run_cli serves "$MAAS" versions "$2" --port "$PORT" --json
    if [ "$CLI_RC" = 0 ] || [ "$CLI_RC" = 3 ]; then
        pass "$1"
    else
        check_rc "$1" "0 or 3"
    fi
}

_harness_cleanup() {
    local pid started
    # Servers and background clients this scenario left running (each was tracked by PID and start time).
    if [ -s "$PIDS" ]; then
        while read -r pid started; do kill_tracked KILL "$pid" "$started"; done <"$PIDS"
    fi
    if [ "${KEEP_TMP:-0}" = 1 ]; then echo "  (scratch kept in $SCRATCH)"; else rm -rf "$SCRATCH"; fi
}
trap _harness_cleanup EXIT
trap 'exit 143' TERM INT

# Tools the scenarios rely on, with the Debian package that provides them.
require_tool() { # TOOL PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    fail "tool '$1' is installed" "install the Debian package $2"
    return 1
}

# The C client, or a failing check saying why it cannot be used.
need_c_client() {
    if [ -n "$MAAS_C" ] && [ -x "$MAAS_C" ]; then return 0; fi
    fail "the C client maas-c is built" "expected an executable at ${MAAS_C:-clients/c/build/maas-c} (make -C clients/c)"
    return 1
}
