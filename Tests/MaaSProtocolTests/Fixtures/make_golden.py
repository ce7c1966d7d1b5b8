#!/usr/bin/env python3
"""Writes golden encodings of every maas.v1 message for the MaaSProtocol tests.

The messages are built with Google's `protobuf` Python package (upb) from proto/maas/v1/maas.proto and
serialized with SerializeToString(deterministic=True); each is also encoded by Google's C++ library through
`protoc --encode --deterministic_output`, and the two must agree byte for byte. Where a map has a key that
is a prefix of another, upb and C++ order the entries differently; those cases are marked, checked to
decode to the same message, and pinned to the C++ order (plain byte order), which is what ProtoWire writes.

Merges: a message may arrive as several concatenated encodings (or repeat a field), and Google's parsers
merge them: scalars and oneof members overwrite (a oneof's last member wins, even when empty), repeated
fields append, embedded messages merge. MERGES lists concatenations of golden cases; each is parsed and
re-serialized by upb and by C++ (`protoc --decode` then `--encode`), and the result must agree; it is
written as golden/merged_<name>.bin for the Swift decoder to reproduce.

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
LAYOUT_TIME_MAJOR, LAYOUT_BATCH_MAJOR, LAYOUT_FRAMES = 1, 2, 3  # FeatureLayout
MEL_SCALE_HTK = 1  # MelScale
MEL_NORMALIZATION_NONE = 1  # MelNormalization
CLIP_DECISION_LAST_FRAME = 1  # ClipDecision


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


def audio_16k():
    """The 16 kHz profile with every field away from its proto3 default (HTK mel, no norm, no dB floor)."""
    return V["AudioFrontEnd"](
        sample_rate=16000, peak_normalize=True, n_fft=512, hop_length=160, win_length=400, center=True, power=1.0,
        n_mels=40, fmin=20.0, fmax=7600.0, mel_scale=MEL_SCALE_HTK, mel_normalization=MEL_NORMALIZATION_NONE,
        amin=1e-5, ref=2.5, top_db=-1.0, n_mfcc=13, lifter=22.0, layout=LAYOUT_BATCH_MAJOR, input="mfcc \u2713")


def audio_librosa():
    """librosa's defaults: the enums, win_length, fmin, fmax and lifter stay at zero and are not written."""
    return V["AudioFrontEnd"](
        sample_rate=22050, peak_normalize=True, n_fft=2048, hop_length=512, center=True, power=2.0, n_mels=128,
        amin=1e-10, ref=1.0, top_db=80.0, n_mfcc=20)


def ctc_labels():
    return V["ClassLabels"](names=["_", "a", "b", ""], output="logits", clip_decision=CLIP_DECISION_LAST_FRAME,
                            top_k=3, ctc_blank=0)


def keyword_labels():
    return V["ClassLabels"](names=["yes", "no", "up", "d\u00f6wn"])


def float32_bytes(values):
    return struct.pack(f"<{len(values)}f", *values)


def audio_model_version():
    version = model_version(4)
    version.audio.CopyFrom(audio_librosa())
    version.audio.layout = LAYOUT_TIME_MAJOR
    version.classes.CopyFrom(ctc_labels())
    return version


def predict_request():
    return V["PredictRequest"](name="resnet-50", inputs=[
        V["NamedTensor"](name="image", tensor=tensor_float32([1, 3], [0.5, -1.0, float("nan")])),
        V["NamedTensor"](name="ids", tensor=tensor_int64([2], [-1, 2**40])),
    ])


def model_header_empty_audio_and_classes():
    header = V["ModelHeader"](name="m")
    header.audio.SetInParent()
    header.classes.SetInParent()
    return header


def predict_request_audio_pcm_empty():
    request = V["PredictRequest"](name="speech")
    request.audio_pcm.SetInParent()
    return request


def predict_response_empty_features():
    response = V["PredictResponse"](name="speech", version=1)
    response.features.SetInParent()
    return response


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
    # Audio (issue 4).
    yield "audio_front_end_full", audio_16k(), False
    yield "audio_front_end_librosa_defaults", audio_librosa(), False
    yield "audio_front_end_empty", V["AudioFrontEnd"](), False
    # Negative int32 takes 10 bytes; -0.0 differs from +0.0 in its bits, so proto3 writes it.
    yield "audio_front_end_negative_values", V["AudioFrontEnd"](
        sample_rate=-1, fmin=-0.0, top_db=-80.0, layout=LAYOUT_FRAMES), False
    yield "class_labels_ctc_blank_zero", ctc_labels(), False
    yield "class_labels_without_ctc", keyword_labels(), False
    yield "class_labels_only_negative_ctc_blank", V["ClassLabels"](ctc_blank=-1), False
    yield "class_labels_empty", V["ClassLabels"](), False
    yield "raw_audio_stereo", V["RawAudio"](
        sample_rate=44100, channels=2, samples=float32_bytes([0.5, -0.5, 1.0, -1.0, 0.0, -0.0])), False
    yield "raw_audio_empty", V["RawAudio"](), False
    yield "class_score", V["ClassScore"](index=7, label="d\u00f6wn", probability=0.875), False
    yield "class_score_index_zero", V["ClassScore"](label="_", probability=1.0), False
    yield "model_header_audio", with_map(V["ModelHeader"](
        name="speech", format=ONNX, size_bytes=123_456, sha256=SHA, audio=audio_16k(), classes=ctc_labels()),
        "labels", {"lang": "en"}), False
    yield "model_header_empty_audio_and_classes", model_header_empty_audio_and_classes(), False
    yield "batching_full", V["BatchingConfig"](max_batch_size=16, max_queue_delay_us=2000), False
    yield "batching_zero_delay", V["BatchingConfig"](max_queue_delay_us=0), False
    yield "batching_empty", V["BatchingConfig"](), False
    yield "batching_no_padding", V["BatchingConfig"](pad_sequences=False), False
    yield "batching_padding", V["BatchingConfig"](max_batch_size=4, pad_sequences=True), False
    yield "model_header_batching", V["ModelHeader"](
        name="kws", batching=V["BatchingConfig"](max_batch_size=1)), False
    yield "model_version_batching", V["ModelVersion"](
        name="kws", version=2, batching=V["BatchingConfig"](max_batch_size=8, max_queue_delay_us=500)), False
    yield "register_header_audio", V["RegisterModelRequest"](header=V["ModelHeader"](
        name="kws", audio=audio_librosa(), classes=keyword_labels())), False
    yield "model_version_audio", audio_model_version(), False
    yield "list_versions_response_audio", V["ListVersionsResponse"](
        versions=[audio_model_version(), model_version(3)]), False
    yield "predict_request_audio_file", V["PredictRequest"](
        name="speech", audio_file=b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(200, 256)), top_k=3), False
    yield "predict_request_audio_file_empty", V["PredictRequest"](name="speech", audio_file=b""), False
    yield "predict_request_audio_pcm", V["PredictRequest"](name="speech", version=2, audio_pcm=V["RawAudio"](
        sample_rate=16000, channels=1, samples=float32_bytes([0.25, -0.125, 0.0])), include_features=True), False
    yield "predict_request_audio_pcm_empty", predict_request_audio_pcm_empty(), False
    yield "predict_request_features_top_k", V["PredictRequest"](
        name="kws", inputs=[V["NamedTensor"](name="mfcc", tensor=tensor_float32([1, 1, 2], [1.0, 2.0]))],
        include_features=True, top_k=-1), False
    yield "predict_response_audio", V["PredictResponse"](
        name="speech", version=4,
        outputs=[V["NamedTensor"](name="logits", tensor=tensor_float32([2, 1, 3], [0.1, 0.2, 0.7, 0.6, 0.3, 0.1]))],
        top_classes=[V["ClassScore"](index=2, label="b", probability=0.75),
                     V["ClassScore"](index=0, label="_", probability=0.125),
                     V["ClassScore"](index=1, label="a", probability=0.0)],
        transcript="h\u00e9llo w\u00f6rld", features=tensor_float32([2, 3], [-650.0, 12.5, 0.0, 250.0, -1.5, 3.0])), False
    yield "predict_response_empty_features", predict_response_empty_features(), False


# (name, golden cases concatenated in this order; all of one message type)
MERGES = [
    # audio_pcm twice: the second RawAudio (empty) merges into the first, which keeps its samples.
    ("predict_request_pcm_then_empty_pcm", ["predict_request_audio_pcm", "predict_request_audio_pcm_empty"]),
    # A later oneof member replaces an earlier one: the file goes, the pcm stays; top_k survives.
    ("predict_request_file_then_pcm", ["predict_request_audio_file", "predict_request_audio_pcm"]),
    # An empty audio_file still replaces the pcm: its presence is the information.
    ("predict_request_pcm_then_empty_file", ["predict_request_audio_pcm", "predict_request_audio_file_empty"]),
    # Names append; ctc_blank 0 is kept, then -1 replaces it.
    ("class_labels_ctc_then_keywords", ["class_labels_ctc_blank_zero", "class_labels_without_ctc"]),
    ("class_labels_ctc_zero_then_negative", ["class_labels_ctc_blank_zero", "class_labels_only_negative_ctc_blank"]),
    # Empty audio and classes merge into full ones and change nothing but the name.
    ("model_header_audio_then_empty", ["model_header_audio", "model_header_empty_audio_and_classes"]),
    # The librosa front-end overwrites the 16 kHz one field by field; fields it does not set stay.
    ("audio_front_end_full_then_librosa", ["audio_front_end_full", "audio_front_end_librosa_defaults"]),
    # Top classes and outputs append; the empty features tensor merges into the full one.
    ("predict_response_audio_then_empty_features", ["predict_response_audio", "predict_response_empty_features"]),
]


def merged_bytes(name, message_class, data):
    upb = message_class.FromString(data).SerializeToString(deterministic=True)
    full_name = message_class.DESCRIPTOR.full_name
    text = subprocess.run(
        ["protoc", f"-I{PROTO_ROOT}", f"--decode={full_name}", PROTO], input=data, capture_output=True, check=True)
    cpp = subprocess.run(
        ["protoc", f"-I{PROTO_ROOT}", f"--encode={full_name}", "--deterministic_output", PROTO],
        input=text.stdout, capture_output=True, check=True).stdout
    if upb != cpp:
        sys.exit(f"merge {name}: upb and C++ disagree:\n  upb {upb.hex()}\n  cpp {cpp.hex()}")
    return cpp


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
    by_name = {entry["name"]: entry for entry in entries}
    merges = []
    for name, parts in MERGES:
        types = {by_name[part]["message"] for part in parts}
        if len(types) != 1:
            sys.exit(f"merge {name}: parts of different types {sorted(types)}")
        data = b"".join((OUT / f"{part}.bin").read_bytes() for part in parts)
        merged = merged_bytes(name, V[types.pop().rsplit(".", 1)[1]], data)
        if merged == data:
            sys.exit(f"merge {name}: parsing changed nothing, so it tests nothing")
        (OUT / f"merged_{name}.bin").write_bytes(merged)
        merges.append({"name": name, "parts": parts, "size": len(merged), "sha256": hashlib.sha256(merged).hexdigest()})
    manifest = {
        "generator": "make_golden.py",
        "proto": PROTO,
        "protobuf_python": google.protobuf.__version__,
        "protoc": protoc_version.strip(),
        "cases": entries,
        "merges": merges,
    }
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(entries)} golden files and {len(merges)} merges to {OUT}")


if __name__ == "__main__":
    main()
