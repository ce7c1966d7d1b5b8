# shellcheck shell=bash
# maas-c under valgrind's memcheck against a real server. Sourced by scenarios after harness.sh.

VALGRIND_ERROR=99 # distinct from every maas-c exit code

# need_valgrind: true when valgrind is installed; otherwise records a SKIP and returns 1. Raises the call
# time limit: valgrind runs the client 20-50x slower.
need_valgrind() {
    if ! command -v valgrind >/dev/null 2>&1; then
        skip "maas-c under valgrind" "valgrind is not installed (Debian package valgrind)"
        return 1
    fi
    CALL_TIMEOUT=120
}

# clean LABEL EXPECTED-EXIT MAAS-C-ARGS...: runs maas-c under memcheck; the exit code must be the client's
# own (valgrind would turn any error into 99), and the report must show no errors and nothing leaked.
clean() {
    local label=$1 expected=$2
    shift 2
    run_cli "$label" valgrind --error-exitcode="$VALGRIND_ERROR" --leak-check=full --show-leak-kinds=all \
        --errors-for-leak-kinds=definite,indirect,possible --track-fds=no --log-file="$SCRATCH/$label.vg" \
        "$MAAS_C" --port "$PORT" "$@"
    if [ "$CLI_RC" = "$VALGRIND_ERROR" ]; then
        fail "maas-c $label runs clean under valgrind" "$(grep -E 'Invalid|uninitialised|definitely|indirectly|possibly|ERROR SUMMARY' "$SCRATCH/$label.vg" | head -n 12)"
        return
    fi
    check_rc "maas-c $label exits $expected under valgrind" "$expected"
    if grep -q 'ERROR SUMMARY: 0 errors' "$SCRATCH/$label.vg" &&
        grep -qE 'All heap blocks were freed|definitely lost: 0 bytes' "$SCRATCH/$label.vg" &&
        ! grep -qE '(definitely|indirectly|possibly) lost: [1-9]' "$SCRATCH/$label.vg"; then
        pass "maas-c $label runs clean under valgrind ($(sed -n 's/^==[0-9]*== *total heap usage: //p' "$SCRATCH/$label.vg"))"
    else
        fail "maas-c $label runs clean under valgrind" "$(grep -E 'ERROR SUMMARY|lost:|in use at exit' "$SCRATCH/$label.vg" | head -n 8)"
    fi
}

