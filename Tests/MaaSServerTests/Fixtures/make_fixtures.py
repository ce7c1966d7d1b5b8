#!/usr/bin/env python3
"""Makes the MaaSServerTests fixtures: a tiny ONNX classifier and what ONNX Runtime computes for it.

Run from the repository root (needs onnx, onnxruntime, numpy):

    python3 Tests/MaaSServerTests/Fixtures/make_fixtures.py

Writes, next to this script:
- mlp.onnx: x float32[batch, 4] -> Gemm(4x8) -> Relu -> Gemm(8x3) -> Softmax -> y float32[batch, 3]
- mlp_expected.json: the model's sha256, inputs and ONNX Runtime's outputs for a few batches (values as decimal floats that
  round-trip exactly through float32).
- wide.onnx: x float32[batch, 1] -> Expand to [batch, 262144] -> y: a 4-byte input answered with 1 MiB, for tests
  of clients that do not read their answers (ONNX Runtime checks that it runs and repeats x).
"""
import hashlib
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def make_model():
    rng = np.random.default_rng(20261129)
    w1 = rng.standard_normal((4, 8)).astype(np.float32)
    b1 = rng.standard_normal((8,)).astype(np.float32)
    w2 = rng.standard_normal((8, 3)).astype(np.float32)
    b2 = rng.standard_normal((3,)).astype(np.float32)
    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="dense1"),
        helper.make_node("Relu", ["h"], ["a"], name="relu1"),
        helper.make_node("Gemm", ["a", "w2", "b2"], ["logits"], name="dense2"),
        helper.make_node("Softmax", ["logits"], ["y"], name="softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])],
        initializer=[
            numpy_helper.from_array(w1, "w1"),
            numpy_helper.from_array(b1, "b1"),
            numpy_helper.from_array(w2, "w2"),
            numpy_helper.from_array(b2, "b2"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="maas-fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


WIDE_COLUMNS = 262144


def make_wide():
    shape = numpy_helper.from_array(np.array([1, WIDE_COLUMNS], dtype=np.int64), "shape")
    graph = helper.make_graph(
        [helper.make_node("Expand", ["x", "shape"], ["y"], name="expand")],
        "wide",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", WIDE_COLUMNS])],
        initializer=[shape],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="maas-fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def write_wide():
    path = os.path.join(HERE, "wide.onnx")
    onnx.save(make_wide(), path)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    x = np.array([[1.5], [-2.0]], dtype=np.float32)
    (y,) = session.run(["y"], {"x": x})
    assert y.shape == (2, WIDE_COLUMNS) and (y == x).all(), y.shape


def main():
    write_wide()
    model = make_model()
    path = os.path.join(HERE, "mlp.onnx")
    onnx.save(model, path)

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(7)
    runs = []
    for batch in (1, 2, 5):
        x = rng.standard_normal((batch, 4)).astype(np.float32)
        (y,) = session.run(["y"], {"x": x})
        runs.append({
            "x": {"shape": list(x.shape), "values": [float(v) for v in x.ravel()]},
            "y": {"shape": list(y.shape), "values": [float(v) for v in y.ravel()]},
        })
    with open(os.path.join(HERE, "mlp_expected.json"), "w") as f:
        with open(path, "rb") as m:
            sha256 = hashlib.sha256(m.read()).hexdigest()
        json.dump({"model": "mlp.onnx", "sha256": sha256, "input": "x", "output": "y", "runs": runs}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
