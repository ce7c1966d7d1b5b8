"""The gRPC peer: the speech model behind grpcio's thread-pool server, as its quick-start serves a service.

  grpc_server.py --port PORT [--threads N]

Needs the stubs generated from speech.proto on PYTHONPATH (Benchmarks/run.sh makes them). One process: the
session is shared by the pool's threads (onnxruntime's run is thread-safe and releases the GIL, so with one
intra-op thread each concurrent call computes on its own thread).
"""
import argparse
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=10)
    args = parser.parse_args()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.threads))
    speech_pb2_grpc.add_SpeechServicer_to_server(SpeechService(), server)
    server.add_insecure_port(f"127.0.0.1:{args.port}")
    server.start()
    print(f"grpc peer listening on 127.0.0.1:{args.port}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
