#!/usr/bin/env python3
"""Closed-loop load for the gRPC peer: PROCESSES client processes, each with INFLIGHT threads that send a
Predict, wait for its answer and send the next. Each thread has its own channel and connection, as separate
clients would (and so a server of several SO_REUSEPORT processes gets its calls spread by the kernel).

  grpc_load.py --target HOST:PORT --processes N --inflight M --duration S (--tensor x.npy | --audio clip.wav)

Processes start together after connecting; requests are counted when they start inside the window and
finish. Prints one JSON line: requests, errors, seconds, req_per_s, p50_ms, p90_ms, p99_ms, max_ms and
client_cpu_s (user + system CPU of the client processes over the window, from getrusage; process start-up
and imports are left out, they are not load).
"""
import argparse
import json
import multiprocessing as mp
import resource
import threading
import time


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def make_request(args):
    import numpy as np
    import speech_pb2

    if args.audio:
        with open(args.audio, "rb") as f:
            return speech_pb2.PredictRequest(audio=f.read())
    x = np.load(args.tensor).astype(np.float32)
    return speech_pb2.PredictRequest(tensor=speech_pb2.Tensor(shape=x.shape, data=x.ravel().tolist()))


def client(args, barrier, results):
    import grpc
    import speech_pb2_grpc

    request = make_request(args)
    stubs, channels = [], []
    for _ in range(args.inflight):
        # A local subchannel pool: otherwise grpcio shares one connection among channels to the same target.
        channel = grpc.insecure_channel(args.target, options=[("grpc.use_local_subchannel_pool", 1)])
        grpc.channel_ready_future(channel).result(timeout=30)
        stub = speech_pb2_grpc.SpeechStub(channel)
        stub.Predict(request)  # one call before the window, so connection set-up is not timed
        stubs.append(stub)
        channels.append(channel)
    latencies, errors = [], []

    def loop(stub, end):
        while True:
            t0 = time.perf_counter()
            if t0 >= end:
                return
            try:
                stub.Predict(request, timeout=30)
                latencies.append(time.perf_counter() - t0)
            except grpc.RpcError as error:
                errors.append(error.code().name)

    barrier.wait()
    cpu0 = cpu_seconds()
    start = time.perf_counter()
    end = start + args.duration
    threads = [threading.Thread(target=loop, args=(stub, end)) for stub in stubs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(dict(latencies=latencies, errors=errors, cpu=cpu_seconds() - cpu0, seconds=time.perf_counter() - start))
    for channel in channels:
        channel.close()


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--inflight", type=int, default=1)
    parser.add_argument("--duration", type=float, default=10)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--tensor")
    group.add_argument("--audio")
    args = parser.parse_args()

    context = mp.get_context("spawn")  # grpcio does not survive fork once a channel exists
    barrier = context.Barrier(args.processes)
    results = context.Queue()
    workers = [context.Process(target=client, args=(args, barrier, results)) for _ in range(args.processes)]
    for worker in workers:
        worker.start()
    parts = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    latencies = sorted(l for part in parts for l in part["latencies"])
    errors = {}
    for part in parts:
        for code in part["errors"]:
            errors[code] = errors.get(code, 0) + 1
    seconds = max(part["seconds"] for part in parts)
    print(json.dumps(dict(
        requests=len(latencies), errors=errors, seconds=seconds, req_per_s=len(latencies) / seconds,
        p50_ms=percentile(latencies, 50) * 1e3, p90_ms=percentile(latencies, 90) * 1e3,
        p99_ms=percentile(latencies, 99) * 1e3, max_ms=(latencies[-1] * 1e3 if latencies else float("nan")),
        client_cpu_s=sum(part["cpu"] for part in parts))))


if __name__ == "__main__":
    main()
