#!/usr/bin/env bash
# MaaSAudio vs librosa 0.11: MFCC time per second of audio on the same 1 s, 10 s and 60 s clips, both
# profiles (22050 Hz librosa defaults, 16 kHz speech), with and without decoding + resampling.
#
#   Benchmarks/audio/bench.sh [SECONDS_PER_MEASUREMENT]
#
# Needs espeak-ng, and python3 with librosa, soundfile, numpy (pip). BLAS runs on one thread on both sides
# (OPENBLAS_NUM_THREADS=1, as a server worker would), so the ratio compares like with like.
# MAAS_BENCH_TARGET_CPU=skylake-avx512 (or haswell) compiles MaaSAudio for that CPU instead of baseline x86-64.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
budget="${1:-1}"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1

# numpy's own OpenBLAS knows this CPU; OPENBLAS_CORETYPE only slows it down (see the env notes), so it is
# unset for librosa alone. Debian's OpenBLAS 0.3.21 (ours) keeps whatever the environment says.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$here/librosa_side.py" --out "$data" --budget "$budget"
flags=()
if [[ -n "${MAAS_BENCH_TARGET_CPU:-}" ]]; then flags=(-Xswiftc -target-cpu -Xswiftc "$MAAS_BENCH_TARGET_CPU"); fi
swift build -c release --package-path "$here" "${flags[@]}" >&2
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} for maas; target CPU: ${MAAS_BENCH_TARGET_CPU:-baseline x86-64}"
"$here/.build/release/AudioBench" "$data" "$data/librosa.json" "$budget"
