# shellcheck shell=bash disable=SC2034  # sourced by scenarios, which use these variables
# NumPy .npy files and numeric comparisons with coreutils and awk only (no Python in the tests).

# npy_write OUT DESCR SHAPE RAW: a version 1.0 .npy around raw little-endian C-order data.
# DESCR is '<f4', '<i8' or '<i4'; SHAPE is space-separated dims ("" for a scalar).
npy_write() {
    local out=$1 descr=$2 shape=$3 raw=$4 tuple dims
    read -r -a dims <<<"$shape"
    case ${#dims[@]} in
        0) tuple="()" ;;
        1) tuple="(${dims[0]},)" ;;
        *) tuple="($(printf '%s, ' "${dims[@]}" | sed 's/, $//'))" ;;
    esac
    local dict="{'descr': '$descr', 'fortran_order': False, 'shape': $tuple, }"
    # Magic (6) + version (2) + header length (2) + dict + padding + '\n' is a multiple of 64.
    local total=$(((10 + ${#dict} + 1 + 63) / 64 * 64))
    local header_len=$((total - 10))
    {
        printf '\223NUMPY\001\000'
        printf "\\$(printf %03o $((header_len & 255)))\\$(printf %03o $((header_len >> 8)))"
        printf '%s%*s\n' "$dict" $((header_len - ${#dict} - 1)) ''
        cat "$raw"
    } >"$out"
}

# The od type for a dtype name (manifest spelling) or an .npy descr.
_od_type() {
    case $1 in
        float32 | '<f4') echo f4 ;;
        int64 | '<i8') echo d8 ;;
        int32 | '<i4') echo d4 ;;
        *) return 1 ;;
    esac
}

_npy_dtype_spelling() {
    case $1 in float32) echo '<f4' ;; int64) echo '<i8' ;; int32) echo '<i4' ;; *) return 1 ;; esac
}

# Offset of the data in a .npy file (versions 1 and 2).
npy_data_offset() {
    local major len
    major=$(od -A n -t u1 -j 6 -N 1 "$1" | tr -d ' ')
    if [ "$major" = 1 ]; then
        len=$(od -A n -t u2 -j 8 -N 2 --endian=little "$1" | tr -d ' ')
        echo $((10 + len))
    else
        len=$(od -A n -t u4 -j 8 -N 4 --endian=little "$1" | tr -d ' ')
        echo $((12 + len))
    fi
}

# The descr of a .npy file ('<f4', ...).
npy_descr() {
    head -c 256 "$1" | LC_ALL=C tr -d '\000' | LC_ALL=C sed -n "s/.*'descr': *'\([^']*\)'.*/\1/p" | head -n 1
}

# The shape of a .npy file, space-separated.
npy_shape() {
    head -c 256 "$1" | LC_ALL=C tr -d '\000' | LC_ALL=C sed -n "s/.*'shape': *(\([^)]*\)).*/\1/p" | head -n 1 | tr -d ' ' | tr ',' ' ' | sed 's/ *$//'
}

# The values of a .npy file, one per line.
npy_values() {
    local type
    type=$(_od_type "$(npy_descr "$1")") || { echo "unsupported npy dtype in $1" >&2; return 1; }
    od -A n -v --endian=little -t "$type" -j "$(npy_data_offset "$1")" "$1" | tr -s ' ' '\n' | sed '/^$/d'
}

# raw_values FILE DTYPE: the values of a headerless little-endian array, one per line.
raw_values() {
    od -A n -v --endian=little -t "$(_od_type "$2")" "$1" | tr -s ' ' '\n' | sed '/^$/d'
}

# The values of one output in a `predict --json` answer (Swift CLI or C client), one per line.
json_output_values() { # FILE OUTPUT-NAME
    awk -v want="$2" '
        /"name" *:/ { line = $0; sub(/^[^:]*: *"/, "", line); sub(/".*$/, "", line); current = line }
        /"values" *: *\[/ { inside = (current == want); next }
        inside && /\]/ { inside = 0; next }
        inside { v = $0; gsub(/[ ,]/, "", v); if (v != "") print v }
    ' "$1"
}

# compare_values WHAT ACTUAL-FILE EXPECTED-FILE TOLERANCE: both files hold one number per line.
# Passes when the counts agree, nothing is NaN or infinite, and max |actual - expected| <= TOLERANCE.
compare_values() {
    local what=$1 actual=$2 expected=$3 tolerance=$4 verdict
    verdict=$(paste "$actual" "$expected" | LC_ALL=C awk -v tol="$tolerance" '
        NF != 2 { mismatch = 1 }
        tolower($0) ~ /nan|inf/ { bad = 1 }
        { d = $1 - $2; if (d < 0) d = -d; if (d > max) { max = d; at = NR } }
        END {
            if (NR == 0) { print "FAIL no values"; exit }
            if (mismatch) { print "FAIL value counts differ"; exit }
            if (bad) { print "FAIL NaN or infinity among the values"; exit }
            printf "%s %d values, max |difference| %.2e%s\n", (max <= tol ? "PASS" : "FAIL"), NR, max, (max > tol ? " at value " at : "")
        }')
    case $verdict in
        PASS*) pass "$what (${verdict#PASS })" ;;
        *)
            fail "$what" "${verdict#FAIL }" "actual values: $(wc -l <"$actual"), expected values: $(wc -l <"$expected")" \
                "first actual: $(head -n 3 "$actual" | tr '\n' ' ')" "first expected: $(head -n 3 "$expected" | tr '\n' ' ')"
            ;;
    esac
}

# The whole-model cases of the engine fixtures (Tests/MaaSEngineTests/Fixtures/manifest.json), one tensor
# per line: CASE <TAB> DIR <TAB> RUN <TAB> in|out <TAB> NAME <TAB> DTYPE <TAB> SHAPE (space-separated) <TAB> FILE.
# The manifest is pretty-printed JSON (one value per line), which is all this parser relies on.
fixture_model_tensors() {
    LC_ALL=C awk '
        function value(line) { sub(/^[^:]*: *"?/, "", line); sub(/"?,? *$/, "", line); return line }
        /^  \{/ { kind = ""; inruns = 0 }
        /^   "name":/ { casename = value($0) }
        /^   "kind":/ { kind = value($0) }
        /^   "dir":/ { dir = value($0) }
        /^   "runs":/ { inruns = 1; run = -1 }
        inruns && /^    \{/ { run++ }
        inruns && /^     "inputs":/ { io = "in" }
        inruns && /^     "outputs":/ { io = "out" }
        inruns && /"name":/ && !/^   "/ { name = value($0) }
        inruns && /"dtype":/ { dtype = value($0) }
        inruns && /"shape": *\[ *\]/ { shape = ""; next }
        inruns && /"shape": *\[/ { shape = ""; inshape = 1; next }
        inshape && /\]/ { inshape = 0; next }
        inshape { v = $0; gsub(/[ ,]/, "", v); shape = (shape == "" ? v : shape " " v); next }
        inruns && /"file":/ && kind == "models" {
            printf "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", casename, dir, run, io, name, dtype, shape, value($0)
        }
    ' "$FIXTURES/manifest.json"
}

# json_values FILE KEY: every scalar value of KEY in a pretty-printed JSON answer, in order, quotes removed.
json_values() {
    sed -n "/^ *\"$2\" *:/ { s/^[^:]*: *//; s/ *\$//; s/,\$//; s/^\"//; s/\"\$//; p; }" "$1"
}
