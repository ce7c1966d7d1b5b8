"""The model code both peers share, written as a user serving a librosa-trained speech model would write it:
one onnxruntime session per process, librosa for the features, the clip's answer as the mean of the per-frame
log-probabilities.

Configuration comes from the environment (as a deployment would set it):
  MODEL_PATH    the ONNX model, input [T, B, 20] time-major, output per-frame probabilities [T, B, C]
  LABELS        comma-separated class labels, in class-index order
  ORT_THREADS   onnxruntime intra-op threads (default 1: one per server worker, as maas runs one BLAS
                thread per worker, so neither side gets more cores than it has workers)
"""
import io
import os

import librosa
import numpy as np
import onnxruntime as ort

SAMPLE_RATE = 22050  # librosa's default profile: the one the model's features were made with
N_MFCC = 20
TOP_K = 5


def features(audio_bytes):
    """librosa.load + peak normalisation + MFCC, shaped [T, 1, 20] for the model."""
    y, sr = librosa.load(io.BytesIO(audio_bytes), sr=SAMPLE_RATE)
    y = librosa.util.normalize(y)
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=N_MFCC)
    return np.ascontiguousarray(mfcc.T[:, np.newaxis, :], dtype=np.float32)


class SpeechModel:
    def __init__(self):
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(os.environ.get("ORT_THREADS", "1"))
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(os.environ["MODEL_PATH"], options, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name
        self.labels = os.environ["LABELS"].split(",")

    def run(self, x):
        """The model's first output for a [T, B, 20] float32 array."""
        return self.session.run(None, {self.input_name: x})[0]

    def classify(self, audio_bytes):
        """The top labels of a clip: softmax of the mean per-frame log-probability."""
        probabilities = self.run(features(audio_bytes))[:, 0, :]
        score = np.log(np.maximum(probabilities, 1e-30)).mean(axis=0)
        clip = np.exp(score - score.max())
        clip /= clip.sum()
        top = np.argsort(-clip)[:TOP_K]
        return [(self.labels[i], float(clip[i])) for i in top]
