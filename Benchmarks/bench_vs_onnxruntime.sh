#!/usr/bin/env bash
# MaaSEngine kernels vs onnxruntime on the reference speech model, same weights, inputs and thread count:
# latency at batch 1 (T=44, T=100) and throughput at batch 32.
#
#   Benchmarks/bench_vs_onnxruntime.sh [THREADS] [ITERATIONS]
#
# Needs python3 with onnx, onnxruntime, numpy. OPENBLAS_* variables in the environment are passed through
# (OpenBLAS 0.3.21 mistakes this CPU for a "Prescott" unless OPENBLAS_CORETYPE=SkylakeX is set).
# MAAS_BENCH_TARGET_CPU=skylake-avx512 (or haswell) compiles the kernels for that CPU instead of baseline x86-64,
# to measure what a `-target-cpu` setting in Package.swift would give.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
threads="${1:-1}"
iterations="${2:-50}"
model="$root/Tests/MaaSEngineTests/Fixtures/models/reference_speech/model.onnx"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT

python3 "$here/onnxruntime_side.py" --model "$model" --out "$data" --threads "$threads" --iterations "$iterations"
flags=()
if [[ -n "${MAAS_BENCH_TARGET_CPU:-}" ]]; then flags=(-Xswiftc -target-cpu -Xswiftc "$MAAS_BENCH_TARGET_CPU"); fi
swift build -c release --package-path "$here/KernelBench" "${flags[@]}" >&2
"$here/KernelBench/.build/release/KernelBench" "$data" "$iterations"
