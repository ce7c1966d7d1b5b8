"""The three load generators, each run as a child process and read back as one dict:
requests, seconds, req_per_s, p50_ms, p99_ms, errors (count), error_detail, generator_cpu_s.

generator_cpu_s is the generator's own user + system CPU: wrk's and maas bench's from the kernel's account of
reaped children (their whole life; start-up is milliseconds), the gRPC clients' as they measure it over their
window with getrusage (their Python start-up is a second of imports per process, which is not load)."""
import json
import os
import subprocess


def _run(command, env=None):
    """Runs command to completion; (stdout, stderr). Once reaped, its CPU is in this process's children total."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    out, err = process.communicate()
    code = process.returncode
    if code != 0:
        raise RuntimeError(f"{command[0]} exited with status {code}: {err.strip()[-2000:]}")
    return out, err


def _children_cpu():
    """CPU of the reaped children so far: the servers are not reaped until the end, so the difference around
    one generator run is that generator's."""
    usage = os.times()
    return usage.children_user + usage.children_system


def _json_line(text):
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"no JSON line in the generator's output:\n{text[-2000:]}")


def wrk(wrk_script, url, body_path, content_type, concurrency, seconds):
    threads = min(concurrency, 2)
    command = ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", wrk_script, url, "--", body_path, content_type]
    cpu0 = _children_cpu()
    out, _ = _run(command)
    cpu = _children_cpu() - cpu0
    result = _json_line(out)
    errors = sum(result["errors"].values())
    return dict(requests=result["requests"], seconds=result["seconds"],
                req_per_s=result["requests"] / result["seconds"], p50_ms=result["p50_ms"], p99_ms=result["p99_ms"],
                errors=errors, error_detail={k: v for k, v in result["errors"].items() if v},
                generator_cpu_s=cpu)


def grpc_clients(python, load_script, env, target, input_flag, input_path, concurrency, seconds):
    # Enough in flight per process that few processes saturate the server, and enough processes that one
    # client's GIL is not the limit: 1 -> 1x1, 8 -> 2x4, 32 -> 4x8.
    processes = 1 if concurrency == 1 else (2 if concurrency <= 8 else 4)
    inflight = max(1, concurrency // processes)
    command = [python, load_script, "--target", target, "--processes", str(processes), "--inflight", str(inflight),
               "--duration", str(seconds), input_flag, input_path]
    cpu0 = _children_cpu()
    out, _ = _run(command, env=env)
    cpu = _children_cpu() - cpu0
    result = _json_line(out)
    return dict(requests=result["requests"], seconds=result["seconds"], req_per_s=result["req_per_s"],
                p50_ms=result["p50_ms"], p99_ms=result["p99_ms"], errors=sum(result["errors"].values()),
                error_detail=result["errors"], generator_cpu_s=result["client_cpu_s"],
                generator_total_cpu_s=cpu, shape=f"{processes}x{inflight}")


def maas_bench(maas, port, model, input_args, concurrency, seconds, server_pid):
    command = [maas, "bench", model, *input_args, "--port", str(port), "--concurrency", str(concurrency),
               "--duration", f"{seconds}s", "--warmup", "0s", "--server-pid", str(server_pid), "--json"]
    cpu0 = _children_cpu()
    out, _ = _run(command)
    cpu = _children_cpu() - cpu0
    report = json.loads(out)
    latency = report.get("latency_ms") or {}
    server = report.get("server") or {}
    return dict(requests=report["ok"], seconds=report["window_seconds"], req_per_s=report["requests_per_second"],
                p50_ms=latency.get("p50", float("nan")), p99_ms=latency.get("p99", float("nan")),
                errors=report["failed"], error_detail=report["errors"], generator_cpu_s=cpu,
                # maas bench's own account of the server's CPU, over its window only: a cross-check of /proc
                own_server_cpu_ms_per_request=server.get("cpu", {}).get("per_request_us", float("nan")) / 1e3)
