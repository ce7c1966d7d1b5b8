#!/usr/bin/env python3
"""Builds the demo model used by `make demo`: the reference speech-model shape
([T,1,20] MFCC frames -> LSTM(128) -> per-frame Dense(64, ReLU) -> Dense(10) -> softmax -> mean over time).

Weights are random (seeded): the demo shows the serving path, not a trained classifier.
Writes speech-demo.onnx and mfcc.npy (a [44,1,20] float32 input) next to this script, and
expected.npy, onnxruntime's output for that input, so the demo can show the served answer matches.

Regenerate: pip install onnx onnxruntime numpy && python3 deploy/demo/make_demo_model.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261129)
F, H, D, C = 20, 128, 64, 10


def init(name, shape, scale):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


inits = [
    init("W", (1, 4 * H, F), 0.2),
    init("R", (1, 4 * H, H), 0.08),
    init("B", (1, 8 * H), 0.05),
    init("dense1_w", (H, D), 0.15),
    init("dense1_b", (D,), 0.05),
    init("dense2_w", (D, C), 0.2),
    init("dense2_b", (C,), 0.05),
    numpy_helper.from_array(np.array([-1, H], dtype=np.int64), "flat_shape"),
]
nodes = [
    helper.make_node("LSTM", ["mfcc", "W", "R", "B"], ["Y", "Y_h", "Y_c"], hidden_size=H, name="lstm"),
    helper.make_node("Reshape", ["Y", "flat_shape"], ["frames"], name="flatten_frames"),
    helper.make_node("MatMul", ["frames", "dense1_w"], ["d1"], name="dense1_matmul"),
    helper.make_node("Add", ["d1", "dense1_b"], ["d1b"], name="dense1_bias"),
    helper.make_node("Relu", ["d1b"], ["h1"], name="dense1_relu"),
    helper.make_node("MatMul", ["h1", "dense2_w"], ["d2"], name="dense2_matmul"),
    helper.make_node("Add", ["d2", "dense2_b"], ["logits"], name="dense2_bias"),
    helper.make_node("Softmax", ["logits"], ["frame_probs"], axis=-1, name="softmax"),
    helper.make_node("ReduceMean", ["frame_probs"], ["probabilities"], axes=[0], keepdims=1, name="clip_mean"),
]
graph = helper.make_graph(
    nodes,
    "speech_demo",
    [helper.make_tensor_value_info("mfcc", TensorProto.FLOAT, ["T", 1, F])],
    [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [1, C])],
    inits,
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="maas-demo")
onnx.checker.check_model(model)
onnx.save(model, os.path.join(HERE, "speech-demo.onnx"))

x = rng.standard_normal((44, 1, F)).astype(np.float32)
np.save(os.path.join(HERE, "mfcc.npy"), x)

import onnxruntime as ort

sess = ort.InferenceSession(os.path.join(HERE, "speech-demo.onnx"), providers=["CPUExecutionProvider"])
(y,) = sess.run(None, {"mfcc": x})
np.save(os.path.join(HERE, "expected.npy"), y)
print("wrote speech-demo.onnx, mfcc.npy, expected.npy; expected argmax", int(y.argmax()), "p=%.4f" % y.max())
