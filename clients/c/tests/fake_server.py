#!/usr/bin/env python3
"""A scripted maas.v1 server for the C client tests.

Messages are built and parsed with Google's protobuf (from a descriptor set that protoc makes of
proto/maas/v1/maas.proto), so the C client's bytes are checked against the reference implementation.
The model name in a request picks the behaviour: "iris" and friends answer properly; the hostile names
send oversized lengths, truncated frames, garbage, wrong call ids, and so on.

Usage: fake_server.py DESCRIPTOR_SET  -> prints "PORT <n>" and serves until stdin closes.
"""
import hashlib
import random
import socket
import struct
import sys
import threading
import time

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

METHOD_PREFIX = "/maas.v1.ModelService/"
MAX_FRAME = 8 * 1024 * 1024  # the real server's default
MIB = 1024 * 1024

CODE = {"OK": 0, "INVALID_ARGUMENT": 3, "NOT_FOUND": 5, "FAILED_PRECONDITION": 9, "RESOURCE_EXHAUSTED": 8,
        "INTERNAL": 13}


def load_messages(path):
    files = descriptor_pb2.FileDescriptorSet.FromString(open(path, "rb").read())
    pool = descriptor_pool.DescriptorPool()
    for f in files.file:
        pool.Add(f)
    return lambda name: message_factory.GetMessageClass(pool.FindMessageTypeByName("maas.v1." + name))


M = None  # message classes, set in main


def varint(n):
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n == 0:
            return out + bytes([byte])
        out += bytes([byte | 0x80])


def iris_version(number):
    v = M("ModelVersion")(
        name="iris", version=number, format=1, size_bytes=1258291 if number == 2 else 812,
        sha256=("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" if number == 2
                else "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"),
        created_at_unix_ms=1748779200000 if number == 2 else 1748593502000,
        description="second try" if number == 2 else "")
    if number == 2:
        v.labels["stage"] = "prod"
        v.labels["owner"] = "ml-team"
    v.inputs.add(name="x", dtype=1, shape=[-1, 3])
    v.outputs.add(name="doubled", dtype=1, shape=[-1, 3])
    v.outputs.add(name="sum", dtype=1, shape=[])
    v.outputs.add(name="argmax", dtype=2, shape=[1])
    return v


class Connection:
    def __init__(self, sock, state):
        self.sock = sock
        self.state = state
        self.last_call_id = 0
        self.uploads = {}      # call id -> dict for RegisterModel calls in progress
        self.ignored = set()   # call ids answered early whose remaining frames are dropped

    # ------------------------------------------------------------ frames

    def read_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(min(n - len(data), 1 << 20))
            if not chunk:
                return None
            data += chunk
        return data

    def read_envelope(self):
        prefix = self.read_exact(4)
        if prefix is None:
            return None
        (length,) = struct.unpack(">I", prefix)
        if length > MAX_FRAME:
            self.send(M("Envelope")(call_id=0, end_stream=True, status=M("Status")(
                code=CODE["RESOURCE_EXHAUSTED"], message=f"frame of {length} bytes exceeds the limit of {MAX_FRAME}")))
            self.close_gracefully()
            return None
        body = self.read_exact(length)
        if body is None:
            return None
        return M("Envelope").FromString(body)

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, envelope):
        body = envelope.SerializeToString()
        self.send_raw(struct.pack(">I", len(body)) + body)

    def answer(self, call_id, message=None, code=0, text=""):
        env = M("Envelope")(call_id=call_id, end_stream=True, status=M("Status")(code=code, message=text))
        if message is not None:
            env.payload = message.SerializeToString()
        self.send(env)

    def close_gracefully(self):
        """Stop sending but read what the client still sends, so closing does not reset the connection
        and destroy the answer the client has not read yet."""
        try:
            self.sock.shutdown(socket.SHUT_WR)
            self.sock.settimeout(5)
            while self.sock.recv(1 << 20):
                pass
        except OSError:
            pass

    # ------------------------------------------------------------ dispatch

    def serve(self):
        while True:
            env = self.read_envelope()
            if env is None:
                return
            if env.call_id in self.uploads:
                if self.on_upload_frame(env) == "close":
                    return
                continue
            if env.call_id in self.ignored:
                if env.end_stream:
                    self.ignored.discard(env.call_id)
                continue
            if env.call_id <= self.last_call_id:
                self.answer(env.call_id, code=CODE["INTERNAL"],
                            text=f"call id {env.call_id} after {self.last_call_id}: ids must grow")
                continue
            self.last_call_id = env.call_id
            method = env.method[len(METHOD_PREFIX):] if env.method.startswith(METHOD_PREFIX) else None
            handler = {"ListVersions": self.list_versions, "Predict": self.predict,
                       "RegisterModel": self.register}.get(method)
            if handler is None:
                self.answer(env.call_id, code=12, text=f"unknown method {env.method!r}")
                continue
            if handler(env) == "close":
                return

    def mutated(self, env, message, seed):
        """A valid answer with seeded damage (flipped, dropped, inserted or cut bytes, now and then a wrong
        length prefix); the connection closes after it, so a prefix promising more ends in EOF, not a wait."""
        rng = random.Random(seed)
        body = bytearray(M("Envelope")(call_id=env.call_id, end_stream=True, status=M("Status")(code=0),
                                       payload=message.SerializeToString()).SerializeToString())
        for _ in range(rng.randint(1, 4)):
            kind = rng.random()
            at = rng.randrange(len(body)) if body else 0
            if kind < 0.4 and body:
                body[at] ^= 1 << rng.randrange(8)
            elif kind < 0.6 and body:
                body[at] = rng.choice([0x00, 0x7F, 0x80, 0xFF, 0x0A, 0x12, 0x1A, 0x22])
            elif kind < 0.75:
                body[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
            elif kind < 0.9 and body:
                del body[at:at + rng.randint(1, 16)]
            else:
                body = body[: rng.randrange(len(body) + 1)]
        length = len(body)
        if rng.random() < 0.1:
            length = max(0, length + rng.randint(-8, 8))
        self.send_raw(struct.pack(">I", length) + bytes(body))
        return "close"

    def hostile(self, name, env):
        """The behaviours shared by every method; returns None when `name` is not a hostile one."""
        cid = env.call_id
        if name.startswith("fuzz-"):
            response = M("ListVersionsResponse")()
            response.versions.append(iris_version(2))
            response.versions.append(iris_version(1))
            return self.mutated(env, response, int(name[5:]))
        if name.startswith("fuzzp-"):
            response = M("PredictResponse")(name="iris", version=2)
            response.outputs.add(name="doubled", tensor=M("Tensor")(dtype=1, shape=[2, 3], raw_data=bytes(range(24))))
            response.outputs.add(name="argmax", tensor=M("Tensor")(dtype=2, shape=[1], raw_data=bytes(8)))
            return self.mutated(env, response, int(name[6:]))
        if name == "missing":
            self.answer(cid, code=CODE["NOT_FOUND"], text='no model named "missing"')
        elif name == "control-chars":
            self.answer(cid, code=CODE["NOT_FOUND"], text="bad \x1b[31mred\x1b[0m\nforged line")
        elif name == "unknown-status":
            self.answer(cid, code=99, text="from the future")
        elif name == "echo-metadata":
            meta = ",".join(f"{k}={v}" for k, v in sorted(env.metadata.items()))
            self.answer(cid, code=CODE["FAILED_PRECONDITION"],
                        text=f"call_id={cid} method={env.method} end_stream={int(env.end_stream)} metadata={meta}")
        elif name == "oversize":
            self.send_raw(struct.pack(">I", 0xFFFFFFFF))
            time.sleep(2)  # the client must not wait for a body
            return "close"
        elif name == "oversize-64m":
            self.send_raw(struct.pack(">I", 64 * MIB + 1))
            time.sleep(2)
            return "close"
        elif name == "truncated":
            self.send_raw(struct.pack(">I", 100) + b"\x08\x01" * 5)
            return "close"
        elif name == "truncated-prefix":
            self.send_raw(b"\x00\x00")
            return "close"
        elif name == "garbage":
            self.send_raw(struct.pack(">I", 6) + b"\x0f\xff\xff\xff\xff\xff")
        elif name == "garbage-varint":
            self.send_raw(struct.pack(">I", 11) + b"\x08" + b"\xff" * 10)
        elif name == "wrong-call-id":
            self.answer(cid + 7, message=M("ListVersionsResponse")())
        elif name == "call-id-zero-ok":
            self.answer(0)
        elif name == "non-final":
            self.send(M("Envelope")(call_id=cid, payload=b""))
        elif name == "close":
            return "close"
        elif name == "conn-error":
            self.send(M("Envelope")(call_id=0, end_stream=True, status=M("Status")(
                code=CODE["RESOURCE_EXHAUSTED"], message="connection-level trouble")))
            self.close_gracefully()
            return "close"
        elif name == "bad-payload":
            env2 = M("Envelope")(call_id=cid, end_stream=True, status=M("Status")(code=0), payload=b"\x0a\xff\x01")
            self.send(env2)
        elif name == "amplify":
            # 4 MiB of empty metadata entries: 2 bytes each on the wire, ~100 bytes each once decoded.
            body = b"\x08" + varint(cid) + b"\x1a\x00" * (2 * MIB)
            self.send_raw(struct.pack(">I", len(body)) + body)
        elif name == "slow":
            time.sleep(3)
            return "close"
        else:
            return None
        return "handled"

    def list_versions(self, env):
        request = M("ListVersionsRequest").FromString(env.payload)
        outcome = self.hostile(request.name, env)
        if outcome is not None:
            return outcome
        if request.name == "iris":
            response = M("ListVersionsResponse")()
            response.versions.append(iris_version(2))
            response.versions.append(iris_version(1))
            self.answer(env.call_id, response)
        elif request.name == "weird":
            # Strings that test JSON escaping and table widths: quotes, backslash, slash, control
            # characters, DEL, non-ASCII, an astral-plane character.
            response = M("ListVersionsResponse")()
            v = response.versions.add(name="weird", version=7, format=2, size_bytes=1023 * 1024 + 1000,
                                      sha256="abc", created_at_unix_ms=-1500,
                                      description='q"b\\s/n\nt\tc\x01\x1fd\x7f\u00e9\u2192\U0001F600 ')
            for key, value in [("b", "2"), ("a", "1"), ("B", "3"), ("\u00e9", "4"), ("a b", "\x02")]:
                v.labels[key] = value
            v.inputs.add(name="\u00e9t\u00e9", dtype=2, shape=[])
            self.answer(env.call_id, response)
        elif request.name == "empty":
            self.answer(env.call_id, M("ListVersionsResponse")())
        elif request.name == "two-inputs":
            response = M("ListVersionsResponse")()
            v = response.versions.add(name="two-inputs", version=1)
            v.inputs.add(name="a", dtype=1, shape=[1])
            v.inputs.add(name="b", dtype=1, shape=[1])
            self.answer(env.call_id, response)
        else:
            self.answer(env.call_id, code=CODE["NOT_FOUND"], text=f'no model named "{request.name}"')

    # ------------------------------------------------------------ Predict

    def predict(self, env):
        request = M("PredictRequest").FromString(env.payload)
        outcome = self.hostile(request.name, env)
        if outcome is not None:
            return outcome
        cid = env.call_id
        response = M("PredictResponse")(name=request.name, version=request.version or 2)
        if request.name == "bad-tensor":
            response.outputs.add(name="y", tensor=M("Tensor")(dtype=1, shape=[2, 3], raw_data=b"\x00" * 5))
            return self.answer(cid, response)
        if request.name == "negative-shape":
            response.outputs.add(name="y", tensor=M("Tensor")(dtype=1, shape=[-1, 3], raw_data=b""))
            return self.answer(cid, response)
        if request.name == "no-tensor":
            response.outputs.add(name="y")
            return self.answer(cid, response)
        if request.name == "big-output":
            values = struct.pack("<1048576f", *[i * 0.5 for i in range(1048576)])
            response.outputs.add(name="y", tensor=M("Tensor")(dtype=1, shape=[1024, 1024], raw_data=values))
            return self.answer(cid, response)
        if request.name not in ("iris", "identity"):
            return self.answer(cid, code=CODE["NOT_FOUND"], text=f'no model named "{request.name}"')
        if request.version not in (0, 1, 2):
            return self.answer(cid, code=CODE["NOT_FOUND"], text=f"iris has no version {request.version}")
        if len(request.inputs) != 1 or request.inputs[0].name != "x":
            names = [i.name for i in request.inputs]
            return self.answer(cid, code=CODE["INVALID_ARGUMENT"], text=f"iris wants one input named x, got {names}")
        t = request.inputs[0].tensor
        count = 1
        for d in t.shape:
            count *= d
        if request.name == "identity":
            response.outputs.add(name="y", tensor=t)
            return self.answer(cid, response)
        if t.dtype != 1 or len(t.raw_data) != 4 * count:
            return self.answer(cid, code=CODE["INVALID_ARGUMENT"],
                               text=f"x: dtype {t.dtype}, shape {list(t.shape)}, {len(t.raw_data)} bytes")
        values = struct.unpack(f"<{count}f", t.raw_data)
        doubled = struct.pack(f"<{count}f", *[v * 2 for v in values])
        total = struct.unpack("<f", struct.pack("<f", sum(values)))[0]
        best = max(range(count), key=lambda i: values[i]) if count else -1
        response.outputs.add(name="doubled", tensor=M("Tensor")(dtype=1, shape=list(t.shape), raw_data=doubled))
        response.outputs.add(name="sum", tensor=M("Tensor")(dtype=1, shape=[], raw_data=struct.pack("<f", total)))
        response.outputs.add(name="argmax", tensor=M("Tensor")(dtype=2, shape=[1], raw_data=struct.pack("<q", best)))
        self.answer(cid, response)

    # ------------------------------------------------------------ RegisterModel

    def register(self, env):
        request = M("RegisterModelRequest").FromString(env.payload)
        cid = env.call_id
        if request.WhichOneof("kind") != "header":
            return self.answer(cid, code=CODE["INVALID_ARGUMENT"], text="the first RegisterModel frame must be a header")
        header = request.header
        if header.name == "reject-early":
            self.answer(cid, code=CODE["INVALID_ARGUMENT"], text="model name reject-early is refused")
            if not env.end_stream:
                self.ignored.add(cid)
            return None
        if header.name == "reject-close":
            self.answer(cid, code=CODE["INVALID_ARGUMENT"], text="refused, and hanging up")
            self.close_gracefully()
            return "close"
        if header.name == "hang-no-read":
            time.sleep(3)
            return "close"
        outcome = self.hostile(header.name, env)
        if outcome is not None:
            return outcome
        self.uploads[cid] = {"header": header, "hash": hashlib.sha256(), "size": 0, "chunks": []}
        if env.end_stream:
            return self.finish_upload(cid)
        return None

    def on_upload_frame(self, env):
        upload = self.uploads[env.call_id]
        if env.method:
            self.uploads.pop(env.call_id)
            return self.answer(env.call_id, code=CODE["INTERNAL"], text="method repeated on a later frame")
        request = M("RegisterModelRequest").FromString(env.payload)
        if request.WhichOneof("kind") != "chunk":
            self.uploads.pop(env.call_id)
            return self.answer(env.call_id, code=CODE["INVALID_ARGUMENT"], text="expected a chunk")
        upload["hash"].update(request.chunk)
        upload["size"] += len(request.chunk)
        upload["chunks"].append(len(request.chunk))
        if env.end_stream:
            return self.finish_upload(env.call_id)
        return None

    def finish_upload(self, cid):
        upload = self.uploads.pop(cid)
        header = upload["header"]
        digest = upload["hash"].hexdigest()
        if header.size_bytes and header.size_bytes != upload["size"]:
            return self.answer(cid, code=CODE["INVALID_ARGUMENT"],
                               text=f"size mismatch: header says {header.size_bytes}, received {upload['size']}")
        if header.sha256 and header.sha256 != digest:
            return self.answer(cid, code=CODE["INVALID_ARGUMENT"],
                               text=f"sha256 mismatch: header says {header.sha256}, received {digest}")
        with self.state["lock"]:
            number = self.state["versions"].get(header.name, 2 if header.name == "iris" else 0) + 1
            self.state["versions"][header.name] = number
        v = M("ModelVersion")(name=header.name, version=number, format=header.format or 1, size_bytes=upload["size"],
                              sha256=digest, created_at_unix_ms=1748779200000, description=header.description)
        for key, value in header.labels.items():
            v.labels[key] = value
        if header.labels.get("x-diagnostics") == "1":
            chunks = upload["chunks"]
            v.labels["x-chunks"] = ",".join(str(c) for c in chunks)
            v.labels["x-size-header"] = str(header.size_bytes)
            v.labels["x-sha-header"] = header.sha256
            v.labels["x-format-header"] = str(header.format)
        v.inputs.add(name="x", dtype=1, shape=[-1, 3])
        self.answer(cid, M("RegisterModelResponse")(version=v))
        return None


def main():
    global M
    M = load_messages(sys.argv[1])
    state = {"lock": threading.Lock(), "versions": {}}
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)

    def accept_loop():
        while True:
            sock, _ = listener.accept()
            threading.Thread(target=serve_one, args=(sock,), daemon=True).start()

    def serve_one(sock):
        try:
            Connection(sock, state).serve()
        except Exception as error:  # a test bug, not a client bug: say so loudly
            print(f"fake server: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        finally:
            sock.close()

    threading.Thread(target=accept_loop, daemon=True).start()
    print(f"PORT {listener.getsockname()[1]}", flush=True)
    sys.stdin.read()  # runs until the test script closes our stdin


if __name__ == "__main__":
    main()
