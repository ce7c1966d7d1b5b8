# shellcheck shell=bash
# WAV files written with printf and awk, so the audio scenarios need no audio package (sox, when installed,
# only adds the FLAC/OGG/raw-float variants). Sourced by scenarios after harness.sh.

# le_hex VALUE BYTES: VALUE as BYTES little-endian bytes, in hex.
le_hex() {
    local value=$1 bytes=$2 i out=
    for ((i = 0; i < bytes; i++)); do
        out+=$(printf '%02x' $(((value >> (8 * i)) & 255)))
    done
    printf '%s' "$out"
}

# Writes hex digits as bytes, in pieces (a 1 s clip is 88200 hex digits).
_hex_bytes() { fold -w 4000 | while read -r piece || [ -n "$piece" ]; do printf "$(printf '%s' "$piece" | sed 's/../\\x&/g')"; done; }

# wav_header FORMAT CHANNELS RATE BITS DATA-BYTES: a 44-byte canonical RIFF/WAVE header, in hex.
# FORMAT is 1 (integer PCM) or 3 (IEEE float).
wav_header() {
    local format=$1 channels=$2 rate=$3 bits=$4 data=$5
    local block=$((channels * bits / 8))
    printf '%s' "52494646$(le_hex $((36 + data)) 4)57415645" # RIFF <size> WAVE
    printf '%s' "666d7420$(le_hex 16 4)$(le_hex "$format" 2)$(le_hex "$channels" 2)$(le_hex "$rate" 4)"
    printf '%s' "$(le_hex $((rate * block)) 4)$(le_hex "$block" 2)$(le_hex "$bits" 2)"
    printf '%s' "64617461$(le_hex "$data" 4)" # data <size>
}

# wav_sine OUT SECONDS FREQUENCY [RATE] [AMPLITUDE]: 16-bit mono PCM of a sine (default 22050 Hz, 0.5 of
# full scale), plus a little second harmonic so the clip is not a pure tone.
wav_sine() {
    local out=$1 seconds=$2 freq=$3 rate=${4:-22050} amplitude=${5:-0.5}
    local n
    n=$(awk -v s="$seconds" -v r="$rate" 'BEGIN { printf "%d", s * r }')
    {
        wav_header 1 1 "$rate" 16 $((2 * n))
        awk -v n="$n" -v f="$freq" -v r="$rate" -v a="$amplitude" 'BEGIN {
            pi = atan2(0, -1)
            for (i = 0; i < n; i++) {
                v = int(32767 * a * (0.8 * sin(2 * pi * f * i / r) + 0.2 * sin(4 * pi * f * i / r)))
                if (v < 0) v += 65536
                printf "%02x%02x", v % 256, int(v / 256)
            }
        }'
    } | _hex_bytes >"$out"
}

# wav_float_with_nan OUT: a 32-bit float WAV (format 3) of 1000 samples at 22050 Hz; sample 500 is a NaN.
wav_float_with_nan() {
    local out=$1
    {
        wav_header 3 1 22050 32 4000
        awk 'BEGIN {
            for (i = 0; i < 1000; i++) {
                if (i == 500) { printf "0000c07f"; continue }   # quiet NaN, little-endian
                printf "%s", (i % 2 == 0) ? "0000003f" : "000000bf"   # +0.5, -0.5
            }
        }'
    } | _hex_bytes >"$out"
}
