#!/usr/bin/env bash
# scenario: hand-made frames on a raw socket: unknown method, bad payload, oversized, undecodable and truncated frames
# time-limit: 120
set -uo pipefail
source "$REPO/Tests/Integration/lib/harness.sh"
source "$REPO/Tests/Integration/lib/wire.sh"

READ_LIMIT=10
server_start "$SCRATCH/data" || exit 0
run_cli setup "$MAAS" register demo "$DEMO_DIR/speech-demo.onnx" --port "$PORT"
check_rc "setup: register demo (version 1)" 0

list_versions_frame() { # CALL-ID NAME
    frame_hex "$(envelope_hex "$1" "$METHOD_PREFIX/ListVersions" "$(pb_string_field 1 "$2")" 1)"
}

# read_response FD LABEL: reads one frame into $SCRATCH/LABEL.bin and decodes it into $SCRATCH/LABEL.txt
# (Envelope, with the status and a ListVersionsResponse payload decoded). Sets READ_RC (see wire_read_frame).
read_response() {
    wire_read_frame "$1" "$SCRATCH/$2.bin" "$READ_LIMIT"
    READ_RC=$?
    RESP="$SCRATCH/$2.txt"
    if [ "$READ_RC" = 0 ]; then pb_decode "$SCRATCH/$2.bin" 5,4,4.1 >"$RESP"; else : >"$RESP"; fi
}

read_rc_text() {
    case $1 in
        0) echo "a frame" ;; 1) echo "end of stream" ;; 2) echo "nothing within ${READ_LIMIT}s" ;;
        3) echo "a truncated frame" ;; *) echo "an oversized length prefix" ;;
    esac
}

check_status() { # WHAT CALL-ID CODE [MESSAGE-FRAGMENT]
    if [ "$READ_RC" != 0 ]; then
        fail "$1" "expected a response frame, got $(read_rc_text "$READ_RC")"
        return
    fi
    local got_id got_code
    got_id=$(pb_field "$RESP" 1)
    got_code=$(pb_field "$RESP" 5.1)
    if [ "${got_id:-0}" = "$2" ] && [ "${got_code:-0}" = "$3" ] && [ "$(pb_field "$RESP" 6)" = 1 ] &&
        { [ -z "${4:-}" ] || grep -qF -- "$4" "$RESP"; }; then
        pass "$1 (\"$(pb_field "$RESP" 5.2 | cut -c1-80)\")"
    else
        fail "$1" "expected call_id $2, status $3, end_stream${4:+, message with '$4'}" "got: $(tr '\n' ' ' <"$RESP" | cut -c1-400)"
    fi
}

check_lists_demo() { # WHAT CALL-ID
    if [ "$READ_RC" = 0 ] && [ "$(pb_field "$RESP" 1)" = "$2" ] && [ -z "$(pb_field "$RESP" 5.1)" ] &&
        [ "$(pb_field "$RESP" 4.1.1)" = demo ] && [ "$(pb_field "$RESP" 4.1.2)" = 1 ]; then
        pass "$1"
    else
        fail "$1" "expected call_id $2, OK, one version 'demo' 1; got $(read_rc_text "$READ_RC"): $(tr '\n' ' ' <"$RESP" | cut -c1-300)"
    fi
}

connect() { # WHAT
    if wire_connect 3; then return 0; fi
    fail "$1" "could not connect to 127.0.0.1:$PORT"
    return 1
}

# ---- a well-formed call by hand: the test's own encoding agrees with the server

if connect "raw ListVersions"; then
    wire_send 3 "$(list_versions_frame 41 demo)"
    read_response 3 list
    check_lists_demo "a hand-encoded ListVersions (call 41) gets demo version 1 back" 41

    # ---- unknown method: UNIMPLEMENTED for that call only; the connection stays usable
    wire_send 3 "$(frame_hex "$(envelope_hex 42 "$METHOD_PREFIX/Explode" "" 1)")"
    read_response 3 unknown-method
    check_status "an unknown method gets UNIMPLEMENTED (12) on its call id" 42 12 "Explode"
    wire_send 3 "$(list_versions_frame 43 demo)"
    read_response 3 after-unknown
    check_lists_demo "the same connection still answers ListVersions after UNIMPLEMENTED" 43

    # ---- a payload that is not a ListVersionsRequest: INVALID_ARGUMENT naming field and offset
    # 0a ff: field 1 (name), length 255, but no bytes follow.
    wire_send 3 "$(frame_hex "$(envelope_hex 44 "$METHOD_PREFIX/ListVersions" 0aff 1)")"
    read_response 3 bad-payload
    check_status "an undecodable payload gets INVALID_ARGUMENT (3)" 44 3
    if grep -q 'name' "$RESP" && grep -q 'byte' "$RESP"; then
        pass "the message names the field and the byte offset"
    else
        fail "the message names the field and the byte offset" "$(pb_field "$RESP" 5.2)"
    fi

    # ---- a frame with no method for a call that is not open (e.g. a late upload chunk) is dropped quietly
    wire_send 3 "$(frame_hex "$(envelope_hex 45 "" "$(pb_bytes_field 2 616263)" 0)")"
    wire_send 3 "$(list_versions_frame 46 demo)"
    read_response 3 after-stray
    check_lists_demo "a stray chunk frame for no open call is dropped; the next call is answered" 46

    # ---- 20 calls written at once on one connection: every call id is answered exactly once
    batch=
    for id in $(seq 100 119); do batch+=$(list_versions_frame "$id" demo); done
    wire_send 3 "$batch"
    answered=
    for _ in $(seq 100 119); do
        read_response 3 pipelined
        [ "$READ_RC" = 0 ] || break
        answered+="$(pb_field "$RESP" 1) "
    done
    check_eq "20 pipelined calls are each answered once" "$(seq 100 119 | tr '\n' ' ')" \
        "$(tr ' ' '\n' <<<"$answered" | sed '/^$/d' | sort -n | tr '\n' ' ')"
    wire_close 3
fi

# ---- a frame over the 8 MiB limit: refused from its length prefix alone, then the connection is closed

if connect "oversized frame"; then
    wire_send 3 00800001 # 8 MiB + 1, and no body at all
    read_response 3 oversized
    check_status "a length prefix of 8 MiB + 1 gets RESOURCE_EXHAUSTED (8) on call id 0, before any body" 0 8
    if wire_at_eof 3 "$READ_LIMIT"; then pass "the server then closes the connection"; else fail "the server then closes the connection" "still open after ${READ_LIMIT}s"; fi
    wire_close 3
fi
server_serves "the server still serves after an oversized frame" demo

# ---- bytes that are not an Envelope: INVALID_ARGUMENT, then the connection is closed

if connect "undecodable envelope"; then
    wire_send 3 "$(frame_hex ffffffffffffffffffffff)" # an 11-byte varint
    read_response 3 garbage
    check_status "an undecodable Envelope gets INVALID_ARGUMENT (3) on call id 0" 0 3 "byte"
    if wire_at_eof 3 "$READ_LIMIT"; then pass "the server then closes the connection"; else fail "the server then closes the connection" "still open after ${READ_LIMIT}s"; fi
    wire_close 3
fi
server_serves "the server still serves after an undecodable Envelope" demo

# ---- a truncated frame, then the client goes away

if connect "truncated frame"; then
    wire_send 3 "00000064$(printf '08%.0s' {1..10})" # announces 100 bytes, sends 10
    wire_close 3
    sleep 0.2
    if alive "$SERVER_PID"; then pass "a truncated frame followed by close does not bring the server down"; else fail "a truncated frame followed by close does not bring the server down" "the server exited: $(tail -n 5 "$SERVER_LOG")"; fi
fi
server_serves "the server still serves after a truncated frame" demo

# ---- a client that stalls mid-frame does not hold up anyone else

if connect "stalled frame"; then
    wire_send 3 "00000064$(printf '08%.0s' {1..10})"
    server_serves "other clients are served while a connection sits on half a frame" demo
    wire_send 3 "$(list_versions_frame 7 demo)" # the rest of the 100 bytes is made of this and padding
    wire_close 3
fi

# ---- a connection that sends nothing and closes

if connect "empty connection"; then
    wire_close 3
fi
server_serves "the server still serves after an empty connection" demo
grep -E 'critical|Fatal error|fatalError|stack dump' "$SERVER_LOG" >"$SCRATCH/crash-lines"
check_eq "the server log shows no crash or critical error" "" "$(head -n 3 "$SCRATCH/crash-lines")"

server_term
check_eq "SIGTERM stops the server with exit status 0" 0 "$SERVER_RC"
exit 0
