#!/usr/bin/env bash
# scenario: maas bench loads batched and unbatched versions without errors; lone calls to an idle server are computed on its event loop unless --loop-compute-us 0, and a FLAC of silence is sent on to a worker by its header's length; requests of different lengths share padded batches (a final-state classifier with row lengths) and answer as alone, except in a version registered with --no-batch-padding; the batching statistics logged at SIGTERM account for every request of the batched versions only; bench refuses bad options
# time-limit: 120
set -uo pipefail
source "$REPO/Tests/Integration/lib/harness.sh"
source "$REPO/Tests/Integration/lib/npy.sh"

REF_MODEL="$REPO/Tests/MaaSEngineTests/Fixtures/models/reference_speech/model.onnx" # [T, B, 20], T and B dynamic
CLS_MODEL="$REPO/Tests/MaaSEngineTests/Fixtures/models/two_layer_lstm/model.onnx"   # [T, B, 20] -> [B, 8], final state
INPUT="$DEMO_DIR/mfcc.npy"                                                           # [44, 1, 20]
REQUESTS=600

# A generous --loop-compute-us, so that lone calls count as light on a debug build's slower engine too.
server_start "$SCRATCH/data" --loop-compute-us 20000 || exit 0
port=(--port "$PORT")

# Version 1 batches (the layout names B as the batch axis), version 2 opts out, version 3 has no layout: its
# input has two dynamic axes, and the server's probe finds that B is the batch (rows along T depend on each
# other). Version 4 is version 3 waiting up to 0.5 s for company, so that requests sent together batch.
run_cli reg-1 "$MAAS" register ref "$REF_MODEL" --profile librosa --layout time-major "${port[@]}"
check_rc "register a version with a time-major front-end (batched)" 0
run_cli reg-2 "$MAAS" register ref "$REF_MODEL" --profile librosa --layout time-major --max-batch-size 1 "${port[@]}"
check_rc "register a version with --max-batch-size 1 (unbatched)" 0
run_cli reg-3 "$MAAS" register ref "$REF_MODEL" "${port[@]}"
check_rc "register a tensor-only version whose input has two dynamic axes" 0
run_cli reg-4 "$MAAS" register ref "$REF_MODEL" --max-queue-delay-us 500000 "${port[@]}"
check_rc "register a tensor-only version with --max-queue-delay-us 500000" 0
# Version 5 is version 4 keeping one length per batch, whatever the server's padding setting.
run_cli reg-5 "$MAAS" register ref "$REF_MODEL" --max-queue-delay-us 500000 --no-batch-padding "${port[@]}"
check_rc "register a tensor-only version with --no-batch-padding" 0
check_file_contains "register prints the version's own padding setting" "$OUT" "one length per batch"
# A classifier reading its second LSTM's final state: padding alone would change it, so its padded batches
# give each row's length to the LSTMs (sequence_lens). Version 2 runs unbatched, for reference.
run_cli reg-cls-1 "$MAAS" register cls "$CLS_MODEL" --max-queue-delay-us 500000 "${port[@]}"
check_rc "register a final-state classifier with --max-queue-delay-us 500000" 0
run_cli reg-cls-2 "$MAAS" register cls "$CLS_MODEL" --max-batch-size 1 "${port[@]}"
check_rc "register the classifier again with --max-batch-size 1" 0

bench_reports() { grep -q '"p99" : [0-9]' "$1" && grep -q '"per_request_us" : [0-9]' "$1"; }
for version in 1 2 3; do
    run_cli "bench-$version" "$MAAS" bench "ref:$version" --input x="$INPUT" "${port[@]}" --concurrency 16 \
        --requests "$REQUESTS" --warmup 0s --json
    check_rc "maas bench ref:$version --concurrency 16 --requests $REQUESTS exits 0" 0
    check_eq "bench ref:$version: every request succeeded" "$REQUESTS 0" \
        "$(json_values "$OUT" ok) $(json_values "$OUT" failed)"
    check "bench ref:$version reports a p99 latency and the server's CPU per request" bench_reports "$OUT"
done

# ---- batched rows keep to themselves: 8 different inputs (the demo's frames rotated), sent at once to the
# batched version while bench keeps it busy, each answer equals the unbatched version's for that input.
raw="$SCRATCH/mfcc.raw"
tail -c +$(($(npy_data_offset "$INPUT") + 1)) "$INPUT" >"$raw"
for k in 1 2 3 4 5 6 7 8; do
    cut_at=$((k * 5 * 80)) # k*5 frames of 20 float32
    { tail -c +$((cut_at + 1)) "$raw"; head -c "$cut_at" "$raw"; } >"$SCRATCH/in-$k.raw"
    npy_write "$SCRATCH/in-$k.npy" '<f4' "44 1 20" "$SCRATCH/in-$k.raw"
    run_cli "alone-$k" "$MAAS" predict ref:2 --input x="$SCRATCH/in-$k.npy" "${port[@]}" --json
    json_output_values "$OUT" probabilities >"$SCRATCH/alone-$k.txt"
done
timeout -k 5 60 "$MAAS" bench ref:1 --input x="$INPUT" "${port[@]}" --concurrency 16 --duration 4s --warmup 0s \
    >"$SCRATCH/background.out" 2>&1 &
background=$!
track_pid "$background"
sleep 0.5
# predict_together MODEL:VERSION IN OUT: $SCRATCH/IN-1.npy … IN-8.npy sent to MODEL:VERSION at once; each
# answer's probabilities, one per line, in $SCRATCH/OUT-k.txt.
predict_together() {
    local version=$1 in=$2 out=$3 k
    local -a pids
    for k in 1 2 3 4 5 6 7 8; do
        timeout -k 5 "$CALL_TIMEOUT" "$MAAS" predict "$version" --input x="$SCRATCH/$in-$k.npy" "${port[@]}" --json \
            >"$SCRATCH/$out-$k.json" 2>"$SCRATCH/$out-$k.err" &
        track_pid $!
        pids[k]=$!
    done
    for k in 1 2 3 4 5 6 7 8; do
        wait "${pids[k]}"
        json_output_values "$SCRATCH/$out-$k.json" probabilities >"$SCRATCH/$out-$k.txt"
    done
}

predict_together ref:1 in batched
for k in 1 2 3 4 5 6 7 8; do
    compare_values "input $k under load on the batched version = alone on the unbatched one (1e-5)" \
        "$SCRATCH/batched-$k.txt" "$SCRATCH/alone-$k.txt" 1e-5
done
wait "$background"
check_eq "the background bench ended without failures" "0" "$(sed -n 's/^requests .* ok, \([0-9]*\) failed.*/\1/p' "$SCRATCH/background.out")"

# ---- clips of different lengths (44 down to 30 frames) sent together to version 4 share padded batches
# (the reference LSTM is causal: padding the end changes no earlier frame); each answer, cut back to its own
# frames, equals the unbatched version's for that input.
for k in 1 2 3 4 5 6 7 8; do
    frames=$((46 - 2 * k))
    head -c $((frames * 80)) "$SCRATCH/in-$k.raw" >"$SCRATCH/short-$k.raw"
    npy_write "$SCRATCH/short-$k.npy" '<f4' "$frames 1 20" "$SCRATCH/short-$k.raw"
    run_cli "short-alone-$k" "$MAAS" predict ref:2 --input x="$SCRATCH/short-$k.npy" "${port[@]}" --json
    json_output_values "$OUT" probabilities >"$SCRATCH/short-alone-$k.txt"
done
predict_together ref:4 short short-batched
for k in 1 2 3 4 5 6 7 8; do
    check_eq "input $k ($((46 - 2 * k)) frames): $((46 - 2 * k)) frames x 10 probabilities" $(((46 - 2 * k) * 10)) \
        "$(wc -l <"$SCRATCH/short-batched-$k.txt")"
    compare_values "input $k ($((46 - 2 * k)) frames) in a padded batch = alone on the unbatched version (1e-5)" \
        "$SCRATCH/short-batched-$k.txt" "$SCRATCH/short-alone-$k.txt" 1e-5
done

# ---- the same inputs to version 5 (--no-batch-padding): each length runs in a batch of its own
predict_together ref:5 short unpadded
for k in 1 2 3 4 5 6 7 8; do
    compare_values "input $k ($((46 - 2 * k)) frames) on the version that does not pad = alone (1e-5)" \
        "$SCRATCH/unpadded-$k.txt" "$SCRATCH/short-alone-$k.txt" 1e-5
done

# ---- the same inputs to the final-state classifier: padded batches with each row's length
for k in 1 2 3 4 5 6 7 8; do
    run_cli "cls-alone-$k" "$MAAS" predict cls:2 --input x="$SCRATCH/short-$k.npy" "${port[@]}" --json
    json_output_values "$OUT" probabilities >"$SCRATCH/cls-alone-$k.txt"
done
predict_together cls:1 short cls-batched
for k in 1 2 3 4 5 6 7 8; do
    compare_values "input $k ($((46 - 2 * k)) frames) to the classifier in a padded batch = alone (1e-5)" \
        "$SCRATCH/cls-batched-$k.txt" "$SCRATCH/cls-alone-$k.txt" 1e-5
done

# ---- bad options: refused before any call (64), or with the server's status
run_cli bench-c0 "$MAAS" bench ref:1 --input x="$INPUT" "${port[@]}" --concurrency 0 --requests 10
check_rc "bench --concurrency 0 is a usage error (64)" 64
run_cli bench-missing "$MAAS" bench nope --input x="$INPUT" "${port[@]}" --requests 10
check_rc "bench of a model that is not registered exits with NOT_FOUND's code (3)" 3
check_file_contains "bench of a missing model says what is missing" "$ERR" "model 'nope' is not registered"

server_term
check_eq "SIGTERM: the server exits 0" 0 "$SERVER_RC"
batched=$(grep ' batching$\| \[MaaSServer\] batching' "$SERVER_LOG" | grep 'model.name=ref model.version=1 ')
rows=$(printf '%s\n' "$batched" | sed -n 's/.* rows=\([0-9]*\) .*/\1/p')
largest=$(printf '%s\n' "$batched" | sed -n 's/.* rows.max=\([0-9]*\) .*/\1/p')
# Version 1 ran, per bench, its checking Predict and the calls it counted (with no warm-up, `--requests N`
# sends exactly N; a timed run may leave up to 16 in flight when time is up, finished but not counted), plus
# the 8 predictions above.
background_ok=$(sed -n 's/^requests *\([0-9,]*\) ok.*/\1/p' "$SCRATCH/background.out" | tr -d ,)
least=$((REQUESTS + 1 + ${background_ok:-0} + 1 + 8))
within() { [ -n "$rows" ] && [ "$rows" -ge "$least" ] && [ "$rows" -le $((least + 16)) ]; }
check "the batched version's statistics count every request it ran ($least to $((least + 16)); logged: ${rows:-none})" within
check "no batch of the batched version was larger than the default 8 rows" test "${largest:-99}" -le 8
check "some requests of the batched version ran together (16 in flight)" test "${largest:-0}" -ge 2
others=$(grep 'batching' "$SERVER_LOG" | grep -E 'model.version=2 ')
check_eq "the opted-out version logged no batching" "" "$others"
probed=$(grep ' batching$\| \[MaaSServer\] batching' "$SERVER_LOG" | grep 'model.name=ref model.version=3 ')
probed_rows=$(printf '%s\n' "$probed" | sed -n 's/.* rows=\([0-9]*\) .*/\1/p')
check "the version without a layout was batched along the axis its probe found (rows: ${probed_rows:-none})" \
    test "${probed_rows:-0}" -ge $((REQUESTS + 1))
padded=$(grep ' batching$\| \[MaaSServer\] batching' "$SERVER_LOG" | grep 'model.name=ref model.version=4 ')
padded_batches=$(printf '%s\n' "$padded" | sed -n 's/.* padded_batches=\([0-9]*\) .*/\1/p')
padded_largest=$(printf '%s\n' "$padded" | sed -n 's/.* rows.max=\([0-9]*\) .*/\1/p')
check "the 8 clips of different lengths shared padded batches (padded_batches=${padded_batches:-none}, rows.max=${padded_largest:-none})" \
    test "${padded_batches:-0}" -ge 1 -a "${padded_largest:-0}" -ge 2
unpadded=$(grep ' batching$\| \[MaaSServer\] batching' "$SERVER_LOG" | grep 'model.name=ref model.version=5 ')
unpadded_batches=$(printf '%s\n' "$unpadded" | sed -n 's/^.* batches=\([0-9]*\) .*/\1/p')
unpadded_padded=$(printf '%s\n' "$unpadded" | sed -n 's/.* padded_batches=\([0-9]*\) .*/\1/p')
check "the version with --no-batch-padding ran its 8 lengths in 8 batches, none padded (batches=${unpadded_batches:-none}, padded_batches=${unpadded_padded:-none})" \
    test "${unpadded_batches:-0}" -eq 8 -a "${unpadded_padded:-x}" = 0
classified=$(grep ' batching$\| \[MaaSServer\] batching' "$SERVER_LOG" | grep 'model.name=cls model.version=1 ')
cls_padded=$(printf '%s\n' "$classified" | sed -n 's/.* padded_batches=\([0-9]*\) .*/\1/p')
check "the classifier's 8 inputs shared padded batches too (padded_batches=${cls_padded:-none})" test "${cls_padded:-0}" -ge 1
check_eq "the unbatched classifier logged no batching" "" "$(grep 'batching' "$SERVER_LOG" | grep 'model.name=cls model.version=2 ')"
# The `maas predict` calls above came one at a time to an idle server: computed on the event loop that read them.
on_loop=$(sed -n 's/.* predict.computed_on_loop=\([0-9]*\) .*stopped$/\1/p' "$SERVER_LOG")
check "lone calls to the idle server were computed on its event loop (predict.computed_on_loop=${on_loop:-none})" \
    test "${on_loop:-0}" -ge 8

# ---- --loop-compute-us: 0 turns it off (the same lone calls all go to a worker); out of range is a usage error
run_cli serve-bad-loop "$MAAS" serve --port 0 --data-dir "$SCRATCH/data" --loop-compute-us 100001
check_rc "serve --loop-compute-us 100001 is a usage error (64)" 64
check_file_contains "the refusal names the option and its range" "$ERR" "--loop-compute-us must be between 0 and 100000"
server_start "$SCRATCH/data" --loop-compute-us 0 || exit 0
port=(--port "$PORT")
for k in 1 2 3; do
    run_cli "off-$k" "$MAAS" predict ref:2 --input x="$SCRATCH/in-$k.npy" "${port[@]}" --json
    json_output_values "$OUT" probabilities >"$SCRATCH/off-$k.txt"
    compare_values "input $k with loop computing off = the answer before (1e-5)" "$SCRATCH/off-$k.txt" "$SCRATCH/alone-$k.txt" 1e-5
done
server_term
off=$(sed -n 's/.* predict.computed_on_loop=\([0-9]*\) .*stopped$/\1/p' "$SERVER_LOG")
check_eq "with --loop-compute-us 0 no call was computed on the event loop" "0" "${off:-none}"

# ---- a compressed clip far longer than its bytes: declined by the loop from its header, computed on a worker
# 0.2 s of sine and 59 s of silence as FLAC, a few kilobytes each: let on the loop by their bytes, the silence
# is sent on to a worker by the length its header declares (300 times the audio). The 20 ms limit fits the
# short clip in a debug build (with room for a loaded machine) and not the silence in a release one (a 0.2 s
# call takes over 70 µs).
if command -v sox >/dev/null 2>&1; then
    source "$REPO/Tests/Integration/lib/audio.sh"
    wav_sine "$SCRATCH/short.wav" 0.2 440
    sox "$SCRATCH/short.wav" "$SCRATCH/short.flac"
    # -D: no dither, or sox's "silence" is noise that FLAC cannot compress.
    sox -D -n -r 22050 -b 16 -c 1 "$SCRATCH/silence.flac" trim 0 59
    note "FLAC sizes: $(wc -c <"$SCRATCH/short.flac") bytes for 0.2 s of sine, $(wc -c <"$SCRATCH/silence.flac") for 59 s of silence"
    server_start "$SCRATCH/data" --loop-compute-us 20000 || exit 0
    port=(--port "$PORT")
    for clip in short short short silence short; do
        run_cli "flac-$clip" "$MAAS" predict ref:1 "$SCRATCH/$clip.flac" "${port[@]}" --json
        check_rc "predict ref:1 $clip.flac" 0
        sleep 0.05
    done
    check_file_contains "the silence was answered" "$OUT" '"probabilities"'
    server_term
    declined=$(sed -n 's/.* predict.loop_declined=\([0-9]*\) .*stopped$/\1/p' "$SERVER_LOG")
    flac_on_loop=$(sed -n 's/.* predict.computed_on_loop=\([0-9]*\) .*stopped$/\1/p' "$SERVER_LOG")
    check_eq "the silence alone was sent on to a worker by its length (predict.loop_declined)" "1" "${declined:-none}"
    check "the short clips came to the loop (predict.computed_on_loop=${flac_on_loop:-none})" test "${flac_on_loop:-0}" -ge 2
else
    skip "a FLAC of silence is declined by the loop by its length" "sox is not installed"
fi
