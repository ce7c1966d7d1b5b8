#!/usr/bin/env python3
"""Writes the golden encodings the ProtoWire tests compare against.

Every message below is built with Google's `protobuf` Python package (upb) from wiretest.proto and
serialized with SerializeToString(deterministic=True). The same message is also encoded by Google's C++
library through `protoc --encode --deterministic_output`, and the two must agree byte for byte; the one
known exception (upb orders a map key after the keys it is a prefix of, C++ and ProtoWire order keys by
plain byte comparison) is marked per case and pinned to the C++ bytes after checking both decode to the
same message.

Needs: protoc (apt-get install protobuf-compiler) and `pip install protobuf`, at generation time only.
Run from anywhere:  python3 Tests/ProtoWireTests/Fixtures/make_golden.py
The Swift tests (WireTest/GoldenCases.swift) hold the same table of values under the same case names; the
seeded random messages (random_NN) have no Swift twin: decoding and re-encoding them must give their bytes back.
"""

import hashlib
import json
import random
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import google.protobuf
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, text_format

HERE = Path(__file__).resolve().parent
PROTO = "wiretest.proto"
OUT = HERE / "golden"

I32_MIN, I32_MAX = -(2**31), 2**31 - 1
I64_MIN, I64_MAX = -(2**63), 2**63 - 1
U32_MAX, U64_MAX = 2**32 - 1, 2**64 - 1
FLOAT_MAX = 3.4028234663852886e38  # Float.greatestFiniteMagnitude
FLOAT_TINY = 1.401298464324817e-45  # Float.leastNonzeroMagnitude (subnormal)
DOUBLE_MAX = 1.7976931348623157e308
DOUBLE_TINY = 5e-324
NAN, INF = float("nan"), float("inf")
NEGATIVE = -1  # Color.COLOR_NEGATIVE
UNICODE = "h\u00e9llo w\u00f6rld \u2014 \u65e5\u672c\u8a9e \U0001f389"  # 1-, 2-, 3- and 4-byte UTF-8


def load_messages():
    with tempfile.TemporaryDirectory() as tmp:
        descriptor_path = Path(tmp) / "wiretest.pb"
        subprocess.run(["protoc", f"-I{HERE}", f"--descriptor_set_out={descriptor_path}", PROTO], check=True)
        files = descriptor_pb2.FileDescriptorSet.FromString(descriptor_path.read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"wiretest.{name}"))
        for name in ("AllTypes", "Nested", "FlippedPacking", "Evolved", "EvolvedNested")
    }


M = load_messages()
AllTypes, Nested = M["AllTypes"], M["Nested"]


def all_types(**fields):
    """AllTypes from keyword arguments; map and message fields are filled after construction."""
    labels = fields.pop("labels", {})
    message = AllTypes(**fields)
    for key, value in labels.items():
        message.labels[key] = value
    return message


def repeated(prefix, values):
    """The 14 repeated scalar fields named prefix_<type>, from a dict keyed by type."""
    return {f"{prefix}_{kind}": list(items) for kind, items in values.items()}


SCALAR_KINDS = ["int32", "int64", "uint32", "uint64", "sint32", "sint64", "bool", "enum", "fixed32", "fixed64",
                "sfixed32", "sfixed64", "float", "double"]

EDGE_REPEATED = {
    "int32": [0, 1, -1, I32_MIN, I32_MAX, 127, 128],
    "int64": [0, -1, I64_MIN, I64_MAX, 300],
    "uint32": [0, 1, U32_MAX, 16383, 16384],
    "uint64": [0, U64_MAX, 2**63, 1],
    "sint32": [0, -1, 1, I32_MIN, I32_MAX, -64, 64],
    "sint64": [0, -1, I64_MIN, I64_MAX],
    "bool": [True, False, True],
    "enum": [0, 1, 2, NEGATIVE, 7],  # 7: a value the enum does not declare (proto3 enums are open)
    "fixed32": [0, 1, U32_MAX],
    "fixed64": [0, U64_MAX, 2**32],
    "sfixed32": [0, -1, I32_MIN, I32_MAX],
    "sfixed64": [0, -1, I64_MIN, I64_MAX],
    "float": [0.0, -0.0, 1.5, -FLOAT_MAX, INF, NAN, FLOAT_TINY],
    "double": [0.0, -0.0, -2.25, DOUBLE_MAX, -INF, NAN, DOUBLE_TINY],
}


def cases():
    """(name, message, upb orders the map differently from C++)."""
    yield "empty", AllTypes(), False
    yield "defaults_not_written", all_types(
        f_int32=0, f_int64=0, f_uint32=0, f_uint64=0, f_sint32=0, f_sint64=0, f_bool=False, f_enum=0,
        f_fixed32=0, f_fixed64=0, f_sfixed32=0, f_sfixed64=0, f_float=0.0, f_double=0.0, f_string="",
        f_bytes=b"", f_max_field=0), False
    yield "ones", all_types(
        f_int32=1, f_int64=1, f_uint32=1, f_uint64=1, f_sint32=1, f_sint64=1, f_bool=True, f_enum=1,
        f_fixed32=1, f_fixed64=1, f_sfixed32=1, f_sfixed64=1, f_float=1.0, f_double=1.0, f_string="a",
        f_bytes=b"\x01", f_max_field=1), False
    yield "minus_one", all_types(
        f_int32=-1, f_int64=-1, f_sint32=-1, f_sint64=-1, f_enum=NEGATIVE, f_sfixed32=-1, f_sfixed64=-1,
        f_float=-1.0, f_double=-1.0, f_max_field=-1), False
    yield "max_values", all_types(
        f_int32=I32_MAX, f_int64=I64_MAX, f_uint32=U32_MAX, f_uint64=U64_MAX, f_sint32=I32_MAX,
        f_sint64=I64_MAX, f_fixed32=U32_MAX, f_fixed64=U64_MAX, f_sfixed32=I32_MAX, f_sfixed64=I64_MAX,
        f_float=FLOAT_MAX, f_double=DOUBLE_MAX, f_max_field=I32_MAX), False
    yield "min_values", all_types(
        f_int32=I32_MIN, f_int64=I64_MIN, f_sint32=I32_MIN, f_sint64=I64_MIN, f_sfixed32=I32_MIN,
        f_sfixed64=I64_MIN, f_float=-FLOAT_MAX, f_double=-DOUBLE_MAX, f_max_field=I32_MIN), False
    yield "varint_boundaries", all_types(
        f_int32=127, f_int64=128, f_uint32=16383, f_uint64=16384, f_sint32=-64, f_sint64=64,
        f_enum=300), False
    yield "float_nan", all_types(f_float=NAN, f_double=NAN), False
    yield "float_negative_zero", all_types(f_float=-0.0, f_double=-0.0), False
    yield "float_infinities", all_types(f_float=INF, f_double=-INF), False
    yield "float_subnormal", all_types(f_float=FLOAT_TINY, f_double=DOUBLE_TINY), False
    yield "unicode_string", all_types(f_string=UNICODE, f_bytes=bytes([0, 0xFF, 0x80, 0xC3, 0x28])), False
    yield "control_characters", all_types(f_string="\x00\n\t\x7f", repeated_string=["\x00"]), False
    yield "packed_edges", all_types(**repeated("packed", EDGE_REPEATED)), False
    yield "unpacked_edges", all_types(**repeated("unpacked", EDGE_REPEATED)), False
    yield "repeated_strings_with_empty", all_types(
        repeated_string=["", "a", "", "\u00fc"], repeated_bytes=[b"", b"\x00", b""]), False
    yield "map_labels", all_types(labels={"b": "2", "a": "1", "\u00fcn\u00ef": "c\u00f6d\u00e9", "k": ""}), False
    yield "map_empty_key_and_value", all_types(labels={"": ""}), False
    yield "map_prefix_keys", all_types(labels={"ab": "y", "": "e", "b": "", "a": "x"}), True
    yield "nested", all_types(nested=Nested(
        value=-1, note="n", marks=[-1, 0, 1], child=Nested(child=Nested(value=3)))), False
    yield "nested_present_but_empty", all_types(nested=Nested()), False
    yield "nested_list", all_types(nested_list=[Nested(), Nested(value=1), Nested(note="x", marks=[I32_MIN])]), False
    yield "oneof_uint32_zero", all_types(choice_uint32=0), False
    yield "oneof_string_empty", all_types(choice_string=""), False
    yield "oneof_bytes_empty", all_types(choice_bytes=b""), False
    yield "oneof_double_zero", all_types(choice_double=0.0), False
    yield "oneof_nested_empty", all_types(choice_nested=Nested()), False
    yield "oneof_nested", all_types(choice_nested=Nested(value=I32_MAX, note=UNICODE)), False
    yield "max_field_number", all_types(f_max_field=1), False
    yield "everything", all_types(
        f_int32=-123456, f_int64=-(2**40), f_uint32=4000000000, f_uint64=2**63 + 5, f_sint32=-99999,
        f_sint64=2**50, f_bool=True, f_enum=2, f_fixed32=0xDEADBEEF, f_fixed64=0x0123456789ABCDEF,
        f_sfixed32=-7, f_sfixed64=-(2**60), f_float=0.1, f_double=3.141592653589793, f_string=UNICODE,
        f_bytes=bytes(range(256)), **repeated("packed", EDGE_REPEATED), **repeated("unpacked", EDGE_REPEATED),
        repeated_string=["x", ""], repeated_bytes=[b"\xff"], labels={"model": "resnet", "team": "vision"},
        nested=Nested(value=5, child=Nested(note="deep")), nested_list=[Nested(value=1), Nested(value=2)],
        choice_string="picked", f_max_field=42), False
    # Google writes these with the packing flipped; AllTypes must read them as the same values.
    yield "flipped_packing", M["FlippedPacking"](
        **repeated("packed", EDGE_REPEATED), **repeated("unpacked", EDGE_REPEATED)), False
    yield "evolved_unknown_fields", M["Evolved"](
        f_int32=7, f_string="kept", extra_varint=U64_MAX, extra_fixed64=1, extra_bytes=b"\x08\x01",
        extra_fixed32=2, extra_message=M["EvolvedNested"](value=1, extra=3), extra_packed=[-1, 1],
        nested=M["EvolvedNested"](value=9, extra=U64_MAX), extra_far=1, f_max_field=8), False


RANDOM_SEED = 20261129
RANDOM_COUNT = 24
KEYS = ["aa", "ab", "ba", "zz", "\u00e9\u00e9", "\u65e5\u672c", "k1", "k2"]  # no key is a prefix of another


def random_scalar(rng, kind):
    edges = {
        "int32": [0, -1, I32_MIN, I32_MAX], "int64": [0, -1, I64_MIN, I64_MAX], "uint32": [0, U32_MAX],
        "uint64": [0, U64_MAX], "sint32": [0, -1, I32_MIN, I32_MAX], "sint64": [0, -1, I64_MIN, I64_MAX],
        "fixed32": [0, U32_MAX], "fixed64": [0, U64_MAX], "sfixed32": [I32_MIN, I32_MAX],
        "sfixed64": [I64_MIN, I64_MAX], "enum": [0, 1, 2, NEGATIVE, 99],
    }
    if kind == "bool":
        return rng.random() < 0.5
    if kind in ("float", "double"):
        while True:  # any bit pattern but NaN, whose payload protoc's text round trip would not keep
            fmt, size = ("<f", 4) if kind == "float" else ("<d", 8)
            value = struct.unpack(fmt, rng.randbytes(size))[0]
            if value == value:
                return value
    if rng.random() < 0.3:
        return rng.choice(edges[kind])
    bits = 32 if kind in ("int32", "sint32", "sfixed32", "enum", "uint32", "fixed32") else 64
    if kind.startswith(("uint", "fixed")):
        return rng.getrandbits(rng.randint(1, bits))
    magnitude = rng.getrandbits(rng.randint(1, bits - 1))  # random width, so short and long varints both occur
    return -magnitude - 1 if rng.random() < 0.5 else magnitude


def random_text(rng):
    return "".join(rng.choice(["a", "\u00e9", "\u65e5", "\U0001f389", "\x00", " "]) for _ in range(rng.randint(0, 6)))


def random_nested(rng, depth):
    message = Nested(value=random_scalar(rng, "int32"), note=random_text(rng),
                     marks=[random_scalar(rng, "sint32") for _ in range(rng.randint(0, 3))])
    if depth > 0 and rng.random() < 0.5:
        message.child.CopyFrom(random_nested(rng, depth - 1))
    return message


def random_all_types(rng):
    """An AllTypes with each field set or not at random, from edge and random values."""
    message = AllTypes()
    for i, kind in enumerate(SCALAR_KINDS):
        if rng.random() < 0.5:
            setattr(message, f"f_{kind}", random_scalar(rng, kind))
        for prefix in ("packed", "unpacked"):
            if rng.random() < 0.3:
                getattr(message, f"{prefix}_{kind}").extend(random_scalar(rng, kind) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.5:
        message.f_string = random_text(rng)
    if rng.random() < 0.5:
        message.f_bytes = rng.randbytes(rng.randint(0, 8))
    message.repeated_string.extend(random_text(rng) for _ in range(rng.randint(0, 2)))
    message.repeated_bytes.extend(rng.randbytes(rng.randint(0, 3)) for _ in range(rng.randint(0, 2)))
    for key in rng.sample(KEYS, rng.randint(0, 3)):
        message.labels[key] = random_text(rng)
    if rng.random() < 0.5:
        message.nested.CopyFrom(random_nested(rng, 3))
    message.nested_list.extend(random_nested(rng, 1) for _ in range(rng.randint(0, 2)))
    choice = rng.choice([None, "uint32", "nested", "string", "bytes", "double"])
    if choice == "nested":
        message.choice_nested.CopyFrom(random_nested(rng, 1))
    elif choice == "string":
        message.choice_string = random_text(rng)
    elif choice == "bytes":
        message.choice_bytes = rng.randbytes(rng.randint(0, 3))
    elif choice is not None:
        setattr(message, f"choice_{choice}", random_scalar(rng, choice))
    if rng.random() < 0.3:
        message.f_max_field = random_scalar(rng, "int32")
    return message


def random_cases():
    """Seeded random AllTypes messages; the Swift tests check decode → encode reproduces their bytes."""
    rng = random.Random(RANDOM_SEED)
    for i in range(RANDOM_COUNT):
        yield f"random_{i:02d}", random_all_types(rng), False


def cpp_encode(message):
    """Encodes `message` with Google's C++ library (protoc), from its text format."""
    text = text_format.MessageToString(message)
    result = subprocess.run(
        ["protoc", f"-I{HERE}", f"--encode={message.DESCRIPTOR.full_name}", "--deterministic_output", PROTO],
        input=text.encode(), capture_output=True, check=True)
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
    table = [("value", case) for case in cases()] + [("reencode", case) for case in random_cases()]
    for check, (name, message, upb_map_order_differs) in table:
        data = golden_bytes(name, message, upb_map_order_differs)
        (OUT / f"{name}.bin").write_bytes(data)
        entries.append({
            "name": name,
            "message": message.DESCRIPTOR.full_name,
            # value: the Swift table holds this case's value; reencode: decode → encode must give the bytes back
            "check": check,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "encoders": "protoc-cpp" if upb_map_order_differs else "python-upb, protoc-cpp",
        })
    manifest = {
        "generator": "make_golden.py",
        "protobuf_python": google.protobuf.__version__,
        "protoc": protoc_version.strip(),
        "cases": entries,
    }
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(entries)} golden files to {OUT}")


if __name__ == "__main__":
    main()
