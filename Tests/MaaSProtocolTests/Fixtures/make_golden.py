#!/usr/bin/env python3
"""Writes golden encodings of every maas.v1 message for the MaaSProtocol tests.

The messages are built with Google's `protobuf` Python package (upb) from proto/maas/v1/maas.proto and
serialized with SerializeToString(deterministic=True); each is also encoded by Google's C++ library through
`protoc --encode --deterministic_output`, and the two must agree byte for byte. Where a map has a key that
is a prefix of another, upb and C++ order the entries differently; those cases are marked, checked to
decode to the same message, and pinned to the C++ order (plain byte order), which is what ProtoWire writes.

Needs: protoc (apt-get install protobuf-compiler) and `pip install protobuf`, at generation time only.
Run from anywhere:  python3 Tests/MaaSProtocolTests/Fixtures/make_golden.py
The Swift tests (Support/ProtocolCases.swift) hold the same table of values under the same case names.
"""

import hashlib
import json
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import google.protobuf
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_format

HERE = Path(__file__).resolve().parent
PROTO_ROOT = HERE.parents[2] / "proto"
PROTO = "maas/v1/maas.proto"
OUT = HERE / "golden"
U64_MAX = 2**64 - 1
SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
FLOAT32, INT64 = 1, 2  # DataType
ONNX, MAAS_PLAN = 1, 2  # ModelFormat


def load_messages():
    with tempfile.TemporaryDirectory() as tmp:
        descriptor_path = Path(tmp) / "maas.pb"
        subprocess.run(["protoc", f"-I{PROTO_ROOT}", f"--descriptor_set_out={descriptor_path}", PROTO], check=True)
        files = descriptor_pb2.FileDescriptorSet.FromString(descriptor_path.read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    names = [m.name for m in files.file[0].message_type]
    return {name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"maas.v1.{name}")) for name in names}


V = load_messages()


def with_map(message, field, entries):
    for key, value in entries.items():
        getattr(message, field)[key] = value
    return message


def tensor_float32(shape, values):
    return V["Tensor"](dtype=FLOAT32, shape=shape, raw_data=struct.pack(f"<{len(values)}f", *values))


def tensor_int64(shape, values):
    return V["Tensor"](dtype=INT64, shape=shape, raw_data=struct.pack(f"<{len(values)}q", *values))


def model_version(version):
    spec_in = V["TensorSpec"](name="image", dtype=FLOAT32, shape=[-1, 3, 224, 224])
    spec_out = V["TensorSpec"](name="label", dtype=INT64, shape=[-1])
    return with_map(V["ModelVersion"](
        name="resnet-50", version=version, format=ONNX, size_bytes=102_400_000 + version, sha256=SHA,
        created_at_unix_ms=1_764_374_400_000 + version, description="v\u00e9rsion \u2713",
        inputs=[spec_in], outputs=[spec_out]), "labels", {"team": "vision", "stage": ""})


def predict_request():
    return V["PredictRequest"](name="resnet-50", inputs=[
        V["NamedTensor"](name="image", tensor=tensor_float32([1, 3], [0.5, -1.0, float("nan")])),
        V["NamedTensor"](name="ids", tensor=tensor_int64([2], [-1, 2**40])),
    ])


def cases():
    """(name, message, upb orders a map differently from C++)."""
    yield "status_ok", V["Status"](), False
    yield "status_not_found", V["Status"](code=5, message='model "r\u00e9sum\u00e9" not found'), False
    yield "status_unauthenticated", V["Status"](code=16, message="missing authorization"), False
    yield "envelope_empty", V["Envelope"](), False
    yield "envelope_predict_request", with_map(V["Envelope"](
        call_id=1, method="/maas.v1.ModelService/Predict", payload=predict_request().SerializeToString(),
        end_stream=True), "metadata", {"timeout-ms": "250"}), False
    yield "envelope_response_ok", V["Envelope"](
        call_id=U64_MAX, payload=b"\x00\x01", status=V["Status"](), end_stream=True), False
    yield "envelope_resource_exhausted", V["Envelope"](
        status=V["Status"](code=8, message="frame of 9000000 bytes exceeds the 8388608-byte limit"),
        end_stream=True), False
    yield "envelope_metadata_prefix_keys", with_map(V["Envelope"](call_id=7), "metadata", {
        "timeout-ms": "250", "timeout": "1", "authorization": "Bearer t", "": ""}), True
    yield "model_header_full", with_map(V["ModelHeader"](
        name="resnet-50", format=ONNX, description="\u00fcn\u00efcode \u2713", size_bytes=2**40, sha256=SHA),
        "labels", {"team": "vision", "stage": ""}), False
    yield "model_header_minimal", V["ModelHeader"](name="m"), False
    yield "register_header", V["RegisterModelRequest"](header=V["ModelHeader"](name="m", format=MAAS_PLAN)), False
    yield "register_header_empty", V["RegisterModelRequest"](header=V["ModelHeader"]()), False
    yield "register_chunk", V["RegisterModelRequest"](chunk=bytes(range(256)) * 2), False
    yield "register_chunk_empty", V["RegisterModelRequest"](chunk=b""), False
    yield "register_nothing", V["RegisterModelRequest"](), False
    yield "register_response", V["RegisterModelResponse"](version=model_version(1)), False
    yield "register_response_empty", V["RegisterModelResponse"](), False
    yield "tensor_spec_dynamic", V["TensorSpec"](name="x", dtype=FLOAT32, shape=[-1, 0, 1, 2**40]), False
    yield "model_version_full", model_version(3), False
    yield "list_versions_request", V["ListVersionsRequest"](name="resnet-50"), False
    yield "list_versions_response", V["ListVersionsResponse"](versions=[model_version(2), model_version(1)]), False
    yield "list_versions_response_empty", V["ListVersionsResponse"](), False
    yield "tensor_float32", tensor_float32([2, 2], [1.0, -2.5, 0.0, float("nan")]), False
    yield "tensor_int64", tensor_int64([3], [-1, 0, 2**62]), False
    yield "tensor_scalar", tensor_float32([], [3.5]), False
    yield "named_tensor", V["NamedTensor"](name="input", tensor=tensor_float32([1], [1.0])), False
    yield "named_tensor_without_tensor", V["NamedTensor"](name="x"), False
    yield "predict_request", predict_request(), False
    yield "predict_request_pinned_version", V["PredictRequest"](name="m", version=3), False
    yield "predict_response", V["PredictResponse"](name="resnet-50", version=3, outputs=[
        V["NamedTensor"](name="label", tensor=tensor_int64([1], [281])),
        V["NamedTensor"](name="scores", tensor=tensor_float32([1, 2], [0.25, 0.75])),
    ]), False


def cpp_encode(message):
    """Encodes `message` with Google's C++ library (protoc), from its text format."""
    result = subprocess.run(
        ["protoc", f"-I{PROTO_ROOT}", f"--encode={message.DESCRIPTOR.full_name}", "--deterministic_output", PROTO],
        input=text_format.MessageToString(message).encode(), capture_output=True, check=True)
    return result.stdout


def golden_bytes(name, message, upb_map_order_differs):
    upb = message.SerializeToString(deterministic=True)
    cpp = cpp_encode(message)
    if upb_map_order_differs:
        if upb == cpp:
            sys.exit(f"{name}: expected upb and C++ map orders to differ; drop the flag")
        if type(message).FromString(upb) != type(message).FromString(cpp):
            sys.exit(f"{name}: upb and C++ encodings decode to different messages")
    elif upb != cpp:
        sys.exit(f"{name}: upb and C++ disagree:\n  upb {upb.hex()}\n  cpp {cpp.hex()}")
    return cpp


def main():
    protoc_version = subprocess.run(["protoc", "--version"], capture_output=True, text=True, check=True).stdout
    OUT.mkdir(exist_ok=True)
    for stale in OUT.glob("*.bin"):
        stale.unlink()
    entries = []
    covered = set()
    for name, message, upb_map_order_differs in cases():
        data = golden_bytes(name, message, upb_map_order_differs)
        (OUT / f"{name}.bin").write_bytes(data)
        covered.add(message.DESCRIPTOR.name)
        entries.append({
            "name": name,
            "message": message.DESCRIPTOR.full_name,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "encoders": "protoc-cpp" if upb_map_order_differs else "python-upb, protoc-cpp",
        })
    missing = set(V) - covered
    if missing:
        sys.exit(f"no golden case for {sorted(missing)}")
    manifest = {
        "generator": "make_golden.py",
        "proto": PROTO,
        "protobuf_python": google.protobuf.__version__,
        "protoc": protoc_version.strip(),
        "cases": entries,
    }
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(entries)} golden files to {OUT}")


if __name__ == "__main__":
    main()
