#!/usr/bin/env bash
# scenario: the C client (maas-c) and the Swift CLI print the same results for the same requests
# time-limit: 120
set -uo pipefail
source "$REPO/Tests/Integration/lib/harness.sh"
source "$REPO/Tests/Integration/lib/npy.sh"
source "$REPO/Tests/Integration/lib/parity.sh"

need_c_client || exit 0
server_start "$SCRATCH/data" || exit 0
DEMO_MODEL="$DEMO_DIR/speech-demo.onnx"
MFCC="$DEMO_DIR/mfcc.npy"

# ---- register: the same report, apart from the version number (and, in JSON, the creation time)

normalize_register() { sed -E 's/(registered [^ ]+ version) [0-9]+/\1 N/; /"created_at/d; s/^( *"version" : )[0-9]+/\1N/' "$1"; }

run_cli reg-swift "$MAAS" register demo "$DEMO_MODEL" --port "$PORT" --description "parity test" --label task=demo
check_rc "Swift CLI registers demo version 1" 0
normalize_register "$OUT" >"$SCRATCH/reg.swift"
run_cli reg-c "$MAAS_C" --port "$PORT" register demo "$DEMO_MODEL" --description "parity test" --label task=demo
check_rc "maas-c registers demo version 2" 0
check_file_contains "maas-c reports version 2" "$OUT" "registered demo version 2"
normalize_register "$OUT" >"$SCRATCH/reg.c"
check_same_files "register: the same report (version number aside)" "$SCRATCH/reg.swift" "$SCRATCH/reg.c"

run_cli regj-swift "$MAAS" register demo "$DEMO_MODEL" --port "$PORT" --json
normalize_register "$OUT" >"$SCRATCH/regj.swift"
run_cli regj-c "$MAAS_C" --port "$PORT" --json register demo "$DEMO_MODEL"
normalize_register "$OUT" >"$SCRATCH/regj.c"
check_same_files "register --json: the same document (version and time aside)" "$SCRATCH/regj.swift" "$SCRATCH/regj.c"

# ---- versions

same "versions" human "versions demo"
same "versions --json" json "versions demo"

# ---- predict: the demo model, a pinned version, and every whole-model fixture

same "predict demo" human "predict demo --input mfcc='$MFCC'"
same "predict demo --json" json "predict demo --input mfcc='$MFCC'"
same "predict demo:1 --json (maas-c --tensor)" json "predict demo:1 --input mfcc='$MFCC'" 0 "predict demo:1 --tensor '$MFCC'"

fixture_model_tensors >"$SCRATCH/fixtures.tsv"
for case_name in $(cut -f1 "$SCRATCH/fixtures.tsv" | uniq); do
    dir=$(awk -F'\t' -v c="$case_name" '$1 == c {print $2; exit}' "$SCRATCH/fixtures.tsv")
    run_cli "reg-$case_name" "$MAAS" register "$case_name" "$FIXTURES/$dir/model.onnx" --port "$PORT"
    if [ "$CLI_RC" != 0 ]; then check_rc "register fixture $case_name" 0; continue; fi
    # The run with the larger batch: several rows per output.
    args=
    while IFS=$'\t' read -r _ _ _ io name dtype shape file; do
        [ "$io" = in ] || continue
        npy_write "$SCRATCH/$case_name-$name.npy" "$(_npy_dtype_spelling "$dtype")" "$shape" "$FIXTURES/$dir/$file"
        args+=" --input '$name=$SCRATCH/$case_name-$name.npy'"
    done < <(awk -F'\t' -v c="$case_name" '$1 == c && $3 == 1' "$SCRATCH/fixtures.tsv")
    same "predict $case_name" human "predict $case_name $args"
    same "predict $case_name --json" json "predict $case_name $args"
done

# ---- errors: the same exit code and the same one-line message

printf 'not a model\n' >"$SCRATCH/garbage.onnx"
same "unknown model" human "versions nope" 3
same "unknown version" human "predict demo:99 --input mfcc='$MFCC'" 3
same "unknown input name" human "predict demo --input x='$MFCC'" 2
same "bad model file" human "register bad '$SCRATCH/garbage.onnx'" 2

server_term
check_eq "SIGTERM stops the server with exit status 0" 0 "$SERVER_RC"
same "no server" human "versions demo" 7
exit 0
