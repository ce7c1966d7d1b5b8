"""The gRPC peer: the speech model behind grpcio's thread-pool server, as its quick-start serves a service.

  grpc_server.py --port PORT [--threads N] [--processes N]

Needs the stubs generated from speech.proto on PYTHONPATH (Benchmarks/run.sh makes them). In each process the
session is shared by the pool's threads (onnxruntime's run is thread-safe and releases the GIL, so with one
intra-op thread each concurrent call computes on its own thread); the rest of a call holds the GIL, so one
process uses about one core, and Benchmarks/run.sh starts one process per core as grpcio's multiprocessing
example does (SO_REUSEPORT: the kernel spreads connections among them).
"""
import argparse
import multiprocessing
import signal
from concurrent import futures

import grpc
import numpy as np

import speech_pb2
import speech_pb2_grpc
from speech_model import SpeechModel


class SpeechService(speech_pb2_grpc.SpeechServicer):
    def __init__(self):
        self.model = SpeechModel()

    def Predict(self, request, context):
        if request.HasField("audio"):
            top = self.model.classify(request.audio)
            return speech_pb2.PredictReply(top=[speech_pb2.Label(label=l, probability=p) for l, p in top])
        if not request.HasField("tensor"):
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "give a tensor or audio")
        shape = list(request.tensor.shape)
        x = np.array(request.tensor.data, dtype=np.float32).reshape(shape)
        y = self.model.run(x)
        return speech_pb2.PredictReply(output=speech_pb2.Tensor(shape=y.shape, data=y.ravel().tolist()))


def serve(port, threads, reuse_port):
    options = [("grpc.so_reuseport", 1)] if reuse_port else []
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=threads), options=options)
    speech_pb2_grpc.add_SpeechServicer_to_server(SpeechService(), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    server.wait_for_termination()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=10)
    parser.add_argument("--processes", type=int, default=1,
                        help="more than 1: that many server processes on one port (SO_REUSEPORT), as grpcio's "
                             "multiprocessing example does; the kernel spreads connections, not calls")
    args = parser.parse_args()
    if args.processes == 1:
        serve(args.port, args.threads, reuse_port=False)
        return
    # grpcio must not be initialised before fork: each worker makes its own server.
    workers = [multiprocessing.Process(target=serve, args=(args.port, args.threads, True))
               for _ in range(args.processes)]
    for worker in workers:
        worker.start()
    signal.signal(signal.SIGTERM, lambda *_: [w.terminate() for w in workers])
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main()
