#!/usr/bin/env python3
"""Builds the MaaSEngine fidelity fixtures: small ONNX models, fixed inputs, and ONNX Runtime's outputs.

Run from anywhere:  python3 Tests/MaaSEngineTests/Fixtures/make_fixtures.py
Needs: onnx, onnxruntime, numpy. Output is deterministic for a given onnxruntime version.

Layout (see README.md):
    manifest.json                 every case, its tensors and files
    ops/<case>/model.onnx         one operator (kernel and single-op tests)
    ops/<case>/w<i>.bin           the case's initializers, raw, so kernel tests need no ONNX parser
    models/<case>/model.onnx      whole networks (reference speech model, exporter-shaped graphs, ...)
    <kind>/<case>/r<k>_in<i>.bin  input i of run k;  r<k>_out<i>.bin  ONNX Runtime's output i
All .bin files are raw little-endian arrays in C (row-major) order, dtype and shape in the manifest.
"""

import json
import os
import shutil
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OPSET = 17
FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64
INT32 = TensorProto.INT32
NP_TO_ONNX = {np.dtype(np.float32): FLOAT, np.dtype(np.int64): INT64, np.dtype(np.int32): INT32}
DTYPE_NAMES = {np.dtype(np.float32): "float32", np.dtype(np.int64): "int64", np.dtype(np.int32): "int32"}

cases = []


def rng(seed):
    return np.random.default_rng(seed)


def normal(seed, shape, scale=1.0):
    return (rng(seed).standard_normal(shape) * scale).astype(np.float32)


def uniform(seed, shape, low=-1.0, high=1.0):
    return rng(seed).uniform(low, high, shape).astype(np.float32)


def attribute_value(attribute):
    value = helper.get_attribute_value(attribute)
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, list):
        return [v.decode() if isinstance(v, bytes) else v for v in value]
    if isinstance(value, (int, float, str)):
        return value
    return "<%s>" % type(value).__name__


def tensor_entry(name, array, file):
    return {"name": name, "dtype": DTYPE_NAMES[array.dtype], "shape": list(array.shape), "file": file}


def write_array(directory, file, array):
    with open(os.path.join(directory, file), "wb") as handle:
        handle.write(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes())


def value_info(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def add_case(kind, name, nodes, inputs, outputs, runs, initializers=None, opset=DEFAULT_OPSET, note=""):
    """Records one case. `inputs`/`outputs` are value infos (symbolic dims allowed); `runs` is a list of
    input lists (numpy arrays in graph-input order); initializers maps name → numpy array."""
    initializers = initializers or {}
    graph = helper.make_graph(
        nodes, name, inputs, outputs,
        initializer=[numpy_helper.from_array(array, name) for name, array in initializers.items()])
    opset_id = helper.make_opsetid("", opset)
    model = helper.make_model(graph, opset_imports=[opset_id], producer_name="maas-fixtures")
    model.ir_version = helper.find_min_ir_version_for([opset_id])
    model = complete_output_shapes(model, runs[0])
    reference = layout0_equivalent(model)
    if reference is not model:
        note = (note + "; " if note else "") + "expected outputs from the layout-0 equivalent (onnxruntime lacks layout 1)"
    onnx.checker.check_model(model, full_check=True)
    cases.append((kind, name, model, reference, runs, initializers, note))


def layout0_equivalent(model):
    """ONNX Runtime rejects LSTM/GRU with layout = 1, so the expected outputs of those cases come from an
    equivalent graph: the node at layout 0 wrapped in Transposes of X, the initial states and the outputs."""
    nodes = []
    changed = False
    for node in model.graph.node:
        layout = next((a.i for a in node.attribute if a.name == "layout"), 0)
        if node.op_type not in ("LSTM", "GRU") or layout != 1:
            nodes.append(node)
            continue
        changed = True
        inputs = list(node.input)
        state_slots = [5, 6] if node.op_type == "LSTM" else [5]
        for slot in [0] + state_slots:
            if slot < len(inputs) and inputs[slot]:
                nodes.append(helper.make_node("Transpose", [inputs[slot]], [inputs[slot] + "__t"], perm=[1, 0, 2]))
                inputs[slot] += "__t"
        outputs = list(node.output)
        renamed = [o + "__t" if o else "" for o in outputs]
        attributes = [a for a in node.attribute if a.name != "layout"]
        rewritten = helper.make_node(node.op_type, inputs, renamed)
        rewritten.attribute.extend(attributes)
        nodes.append(rewritten)
        for index, (original, temporary) in enumerate(zip(outputs, renamed)):
            if original:
                perm = [2, 0, 1, 3] if index == 0 else [1, 0, 2]
                nodes.append(helper.make_node("Transpose", [temporary], [original], perm=perm))
    if not changed:
        return model
    reference = onnx.ModelProto()
    reference.CopyFrom(model)
    del reference.graph.node[:]
    reference.graph.node.extend(nodes)
    return reference


def complete_output_shapes(model, first_run):
    """The checker wants a shape on every graph output; single-op cases declare only the type, so take
    the shapes from ONNX shape inference, or failing that the rank ONNX Runtime produces (dims symbolic)."""
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, data_prop=True)
    missing = [o for o in inferred.graph.output if not o.type.tensor_type.HasField("shape")]
    if missing:
        session = ort.InferenceSession(layout0_equivalent(inferred).SerializeToString(),
                                       providers=["CPUExecutionProvider"])
        feed = dict(zip([i.name for i in inferred.graph.input], first_run))
        results = dict(zip([o.name for o in inferred.graph.output], session.run(None, feed)))
        for output in missing:
            rank = np.asarray(results[output.name]).ndim
            shape = output.type.tensor_type.shape
            for axis in range(rank):
                shape.dim.add().dim_param = "%s_%d" % (output.name, axis)
    return inferred


def write_case(kind, name, model, reference, runs, initializers, note):
    directory = os.path.join(ROOT, kind, name)
    os.makedirs(directory)
    with open(os.path.join(directory, "model.onnx"), "wb") as handle:
        handle.write(model.SerializeToString())
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(reference.SerializeToString(), options, providers=["CPUExecutionProvider"])
    input_names = [i.name for i in model.graph.input]
    output_names = [o.name for o in model.graph.output]
    entry = {"name": name, "kind": kind, "dir": "%s/%s" % (kind, name), "opset": model.opset_import[0].version,
             "inputs": input_names, "outputs": output_names, "runs": []}
    if note:
        entry["note"] = note
    if kind == "ops":
        node = model.graph.node[-1]
        entry["op"] = {
            "type": node.op_type, "inputs": list(node.input), "outputs": list(node.output),
            "attributes": {a.name: attribute_value(a) for a in node.attribute}}
        entry["weights"] = []
        for index, (weight_name, array) in enumerate(initializers.items()):
            file = "w%d.bin" % index
            write_array(directory, file, array)
            entry["weights"].append(tensor_entry(weight_name, array, file))
    for run_index, run_inputs in enumerate(runs):
        assert len(run_inputs) == len(input_names), name
        feed = dict(zip(input_names, run_inputs))
        results = session.run(output_names, feed)
        run = {"inputs": [], "outputs": []}
        for index, (input_name, array) in enumerate(zip(input_names, run_inputs)):
            file = "r%d_in%d.bin" % (run_index, index)
            write_array(directory, file, array)
            run["inputs"].append(tensor_entry(input_name, array, file))
        for index, (output_name, array) in enumerate(zip(output_names, results)):
            file = "r%d_out%d.bin" % (run_index, index)
            array = np.asarray(array)
            write_array(directory, file, array)
            run["outputs"].append(tensor_entry(output_name, array, file))
        entry["runs"].append(run)
    return entry


def single_op(name, op, inputs, attributes=None, weights=None, output_count=1, output_names=None,
              opset=DEFAULT_OPSET, extra_runs=None, note="", input_order=None, output_dtype=FLOAT):
    """One-node graph. `inputs` are (name, array) graph inputs; `weights` (name, array) initializers.
    The node's inputs are graph inputs then weights unless `input_order` names them (use "" for absent)."""
    weights = weights or []
    output_names = output_names or ["y%d" % i if output_count > 1 else "y" for i in range(output_count)]
    node_inputs = input_order if input_order is not None else [n for n, _ in inputs] + [n for n, _ in weights]
    node = helper.make_node(op, node_inputs, output_names, **(attributes or {}))
    graph_inputs = [value_info(n, NP_TO_ONNX[a.dtype], ["d%d" % i for i in range(a.ndim)]) for n, a in inputs]
    graph_outputs = [value_info(n, output_dtype, None) for n in output_names if n]
    runs = [[a for _, a in inputs]] + (extra_runs or [])
    add_case("ops", name, [node], graph_inputs, graph_outputs, runs, dict(weights), opset, note)


# ---------------------------------------------------------------- recurrent

def lstm_weights(seed, directions, hidden, input_size, bias=True, peepholes=False, scale=0.4):
    weights = [("W", uniform(seed, (directions, 4 * hidden, input_size), -scale, scale)),
               ("R", uniform(seed + 1, (directions, 4 * hidden, hidden), -scale, scale))]
    if bias:
        weights.append(("B", uniform(seed + 2, (directions, 8 * hidden), -scale, scale)))
    if peepholes:
        weights.append(("P", uniform(seed + 3, (directions, 3 * hidden), -scale, scale)))
    return weights


def gru_weights(seed, directions, hidden, input_size, bias=True, scale=0.4):
    weights = [("W", uniform(seed, (directions, 3 * hidden, input_size), -scale, scale)),
               ("R", uniform(seed + 1, (directions, 3 * hidden, hidden), -scale, scale))]
    if bias:
        weights.append(("B", uniform(seed + 2, (directions, 6 * hidden), -scale, scale)))
    return weights


def recurrent_cases():
    T, B, I, H = 6, 3, 5, 7
    variants = [
        # name, direction, layout, extra
        ("lstm_forward", "forward", 0, {}),
        ("lstm_reverse", "reverse", 0, {}),
        ("lstm_bidirectional", "bidirectional", 0, {}),
        ("lstm_no_bias", "forward", 0, {"bias": False}),
        ("lstm_initial_states", "bidirectional", 0, {"states": True}),
        ("lstm_sequence_lens", "bidirectional", 0, {"lens": True, "states": True}),
        ("lstm_layout1", "bidirectional", 1, {"states": True}),
        ("lstm_layout1_sequence_lens", "forward", 1, {"lens": True}),
        ("lstm_peepholes", "bidirectional", 0, {"peepholes": True, "states": True}),
        ("lstm_clip", "forward", 0, {"clip": 0.5, "peepholes": True}),
        ("lstm_clip_no_peepholes", "reverse", 0, {"clip": 0.3}),
        ("lstm_input_forget", "forward", 0, {"input_forget": 1, "states": True}),
        ("lstm_batch1", "forward", 0, {"batch": 1, "hidden": 16, "steps": 10}),
        ("lstm_batch1_bidirectional", "bidirectional", 0, {"batch": 1, "hidden": 9, "steps": 4}),
    ]
    for index, (name, direction, layout, extra) in enumerate(variants):
        seed = 100 + 10 * index
        b, h, t = extra.get("batch", B), extra.get("hidden", H), extra.get("steps", T)
        d = 2 if direction == "bidirectional" else 1
        x_shape = (t, b, I) if layout == 0 else (b, t, I)
        state_shape = (d, b, h) if layout == 0 else (b, d, h)
        inputs = [("X", normal(seed, x_shape))]
        weights = lstm_weights(seed + 1, d, h, I, extra.get("bias", True), extra.get("peepholes", False))
        order = ["X", "W", "R", "B" if extra.get("bias", True) else ""]
        if extra.get("lens"):
            lens = np.array([t, max(1, t // 2), 1][:b], dtype=np.int32)
            inputs.append(("sequence_lens", lens))
            order.append("sequence_lens")
        else:
            order.append("")
        if extra.get("states"):
            inputs += [("initial_h", normal(seed + 5, state_shape, 0.5)), ("initial_c", normal(seed + 6, state_shape, 0.5))]
            order += ["initial_h", "initial_c"]
        else:
            order += ["", ""]
        if extra.get("peepholes"):
            order.append("P")
        while order and order[-1] == "":
            order.pop()
        attributes = {"hidden_size": h, "direction": direction}
        if layout:
            attributes["layout"] = layout
        if "clip" in extra:
            attributes["clip"] = extra["clip"]
        if "input_forget" in extra:
            attributes["input_forget"] = extra["input_forget"]
        single_op(name, "LSTM", inputs, attributes, weights, output_names=["Y", "Y_h", "Y_c"], input_order=order)
    # Only Y_h requested: the kernel must not need Y.
    single_op("lstm_only_final_h", "LSTM", [("X", normal(300, (T, B, I)))], {"hidden_size": H},
              lstm_weights(301, 1, H, I), output_names=["", "Y_h"])

    gru_variants = [
        ("gru_forward", "forward", 0, {}),
        ("gru_linear_before_reset", "forward", 0, {"lbr": 1}),
        ("gru_reverse", "reverse", 0, {"lbr": 1}),
        ("gru_bidirectional", "bidirectional", 0, {"states": True}),
        ("gru_bidirectional_lbr", "bidirectional", 0, {"states": True, "lbr": 1}),
        ("gru_no_bias", "forward", 0, {"bias": False}),
        ("gru_sequence_lens", "bidirectional", 0, {"lens": True, "lbr": 1}),
        ("gru_sequence_lens_lbr0", "bidirectional", 0, {"lens": True, "states": True}),
        ("gru_layout1", "bidirectional", 1, {"states": True}),
        ("gru_clip", "forward", 0, {"clip": 0.4, "lbr": 1}),
        ("gru_batch1", "forward", 0, {"batch": 1, "hidden": 16, "steps": 10}),
        ("gru_batch1_lbr", "reverse", 0, {"batch": 1, "hidden": 16, "steps": 10, "lbr": 1}),
        ("gru_clip_lbr0", "reverse", 0, {"clip": 0.3, "states": True}),
    ]
    for index, (name, direction, layout, extra) in enumerate(gru_variants):
        seed = 400 + 10 * index
        b, h, t = extra.get("batch", B), extra.get("hidden", H), extra.get("steps", T)
        d = 2 if direction == "bidirectional" else 1
        x_shape = (t, b, I) if layout == 0 else (b, t, I)
        state_shape = (d, b, h) if layout == 0 else (b, d, h)
        inputs = [("X", normal(seed, x_shape))]
        weights = gru_weights(seed + 1, d, h, I, extra.get("bias", True))
        order = ["X", "W", "R", "B" if extra.get("bias", True) else ""]
        if extra.get("lens"):
            inputs.append(("sequence_lens", np.array([t, max(1, t // 2), 1][:b], dtype=np.int32)))
            order.append("sequence_lens")
        else:
            order.append("")
        if extra.get("states"):
            inputs.append(("initial_h", normal(seed + 5, state_shape, 0.5)))
            order.append("initial_h")
        while order and order[-1] == "":
            order.pop()
        attributes = {"hidden_size": h, "direction": direction, "linear_before_reset": extra.get("lbr", 0)}
        if layout:
            attributes["layout"] = layout
        if "clip" in extra:
            attributes["clip"] = extra["clip"]
        single_op(name, "GRU", inputs, attributes, weights, output_names=["Y", "Y_h"], input_order=order)


# ---------------------------------------------------------------- dense algebra

def algebra_cases():
    a, b = normal(1, (4, 5)), normal(2, (5, 3))
    single_op("gemm_basic", "Gemm", [("A", a)], {}, [("B", b), ("C", normal(3, (3,)))])
    single_op("gemm_trans_a", "Gemm", [("A", normal(4, (5, 4)))], {"transA": 1}, [("B", b), ("C", normal(5, (1, 3)))])
    single_op("gemm_trans_b", "Gemm", [("A", a)], {"transB": 1}, [("B", normal(6, (3, 5))), ("C", normal(7, (4, 3)))])
    single_op("gemm_trans_both_alpha_beta", "Gemm", [("A", normal(8, (5, 4)))],
              {"transA": 1, "transB": 1, "alpha": 0.5, "beta": -2.0}, [("B", normal(9, (3, 5))), ("C", normal(10, (4, 1)))])
    single_op("gemm_scalar_bias", "Gemm", [("A", a)], {"alpha": 1.5}, [("B", b), ("C", normal(11, (1,)))])
    single_op("gemm_no_bias", "Gemm", [("A", a)], {}, [("B", b)])
    single_op("gemm_single_row", "Gemm", [("A", normal(12, (1, 16)))], {"transB": 1},
              [("B", normal(13, (8, 16))), ("C", normal(14, (8,)))])
    single_op("gemm_two_inputs", "Gemm", [("A", a), ("B", b)], {})

    single_op("matmul_2d", "MatMul", [("A", normal(20, (4, 6))), ("B", normal(21, (6, 3)))])
    single_op("matmul_3d_by_2d", "MatMul", [("A", normal(22, (2, 5, 6)))], {}, [("B", normal(23, (6, 4)))])
    single_op("matmul_broadcast_batch", "MatMul", [("A", normal(24, (2, 1, 3, 4))), ("B", normal(25, (5, 4, 6)))])
    single_op("matmul_batched_same", "MatMul", [("A", normal(26, (3, 2, 4))), ("B", normal(27, (3, 4, 5)))])
    single_op("matmul_vector_matrix", "MatMul", [("A", normal(28, (4,))), ("B", normal(29, (4, 3)))])
    single_op("matmul_matrix_vector", "MatMul", [("A", normal(30, (2, 3, 4))), ("B", normal(31, (4,)))])
    single_op("matmul_single_row", "MatMul", [("A", normal(32, (1, 32)))], {}, [("B", normal(33, (32, 12)))])

    # MatMul + Add: what the plan compiler fuses into one dense op.
    x = normal(40, (2, 5, 8))
    weights = {"W": normal(41, (8, 6), 0.5), "bias": normal(42, (6,))}
    nodes = [helper.make_node("MatMul", ["x", "W"], ["xw"]), helper.make_node("Add", ["xw", "bias"], ["y"])]
    add_case("ops", "dense_matmul_add", nodes, [value_info("x", FLOAT, ["batch", "time", 8])],
             [value_info("y", FLOAT, None)], [[x], [normal(43, (1, 1, 8))]], weights)
    nodes = [helper.make_node("MatMul", ["x", "W"], ["xw"]), helper.make_node("Add", ["xw", "bias"], ["z"]),
             helper.make_node("Relu", ["z"], ["y"])]
    add_case("ops", "dense_relu", nodes, [value_info("x", FLOAT, ["rows", 8])],
             [value_info("y", FLOAT, None)], [[normal(44, (7, 8))], [normal(45, (1, 8))]], weights)


# ---------------------------------------------------------------- convolution family

def conv_cases():
    conv = [
        # name, x shape, w shape, attributes, bias
        ("conv1d_basic", (2, 3, 10), (4, 3, 3), {}, True),
        ("conv1d_pads_strides_dilations", (2, 3, 11), (4, 3, 3), {"pads": [2, 1], "strides": [2], "dilations": [2]}, True),
        ("conv1d_group", (2, 4, 9), (6, 2, 3), {"group": 2, "pads": [1, 1]}, False),
        ("conv1d_depthwise", (1, 4, 12), (4, 1, 5), {"group": 4, "pads": [2, 2]}, True),
        ("conv1d_pointwise", (3, 5, 7), (6, 5, 1), {}, True),
        ("conv2d_basic", (2, 3, 6, 7), (4, 3, 3, 3), {}, True),
        ("conv2d_pads_strides", (2, 3, 7, 8), (5, 3, 3, 2), {"pads": [1, 0, 2, 1], "strides": [2, 3]}, True),
        ("conv2d_dilations", (1, 2, 9, 9), (3, 2, 3, 3), {"dilations": [2, 3], "pads": [1, 1, 1, 1]}, False),
        ("conv2d_group", (2, 4, 5, 5), (6, 2, 3, 3), {"group": 2, "pads": [1, 1, 1, 1]}, True),
        ("conv2d_pointwise", (2, 3, 4, 5), (2, 3, 1, 1), {}, False),
        ("conv2d_same_upper", (1, 2, 5, 6), (3, 2, 3, 3), {"auto_pad": "SAME_UPPER", "strides": [2, 2]}, True),
    ]
    for index, (name, x_shape, w_shape, attributes, bias) in enumerate(conv):
        seed = 600 + 5 * index
        attributes = dict(attributes, kernel_shape=list(w_shape[2:]))
        weights = [("W", normal(seed + 1, w_shape, 0.5))]
        if bias:
            weights.append(("B", normal(seed + 2, (w_shape[0],))))
        single_op(name, "Conv", [("X", normal(seed, x_shape))], attributes, weights)

    for index, shape in enumerate([(2, 3, 4, 5), (2, 4, 6), (5, 3)]):
        c = shape[1]
        weights = [("scale", uniform(700 + index, (c,), 0.5, 1.5)), ("bias", normal(710 + index, (c,))),
                   ("mean", normal(720 + index, (c,))), ("var", uniform(730 + index, (c,), 0.2, 2.0))]
        name = "batchnorm_%dd" % (len(shape) - 2) if len(shape) > 2 else "batchnorm_flat"
        single_op(name, "BatchNormalization", [("X", normal(740 + index, shape))], {"epsilon": 1e-3}, weights)

    pools = [
        ("maxpool2d_basic", "MaxPool", (2, 3, 6, 6), {"kernel_shape": [2, 2], "strides": [2, 2]}),
        ("maxpool2d_pads_strides", "MaxPool", (1, 2, 7, 8), {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1]}),
        ("maxpool2d_ceil", "MaxPool", (1, 2, 7, 7), {"kernel_shape": [2, 2], "strides": [2, 2], "ceil_mode": 1}),
        ("maxpool2d_dilations", "MaxPool", (1, 2, 8, 8), {"kernel_shape": [2, 2], "dilations": [2, 2]}),
        ("maxpool1d", "MaxPool", (2, 3, 11), {"kernel_shape": [3], "strides": [2], "pads": [1, 1]}),
        ("averagepool2d_exclude_pad", "AveragePool", (1, 2, 6, 7), {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1], "strides": [2, 2]}),
        ("averagepool2d_include_pad", "AveragePool", (1, 2, 6, 7),
         {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1], "strides": [2, 2], "count_include_pad": 1}),
        ("averagepool2d_ceil", "AveragePool", (1, 2, 7, 7), {"kernel_shape": [2, 2], "strides": [2, 2], "ceil_mode": 1}),
        ("averagepool2d_ceil_include_pad", "AveragePool", (1, 1, 6, 6),
         {"kernel_shape": [3, 3], "strides": [2, 2], "pads": [1, 1, 1, 1], "ceil_mode": 1, "count_include_pad": 1}),
        ("averagepool1d", "AveragePool", (2, 3, 10), {"kernel_shape": [4], "strides": [3], "pads": [2, 1]}),
    ]
    for index, (name, op, shape, attributes) in enumerate(pools):
        single_op(name, op, [("X", normal(800 + index, shape))], attributes)
    single_op("globalaveragepool2d", "GlobalAveragePool", [("X", normal(850, (2, 3, 4, 5)))])
    single_op("globalaveragepool1d", "GlobalAveragePool", [("X", normal(851, (2, 3, 7)))])


def softmax_cases():
    for op in ["Softmax", "LogSoftmax"]:
        prefix = op.lower()
        single_op(prefix + "_last_axis", op, [("X", normal(900, (3, 4, 5), 3.0))], {"axis": -1}, opset=13)
        single_op(prefix + "_middle_axis", op, [("X", normal(901, (2, 5, 3)))], {"axis": 1}, opset=13)
        single_op(prefix + "_first_axis", op, [("X", normal(902, (4, 3)))], {"axis": 0}, opset=13)
        single_op(prefix + "_opset11_coerce_2d", op, [("X", normal(903, (2, 3, 4)))], {"axis": 1}, opset=11,
                  note="opset < 13: flattened to 2-D at axis")
        single_op(prefix + "_large_logits", op, [("X", normal(904, (2, 6), 1.0) * 40 + 80)], {"axis": -1}, opset=13)


# ---------------------------------------------------------------- light ops (executor's, fixtures for its tests)

def elementwise_cases():
    for op in ["Add", "Sub", "Mul", "Div"]:
        prefix = op.lower()
        single_op(prefix + "_same_shape", op, [("A", normal(1000, (2, 3))), ("B", uniform(1001, (2, 3), 0.5, 2.0))])
        single_op(prefix + "_broadcast_row", op, [("A", normal(1002, (2, 3, 4))), ("B", uniform(1003, (4,), 0.5, 2.0))])
        single_op(prefix + "_broadcast_both", op, [("A", normal(1004, (2, 1, 4))), ("B", uniform(1005, (3, 1), 0.5, 2.0))])
        single_op(prefix + "_scalar_constant", op, [("A", normal(1006, (3, 2)))], {},
                  [("B", np.array(1.5, dtype=np.float32))])
    x = normal(1010, (3, 4), 2.0)
    single_op("relu", "Relu", [("X", x)])
    single_op("leakyrelu_default", "LeakyRelu", [("X", x)])
    single_op("leakyrelu_alpha", "LeakyRelu", [("X", x)], {"alpha": 0.2})
    single_op("sigmoid", "Sigmoid", [("X", normal(1011, (4, 5), 4.0))])
    single_op("tanh", "Tanh", [("X", normal(1012, (4, 5), 3.0))])
    single_op("clip_min_max", "Clip", [("X", x)], {}, [("min", np.array(-0.5, np.float32)), ("max", np.array(0.7, np.float32))])
    single_op("clip_min_only", "Clip", [("X", x)], {}, [("min", np.array(0.1, np.float32))])
    single_op("clip_no_bounds", "Clip", [("X", x)])
    single_op("clip_max_only", "Clip", [("X", x)], {}, [("max", np.array(0.3, np.float32))], input_order=["X", "", "max"])
    single_op("identity", "Identity", [("X", x)])
    single_op("dropout_inference", "Dropout", [("X", x)], {}, [("ratio", np.array(0.5, np.float32))])
    single_op("dropout_opset11", "Dropout", [("X", x)], {"ratio": 0.3}, opset=11)


def shape_cases():
    x = normal(1100, (2, 3, 4))
    single_op("transpose_default", "Transpose", [("X", x)])
    single_op("transpose_perm", "Transpose", [("X", x)], {"perm": [1, 0, 2]})
    single_op("transpose_4d", "Transpose", [("X", normal(1101, (2, 3, 4, 5)))], {"perm": [0, 2, 1, 3]})
    single_op("reshape_minus_one", "Reshape", [("X", x)], {}, [("shape", np.array([-1, 4], np.int64))])
    single_op("reshape_zero_copies", "Reshape", [("X", x)], {}, [("shape", np.array([0, -1], np.int64))])
    single_op("reshape_expand_rank", "Reshape", [("X", x)], {}, [("shape", np.array([2, 3, 2, 2], np.int64))])
    y = normal(1102, (1, 3, 1, 4))
    single_op("squeeze_axes_input", "Squeeze", [("X", y)], {}, [("axes", np.array([0, -2], np.int64))], opset=13)
    single_op("squeeze_all", "Squeeze", [("X", y)], opset=13)
    single_op("squeeze_axes_attribute", "Squeeze", [("X", y)], {"axes": [2]}, opset=11)
    single_op("unsqueeze_axes_input", "Unsqueeze", [("X", x)], {}, [("axes", np.array([0, -1], np.int64))], opset=13)
    single_op("unsqueeze_axes_attribute", "Unsqueeze", [("X", x)], {"axes": [1]}, opset=11)
    single_op("concat_axis0", "Concat", [("A", normal(1103, (2, 3))), ("B", normal(1104, (1, 3)))], {"axis": 0})
    single_op("concat_negative_axis", "Concat",
              [("A", normal(1105, (2, 3, 1))), ("B", normal(1106, (2, 3, 2))), ("C", normal(1107, (2, 3, 3)))], {"axis": -1})
    single_op("concat_int64", "Concat", [("A", np.array([1], np.int64)), ("B", np.array([5, 7], np.int64))], {"axis": 0},
              output_dtype=INT64)
    z = normal(1108, (4, 6, 5))
    i64 = lambda *v: np.array(v, np.int64)
    single_op("slice_basic", "Slice", [("X", z)], {}, [("starts", i64(1, 0)), ("ends", i64(3, 4)), ("axes", i64(0, 2))])
    single_op("slice_negative_steps", "Slice", [("X", z)], {},
              [("starts", i64(-1)), ("ends", i64(-(2 ** 63))), ("axes", i64(1)), ("steps", i64(-2))])
    single_op("slice_no_axes_clamped", "Slice", [("X", z)], {}, [("starts", i64(0, 2)), ("ends", i64(2 ** 62, 100))])
    single_op("slice_last_step", "Slice", [("X", z)], {}, [("starts", i64(-1)), ("ends", i64(2 ** 63 - 1)), ("axes", i64(0))])
    single_op("gather_axis0", "Gather", [("X", z)], {"axis": 0}, [("indices", i64(3, 0, -1))])
    single_op("gather_axis1_scalar", "Gather", [("X", z)], {"axis": 1}, [("indices", np.array(-1, np.int64))])
    single_op("gather_int32_indices_2d", "Gather", [("X", z)], {"axis": 2}, [("indices", np.array([[0, 4], [2, 2]], np.int32))])
    single_op("gather_shape_vector", "Gather", [("X", np.array([7, 1, 20], np.int64))], {"axis": 0},
              [("indices", np.array(0, np.int64))], output_dtype=INT64)
    single_op("flatten_default", "Flatten", [("X", normal(1109, (2, 3, 4, 5)))])
    single_op("flatten_axis0", "Flatten", [("X", x)], {"axis": 0})
    single_op("flatten_axis2", "Flatten", [("X", normal(1110, (2, 3, 4, 5)))], {"axis": 2})
    single_op("shape", "Shape", [("X", x)], output_dtype=INT64)
    single_op("shape_start_end", "Shape", [("X", normal(1111, (2, 3, 4, 5)))], {"start": 1, "end": -1}, opset=15,
              output_dtype=INT64)
    single_op("cast_float_to_int64", "Cast", [("X", normal(1112, (3, 4), 5.0))], {"to": INT64}, output_dtype=INT64)
    single_op("cast_int64_to_float", "Cast", [("X", np.array([3, -2, 7], np.int64))], {"to": FLOAT})
    single_op("cast_int64_to_int32", "Cast", [("X", np.array([3, -2, 7], np.int64))], {"to": INT32}, output_dtype=INT32)
    single_op("expand_broadcast", "Expand", [("X", normal(1113, (3, 1)))], {}, [("shape", i64(2, 3, 4))])
    single_op("expand_scalar", "Expand", [("X", np.array(0.0, np.float32))], {}, [("shape", i64(1, 2, 3))])
    single_op("expand_smaller_shape", "Expand", [("X", normal(1114, (2, 3)))], {}, [("shape", i64(3))])
    single_op("constantofshape_default", "ConstantOfShape", [("shape", i64(2, 3))])
    single_op("constantofshape_value", "ConstantOfShape", [("shape", i64(1, 2, 4))],
              {"value": numpy_helper.from_array(np.array([0.25], np.float32))})
    r = normal(1115, (2, 3, 4))
    single_op("reducemean_axes_attribute", "ReduceMean", [("X", r)], {"axes": [1], "keepdims": 1}, opset=13)
    single_op("reducemean_keepdims0", "ReduceMean", [("X", r)], {"axes": [-1, 0], "keepdims": 0}, opset=13)
    single_op("reducemean_all", "ReduceMean", [("X", r)], opset=13)
    single_op("reducemean_axes_input", "ReduceMean", [("X", r)], {"keepdims": 0}, [("axes", i64(1))], opset=18)

    # Constant has no inputs; the graph still takes one so every case has an input to feed.
    value = normal(1116, (2, 3))
    nodes = [helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(value)),
             helper.make_node("Add", ["x", "c"], ["y"])]
    add_case("ops", "constant_tensor", nodes, [value_info("x", FLOAT, [2, 3])], [value_info("y", FLOAT, None)],
             [[normal(1117, (2, 3))]])
    nodes = [helper.make_node("Constant", [], ["c"], value_float=2.5), helper.make_node("Mul", ["x", "c"], ["y"])]
    add_case("ops", "constant_value_float", nodes, [value_info("x", FLOAT, [2, 3])],
             [value_info("y", FLOAT, None)], [[normal(1118, (2, 3))]])
    nodes = [helper.make_node("Constant", [], ["c"], value_ints=[3, 2]), helper.make_node("Reshape", ["x", "c"], ["y"])]
    add_case("ops", "constant_value_ints", nodes, [value_info("x", FLOAT, [2, 3])],
             [value_info("y", FLOAT, None)], [[normal(1119, (2, 3))]])


# ---------------------------------------------------------------- whole networks

def dense_nodes(prefix, input_name, output_name, weights, features_in, features_out, seed, activation=None):
    w, b = prefix + "_W", prefix + "_b"
    weights[w] = uniform(seed, (features_in, features_out), -1 / np.sqrt(features_in), 1 / np.sqrt(features_in))
    weights[b] = uniform(seed + 1, (features_out,), -0.1, 0.1)
    nodes = [helper.make_node("MatMul", [input_name, w], [prefix + "_mm"]),
             helper.make_node("Add", [prefix + "_mm", b], [prefix + "_z" if activation else output_name])]
    if activation:
        nodes.append(helper.make_node(activation, [prefix + "_z"], [output_name]))
    return nodes


def lstm_node_weights(prefix, weights, directions, hidden, input_size, seed):
    scale = 1 / np.sqrt(hidden)
    weights[prefix + "_W"] = uniform(seed, (directions, 4 * hidden, input_size), -scale, scale)
    weights[prefix + "_R"] = uniform(seed + 1, (directions, 4 * hidden, hidden), -scale, scale)
    weights[prefix + "_B"] = uniform(seed + 2, (directions, 8 * hidden), -scale, scale)
    return [prefix + "_W", prefix + "_R", prefix + "_B"]


def gru_node_weights(prefix, weights, directions, hidden, input_size, seed):
    scale = 1 / np.sqrt(hidden)
    weights[prefix + "_W"] = uniform(seed, (directions, 3 * hidden, input_size), -scale, scale)
    weights[prefix + "_R"] = uniform(seed + 1, (directions, 3 * hidden, hidden), -scale, scale)
    weights[prefix + "_B"] = uniform(seed + 2, (directions, 6 * hidden), -scale, scale)
    return [prefix + "_W", prefix + "_R", prefix + "_B"]


def reference_speech_model():
    """[T, B, 20] → LSTM 128 → per-frame Dense 64 ReLU → Dense 10 Softmax → [T, B, 10]."""
    weights = {}
    nodes = [helper.make_node("LSTM", ["x"] + lstm_node_weights("lstm", weights, 1, 128, 20, 2000),
                              ["lstm_y"], hidden_size=128),
             helper.make_node("Squeeze", ["lstm_y", "squeeze_axes"], ["frames"])]
    weights["squeeze_axes"] = np.array([1], np.int64)
    nodes += dense_nodes("dense1", "frames", "hidden", weights, 128, 64, 2010, "Relu")
    nodes += dense_nodes("dense2", "hidden", "logits", weights, 64, 10, 2020)
    nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1))
    return nodes, weights


def network_cases():
    nodes, weights = reference_speech_model()
    add_case("models", "reference_speech", nodes, [value_info("x", FLOAT, ["T", "batch", 20])],
             [value_info("probabilities", FLOAT, ["T", "batch", 10])],
             [[normal(3000, (44, 1, 20))], [normal(3001, (20, 3, 20))]], weights,
             note="the issue's reference model; runs at batch 1 (T=44) and batch 3 (T=20)")

    # GRU classifier on the last time step of Y (Gather index −1 on the time axis).
    weights = {"last": np.array(-1, np.int64), "axes0": np.array([0], np.int64)}
    nodes = [helper.make_node("GRU", ["x"] + gru_node_weights("gru", weights, 1, 32, 12, 2100), ["gru_y"],
                              hidden_size=32, linear_before_reset=1),
             helper.make_node("Gather", ["gru_y", "last"], ["last_y"], axis=0),
             helper.make_node("Squeeze", ["last_y", "axes0"], ["last_h"])]
    nodes += dense_nodes("head", "last_h", "logits", weights, 32, 5, 2110)
    nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1))
    add_case("models", "gru_classifier", nodes, [value_info("x", FLOAT, ["T", "batch", 12])],
             [value_info("probabilities", FLOAT, ["batch", 5])],
             [[normal(3100, (15, 1, 12))], [normal(3101, (9, 4, 12))]], weights)

    # Bidirectional LSTM; both directions' outputs joined per frame.
    weights = {"shape_tb": np.array([0, 0, -1], np.int64)}
    nodes = [helper.make_node("LSTM", ["x"] + lstm_node_weights("bilstm", weights, 2, 24, 16, 2200), ["y"],
                              hidden_size=24, direction="bidirectional"),
             helper.make_node("Transpose", ["y"], ["y_tbdh"], perm=[0, 2, 1, 3]),
             helper.make_node("Reshape", ["y_tbdh", "shape_tb"], ["frames"])]
    nodes += dense_nodes("head", "frames", "logits", weights, 48, 6, 2210)
    nodes.append(helper.make_node("LogSoftmax", ["logits"], ["log_probabilities"], axis=-1))
    add_case("models", "bidirectional_lstm", nodes, [value_info("x", FLOAT, ["T", "batch", 16])],
             [value_info("log_probabilities", FLOAT, ["T", "batch", 6])],
             [[normal(3200, (12, 1, 16))], [normal(3201, (7, 3, 16))]], weights)

    # Two stacked LSTMs with different sizes, Y_h of the second feeds the head.
    weights = {"axes1": np.array([1], np.int64), "axes0": np.array([0], np.int64)}
    nodes = [helper.make_node("LSTM", ["x"] + lstm_node_weights("l1", weights, 1, 32, 20, 2300), ["y1"], hidden_size=32),
             helper.make_node("Squeeze", ["y1", "axes1"], ["h1"]),
             helper.make_node("LSTM", ["h1"] + lstm_node_weights("l2", weights, 1, 24, 32, 2310), ["", "yh2"], hidden_size=24),
             helper.make_node("Squeeze", ["yh2", "axes0"], ["h2"])]
    nodes += dense_nodes("head", "h2", "logits", weights, 24, 8, 2320)
    nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1))
    add_case("models", "two_layer_lstm", nodes, [value_info("x", FLOAT, ["T", "batch", 20])],
             [value_info("probabilities", FLOAT, ["batch", 8])],
             [[normal(3300, (16, 1, 20))], [normal(3301, (10, 2, 20))]], weights)

    # 1-D CNN front end then GRU: [B, 20, T] → Conv → BN → Relu → MaxPool → [T', B, C] → GRU → head.
    weights = {"conv_W": normal(2400, (16, 20, 3), 0.2), "conv_b": normal(2401, (16,), 0.1),
               "bn_scale": uniform(2402, (16,), 0.5, 1.5), "bn_bias": normal(2403, (16,), 0.1),
               "bn_mean": normal(2404, (16,), 0.1), "bn_var": uniform(2405, (16,), 0.5, 1.5),
               "axes0": np.array([0], np.int64)}
    nodes = [helper.make_node("Conv", ["x", "conv_W", "conv_b"], ["conv"], kernel_shape=[3], pads=[1, 1]),
             helper.make_node("BatchNormalization", ["conv", "bn_scale", "bn_bias", "bn_mean", "bn_var"], ["bn"]),
             helper.make_node("Relu", ["bn"], ["act"]),
             helper.make_node("MaxPool", ["act"], ["pooled"], kernel_shape=[2], strides=[2]),
             helper.make_node("Transpose", ["pooled"], ["seq"], perm=[2, 0, 1]),
             helper.make_node("GRU", ["seq"] + gru_node_weights("gru", weights, 1, 24, 16, 2410), ["", "gru_h"],
                              hidden_size=24),
             helper.make_node("Squeeze", ["gru_h", "axes0"], ["h"]),
             helper.make_node("Gemm", ["h", "head_W", "head_b"], ["logits"], transB=1),
             helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1)]
    weights["head_W"] = normal(2420, (4, 24), 0.3)
    weights["head_b"] = normal(2421, (4,), 0.1)
    add_case("models", "cnn_gru", nodes, [value_info("x", FLOAT, ["batch", 20, "T"])],
             [value_info("probabilities", FLOAT, ["batch", 4])],
             [[normal(3400, (1, 20, 30))], [normal(3401, (3, 20, 17))]], weights)


def exporter_cases():
    # Keras/tf2onnx shape: batch-major input, Transpose to time-major, zero states from
    # Shape→Slice→Cast→Concat→Expand, LSTM, Dense as Reshape→MatMul→Reshape back to [B, T, N].
    H, F, N = 32, 20, 10
    weights = {"zero": np.array(0.0, np.float32), "one_dim": np.array([1], np.int64), "h_dim": np.array([H], np.int64),
               "slice_start": np.array([0], np.int64), "slice_end": np.array([1], np.int64),
               "axes1": np.array([1], np.int64), "flat": np.array([-1, H], np.int64),
               "bt_start": np.array([0], np.int64), "bt_end": np.array([2], np.int64), "n_dim": np.array([N], np.int64)}
    nodes = [helper.make_node("Transpose", ["input"], ["tbf"], perm=[1, 0, 2]),
             helper.make_node("Shape", ["input"], ["input_shape"]),
             helper.make_node("Slice", ["input_shape", "slice_start", "slice_end"], ["batch_dim"]),
             helper.make_node("Cast", ["batch_dim"], ["batch_dim32"], to=INT32),
             helper.make_node("Cast", ["batch_dim32"], ["batch_dim64"], to=INT64),
             helper.make_node("Concat", ["one_dim", "batch_dim64", "h_dim"], ["state_shape"], axis=0),
             helper.make_node("Expand", ["zero", "state_shape"], ["zeros_h"]),
             helper.make_node("Expand", ["zero", "state_shape"], ["zeros_c"]),
             helper.make_node("LSTM", ["tbf"] + lstm_node_weights("lstm", weights, 1, H, F, 2500) + ["", "zeros_h", "zeros_c"],
                              ["lstm_y"], hidden_size=H),
             helper.make_node("Squeeze", ["lstm_y", "axes1"], ["tbh"]),
             helper.make_node("Transpose", ["tbh"], ["bth"], perm=[1, 0, 2]),
             helper.make_node("Reshape", ["bth", "flat"], ["rows"]),
             helper.make_node("MatMul", ["rows", "dense_W"], ["rows_mm"]),
             helper.make_node("Add", ["rows_mm", "dense_b"], ["rows_logits"]),
             helper.make_node("Shape", ["bth"], ["bth_shape"]),
             helper.make_node("Slice", ["bth_shape", "bt_start", "bt_end"], ["bt_dims"]),
             helper.make_node("Concat", ["bt_dims", "n_dim"], ["out_shape"], axis=0),
             helper.make_node("Reshape", ["rows_logits", "out_shape"], ["logits"]),
             helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1)]
    weights["dense_W"] = uniform(2510, (H, N), -0.3, 0.3)
    weights["dense_b"] = uniform(2511, (N,), -0.1, 0.1)
    add_case("models", "keras_lstm", nodes, [value_info("input", FLOAT, ["batch", "time", F])],
             [value_info("probabilities", FLOAT, ["batch", "time", N])],
             [[normal(3500, (1, 25, F))], [normal(3501, (3, 11, F))]], weights, opset=13,
             note="tf2onnx-style: Transpose in, zero states via Shape/Slice/Cast/Concat/Expand, Reshape→MatMul→Reshape")

    # PyTorch shape: batch_first GRU exported as Transpose + GRU, zero state via
    # Shape→Gather→Unsqueeze→Concat→ConstantOfShape, Dropout, Linear as MatMul+Add on 3-D,
    # classifier on the last frame via Gather(−1).
    H, F = 24, 13
    weights = {"idx1": np.array(1, np.int64), "one_dim": np.array([1], np.int64), "h_dim": np.array([H], np.int64),
               "axes0": np.array([0], np.int64), "axes1": np.array([1], np.int64), "last": np.array(-1, np.int64)}
    nodes = [helper.make_node("Shape", ["input"], ["shape"]),
             helper.make_node("Gather", ["shape", "idx1"], ["batch_scalar"], axis=0),
             helper.make_node("Unsqueeze", ["batch_scalar", "axes0"], ["batch_vec"]),
             helper.make_node("Concat", ["one_dim", "batch_vec", "h_dim"], ["state_shape"], axis=0),
             helper.make_node("ConstantOfShape", ["state_shape"], ["h0"],
                              value=numpy_helper.from_array(np.array([0.0], np.float32))),
             helper.make_node("GRU", ["input"] + gru_node_weights("gru", weights, 1, H, F, 2600) + ["", "h0"],
                              ["gru_y", "gru_h"], hidden_size=H, linear_before_reset=1),
             helper.make_node("Squeeze", ["gru_y", "axes1"], ["tbh"]),
             helper.make_node("Transpose", ["tbh"], ["bth"], perm=[1, 0, 2]),
             helper.make_node("Dropout", ["bth"], ["bth_dropped"]),
             helper.make_node("MatMul", ["bth_dropped", "fc_W"], ["fc_mm"]),
             helper.make_node("Add", ["fc_mm", "fc_b"], ["fc"]),
             helper.make_node("Relu", ["fc"], ["fc_relu"]),
             helper.make_node("Gather", ["fc_relu", "last"], ["last_frame"], axis=1),
             helper.make_node("Flatten", ["last_frame"], ["flat"], axis=1),
             helper.make_node("Gemm", ["flat", "out_W", "out_b"], ["logits"], transB=1),
             helper.make_node("LogSoftmax", ["logits"], ["log_probabilities"], axis=1)]
    weights["fc_W"] = uniform(2610, (H, 16), -0.3, 0.3)
    weights["fc_b"] = uniform(2611, (16,), -0.1, 0.1)
    weights["out_W"] = uniform(2612, (3, 16), -0.3, 0.3)
    weights["out_b"] = uniform(2613, (3,), -0.1, 0.1)
    add_case("models", "pytorch_gru", nodes, [value_info("input", FLOAT, ["time", "batch", F])],
             [value_info("log_probabilities", FLOAT, ["batch", 3])],
             [[normal(3600, (18, 1, F))], [normal(3601, (8, 5, F))]], weights, opset=14,
             note="PyTorch-style: zero state via Shape/Gather/Unsqueeze/Concat/ConstantOfShape, Dropout, Gather(-1)")

    # PyTorch batch_first LSTM exported with layout=1 and a Clip'd, ReduceMean-pooled head.
    H, F = 16, 20
    weights = {"axes1": np.array([1], np.int64), "axes2": np.array([2], np.int64),
               "lo": np.array(0.0, np.float32), "hi": np.array(6.0, np.float32)}
    nodes = [helper.make_node("LSTM", ["input"] + lstm_node_weights("lstm", weights, 1, H, F, 2700), ["y"],
                              hidden_size=H, layout=1),
             helper.make_node("Squeeze", ["y", "axes2"], ["bth"]),
             helper.make_node("ReduceMean", ["bth", "axes1"], ["pooled"], keepdims=0),
             helper.make_node("Clip", ["pooled", "lo", "hi"], ["clipped"])]
    nodes += dense_nodes("head", "clipped", "logits", weights, H, 4, 2710)
    nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1))
    add_case("models", "pytorch_lstm_layout1", nodes, [value_info("input", FLOAT, ["batch", "time", F])],
             [value_info("probabilities", FLOAT, ["batch", 4])],
             [[normal(3700, (1, 21, F))], [normal(3701, (4, 9, F))]], weights, opset=18)


def main():
    recurrent_cases()
    algebra_cases()
    conv_cases()
    softmax_cases()
    elementwise_cases()
    shape_cases()
    network_cases()
    exporter_cases()
    for kind in ["ops", "models"]:
        shutil.rmtree(os.path.join(ROOT, kind), ignore_errors=True)
    names = [c[1] for c in cases]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        sys.exit("duplicate case names: %s" % sorted(duplicates))
    entries = [write_case(*case) for case in cases]
    manifest = {
        "format": "raw little-endian C-order arrays; dtype and shape per tensor; see README.md",
        "generator": {"onnx": onnx.__version__, "onnxruntime": ort.__version__, "numpy": np.__version__},
        "cases": entries,
    }
    with open(os.path.join(ROOT, "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=1)
        handle.write("\n")
    print("wrote %d cases" % len(entries))


if __name__ == "__main__":
    main()
