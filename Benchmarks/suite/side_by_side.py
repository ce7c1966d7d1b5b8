#!/usr/bin/env python3
"""Part (2) of the suite: the maas server, the Flask peer and the gRPC peer on the same model and inputs, at
each concurrency, with tensor and with audio input. The servers are all started, then take turns (only the
one being measured has load); each point is a warm-up run of the generator, then the measured run with the
server's CPU read from /proc before and after it. Writes DIR/servers.json (a list of points) for report.py.

  side_by_side.py --maas BIN --model ONNX --inputs DIR --stubs DIR --work DIR [--duration 10] [--warmup 2]
                  [--concurrency 1,8,32] [--servers maas,flask,grpc]
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time

import generators
from processes import Server, free_port, machine_busy_seconds

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
PEERS = os.path.join(BENCH, "peers")
LABELS = "zero,one,two,three,four,five,six,seven,eight,nine"
CORES = os.cpu_count()
# The inputs `maas bench` can send here (make_inputs.py); the peers take the first two.
MAAS_INPUT_KINDS = ("tensor", "audio", "audio-mixed", "tensor-long", "audio-long")


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def peer_env(args):
    env = dict(os.environ)
    # numpy's bundled OpenBLAS recognises this CPU; the override the maas side may carry would slow it down.
    env.pop("OPENBLAS_CORETYPE", None)
    env.update(MODEL_PATH=args.model, LABELS=LABELS, ORT_THREADS="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([PEERS, args.stubs]))
    return env


def start_maas(args, serve_flags=()):
    port = free_port()
    data = os.path.join(args.work, "maas-data")
    subprocess.run(["rm", "-rf", data], check=True)
    server = Server("maas", [args.maas, "serve", "--port", str(port), "--data-dir", data, "--log-level", "warning",
                             *serve_flags], port, log_path=os.path.join(args.work, "maas-serve.log"))
    server.wait_ready()
    subprocess.run([args.maas, "register", "bench-speech", args.model, "--port", str(port), "--profile", "librosa",
                    "--layout", "time-major", "--classes", LABELS, "--clip-decision", "mean-log-prob", "--top-k", "5"],
                   check=True, stdout=subprocess.DEVNULL)
    mixed = os.path.join(args.inputs, "mixed")
    inputs = {"tensor": ["--input", f"x={os.path.join(args.inputs, 'mfcc.npy')}"],
              "audio": ["--audio", os.path.join(args.inputs, "clip.wav")],
              "audio-mixed": [a for name in sorted(os.listdir(mixed)) for a in ("--audio", os.path.join(mixed, name))],
              "tensor-long": ["--input", f"x={os.path.join(args.inputs, 'long', 'mfcc.npy')}"],
              "audio-long": ["--audio", os.path.join(args.inputs, "long", "clip.wav")]}
    assert set(inputs) == set(MAAS_INPUT_KINDS)

    def drive(kind, concurrency, seconds):
        return generators.maas_bench(args.maas, port, "bench-speech", inputs[kind], concurrency, seconds, server.pid)

    return server, drive


def start_flask(args):
    port = free_port()
    # One worker process per core (the GIL lets one process use one core). gthread rather than gunicorn's
    # default sync class: nothing buffers in front of it here and clients keep connections alive, which sync
    # workers do not support (they close every connection, so each call pays a TCP set-up); measured on this
    # machine gthread gave equal or higher req/s. FLASK_WORKER_CLASS=sync measures the other choice.
    worker_class = os.environ.get("FLASK_WORKER_CLASS", "gthread")
    command = [os.path.join(os.path.dirname(args.python), "gunicorn"), "--workers", str(CORES),
               "--worker-class", worker_class, "--bind", f"127.0.0.1:{port}", "--chdir", PEERS, "flask_app:app"]
    if worker_class == "gthread":
        command[1:1] = ["--threads", "4"]
    server = Server("flask", command, port, env=peer_env(args), log_path=os.path.join(args.work, "flask.log"))
    server.wait_ready()
    with open(os.path.join(args.inputs, "inputs.json")) as f:
        content_types = json.load(f)
    bodies = {"tensor": (f"http://127.0.0.1:{port}/predict", os.path.join(args.inputs, "tensor.json"),
                         content_types["tensor_content_type"]),
              "audio": (f"http://127.0.0.1:{port}/predict/audio", os.path.join(args.inputs, "audio.multipart"),
                        content_types["audio_content_type"])}
    script = os.path.join(BENCH, "load", "wrk_post.lua")

    def drive(kind, concurrency, seconds):
        url, body, content_type = bodies[kind]
        return generators.wrk(script, url, body, content_type, concurrency, seconds)

    return server, drive


def start_grpc(args):
    port = free_port()
    env = peer_env(args)
    # One process per core, like gunicorn's workers: a single grpcio process is held to about one core by the GIL.
    processes = os.environ.get("GRPC_PROCESSES", str(CORES))
    server = Server("grpc", [args.python, os.path.join(PEERS, "grpc_server.py"), "--port", str(port),
                             "--processes", processes], port, env=env, log_path=os.path.join(args.work, "grpc.log"))
    server.wait_ready()
    inputs = {"tensor": ("--tensor", os.path.join(args.inputs, "mfcc.npy")),
              "audio": ("--audio", os.path.join(args.inputs, "clip.wav"))}
    script = os.path.join(BENCH, "load", "grpc_load.py")

    def drive(kind, concurrency, seconds):
        flag, path = inputs[kind]
        return generators.grpc_clients(args.python, script, env, f"127.0.0.1:{port}", flag, path, concurrency, seconds)

    return server, drive


STARTERS = {"maas": start_maas, "flask": start_flask, "grpc": start_grpc}


def measure(name, server, drive, kind, concurrency, args):
    """One point: a warm-up run, then the measured run with the server's and the machine's CPU around it."""
    drive(kind, concurrency, args.warmup)
    server.wait_idle()
    load = load_average()
    cpu0, busy0, t0 = server.cpu_seconds(), machine_busy_seconds(), time.monotonic()
    result = drive(kind, concurrency, args.duration)
    cpu = server.cpu_seconds() - cpu0
    busy, wall = machine_busy_seconds() - busy0, time.monotonic() - t0
    # What the rest of the machine used meanwhile (other users' builds): the noise indicator that the load
    # average is not, since the benchmark's own threads count in that.
    generator = result.get("generator_total_cpu_s", result["generator_cpu_s"])  # with its start-up
    result["other_cores"] = max(0.0, busy - cpu - generator) / wall
    result.update(server=name, input=kind, concurrency=concurrency, server_cpu_s=cpu,
                  server_cpu_ms_per_request=cpu / max(1, result["requests"]) * 1e3, load_before=load)
    print(f"  {name:5} {kind:6} c={concurrency:<3} {result['req_per_s']:9.1f} req/s  "
          f"p50 {result['p50_ms']:7.3f} ms  p99 {result['p99_ms']:7.3f} ms  "
          f"server {result['server_cpu_ms_per_request']:.3f} ms CPU/req  "
          f"generator {result['generator_cpu_s'] / result['seconds'] * 100:.0f}% of a core  "
          f"others {result['other_cores']:.2f} cores"
          + (f"  errors {result['error_detail']}" if result["errors"] else ""),
          file=sys.stderr, flush=True)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--maas", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--stubs", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--servers", default="maas,flask,grpc")
    parser.add_argument("--inputs-kinds", default="tensor,audio")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    kinds = args.inputs_kinds.split(",")
    points = []
    servers = {}
    try:
        # All servers start first and take turns at each point, so a change in what else runs on the machine
        # falls on all of them alike rather than on whichever was being measured; an idle server costs nothing.
        for name in args.servers.split(","):
            if name == "maas":
                # MAAS_SERVE_FLAGS: extra `maas serve` options, to compare settings (e.g. --loop-compute-us 0).
                servers[name] = start_maas(args, shlex.split(os.environ.get("MAAS_SERVE_FLAGS", "")))
            else:
                servers[name] = STARTERS[name](args)
        # The first calls of a peer's worker import and initialise librosa's lazily loaded parts (about a
        # second of CPU each): every worker gets busy once before anything is measured.
        for server, drive in servers.values():
            for kind in kinds:
                drive(kind, 2 * CORES, max(5.0, args.warmup))
                server.wait_idle()
        for kind in kinds:
            for concurrency in levels:
                for name, (server, drive) in servers.items():
                    points.append(measure(name, server, drive, kind, concurrency, args))
    finally:
        for server, _ in servers.values():
            server.stop()
    with open(os.path.join(args.work, "servers.json"), "w") as f:
        json.dump(points, f, indent=1)


if __name__ == "__main__":
    main()
