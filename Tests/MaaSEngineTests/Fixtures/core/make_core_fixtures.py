#!/usr/bin/env python3
"""Engine-core fidelity fixtures: what the operator and network fixtures one level up do not exercise.

- batched runs (the server batches requests through the batch dimension), including batch 32;
- a tf2onnx-shaped opset-11 graph: Squeeze/Unsqueeze with axes attributes, int32 shape arithmetic
  (Shape→Gather→Cast→Unsqueeze→Concat→Cast→ConstantOfShape), Conv1D with auto_pad SAME_UPPER over a
  dynamic time axis, MaxPool with ceil_mode over that axis, a bidirectional LSTM, ReduceMean over time;
- a GRU fed sequence_lens as an int32 graph input, with rows of different lengths.

Run from the repository root (pip: onnx, onnxruntime, numpy):

    python3 Tests/MaaSEngineTests/Fixtures/core/make_core_fixtures.py

Writes core/manifest.json and core/<case>/{model.onnx, r<k>_in<i>.bin, r<k>_out<i>.bin} in the format of
../README.md (raw little-endian arrays, C order). Deterministic: fixed seeds, one ONNX Runtime thread.
"""
import json
import os
import shutil

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20241129)
DTYPES = {np.dtype(np.float32): "float32", np.dtype(np.int64): "int64", np.dtype(np.int32): "int32"}
CASES = []


def weights(*shape, scale=0.3):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def add_case(name, nodes, inputs, outputs, initializers, runs, opset):
    graph = helper.make_graph(
        nodes, name, inputs, outputs,
        initializer=[numpy_helper.from_array(np.asarray(v), k) for k, v in initializers.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="maas-core-fixtures")
    model.ir_version = 7
    onnx.checker.check_model(model)
    directory = os.path.join(HERE, name)
    os.makedirs(directory)
    onnx.save(model, os.path.join(directory, "model.onnx"))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    names = [i.name for i in inputs]
    entry = {"name": name, "kind": "core", "dir": "core/" + name, "opset": opset, "inputs": names,
             "outputs": [o.name for o in outputs], "runs": []}
    for k, arrays in enumerate(runs):
        results = session.run(None, dict(zip(names, arrays)))
        run = {"inputs": [], "outputs": []}
        for i, (n, a) in enumerate(zip(names, arrays)):
            file = "r%d_in%d.bin" % (k, i)
            a.astype(a.dtype.newbyteorder("<")).tofile(os.path.join(directory, file))
            run["inputs"].append({"name": n, "dtype": DTYPES[a.dtype], "shape": list(a.shape), "file": file})
        for i, (o, a) in enumerate(zip(outputs, results)):
            file = "r%d_out%d.bin" % (k, i)
            a.astype(a.dtype.newbyteorder("<")).tofile(os.path.join(directory, file))
            run["outputs"].append({"name": o.name, "dtype": DTYPES[a.dtype], "shape": list(a.shape), "file": file})
        entry["runs"].append(run)
    CASES.append(entry)


def batched_speech():
    """The reference architecture scaled down ([T, B, 20] → LSTM 16 → Dense 8 ReLU → Dense 5 Softmax), run batched."""
    h = 16
    init = {
        "W": weights(1, 4 * h, 20), "R": weights(1, 4 * h, h), "B": weights(1, 8 * h, scale=0.1),
        "axes": np.array([1], dtype=np.int64),
        "D1": weights(h, 8), "b1": weights(8, scale=0.1), "D2": weights(8, 5), "b2": weights(5, scale=0.1),
    }
    nodes = [
        helper.make_node("LSTM", ["x", "W", "R", "B"], ["y"], hidden_size=h),
        helper.make_node("Squeeze", ["y", "axes"], ["frames"]),
        helper.make_node("MatMul", ["frames", "D1"], ["m1"]),
        helper.make_node("Add", ["m1", "b1"], ["z1"]),
        helper.make_node("Relu", ["z1"], ["a1"]),
        helper.make_node("MatMul", ["a1", "D2"], ["m2"]),
        helper.make_node("Add", ["m2", "b2"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1),
    ]
    runs = [[RNG.standard_normal((t, b, 20)).astype(np.float32)] for t, b in [(30, 4), (7, 32), (44, 1)]]
    add_case("batched_speech", nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["time", "batch", 20])],
             [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["time", "batch", 5])], init, runs, opset=17)


def tf2onnx_conv_lstm():
    """Opset 11, the way tf2onnx writes a Keras Conv1D + MaxPool + Bidirectional(LSTM) + GlobalAveragePooling1D."""
    c, h = 6, 5
    init = {
        "conv_W": weights(c, 13, 5), "conv_b": weights(c, scale=0.1),
        "W": weights(2, 4 * h, c), "R": weights(2, 4 * h, h), "B": weights(2, 8 * h, scale=0.1),
        "index1": np.array(1, dtype=np.int64), "two": np.array([2], dtype=np.int64), "hidden": np.array([h], dtype=np.int64),
        "head_W": weights(3, 2 * h), "head_b": weights(3, scale=0.1),
    }
    nodes = [
        helper.make_node("Transpose", ["input"], ["nct"], perm=[0, 2, 1]),
        helper.make_node("Conv", ["nct", "conv_W", "conv_b"], ["conv"], auto_pad="SAME_UPPER", strides=[2]),
        helper.make_node("Relu", ["conv"], ["act"]),
        helper.make_node("MaxPool", ["act"], ["pooled"], kernel_shape=[3], strides=[2], ceil_mode=1),
        helper.make_node("Transpose", ["pooled"], ["tnc"], perm=[2, 0, 1]),
        # Zero initial states [2, batch, h], batch computed in int32 like tf2onnx does.
        helper.make_node("Shape", ["tnc"], ["shape"]),
        helper.make_node("Gather", ["shape", "index1"], ["batch"], axis=0),
        helper.make_node("Cast", ["batch"], ["batch32"], to=TensorProto.INT32),
        helper.make_node("Unsqueeze", ["batch32"], ["batch32_1"], axes=[0]),
        helper.make_node("Cast", ["batch32_1"], ["batch64"], to=TensorProto.INT64),
        helper.make_node("Concat", ["two", "batch64", "hidden"], ["state_shape"], axis=0),
        helper.make_node("ConstantOfShape", ["state_shape"], ["zeros"],
                         value=numpy_helper.from_array(np.zeros(1, dtype=np.float32))),
        helper.make_node("LSTM", ["tnc", "W", "R", "B", "", "zeros", "zeros"], ["y"], hidden_size=h,
                         direction="bidirectional"),
        # Y [T, 2, B, h] → [T, B, 2h] → mean over time.
        helper.make_node("Transpose", ["y"], ["tbdh"], perm=[0, 2, 1, 3]),
        helper.make_node("Shape", ["tbdh"], ["y_shape"]),
        helper.make_node("Slice", ["y_shape", "zero_start", "two_end"], ["tb"]),
        helper.make_node("Concat", ["tb", "minus_one"], ["merge_shape"], axis=0),
        helper.make_node("Reshape", ["tbdh", "merge_shape"], ["tbf"]),
        helper.make_node("ReduceMean", ["tbf"], ["mean"], axes=[0], keepdims=0),
        helper.make_node("Gemm", ["mean", "head_W", "head_b"], ["logits"], transB=1),
        helper.make_node("LogSoftmax", ["logits"], ["log_probabilities"], axis=1),
    ]
    init["zero_start"] = np.array([0], dtype=np.int64)
    init["two_end"] = np.array([2], dtype=np.int64)
    init["minus_one"] = np.array([-1], dtype=np.int64)
    runs = [[RNG.standard_normal((b, t, 13)).astype(np.float32)] for b, t in [(3, 17), (1, 40), (32, 9)]]
    add_case("tf2onnx_conv_lstm", nodes, [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", "time", 13])],
             [helper.make_tensor_value_info("log_probabilities", TensorProto.FLOAT, ["batch", 3])], init, runs, opset=11)


def gru_sequence_lens():
    """A reverse GRU over rows of different lengths, sequence_lens fed as an int32 input."""
    h = 7
    init = {"W": weights(1, 3 * h, 4), "R": weights(1, 3 * h, h), "B": weights(1, 6 * h, scale=0.1)}
    nodes = [helper.make_node("GRU", ["x", "W", "R", "B", "lengths"], ["y", "y_h"], hidden_size=h,
                              direction="reverse", linear_before_reset=1)]
    runs = [
        [RNG.standard_normal((9, 3, 4)).astype(np.float32), np.array([9, 4, 1], dtype=np.int32)],
        [RNG.standard_normal((5, 2, 4)).astype(np.float32), np.array([2, 5], dtype=np.int32)],
    ]
    add_case("gru_sequence_lens", nodes,
             [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["time", "batch", 4]),
              helper.make_tensor_value_info("lengths", TensorProto.INT32, ["batch"])],
             [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["time", 1, "batch", h]),
              helper.make_tensor_value_info("y_h", TensorProto.FLOAT, [1, "batch", h])], init, runs, opset=14)


def main():
    for entry in os.listdir(HERE):
        path = os.path.join(HERE, entry)
        if os.path.isdir(path):
            shutil.rmtree(path)
    batched_speech()
    tf2onnx_conv_lstm()
    gru_sequence_lens()
    with open(os.path.join(HERE, "manifest.json"), "w") as handle:
        json.dump({"cases": CASES}, handle, indent=1)


if __name__ == "__main__":
    main()
