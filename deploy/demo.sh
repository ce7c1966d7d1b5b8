#!/usr/bin/env bash
# `make demo`: start a real server on a free port with a fresh data directory, register the bundled spoken-word
# model (trained by `maas train` on the recipe in deploy/demo/make_dataset.py; its audio front-end and labels
# travel inside the model file), list it, and ask it what is said in the sample clips with the Swift CLI and
# the C client. Then register the reference ONNX model and check its answer against ONNX Runtime's
# (deploy/demo/expected.npy, made by deploy/demo/make_demo_model.py), and stop the server with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

MAAS=${MAAS:-.build/release/maas}
MAAS_C=${MAAS_C:-clients/c/build/maas-c}
DEMO=deploy/demo
DATA=$(mktemp -d "${TMPDIR:-/tmp}/maas-demo.XXXXXX")
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; fi
    rm -rf "$DATA"
}
trap cleanup EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

"$MAAS" serve --port 0 --data-dir "$DATA/registry" >"$DATA/serve.out" 2>"$DATA/serve.log" &
SERVER_PID=$!
for _ in $(seq 100); do
    PORT=$(sed -n 's/^maas listening on .*:\([0-9][0-9]*\)$/\1/p' "$DATA/serve.out")
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$DATA/serve.log"; exit 1; }
    sleep 0.1
done
[ -n "${PORT:-}" ] || { echo "server did not start"; cat "$DATA/serve.log"; exit 1; }
echo "maas serve is listening on 127.0.0.1:$PORT (data in $DATA/registry)"

# ---- the spoken-word model: audio in, words out
step "$MAAS" register speech-commands "$DEMO/speech-commands.maas" --port "$PORT" \
    --description "20 spoken words (maas train, demo recipe)"
step "$MAAS" versions speech-commands --port "$PORT"
for clip in "$DEMO"/samples/*.wav; do
    step "$MAAS" predict speech-commands "$clip" --top-k 3 --port "$PORT"
done

echo
echo "the same clips through the C client (clients/c/build/maas-c):"
agree=0
total=0
for clip in "$DEMO"/samples/*.wav; do
    swift_answer=$("$MAAS" predict speech-commands "$clip" --top-k 3 --port "$PORT")
    c_answer=$("$MAAS_C" predict speech-commands "$clip" --top-k 3 --port "$PORT")
    printf '  %-10s %s\n' "$(basename "$clip")" "$(head -n 1 <<<"$c_answer")"
    total=$((total + 1))
    [ "$swift_answer" = "$c_answer" ] && agree=$((agree + 1))
done
echo "the Swift CLI and the C client printed the same answer for $agree of $total clips"
[ "$agree" = "$total" ]

# ---- the reference ONNX model: a tensor in, checked against ONNX Runtime
step "$MAAS" register speech-demo "$DEMO/speech-demo.onnx" --port "$PORT" \
    --description "reference speech model (random weights)" --label task=demo
step "$MAAS" predict speech-demo --input mfcc="$DEMO/mfcc.npy" --output "$DATA/out" --port "$PORT"

# Compare with onnxruntime's output without needing Python: both files are little-endian float32 .npy.
npy_floats() {
    local header_len
    header_len=$(od -A n -t u2 -j 8 -N 2 "$1" | tr -d ' ')
    od -A n -v -t f4 -j $((10 + header_len)) "$1" | tr -s ' ' '\n' | sed '/^$/d'
}
paste <(npy_floats "$DATA/out/probabilities.npy") <(npy_floats "$DEMO/expected.npy") |
    awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > m) m = d } END {
        printf "\nmax |maas - onnxruntime| over %d probabilities: %.2e\n", NR, m; exit (m > 1e-4) }'

echo
echo "stopping the server with SIGTERM"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
echo "server exited with status $?"
SERVER_PID=
