#!/usr/bin/env bash
# scenario: maas train on a tiny tone dataset writes a model carrying its front-end and labels, registers it (--register), and maas evaluate scores it on a running server (--min-accuracy pass and fail, unknown labels)
# time-limit: 300
set -uo pipefail
source "$REPO/Tests/Integration/lib/harness.sh"
source "$REPO/Tests/Integration/lib/npy.sh"
source "$REPO/Tests/Integration/lib/audio.sh"

S=$SCRATCH
# Three "words" a correct network separates at once: tones of 330, 880 and 2200 Hz, 0.5 s at 16 kHz, at
# different loudness and with a little detuning per clip.
make_tones() { # DIR COUNT
    local dir=$1 count=$2 label freq i
    for label in low mid high; do
        mkdir -p "$dir/$label"
        case $label in low) freq=330 ;; mid) freq=880 ;; high) freq=2200 ;; esac
        for ((i = 0; i < count; i++)); do
            wav_sine "$dir/$label/clip$i.wav" 0.5 $((freq + 7 * i)) 16000 "0.$((2 + i % 7))"
        done
    done
}
make_tones "$S/train" 8
make_tones "$S/test" 3

server_start "$SCRATCH/data" || exit 0

# ---- train, and register the written model on the server in the same command
run_cli train "$MAAS" train --data "$S/train" --val-split 0.25 --output "$S/tones.maas" --hidden 16 --dense 8 \
    --epochs 60 --patience 0 --lr 0.01 --seed 7 --register tones --port "$PORT" --json
check_rc "maas train on 24 tone clips exits 0" 0
check "maas train wrote the model file" test -s "$S/tones.maas"
run_cli versions "$MAAS" versions tones --port "$PORT" --json
check_rc "train --register made version 1 of 'tones'" 0
check_eq "the version carries the three labels from the data's folders, sorted" "high low mid" \
    "$(sed -n '/"names" : \[/,/\]/p' "$OUT" | sed -n 's/^ *"\(.*\)",*$/\1/p' | tr '\n' ' ' | sed 's/ $//')"
check_eq "the version carries the training front-end (16 kHz speech profile, time-major)" "16000 13 time-major" \
    "$(for k in sample_rate n_mfcc layout; do json_values "$OUT" "$k"; done | tr '\n' ' ' | sed 's/ $//')"

# ---- the model answers a clip it never saw with its label
wav_sine "$S/unseen.wav" 0.5 900 16000 0.45
run_cli predict "$MAAS" predict tones "$S/unseen.wav" --top-k 1 --port "$PORT"
check_rc "predict an unseen 900 Hz clip" 0
check_file_contains "the trained model calls a 900 Hz tone 'mid'" "$OUT" "tones version 1: mid"

# ---- evaluate
run_cli evaluate "$MAAS" evaluate tones --data "$S/test" --min-accuracy 0.9 --port "$PORT" --json
check_rc "evaluate on 9 held-out clips meets --min-accuracy 0.9 (exit 0)" 0
check_eq "evaluate --json answered every clip" 9 "$(json_values "$OUT" answered | head -n 1)"

# Folders that lie about their clips: the accuracy is low and --min-accuracy fails with exit 9.
mkdir -p "$S/swapped/low" "$S/swapped/high"
cp "$S/test/high/"*.wav "$S/swapped/low/"
cp "$S/test/low/"*.wav "$S/swapped/high/"
run_cli evaluate-swapped "$MAAS" evaluate tones --data "$S/swapped" --min-accuracy 0.5 --port "$PORT"
check_rc "evaluate with mislabelled folders misses --min-accuracy: exit 9" 9
check_file_contains "the report still prints the confusion matrix" "$OUT" "confusion matrix"

# A folder whose name is not one of the model's labels is refused before anything is sent.
mkdir -p "$S/unknown/whistle"
cp "$S/test/mid/clip0.wav" "$S/unknown/whistle/"
run_cli evaluate-unknown "$MAAS" evaluate tones --data "$S/unknown" --port "$PORT"
check_rc "evaluate with a label the model does not know exits 65" 65
check_file_contains "and names the label" "$ERR" "whistle"

server_term
check_eq "the server exits 0 on SIGTERM" 0 "$SERVER_RC"
