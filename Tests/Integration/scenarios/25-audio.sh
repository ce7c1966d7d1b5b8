#!/usr/bin/env bash
# scenario: audio: a speech model registered with an audio config and labels answers clips (WAV, FLAC, AIFF, OGG, resampled, raw float) the same from both CLIs; bad audio is refused and the server keeps serving; maas bench sends several clips in turn; maas-c clean under valgrind
# time-limit: 300
set -uo pipefail
source "$REPO/Tests/Integration/lib/harness.sh"
source "$REPO/Tests/Integration/lib/npy.sh"
source "$REPO/Tests/Integration/lib/audio.sh"
source "$REPO/Tests/Integration/lib/parity.sh"
source "$REPO/Tests/Integration/lib/valgrind.sh"

need_c_client || exit 0
# A 5 s limit, so the over-long clip stays small (the default is 60 s).
server_start "$SCRATCH/data" --max-audio-seconds 5 || exit 0
S=$SCRATCH
DEMO_MODEL="$DEMO_DIR/speech-demo.onnx"

# ---- register: the demo model takes [T, 1, 20] MFCC frames at librosa's defaults (make_demo_model.py)

cat >"$S/model.json" <<'JSON'
{"audio": {"profile": "librosa", "layout": "time-major"},
 "classes": {"names": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]}}
JSON
run_cli register "$MAAS" register speech "$DEMO_MODEL" --config "$S/model.json" --port "$PORT"
check_rc "register speech with an audio config and 10 labels" 0
check_file_contains "register reports the audio front-end" "$OUT" "  audio    22050 Hz, 20 MFCC, time-major → input 'mfcc'"
check_file_contains "register reports the labels" "$OUT" "  classes  10: zero, one, two, … from output 'probabilities', mean-log-prob"
run_cli register-plain "$MAAS" register plain "$DEMO_MODEL" --port "$PORT"
check_rc "register the same model without an audio config as 'plain'" 0

# The same front-end and labels from flags, through both CLIs: the same report (version number aside), and
# the version maas-c registered answers clips like the one registered from model.json.
labels=zero,one,two,three,four,five,six,seven,eight,nine
normalize_register() { sed -E 's/(registered [^ ]+ version) [0-9]+/\1 N/' "$1"; }
run_cli flags-swift "$MAAS" register flags "$DEMO_MODEL" --profile librosa --layout time-major --classes "$labels" --port "$PORT"
check_rc "the Swift CLI registers with --profile/--layout/--classes" 0
normalize_register "$OUT" >"$S/flags.swift"
run_cli flags-c "$MAAS_C" --port "$PORT" register flags "$DEMO_MODEL" --profile librosa --layout time-major --classes "$labels"
check_rc "maas-c registers with --profile/--layout/--classes" 0
normalize_register "$OUT" >"$S/flags.c"
check_same_files "register with audio flags: the same report from both CLIs" "$S/flags.swift" "$S/flags.c"
check_file_contains "the flags give the config's front-end" "$S/flags.c" "  audio    22050 Hz, 20 MFCC, time-major → input 'mfcc'"

same "versions speech" human "versions speech"
check_file_contains "versions shows the AUDIO and CLASSES columns" "$SCRATCH/versions speech.c.out" \
    "22050 Hz, 20 MFCC, time-major  10: zero, one, two, …"
same "versions speech --json" json "versions speech"
json=$SCRATCH/versions\ speech\ --json.c.out
check_eq "versions --json has the front-end's parameters (rate, n_fft, hop, mels, MFCCs, layout, input)" \
    "22050 2048 512 128 20 time-major mfcc" \
    "$(for k in sample_rate n_fft hop_length n_mels n_mfcc layout input; do json_values "$json" "$k"; done | tr '\n' ' ' | sed 's/ $//')"
check_eq "versions --json has the 10 labels in class order" "zero one two three four five six seven eight nine" \
    "$(sed -n '/"names" : \[/,/\]/p' "$json" | sed -n 's/^ *"\(.*\)",*$/\1/p' | tr '\n' ' ' | sed 's/ $//')"
same "versions plain (no audio)" human "versions plain"
check_file_contains "a version without audio shows '-' for AUDIO and CLASSES" "$SCRATCH/versions plain (no audio).c.out" \
    "probabilities float32[1, 10]  -      -"

# ---- predict a clip: both CLIs print the same, human and --json

wav_sine "$S/clip.wav" 1 440 # 1 s at 22050 Hz, 16-bit: 44 frames of features
same "predict clip.wav" human "predict speech '$S/clip.wav'"
out="$SCRATCH/predict clip.wav.c.out"
check_eq "the answer: the best label, 5 labels (the default), one line for the raw output" \
    "7 probabilities  float32 [1, 10]" "$(wc -l <"$out" | tr -d ' ') $(tail -n 1 "$out")"
if head -n 1 "$out" | grep -qE '^speech version 1: (zero|one|two|three|four|five|six|seven|eight|nine) \([0-9]+\.[0-9]%\)$'; then
    pass "the first line names the version and the best label ($(head -n 1 "$out"))"
else
    fail "the first line names the version and the best label" "$(head -n 1 "$out")"
fi
same "predict clip.wav --json" json "predict speech '$S/clip.wav'"
same "predict clip.wav --top-k 3 --json" json "predict speech:1 '$S/clip.wav' --top-k 3"
check_eq "--top-k 3 returns 3 labels" 3 "$(json_values "$SCRATCH/predict clip.wav --top-k 3 --json.c.out" label | wc -l | tr -d ' ')"

# --features: the same [44, 20] file from both; fed back as the model's [44, 1, 20] input it gives the
# same probabilities as the audio prediction (the server's features are what the model saw).
same "predict --features" human "predict speech '$S/clip.wav' --features '$S/features.npy'"
cp "$S/features.npy" "$S/features.c.npy"
run_cli features-swift "$MAAS" predict speech "$S/clip.wav" --features "$S/features.npy" --json --port "$PORT"
check_rc "the Swift CLI writes the features" 0
cp "$OUT" "$S/audio-answer.json"
check_same_files "both CLIs write the same features file" "$S/features.npy" "$S/features.c.npy"
check_eq "the features are float32 [44, 20] (1 + 22050 // 512 frames of 20 MFCCs)" "<f4 44 20" \
    "$(npy_descr "$S/features.npy") $(npy_shape "$S/features.npy")"
check_file_contains "--features is reported" "$SCRATCH/predict --features.c.out" "features  float32 [44, 20]  written to $S/features.npy"
same "predict --output --json" json "predict speech '$S/clip.wav' --output '$S/outputs'"
cp "$S/outputs/probabilities.npy" "$S/probabilities.c.npy"
run_cli output-swift "$MAAS" predict speech "$S/clip.wav" --output "$S/outputs" --port "$PORT"
check_same_files "--output: both CLIs write the same probabilities.npy" "$S/outputs/probabilities.npy" "$S/probabilities.c.npy"
tail -c +$(($(npy_data_offset "$S/features.npy") + 1)) "$S/features.npy" >"$S/features.raw"
npy_write "$S/mfcc-44.npy" '<f4' "44 1 20" "$S/features.raw"
run_cli as-tensor "$MAAS_C" --port "$PORT" --json predict speech --input mfcc="$S/mfcc-44.npy"
check_rc "the features predict as a tensor input" 0
json_output_values "$OUT" probabilities >"$S/from-tensor.txt"
json_output_values "$S/audio-answer.json" probabilities >"$S/from-audio.txt"
compare_values "the features as a tensor give exactly the audio prediction's probabilities" "$S/from-tensor.txt" "$S/from-audio.txt" 0

same "predict the version maas-c registered" human "predict flags:2 '$S/clip.wav'"
sed 's/^flags version 2:/speech version 1:/' "$SCRATCH/predict the version maas-c registered.c.out" >"$S/flags-answer.txt"
check_same_files "maas-c's flags registration answers as the model.json one" "$SCRATCH/predict clip.wav.c.out" "$S/flags-answer.txt"

# A WAV cut inside its samples decodes up to the cut, as soundfile does.
head -c 30000 "$S/clip.wav" >"$S/cut.wav"
same "predict a WAV cut inside its samples" human "predict speech '$S/cut.wav'"

# ---- other containers and rates (sox, when installed)

if command -v sox >/dev/null 2>&1; then
    sox "$S/clip.wav" "$S/clip.flac"
    sox "$S/clip.wav" "$S/clip.aiff"
    sox "$S/clip.wav" "$S/clip.ogg"
    sox "$S/clip.wav" -r 44100 -c 2 "$S/clip-44k-stereo.wav"
    sox "$S/clip.wav" -t raw -e floating-point -b 32 -L "$S/clip.f32"
    same "predict clip.flac" human "predict speech '$S/clip.flac'"
    check_same_files "FLAC (lossless) gives exactly the WAV's answer" "$SCRATCH/predict clip.wav.c.out" "$SCRATCH/predict clip.flac.c.out"
    same "predict clip.aiff" human "predict speech '$S/clip.aiff'"
    check_same_files "AIFF gives exactly the WAV's answer" "$SCRATCH/predict clip.wav.c.out" "$SCRATCH/predict clip.aiff.c.out"
    same "predict clip.f32 --pcm-rate 22050" human "predict speech '$S/clip.f32' --pcm-rate 22050"
    check_same_files "raw float samples give exactly the WAV's answer" "$SCRATCH/predict clip.wav.c.out" \
        "$SCRATCH/predict clip.f32 --pcm-rate 22050.c.out"
    same "predict clip.ogg (Vorbis) --json" json "predict speech '$S/clip.ogg'"
    same "predict a 44.1 kHz stereo clip --json" json "predict speech '$S/clip-44k-stereo.wav' --features '$S/features-44k.npy'"
    check_eq "44.1 kHz stereo is mixed down and resampled to 22050 Hz: 44 frames again" "44 20" "$(npy_shape "$S/features-44k.npy")"
else
    skip "FLAC, AIFF, OGG, resampled and raw-float clips" "sox is not installed (Debian package sox)"
fi

# ---- bad audio: INVALID_ARGUMENT naming the problem, the same line from both CLIs

printf 'this is not audio at all\n' >"$S/garbage.wav"
head -c 20 "$S/clip.wav" >"$S/truncated-header.wav"
: >"$S/zero.wav"
wav_float_with_nan "$S/nan.wav"
wav_sine "$S/long.wav" 6 300

# refused LABEL FILE EXIT STATUS TEXT [MODEL]: both CLIs refuse the clip with the same line, which names
# the status and the problem.
refused() {
    same "$1" human "predict ${6:-speech} '$2'" "$3"
    check_file_contains "$1: the message names $4 and the problem" "$SCRATCH/$1.c.err1" "error: $4: $5"
}
refused "garbage bytes" "$S/garbage.wav" 2 INVALID_ARGUMENT "audio is not a readable WAV, FLAC, OGG/Vorbis or AIFF file"
refused "a truncated WAV header" "$S/truncated-header.wav" 2 INVALID_ARGUMENT "audio is not a readable WAV"
refused "zero bytes" "$S/zero.wav" 2 INVALID_ARGUMENT "audio is empty"
refused "a float WAV with a NaN sample" "$S/nan.wav" 2 INVALID_ARGUMENT "audio: sample 500 is NaN or infinite"
refused "6 s of audio over --max-audio-seconds 5" "$S/long.wav" 2 INVALID_ARGUMENT "audio lasts 6 s, over the limit of 5 s"
refused "audio for a version without an audio front-end" "$S/clip.wav" 2 FAILED_PRECONDITION \
    "model 'plain' version 1 has no audio front-end" plain

# 9 MiB of WAV: over the server's 8 MiB frame limit (the Swift client refuses it itself, maas-c's frame goes
# out and the server refuses it from its length prefix).
{ wav_header 1 1 22050 16 9437184 | _hex_bytes; head -c 9437184 /dev/zero; } >"$S/big.wav"
run_cli big-swift "$MAAS" predict speech "$S/big.wav" --port "$PORT"
swift_rc=$CLI_RC
head -n 1 "$ERR" >"$S/big.swift.err1"
run_cli big-c "$MAAS_C" --port "$PORT" predict speech "$S/big.wav"
check_eq "a 9 MiB clip is over the 8 MiB frame limit: RESOURCE_EXHAUSTED (exit 5) in both CLIs" "5 5" "$swift_rc $CLI_RC"
check_file_contains "maas-c says the server refused the frame" "$ERR" "error: RESOURCE_EXHAUSTED: frame of"

run_cli missing-swift "$MAAS" predict speech "$S/nope.wav" --port "$PORT"
swift_rc=$CLI_RC
run_cli missing-c "$MAAS_C" --port "$PORT" predict speech "$S/nope.wav"
check_eq "a missing clip is a local file error in both CLIs (exit 65)" "65 65" "$swift_rc $CLI_RC"

# ---- still serving, with the same answer as before

server_serves "the server still answers ListVersions after the refused clips" speech
same "predict clip.wav after the refusals" human "predict speech '$S/clip.wav'"
check_same_files "the answer after the refusals is the answer before" "$SCRATCH/predict clip.wav.c.out" \
    "$SCRATCH/predict clip.wav after the refusals.c.out"

# ---- maas bench with clips of different lengths, sent in turn; a bad one among them is named before any load

wav_sine "$S/short.wav" 0.7 350
wav_sine "$S/longer.wav" 1.6 520
run_cli bench-clips "$MAAS" bench speech --audio "$S/short.wav" --audio "$S/clip.wav" --audio "$S/longer.wav" \
    --port "$PORT" --concurrency 6 --requests 300 --warmup 0s --json
check_rc "maas bench with three --audio clips exits 0" 0
check_eq "bench with three clips: 300 calls, all ok, three distinct requests" "300 0 3" \
    "$(json_values "$OUT" ok) $(json_values "$OUT" failed) $(json_values "$OUT" distinct_requests)"
run_cli bench-bad-clip "$MAAS" bench speech --audio "$S/clip.wav" --audio "$S/garbage.wav" --port "$PORT" --requests 10
check_rc "a bad clip among bench's --audio clips exits with INVALID_ARGUMENT's code (2)" 2
check_file_contains "it names which clip was refused, and why" "$ERR" "--audio clip 2 of 2: INVALID_ARGUMENT: audio"
run_cli bench-missing-clip "$MAAS" bench speech --audio "$S/clip.wav" --audio "$S/nope.wav" --port "$PORT" --requests 10
check_rc "a missing file among bench's --audio clips is a local file error (65), before any call" 65
check_file_contains "it names the missing file" "$ERR" "nope.wav"
server_serves "the server still answers after the refused bench runs" speech

# ---- maas-c under valgrind on the audio paths

if need_valgrind; then
    clean "versions (audio, classes)" 0 versions speech
    clean "versions --json (audio, classes)" 0 --json versions speech
    clean "predict clip.wav" 0 predict speech "$S/clip.wav"
    clean "predict clip.wav --json --top-k 3 --features" 0 --json predict speech "$S/clip.wav" --top-k 3 --features "$S/vg.npy"
    check_same_files "the features written under valgrind are the same" "$S/features.npy" "$S/vg.npy"
    clean "predict clip.wav --output" 0 predict speech "$S/clip.wav" --output "$S/vg-outputs"
    check_same_files "the outputs written under valgrind are the same" "$S/outputs/probabilities.npy" "$S/vg-outputs/probabilities.npy"
    [ -f "$S/clip.f32" ] && clean "predict raw float samples" 0 predict speech "$S/clip.f32" --pcm-rate 22050
    printf '%s\n' zero one two three four five six seven eight nine >"$S/labels.txt"
    clean "register --profile librosa --classes-file" 0 register flags "$DEMO_MODEL" --profile librosa --classes-file "$S/labels.txt"
    clean "register --profile speech16k (13 MFCCs for a 20-feature input: refused)" 2 register flags "$DEMO_MODEL" \
        --profile speech16k --classes "$labels"
    clean "predict garbage bytes" 2 predict speech "$S/garbage.wav"
    clean "predict a NaN sample" 2 predict speech "$S/nan.wav"
    clean "predict audio without a front-end" 2 predict plain "$S/clip.wav"
    clean "predict a missing clip" 65 predict speech "$S/nope.wav"
fi

server_term
check_eq "SIGTERM stops the server with exit status 0" 0 "$SERVER_RC"
exit 0
