#!/usr/bin/env python3
"""Writes tests/fixtures/wire/*.bin: request frames as Google's protobuf encodes them.

test_client (tests/client/wire.c) has libmaasclient send the same requests to a listener that only records, and requires the
bytes to be identical, so the C client's encoding stays checked against the reference implementation
(the fake server decodes with protobuf-c, the library's own decoder). Run by hand when the requests or
proto/maas/v1/maas.proto change; the output is committed, so the tests need no Python.
Needs protoc (Debian protobuf-compiler) and the protobuf Python package.
"""
import os
import struct
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "fixtures", "wire")
METHOD = "/maas.v1.ModelService/"


def load_messages():
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "maas.desc")
        subprocess.run(["protoc", "--include_imports", f"--descriptor_set_out={path}", "-I", os.path.join(ROOT, "proto"),
                        "maas/v1/maas.proto"], check=True)
        files = descriptor_pb2.FileDescriptorSet.FromString(open(path, "rb").read())
    pool = descriptor_pool.DescriptorPool()
    for f in files.file:
        pool.Add(f)
    return lambda name: message_factory.GetMessageClass(pool.FindMessageTypeByName("maas.v1." + name))


M = load_messages()


def frame(payload, method=None, end_stream=True, call_id=1):
    """One frame of a client with no timeout (so no timeout-ms metadata)."""
    envelope = M("Envelope")(call_id=call_id, payload=payload.SerializeToString(), end_stream=end_stream)
    if method:
        envelope.method = METHOD + method
    body = envelope.SerializeToString()
    return struct.pack(">I", len(body)) + body


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes")


os.makedirs(OUT, exist_ok=True)

# maas_list_versions(c, "iris")
write("list_versions.bin", frame(M("ListVersionsRequest")(name="iris"), "ListVersions"))

# maas_predict_f32(c, "iris", 3, "x", {2, 3}, {1.5, -2, 0.25, 7, 0, -0.125})
values = struct.pack("<6f", 1.5, -2, 0.25, 7, 0, -0.125)
tensor = M("Tensor")(dtype=1, shape=[2, 3], raw_data=values)
request = M("PredictRequest")(name="iris", version=3)
request.inputs.add(name="x", tensor=tensor)
write("predict.bin", frame(request, "Predict"))

# maas_register_model(c, "m", <file "abcde">, {description "d", labels k=v, format MAAS_PLAN, sha256, chunk_size 3})
header = M("ModelHeader")(name="m", format=2, description="d", size_bytes=5,
                          sha256="36bbe50ed96841d10443bcb670d6554f0a34b761be67ec9c4a8ad2c0c44ca42c")
header.labels["k"] = "v"
write("register.bin",
      frame(M("RegisterModelRequest")(header=header), "RegisterModel", end_stream=False)
      + frame(M("RegisterModelRequest")(chunk=b"abc"), end_stream=False)
      + frame(M("RegisterModelRequest")(chunk=b"de")))

# maas_register_model(c, "empty", <empty file>, NULL): one empty chunk still marks the end.
write("register_empty.bin",
      frame(M("RegisterModelRequest")(header=M("ModelHeader")(name="empty")), "RegisterModel", end_stream=False)
      + frame(M("RegisterModelRequest")(chunk=b"")))

# maas_predict_audio_bytes(c, "speech", 2, "RIFF\0\0\0\0WAVE", 12, {top_k 3, include_features 1})
write("predict_audio.bin", frame(M("PredictRequest")(name="speech", version=2, audio_file=b"RIFF\0\0\0\0WAVE",
                                                     include_features=True, top_k=3), "Predict"))

# maas_predict_pcm(c, "speech", 0, {0.5, -1, 0.25, 0}, 4 samples, 2 channels, 16000 Hz, NULL)
pcm = M("RawAudio")(sample_rate=16000, channels=2, samples=struct.pack("<4f", 0.5, -1, 0.25, 0))
write("predict_pcm.bin", frame(M("PredictRequest")(name="speech", audio_pcm=pcm), "Predict"))
