# shellcheck shell=bash disable=SC2034  # sourced by scenarios, which use these variables
# The maas wire format by hand, for raw-socket scenarios: protobuf messages are built as hex strings with
# printf, sent as frames (4-byte big-endian length + Envelope) over bash's /dev/tcp, and responses decoded
# with awk. See proto/maas/v1/maas.proto and README.md ("The protocol").
#
# Envelope fields: 1 call_id, 2 method, 3 metadata, 4 payload, 5 status {1 code, 2 message}, 6 end_stream.

METHOD_PREFIX=/maas.v1.ModelService

# ---------------------------------------------------------------- encoding (hex strings)

hex_of_string() { printf '%s' "$1" | od -A n -v -t x1 | tr -d ' \n'; }

varint_hex() {
    local n=$1 out=
    while [ "$n" -ge 128 ]; do
        out+=$(printf '%02x' $(((n & 127) | 128)))
        n=$((n >> 7))
    done
    printf '%s%02x' "$out" "$n"
}

pb_varint_field() { varint_hex $(($1 << 3)); varint_hex "$2"; }                  # FIELD VALUE
pb_bytes_field() { varint_hex $(($1 << 3 | 2)); varint_hex $((${#2} / 2)); printf '%s' "$2"; } # FIELD HEX
pb_string_field() { pb_bytes_field "$1" "$(hex_of_string "$2")"; }                 # FIELD TEXT

# envelope_hex CALL-ID METHOD PAYLOAD-HEX END-STREAM(0|1): empty METHOD/PAYLOAD and zeros are not written.
envelope_hex() {
    [ "$1" != 0 ] && pb_varint_field 1 "$1"
    [ -n "$2" ] && pb_string_field 2 "$2"
    [ -n "$3" ] && pb_bytes_field 4 "$3"
    [ "$4" = 1 ] && pb_varint_field 6 1
    return 0
}

# A whole frame for a body given in hex.
frame_hex() { printf '%08x%s' $((${#1} / 2)) "$1"; }

hex_to_bytes() { printf "$(printf '%s' "$1" | sed 's/../\\x&/g')"; }

# ---------------------------------------------------------------- the socket

# wire_connect FD: opens FD to the server at $PORT. Returns 1 if the connection is refused.
wire_connect() { eval "exec $1<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; }
wire_close() { eval "exec $1>&-" 2>/dev/null; }

# wire_send FD HEX: writes bytes; in a subshell so that a closed socket (SIGPIPE) cannot end the scenario.
wire_send() { (hex_to_bytes "$2" >&"$1") 2>/dev/null; }

# wire_send_file FD FILE OFFSET LENGTH: writes LENGTH bytes of FILE from OFFSET, as they are.
wire_send_file() {
    (dd if="$2" bs=1M iflag=skip_bytes,count_bytes,fullblock skip="$3" count="$4" status=none >&"$1") 2>/dev/null
}

# wire_read_frame FD OUT SECONDS: reads one frame's body into OUT. Returns 0 for a frame, 1 for a clean
# end of stream before it, 2 when nothing complete came within SECONDS, 3 for a truncated frame,
# 4 when the length prefix is over 64 MiB (the test's own limit).
wire_read_frame() {
    local fd=$1 out=$2 limit=$3 header="$2.header" len
    timeout "$limit" dd bs=4 count=1 iflag=fullblock status=none <&"$fd" >"$header" 2>/dev/null
    local rc=$? got
    got=$(wc -c <"$header")
    [ "$rc" = 124 ] && [ "$got" -lt 4 ] && return 2
    [ "$got" = 0 ] && return 1
    [ "$got" -lt 4 ] && return 3
    len=$(od -A n -t u1 "$header" | awk '{ print ((($1 * 256) + $2) * 256 + $3) * 256 + $4 }')
    [ "$len" -gt $((64 << 20)) ] && return 4
    if [ "$len" = 0 ]; then : >"$out"; return 0; fi
    timeout "$limit" dd bs="$len" count=1 iflag=fullblock status=none <&"$fd" >"$out" 2>/dev/null
    rc=$?
    [ "$rc" = 124 ] && return 2
    [ "$(wc -c <"$out")" = "$len" ] || return 3
    return 0
}

# wire_at_eof FD SECONDS: true when the server closed the connection (end of stream or reset) within SECONDS.
wire_at_eof() {
    local probe="$SCRATCH/.eof-probe" rc
    timeout "$2" dd bs=1 count=1 status=none <&"$1" >"$probe" 2>/dev/null
    rc=$?
    [ "$rc" != 124 ] && [ ! -s "$probe" ]
}

# ---------------------------------------------------------------- decoding

# pb_decode FILE [NESTED]: one line per field, "path=value". Paths are field numbers joined by '.'; varints
# print as decimal, length-delimited fields as "path.len=N" plus "path=text" (non-printable bytes as \xHH).
# NESTED is a comma-separated list of length-delimited paths to decode as messages, e.g. "5,4,4.1".
# A malformed message prints "error=..." and stops.
pb_decode() {
    od -A n -v -t u1 "$1" | LC_ALL=C awk -v nested=",${2:-}," '
        { for (i = 1; i <= NF; i++) b[n++] = $i }
        function varint(   v, m, x) {
            v = 0; m = 1
            while (pos < stop) {
                x = b[pos++]; v += (x % 128) * m; m *= 128
                if (x < 128) return v
            }
            failed = 1; return 0
        }
        function text(from, to,   s, i, x) {
            s = ""
            for (i = from; i < to; i++) {
                x = b[i]
                if (x >= 32 && x < 127 && x != 92) s = s sprintf("%c", x); else s = s sprintf("\\x%02x", x)
            }
            return s
        }
        function decode(from, to, prefix,   key, field, type, len, path, saved) {
            pos = from; stop = to
            while (pos < to && !failed) {
                key = varint(); if (failed) break
                field = int(key / 8); type = key % 8
                path = prefix field
                if (type == 0) { printf "%s=%.0f\n", path, varint() }
                else if (type == 2) {
                    len = varint()
                    if (failed || pos + len > to) { failed = 1; break }
                    print path ".len=" len
                    if (index(nested, "," path ",")) {
                        saved = pos + len
                        decode(pos, pos + len, path ".")
                        pos = saved; stop = to
                    } else {
                        print path "=" text(pos, pos + len)
                        pos += len
                    }
                }
                else if (type == 1) { pos += 8; print path "=fixed64" }
                else if (type == 5) { pos += 4; print path "=fixed32" }
                else { failed = 1 }
            }
        }
        END {
            decode(0, n, "")
            if (failed || pos > n) print "error=malformed protobuf"
        }'
}

# pb_field DECODED-FILE PATH: the first value at PATH ("" when absent).
pb_field() { sed -n "s/^$2=//p" "$1" | head -n 1; }

# ---------------------------------------------------------------- a hand-driven upload

# upload_begin FD CALL-ID NAME [SIZE SHA256]: sends the RegisterModel header frame.
upload_begin() {
    local header
    header=$(pb_string_field 1 "$3")
    [ -n "${4:-}" ] && header+=$(pb_varint_field 5 "$4")
    [ -n "${5:-}" ] && header+=$(pb_string_field 6 "$5")
    wire_send "$1" "$(frame_hex "$(envelope_hex "$2" "$METHOD_PREFIX/RegisterModel" "$(pb_bytes_field 1 "$header")" 0)")"
}

# upload_chunk FD CALL-ID FILE OFFSET LENGTH LAST(0|1): sends FILE[OFFSET, OFFSET+LENGTH) as one chunk frame.
# Only the frame's small head is built in hex; the chunk's bytes go from the file to the socket as they are.
upload_chunk() {
    local fd=$1 id=$2 file=$3 offset=$4 length=$5 last=$6
    local chunk_head payload_len envelope_head body_len tail=
    chunk_head="12$(varint_hex "$length")"                 # RegisterModelRequest.chunk (field 2)
    payload_len=$((${#chunk_head} / 2 + length))
    envelope_head="$(pb_varint_field 1 "$id")22$(varint_hex "$payload_len")$chunk_head" # call_id, payload (field 4)
    [ "$last" = 1 ] && tail=$(pb_varint_field 6 1)
    body_len=$((${#envelope_head} / 2 + length + ${#tail} / 2))
    wire_send "$fd" "$(printf '%08x' "$body_len")$envelope_head" &&
        wire_send_file "$fd" "$file" "$offset" "$length" &&
        { [ -z "$tail" ] || wire_send "$fd" "$tail"; }
}
