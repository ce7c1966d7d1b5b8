#!/usr/bin/env python3
"""onnxruntime half of bench_vs_onnxruntime.sh.

Loads the reference speech model, writes its initializers and seeded inputs as raw little-endian float32
files for the Swift half, times onnxruntime on the same inputs with the same thread count, and writes
onnxruntime's outputs and timings (onnxruntime.json) next to them.
"""

import argparse
import json
import os
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

WEIGHTS = ["lstm_W", "lstm_R", "lstm_B", "dense1_W", "dense1_b", "dense2_W", "dense2_b"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--configs", default="44x1,100x1,44x32,100x32", help="TxB,...")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    model = onnx.load(args.model)
    initializers = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    for name in WEIGHTS:
        initializers[name].astype("<f4").tofile(os.path.join(args.out, name + ".bin"))

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name
    output_name = session.get_outputs()[0].name

    results = {"onnxruntime": ort.__version__, "threads": args.threads, "configs": []}
    for index, config in enumerate(args.configs.split(",")):
        frames, batch = (int(v) for v in config.split("x"))
        x = np.random.default_rng(1000 + index).standard_normal((frames, batch, 20)).astype(np.float32)
        stem = "T%d_B%d" % (frames, batch)
        x.astype("<f4").tofile(os.path.join(args.out, stem + "_input.bin"))
        # IOBinding keeps Python's per-call overhead out of the timing as far as it can.
        binding = session.io_binding()
        binding.bind_ortvalue_input(input_name, ort.OrtValue.ortvalue_from_numpy(x))
        binding.bind_output(output_name, "cpu")
        seconds = []
        for iteration in range(args.warmup + args.iterations):
            start = time.perf_counter()
            session.run_with_iobinding(binding)
            elapsed = time.perf_counter() - start
            if iteration >= args.warmup:
                seconds.append(elapsed)
        output = binding.copy_outputs_to_cpu()[0]
        output.astype("<f4").tofile(os.path.join(args.out, stem + "_expected.bin"))
        seconds.sort()
        results["configs"].append({"frames": frames, "batch": batch, "input": stem + "_input.bin",
                                   "expected": stem + "_expected.bin", "median": seconds[len(seconds) // 2],
                                   "seconds": seconds})
    with open(os.path.join(args.out, "onnxruntime.json"), "w") as handle:
        json.dump(results, handle, indent=1)


if __name__ == "__main__":
    main()
