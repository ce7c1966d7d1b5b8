#!/usr/bin/env bash
# Dynamic batching settings measured side by side, to choose the server's defaults (issue 7): the suite's maas
# server, model, inputs and generator (`maas bench`), restarted with each max batch size / max queue delay pair.
#
#   Benchmarks/batching.sh                 # about 5 minutes once installed and built
#   CONFIGS=1/0,8/0,32/0,32/200 CONCURRENCY=8,32 DURATION=5 WARMUP=1 Benchmarks/batching.sh
#   MAAS=path/to/maas KEEP=1 Benchmarks/batching.sh
#   CONFIGS=8/0,8/0/nopad KINDS=audio-mixed CONCURRENCY=8,32 Benchmarks/batching.sh   # what padding buys
#   CONFIGS=8/0 KINDS=tensor-long,audio-long CONCURRENCY=2,8 Benchmarks/batching.sh   # heavy requests use both cores
#
# A config is ROWS/MICROSECONDS[/nopad] (`maas serve --max-batch-size ROWS --max-queue-delay-us MICROSECONDS`,
# plus `--no-batch-padding`); 1/0 is batching off. KINDS: tensor, audio (one 1 s clip), audio-mixed (clips of
# 17 lengths from 0.6 to 1.4 s, in turn), tensor-long and audio-long (a 10 s clip's features, the clip).
# Installs what it needs as run.sh does (suite/setup.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
model="$root/Tests/MaaSEngineTests/Fixtures/models/reference_speech/model.onnx"
source "$here/suite/setup.sh"

say "batching settings (${DURATION:-5}s per point after ${WARMUP:-1}s of warm-up)"
"$python" "$here/suite/batching.py" --maas "$maas" --model "$model" --inputs "$work/inputs" --work "$work" \
    --configs "${CONFIGS:-1/0,8/0,32/0,32/200,32/1000}" --duration "${DURATION:-5}" --warmup "${WARMUP:-1}" \
    --concurrency "${CONCURRENCY:-1,8,32}" --inputs-kinds "${KINDS:-tensor,audio}"
