"""The Flask peer: the speech model behind HTTP as the usual tutorial serves it.

  POST /predict         JSON {"inputs": [[[...]]]} (a [T, 1, 20] MFCC tensor as nested lists)
                        -> {"outputs": [[[...]]]} (the model's [T, 1, C] output as nested lists)
  POST /predict/audio   multipart/form-data with the WAV in field "file"
                        -> {"predictions": [{"label": ..., "probability": ...}, ...]}

Served by gunicorn (Benchmarks/run.sh): `gunicorn --workers <cores> --worker-class gthread --threads 4 flask_app:app`.
Each worker process loads its own session with one intra-op thread (see speech_model.py).
"""
import numpy as np
from flask import Flask, jsonify, request

from speech_model import SpeechModel

app = Flask(__name__)
model = SpeechModel()


@app.post("/predict")
def predict():
    x = np.array(request.get_json()["inputs"], dtype=np.float32)
    return jsonify({"outputs": model.run(x).tolist()})


@app.post("/predict/audio")
def predict_audio():
    upload = request.files["file"]
    top = model.classify(upload.read())
    return jsonify({"predictions": [{"label": label, "probability": p} for label, p in top]})
