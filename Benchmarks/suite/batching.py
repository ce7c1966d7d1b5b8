#!/usr/bin/env python3
"""Dynamic batching settings side by side: the maas server of the suite (same model, inputs and generator),
restarted with each `--max-batch-size`/`--max-queue-delay-us` pair, measured at each concurrency with tensor
and audio input (and audio-mixed: clips of 17 lengths from 0.6 to 1.4 s in turn; tensor-long and audio-long: a
10 s clip and its features, ten times the work of a request). Prints a Markdown table; the server's defaults are
chosen from it.

  batching.py --maas BIN --model ONNX --inputs DIR --work DIR [--configs 1/0,8/0,32/0,32/200,32/1000]
              [--duration 5] [--warmup 1] [--concurrency 1,8,32] [--inputs-kinds tensor,audio,audio-mixed,tensor-long,audio-long]

A config is ROWS/MICROSECONDS[/nopad]; 1/0 turns batching off, /nopad adds --no-batch-padding (requests of
different lengths never share a batch).
"""
import argparse
import sys

from side_by_side import MAAS_INPUT_KINDS, measure, start_maas


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--maas", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--configs", default="1/0,8/0,32/0,32/200,32/1000")
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--inputs-kinds", default="tensor,audio")
    args = parser.parse_args()
    configs = []
    for text in args.configs.split(","):
        parts = text.split("/")
        rows, delay = parts[0], parts[1] if len(parts) > 1 else ""
        pad = len(parts) < 3
        if not rows.isdigit() or not delay.isdigit() or int(rows) < 1 or len(parts) > 3 or parts[2:] not in ([], ["nopad"]):
            parser.error(f"config '{text}' is not ROWS/MICROSECONDS[/nopad] (e.g. 32/200, 8/0/nopad)")
        configs.append((int(rows), int(delay), pad))
    levels = [int(c) for c in args.concurrency.split(",")]
    kinds = args.inputs_kinds.split(",")
    unknown = [kind for kind in kinds if kind not in MAAS_INPUT_KINDS]
    if unknown:
        parser.error(f"unknown input kind {', '.join(map(repr, unknown))}; use some of {', '.join(MAAS_INPUT_KINDS)}")

    points = []
    for rows, delay, pad in configs:
        print(f"max batch size {rows}, max queue delay {delay} µs{'' if pad else ', no padding'}", file=sys.stderr, flush=True)
        server, drive = start_maas(args, ["--max-batch-size", str(rows), "--max-queue-delay-us", str(delay),
                                          *([] if pad else ["--no-batch-padding"])])
        try:
            for kind in kinds:
                drive(kind, 8, max(2.0, args.warmup))
                server.wait_idle()
            for kind in kinds:
                for concurrency in levels:
                    point = measure("maas", server, drive, kind, concurrency, args)
                    point.update(max_batch_size=rows, max_queue_delay_us=delay, padding=pad)
                    points.append(point)
        finally:
            server.stop()

    print("| input | c | max batch size | max queue delay µs | padding | req/s | p50 ms | p99 ms | server CPU ms/req | "
          "server cores busy | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind in kinds:
        for concurrency in levels:
            for p in points:
                if p["input"] != kind or p["concurrency"] != concurrency:
                    continue
                print(f"| {kind} | {concurrency} | {p['max_batch_size']}{' (off)' if p['max_batch_size'] == 1 else ''} | "
                      f"{p['max_queue_delay_us']} | {'on' if p['padding'] else 'off'} | {p['req_per_s']:,.0f} | {p['p50_ms']:.3f} | {p['p99_ms']:.3f} | "
                      f"{p['server_cpu_ms_per_request']:.3f} | {p['server_cpu_s'] / p['seconds']:.2f} | {p['errors'] or ''} |")


if __name__ == "__main__":
    main()
