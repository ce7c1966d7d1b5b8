#!/usr/bin/env bash
# `make demo`: start a real server on a free port with a fresh data directory, register the demo model
# twice, list its versions, run a prediction, compare it with onnxruntime's answer for the same input
# (deploy/demo/expected.npy, made by deploy/demo/make_demo_model.py), and stop the server with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

MAAS=${MAAS:-.build/release/maas}
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

step "$MAAS" inspect "$DEMO/speech-demo.onnx"
step "$MAAS" register speech-demo "$DEMO/speech-demo.onnx" --port "$PORT" \
    --description "reference speech model (random weights)" --label task=demo
step "$MAAS" register speech-demo "$DEMO/speech-demo.onnx" --port "$PORT"
step "$MAAS" versions speech-demo --port "$PORT"
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
