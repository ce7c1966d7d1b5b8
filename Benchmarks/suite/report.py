#!/usr/bin/env python3
"""Prints the side-by-side suite's results as Markdown tables with the issue's ratios.

  report.py --work DIR

Reads DIR/local.json (`maas bench --local --json`), DIR/servers.json (side_by_side.py), DIR/audio.txt
(Benchmarks/audio/bench.sh's table), DIR/floor.jsonl (Benchmarks/floor/pingpong.c) and DIR/machine.json (run.sh).
"""
import argparse
import json
import os

TARGET_THROUGHPUT = 4.0  # maas req/s over the better peer's, at concurrency 32
TARGET_CPU = 1.3  # maas server CPU per request over the model's compute at batch 1
TARGET_P99 = 2.0  # maas p99 at concurrency 1 over the in-process engine latency


def engine_rows(local):
    rows = {}
    for row in local["rows"]:
        config = row["config"]
        rows[(config["frames"], config["batch"])] = row
    return rows


def audio_features_ms(audio_text):
    """maas's best MFCC time for the 1 s clip at the librosa profile, from bench.sh's table (ms), or None."""
    for line in audio_text.splitlines():
        fields = line.split()
        if fields[:4] == ["librosaDefault", "features", "1", "s"]:
            return float(fields[5].strip("()"))  # the best, as for the engine
    return None


def section_engine(local, out):
    rows = engine_rows(local)
    out.append("### 1. Engine vs onnxruntime in process (1 thread each, median of "
               f"{local['iterations']} runs back to back; best and 99th percentile in brackets)\n")
    out.append("| input | maas engine | onnxruntime | onnxruntime / maas |")
    out.append("|---|---|---|---|")
    for (frames, batch), row in sorted(rows.items(), key=lambda item: (item[0][1], item[0][0])):
        e, o = row["engine_median_ms"], row["onnxruntime_median_ms"]
        if batch == 1:
            out.append(f"| batch 1, T={frames}: latency | {e:.3f} ms ({row['engine_best_ms']:.3f}{p99(row, 'engine')}) | "
                       f"{o:.3f} ms ({row['onnxruntime_best_ms']:.3f}{p99(row, 'onnxruntime')}) | {o / e:.2f}× |")
        else:
            out.append(f"| batch {batch}, T={frames}: throughput | {batch / e * 1e3:,.0f} clips/s "
                       f"({e:.3f} ms/batch) | {batch / o * 1e3:,.0f} clips/s ({o:.3f} ms/batch) | {o / e:.2f}× |")
    worst = max(row["max_abs_difference"] for row in rows.values())
    out.append(f"\nLargest output difference between the two: {worst:.1e}.\n")


def p99(row, side):
    value = row.get(f"{side}_p99_ms")
    return f", p99 {value:.3f}" if value is not None else ""


def section_servers(points, model_ms, out):
    out.append("### 2. Servers: maas vs Flask (gunicorn) vs gRPC (grpcio), same model and inputs\n")
    out.append("| input | c | server | req/s | p50 ms | p99 ms | server CPU ms/req | server cores busy | "
               "generator CPU | rest of the machine | errors |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    order = {"tensor": 0, "audio": 1, "maas": 0, "flask": 1, "grpc": 2}
    for point in sorted(points, key=lambda p: (order[p["input"]], p["concurrency"], order[p["server"]])):
        gen = point["generator_cpu_s"] / point["seconds"] * 100
        out.append(f"| {point['input']} | {point['concurrency']} | {point['server']} | {point['req_per_s']:,.0f} | "
                   f"{point['p50_ms']:.3f} | {point['p99_ms']:.3f} | {point['server_cpu_ms_per_request']:.3f} | "
                   f"{point['server_cpu_s'] / point['seconds']:.2f} | {gen:.0f}% of a core | "
                   f"{point.get('other_cores', float('nan')):.2f} cores | {point['errors'] or ''} |")
    out.append("")


def find(points, server, kind, concurrency):
    for point in points:
        if (point["server"], point["input"], point["concurrency"]) == (server, kind, concurrency):
            return point
    return None


def section_ratios(points, model_ms, features_ms, out, floor=(), model_p99_ms=None):
    out.append("### Ratios\n")
    out.append(f"In-process reference: the engine's batch-1 latency at T=44, {model_ms:.3f} ms (best run, part 1)"
               + (f"; for audio input plus maas's MFCC of the 1 s clip ({features_ms:.3f} ms, part 3): "
                  f"{model_ms + features_ms:.3f} ms." if features_ms else "."))
    if model_p99_ms:
        out.append("")
        out.append(f"The target compares the server's 99th percentile with the engine's best run. Like for like, the "
                   f"last column compares it with the engine's own 99th percentile in process, {model_p99_ms:.3f} ms "
                   f"(part 1){'; for audio plus the MFCC (best run)' if features_ms else ''}: the model alone, run back "
                   "to back on a warm core, varies that much.")
    out.append("")
    out.append("| input | c | maas req/s ÷ better peer's | maas server CPU/req ÷ in-process reference | "
               "maas p99 ÷ in-process reference | maas p99 ÷ in-process p99 |")
    out.append("|---|---|---|---|---|---|")
    kinds = sorted({p["input"] for p in points}, key=["tensor", "audio"].index)
    levels = sorted({p["concurrency"] for p in points})
    targets = {"throughput": [], "cpu": [], "p99": []}
    like_for_like = []
    for kind in kinds:
        # For audio the in-process reference includes the features, which the server computes too.
        reference = model_ms if kind == "tensor" else (model_ms + features_ms if features_ms else None)
        for c in levels:
            maas = find(points, "maas", kind, c)
            peers = [p for p in (find(points, "flask", kind, c), find(points, "grpc", kind, c)) if p]
            if not maas:
                continue
            cells = [kind, str(c), "", "", "", ""]
            if peers:
                best = max(peers, key=lambda p: p["req_per_s"])
                ratio = maas["req_per_s"] / best["req_per_s"]
                cells[2] = f"{ratio:.1f}× (vs {best['server']})"
                if c == max(levels):
                    targets["throughput"].append((f"{kind} c={c}", ratio, ratio >= TARGET_THROUGHPUT))
            if reference:
                cpu = maas["server_cpu_ms_per_request"] / reference
                cells[3] = f"{cpu:.2f}×"
                targets["cpu"].append((f"{kind} c={c}", cpu, cpu <= TARGET_CPU))
                if c == 1:
                    p99 = maas["p99_ms"] / reference
                    cells[4] = f"{p99:.2f}× (p50: {maas['p50_ms'] / reference:.2f}×)"
                    targets["p99"].append((f"{kind}", p99, p99 <= TARGET_P99))
                    if model_p99_ms:
                        tail = model_p99_ms + (reference - model_ms)
                        cells[5] = f"{maas['p99_ms'] / tail:.2f}×"
                        like_for_like.append(f"{kind} {maas['p99_ms'] / tail:.2f}×")
            out.append("| " + " | ".join(cells) + " |")
    out.append("")
    out.append("### Targets (issue 7)\n")
    texts = {"throughput": f"maas ≥ {TARGET_THROUGHPUT:g}× the better peer's req/s at the highest concurrency",
             "cpu": f"maas server CPU per request ≤ {TARGET_CPU:g}× the in-process compute at batch 1",
             "p99": f"maas p99 at concurrency 1 ≤ {TARGET_P99:g}× the in-process latency"}
    for key, cases in targets.items():
        if not cases:
            continue
        values = ", ".join(f"{name} {value:.2f}× ({'met' if met else 'not met'})" for name, value, met in cases)
        verdict = "met" if all(met for _, _, met in cases) else (
            "partly met" if any(met for _, _, met in cases) else "NOT met")
        out.append(f"- **{verdict}**: {texts[key]}: {values}")
        if key == "p99" and like_for_like:
            out.append(f"- (like for like, maas p99 at c=1 ÷ the engine's p99 in process: {', '.join(like_for_like)})")
    for row in floor:
        reference = model_ms if row["input"] == "tensor" else (model_ms + features_ms if features_ms else None)
        if reference:
            out.append(f"- the floor on this machine (part 4), {row['input']}, {row['server']}: server CPU "
                       f"{row['server_cpu_us_per_request'] / 1000 / reference:.2f}×, p99 "
                       f"{row['p99_us'] / 1000 / reference:.2f}× the in-process reference")
    out.append("")


def section_floor(floor, model_ms, features_ms, out):
    out.append("### 4. The floor: a C server that only spins for the in-process time (Benchmarks/floor/pingpong.c)\n")
    out.append("One loopback connection, one request at a time, a blocking C client; no framing, parsing or allocation. "
               "*inline* computes on the thread that reads the socket; *hand-off* passes each request to a worker "
               "thread and back (what a server must do that keeps compute off its event loop, as maas does). "
               "The ratios use the same in-process references as above.\n")
    out.append("| input | server | request bytes | p50 ms | p99 ms | server CPU ms/req | CPU ÷ reference | p99 ÷ reference |")
    out.append("|---|---|---|---|---|---|---|---|")
    for row in floor:
        reference = model_ms if row["input"] == "tensor" else (model_ms + features_ms if features_ms else None)
        cpu = row["server_cpu_us_per_request"] / 1000
        ratios = (f"{cpu / reference:.2f}× | {row['p99_us'] / 1000 / reference:.2f}×" if reference else " | ")
        out.append(f"| {row['input']} | {row['server']} | {row['bytes']:,} | {row['p50_us'] / 1000:.3f} | "
                   f"{row['p99_us'] / 1000:.3f} | {cpu:.3f} | {ratios} |")
    out.append("")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    args = parser.parse_args()

    def load(name, default=None):
        path = os.path.join(args.work, name)
        if not os.path.exists(path):
            return default
        with open(path) as f:
            return json.load(f) if name.endswith(".json") else f.read()

    local, points = load("local.json"), load("servers.json", [])
    audio, machine = load("audio.txt", ""), load("machine.json", {})
    floor_text = load("floor.jsonl", "")
    floor = [json.loads(line) for line in floor_text.splitlines() if line.strip()]
    out = []
    if machine:
        out.append("### Machine\n")
        for key, value in machine.items():
            out.append(f"- {key}: {value}")
        if points:
            loads = [p["load_before"] for p in points]
            out.append(f"- load average (1 min) before each server measurement: {min(loads):.2f}–{max(loads):.2f} "
                       "(it counts the benchmark's own threads; \"rest of the machine\" below is the CPU that other "
                       "processes used during each measurement)")
        out.append("")
    model_ms = None
    if local:
        section_engine(local, out)
        # The best of the runs, not the median: on a shared machine the median drifts up with the load, which
        # would flatter every ratio over it.
        model_ms = engine_rows(local)[(44, 1)]["engine_best_ms"]
    if points:
        section_servers(points, model_ms, out)
        if model_ms:
            section_ratios(points, model_ms, audio_features_ms(audio), out, floor,
                           engine_rows(local)[(44, 1)].get("engine_p99_ms"))
    if audio:
        out.append("### 3. MFCC extraction: MaaSAudio vs librosa (Benchmarks/audio/bench.sh)\n")
        out.append("```")
        out.append(audio.strip())
        out.append("```")
        out.append("")
    if floor and model_ms:
        section_floor(floor, model_ms, audio_features_ms(audio), out)
    print("\n".join(out))


if __name__ == "__main__":
    main()
