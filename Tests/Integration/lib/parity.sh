# shellcheck shell=bash
# The Swift CLI and maas-c side by side on the same request. Sourced by scenarios after harness.sh; uses
# PORT (the running server), MAAS and MAAS_C.

# same LABEL human|json "ARGS" [EXPECTED-EXIT] ["C-ARGS"]: runs `maas ARGS` and `maas-c ARGS` (or C-ARGS)
# against the server, compares the exit codes, and stdout on success or the first stderr line on failure
# (the Swift CLI may add a hint line after it). ARGS is evaluated, so quote paths inside it.
same() {
    local label=$1 json='' expected=${4:-0} c_args=${5:-$3} swift_rc
    [ "$2" = json ] && json=--json
    eval "run_cli \"\$label-swift\" \"\$MAAS\" $3 --port \"\$PORT\" $json"
    swift_rc=$CLI_RC
    cp "$OUT" "$SCRATCH/$label.swift.out"
    head -n 1 "$ERR" >"$SCRATCH/$label.swift.err1"
    eval "run_cli \"\$label-c\" \"\$MAAS_C\" --port \"\$PORT\" $json $c_args"
    cp "$OUT" "$SCRATCH/$label.c.out"
    head -n 1 "$ERR" >"$SCRATCH/$label.c.err1"
    check_eq "$label: both exit $expected" "$expected $expected" "$swift_rc $CLI_RC"
    if [ "$expected" = 0 ]; then
        check_same_files "$label: identical output" "$SCRATCH/$label.swift.out" "$SCRATCH/$label.c.out"
    else
        check_same_files "$label: identical error line" "$SCRATCH/$label.swift.err1" "$SCRATCH/$label.c.err1"
    fi
}
