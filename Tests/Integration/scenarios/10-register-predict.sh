#!/usr/bin/env bash
# scenario: register models, list versions, predict with tensors (Swift CLI), outputs checked against ONNX Runtime
# time-limit: 150
set -uo pipefail
source "$REPO/Tests/Integration/lib/harness.sh"
source "$REPO/Tests/Integration/lib/npy.sh"

TOLERANCE=1e-4
DEMO_MODEL="$DEMO_DIR/speech-demo.onnx"
DEMO_SHA=$(sha256sum "$DEMO_MODEL" | cut -d' ' -f1)
DEMO_SIZE=$(stat -c %s "$DEMO_MODEL")

server_start "$SCRATCH/data" || exit 0
port=(--port "$PORT")

# ---- register

run_cli register-1 "$MAAS" register demo "$DEMO_MODEL" "${port[@]}"
check_rc "register demo speech-demo.onnx exits 0" 0
check_file_contains "register prints the new version number" "$OUT" "registered demo version 1"

run_cli register-2 "$MAAS" register demo "$DEMO_MODEL" "${port[@]}" --json \
    --description "integration test" --label task=demo --label owner=it
check_rc "a second register --json exits 0" 0
check_eq "the second upload of a name becomes version 2" 2 "$(json_values "$OUT" version)"
check_eq "register --json echoes the description" "integration test" "$(json_values "$OUT" description)"
check_eq "register --json echoes the labels" "demo it" "$(json_values "$OUT" task) $(json_values "$OUT" owner)"
check_eq "the server's sha256 of the upload is the file's" "$DEMO_SHA" "$(json_values "$OUT" sha256)"
check_eq "the server's size of the upload is the file's" "$DEMO_SIZE" "$(json_values "$OUT" size_bytes)"

# ---- versions

run_cli versions-json "$MAAS" versions demo "${port[@]}" --json
check_rc "versions demo --json exits 0" 0
check_eq "versions lists both, newest first" "2 1" "$(json_values "$OUT" version | tr '\n' ' ' | sed 's/ $//')"
check_eq "every listed version has the file's sha256" "$DEMO_SHA $DEMO_SHA" \
    "$(json_values "$OUT" sha256 | tr '\n' ' ' | sed 's/ $//')"
check_eq "the model's input is described with its dynamic dimension" '"inputs":[{"dtype":"float32","name":"mfcc","shape":[-1,1,20]}]' \
    "$(tr -d ' \n' <"$OUT" | grep -o '"inputs":\[[^]]*\]}\]' | head -n 1)"

run_cli versions-human "$MAAS" versions demo "${port[@]}"
check_rc "versions demo (table) exits 0" 0
check_eq "the table has a header and one row per version, newest first" "VERSION 2 1" \
    "$(awk '{print $1}' "$OUT" | tr '\n' ' ' | sed 's/ $//')"

# ---- predict: the demo model against onnxruntime's answer (deploy/demo/expected.npy)

npy_values "$DEMO_DIR/expected.npy" >"$SCRATCH/expected.txt"

run_cli predict-out "$MAAS" predict demo --input mfcc="$DEMO_DIR/mfcc.npy" --output "$SCRATCH/out" "${port[@]}"
check_rc "predict demo --input mfcc=mfcc.npy --output DIR exits 0" 0
check_file_contains "predict names the version it used (the latest)" "$OUT" "demo version 2"
if [ -f "$SCRATCH/out/probabilities.npy" ]; then
    pass "predict --output writes DIR/probabilities.npy"
    check_eq "probabilities.npy is float32 with shape (1, 10)" "<f4 1 10" \
        "$(npy_descr "$SCRATCH/out/probabilities.npy") $(npy_shape "$SCRATCH/out/probabilities.npy")"
    npy_values "$SCRATCH/out/probabilities.npy" >"$SCRATCH/actual.txt"
    compare_values "predict output matches onnxruntime within $TOLERANCE" "$SCRATCH/actual.txt" "$SCRATCH/expected.txt" "$TOLERANCE"
else
    fail "predict --output writes DIR/probabilities.npy" "$(ls -la "$SCRATCH/out" 2>&1)"
fi

run_cli predict-v1 "$MAAS" predict demo:1 --input mfcc="$DEMO_DIR/mfcc.npy" "${port[@]}" --json
check_rc "predict demo:1 --json exits 0" 0
check_eq "predict demo:1 runs version 1" 1 "$(json_values "$OUT" version)"
json_output_values "$OUT" probabilities >"$SCRATCH/actual-json.txt"
compare_values "predict --json values match onnxruntime within $TOLERANCE" "$SCRATCH/actual-json.txt" "$SCRATCH/expected.txt" "$TOLERANCE"

# ---- every whole-model engine fixture: register it, run each recorded input, compare with onnxruntime

fixture_model_tensors >"$SCRATCH/fixtures.tsv"
if [ ! -s "$SCRATCH/fixtures.tsv" ]; then
    fail "the engine fixture manifest lists whole models" "no 'models' cases found in $FIXTURES/manifest.json"
fi
for case_name in $(cut -f1 "$SCRATCH/fixtures.tsv" | uniq); do
    dir=$(awk -F'\t' -v c="$case_name" '$1 == c {print $2; exit}' "$SCRATCH/fixtures.tsv")
    run_cli "reg-$case_name" "$MAAS" register "$case_name" "$FIXTURES/$dir/model.onnx" "${port[@]}" --json
    check_rc "register fixture $case_name" 0
    [ "$CLI_RC" = 0 ] || continue
    for run in $(awk -F'\t' -v c="$case_name" '$1 == c {print $3}' "$SCRATCH/fixtures.tsv" | sort -u); do
        inputs=()
        while IFS=$'\t' read -r _ _ _ io name dtype shape file; do
            [ "$io" = in ] || continue
            npy_write "$SCRATCH/$case_name-r$run-$name.npy" "$(_npy_dtype_spelling "$dtype")" "$shape" "$FIXTURES/$dir/$file"
            inputs+=(--input "$name=$SCRATCH/$case_name-r$run-$name.npy")
        done < <(awk -F'\t' -v c="$case_name" -v r="$run" '$1 == c && $3 == r' "$SCRATCH/fixtures.tsv")
        outdir="$SCRATCH/out-$case_name-r$run"
        run_cli "pred-$case_name-$run" "$MAAS" predict "$case_name" "${inputs[@]}" --output "$outdir" "${port[@]}"
        if [ "$CLI_RC" != 0 ]; then check_rc "predict $case_name run $run exits 0" 0; continue; fi
        while IFS=$'\t' read -r _ _ _ io name dtype shape file; do
            [ "$io" = out ] || continue
            if [ ! -f "$outdir/$name.npy" ]; then
                fail "$case_name run $run: output $name was written" "$(ls "$outdir" 2>&1)"
                continue
            fi
            check_eq "$case_name run $run: $name has shape ($shape)" "$shape" "$(npy_shape "$outdir/$name.npy")"
            npy_values "$outdir/$name.npy" >"$SCRATCH/a.txt"
            raw_values "$FIXTURES/$dir/$file" "$dtype" >"$SCRATCH/e.txt"
            compare_values "$case_name run $run: $name matches onnxruntime" "$SCRATCH/a.txt" "$SCRATCH/e.txt" "$TOLERANCE"
        done < <(awk -F'\t' -v c="$case_name" -v r="$run" '$1 == c && $3 == r' "$SCRATCH/fixtures.tsv")
    done
done

# ---- graceful stop

server_term
check_eq "SIGTERM stops the server with exit status 0" 0 "$SERVER_RC"
exit 0
