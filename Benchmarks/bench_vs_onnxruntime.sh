#!/usr/bin/env bash
# MaaSEngine kernels vs onnxruntime on the reference speech model, same weights, inputs and thread count:
# latency at batch 1 (T=44, T=100) and throughput at batch 32.
#
#   Benchmarks/bench_vs_onnxruntime.sh [THREADS] [ITERATIONS]
#
# Needs python3 with onnx, onnxruntime, numpy. OPENBLAS_* variables in the environment are passed through.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
threads="${1:-1}"
iterations="${2:-50}"
model="$root/Tests/MaaSEngineTests/Fixtures/models/reference_speech/model.onnx"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT

python3 "$here/onnxruntime_side.py" --model "$model" --out "$data" --threads "$threads" --iterations "$iterations"
swift build -c release --package-path "$here/KernelBench" >&2
"$here/KernelBench/.build/release/KernelBench" "$data" "$iterations"
