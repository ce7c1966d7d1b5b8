#!/usr/bin/env bash
# The side-by-side benchmark suite (issue 7): on one model and one 1 s clip, in one run,
#   1. the engine vs onnxruntime in process (`maas bench --local`),
#   2. the maas server vs a Flask + onnxruntime peer (gunicorn, driven by wrk) and a grpcio + onnxruntime
#      peer (driven by Python gRPC client processes), at each concurrency, with tensor and with audio input,
#   3. MFCC extraction vs librosa (Benchmarks/audio/bench.sh),
#   4. the floor: a C server that only spins for the in-process time (Benchmarks/floor/pingpong.c), so the
#      c=1 ratios can be read against what this machine's loopback and wake-ups allow any server,
# then prints Markdown tables with the ratios the issue sets targets for.
#
#   Benchmarks/run.sh                      # about 10 minutes once installed and built
#   DURATION=10 WARMUP=2 CONCURRENCY=1,8,32 SERVERS=maas,flask,grpc Benchmarks/run.sh
#   KEEP=1 Benchmarks/run.sh               # keep the work directory (inputs, logs, raw JSON)
#   MAAS=path/to/maas Benchmarks/run.sh    # use that binary instead of building one
#   FLASK_WORKER_CLASS=sync Benchmarks/run.sh   # gunicorn's sync workers instead of gthread
#   GRPC_PROCESSES=1 Benchmarks/run.sh     # one grpcio server process instead of one per core
#   MAAS_SERVE_FLAGS="--loop-compute-us 0" Benchmarks/run.sh   # extra `maas serve` options, to compare settings
#
# Installs what it needs: wrk and espeak-ng (apt-get), a virtual environment in Benchmarks/.venv (pip: flask
# gunicorn grpcio grpcio-tools onnxruntime librosa soundfile numpy), a release build of maas in .build-release.
# Run it on an otherwise idle machine: every number here is shared-core sensitive.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
duration="${DURATION:-10}"
warmup="${WARMUP:-2}"
concurrency="${CONCURRENCY:-1,8,32}"
servers="${SERVERS:-maas,flask,grpc}"
model="$root/Tests/MaaSEngineTests/Fixtures/models/reference_speech/model.onnx"
source "$here/suite/setup.sh"
mkdir -p "$work/stubs"
"$python" -m grpc_tools.protoc -I "$here/peers" --python_out="$work/stubs" --grpc_python_out="$work/stubs" \
    "$here/peers/speech.proto"

openblas="$(dpkg-query -W -f='${Package} ${Version}\n' 'libopenblas0-*' 2>/dev/null | awk 'NF == 2' | head -1 || true)"
"$python" - "$work/machine.json" <<PY
import json, os, platform, subprocess, sys
import onnxruntime
cpu = next((l.split(":", 1)[1].strip() for l in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
            if l.startswith("Model name")), platform.processor())
json.dump({
    "CPU": f"{cpu}, {os.cpu_count()} cores",
    "OpenBLAS (maas)": "${openblas:-unknown}",
    "onnxruntime": onnxruntime.__version__,
    "Python": platform.python_version(),
    "peers": f"gunicorn {os.environ.get('FLASK_WORKER_CLASS', 'gthread')} workers x {os.cpu_count()}; grpcio {os.environ.get('GRPC_PROCESSES', os.cpu_count())} processes x thread pool of 10 (SO_REUSEPORT); onnxruntime 1 intra-op thread",
    "maas commit": subprocess.run(["git", "-C", "$root", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        + (f" (maas serve {os.environ['MAAS_SERVE_FLAGS']})" if os.environ.get("MAAS_SERVE_FLAGS") else ""),
    # A VM's idle vCPUs either poll a while before halting or halt at once; then every wake-up of a thread on
    # the other core costs a VM exit, which is most of what a c=1 round trip spends besides the model.
    "idle": (lambda d, p: f"cpuidle {open(d).read().strip()}" + (f", guest_halt_poll_ns {open(p).read().strip()}" if os.path.exists(p) else ""))(
        "/sys/devices/system/cpu/cpuidle/current_driver", "/sys/module/haltpoll/parameters/guest_halt_poll_ns")
        if os.path.exists("/sys/devices/system/cpu/cpuidle/current_driver") else "unknown",
    "run": f"DURATION=$duration WARMUP=$warmup CONCURRENCY=$concurrency, started $(date -u '+%Y-%m-%d %H:%M UTC'), load average {open('/proc/loadavg').read().split()[0]}",
}, open(sys.argv[1], "w"), indent=1)
PY

say "1/3 engine vs onnxruntime in process"
"$maas" bench --local --json "$model" --configs 44x1,100x1,44x32 --iterations 2000 > "$work/local.json"

say "2/3 servers side by side (${duration}s per point after ${warmup}s of warm-up)"
"$python" "$here/suite/side_by_side.py" --maas "$maas" --model "$model" --inputs "$work/inputs" --stubs "$work/stubs" \
    --work "$work" --python "$python" --duration "$duration" --warmup "$warmup" --concurrency "$concurrency" \
    --servers "$servers"

say "3/3 MFCC vs librosa"
# OpenBLAS 0.3.21 runs its Prescott kernels on CPUs it does not know (maas serve and maas bench choose for
# themselves; AudioBench is a plain executable): the same choice, made here.
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
    if grep -qw avx512f /proc/cpuinfo; then export OPENBLAS_CORETYPE=SkylakeX
    elif grep -qw avx2 /proc/cpuinfo; then export OPENBLAS_CORETYPE=Haswell; fi
fi
"$here/audio/bench.sh" 1 > "$work/audio.txt" || echo "Benchmarks/audio/bench.sh failed (exit $?): no MFCC rows" >&2

say "4/4 the floor: a C server that only spins for the in-process time"
cc -O2 -pthread -o "$work/pingpong" "$here/floor/pingpong.c"
# The same in-process references as the ratios (report.py): the engine's best batch-1 time, plus the MFCC time
# for audio; the request sizes of the tensor and audio requests.
read -r tensor_us audio_us audio_bytes < <("$python" - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
local = json.load(open(os.path.join(work, "local.json")))
model = next(r["engine_best_ms"] for r in local["rows"] if (r["config"]["frames"], r["config"]["batch"]) == (44, 1))
features = 0.0
for line in open(os.path.join(work, "audio.txt")).read().splitlines():
    f = line.split()
    if f[:4] == ["librosaDefault", "features", "1", "s"]:
        features = float(f[5].strip("()"))
clip = os.path.getsize(os.path.join(work, "inputs", "clip.wav"))
print(round(model * 1000), round((model + features) * 1000), min(clip + 64, 65536))
PY
)
{ "$work/pingpong" --work-us "$tensor_us" --size 3600 | sed 's/^{/{"input": "tensor", /'
  "$work/pingpong" --work-us "$audio_us" --size "$audio_bytes" | sed 's/^{/{"input": "audio", /'; } > "$work/floor.jsonl"

say "results"
"$python" "$here/suite/report.py" --work "$work" | tee "$work/report.md"
