#!/usr/bin/env python3
"""Makes the side-by-side benchmark's inputs in DIR, all from one 1 s clip so every server does the same work:

  clip.wav          1 s of espeak-ng speech at 22050 Hz, 16-bit mono (the model's profile rate: no resampling)
  mfcc.npy          its features as the peers compute them (librosa.load + normalize + mfcc), [44, 1, 20] float32
  tensor.json       the Flask peer's JSON body for mfcc.npy: {"inputs": nested lists}
  audio.multipart   the Flask peer's multipart/form-data body uploading clip.wav as field "file"
  mixed/clip-*.wav  the clip cut or looped to 17 lengths from 0.6 to 1.4 s (26 to 61 frames): requests of
                    different lengths (`maas bench --audio` several times; batching.sh's audio-mixed input)
  long/clip.wav     the clip looped to 10 s, and long/mfcc.npy its features [431, 1, 20]: heavy requests, about
                    ten times the work of one (batching.sh's audio-long and tensor-long inputs)
  inputs.json       the content types of the two bodies, and the frame count

  make_inputs.py --out DIR
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import soundfile as sf

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
import speech_model  # noqa: E402  (the peers' own feature code, so the tensor is what they would compute)

BOUNDARY = "maasbenchboundary7c1e"
MIXED_MILLISECONDS = range(600, 1401, 50)
LONG_SECONDS = 10


def make_clip(path):
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "speech.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "170", "-w", raw, "seven, four"], check=True)
        speech, rate = sf.read(raw, dtype="float32")
    assert rate == speech_model.SAMPLE_RATE, rate
    y = np.zeros(rate, dtype=np.float32)
    y[: min(rate, len(speech))] = speech[:rate]
    y += np.random.default_rng(7).normal(0, 1e-3, rate).astype(np.float32)
    sf.write(path, np.clip(y, -1, 1), rate, subtype="PCM_16")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    clip = os.path.join(args.out, "clip.wav")
    make_clip(clip)

    with open(clip, "rb") as f:
        wav = f.read()
    x = speech_model.features(wav)
    np.save(os.path.join(args.out, "mfcc.npy"), x)

    with open(os.path.join(args.out, "tensor.json"), "w") as f:
        json.dump({"inputs": x.tolist()}, f)
    with open(os.path.join(args.out, "audio.multipart"), "wb") as f:
        f.write((f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.wav\"\r\n"
                 "Content-Type: audio/wav\r\n\r\n").encode())
        f.write(wav)
        f.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    with open(os.path.join(args.out, "inputs.json"), "w") as f:
        json.dump({"frames": x.shape[0], "tensor_content_type": "application/json",
                   "audio_content_type": f"multipart/form-data; boundary={BOUNDARY}"}, f)
    mixed = os.path.join(args.out, "mixed")
    os.makedirs(mixed, exist_ok=True)
    y, rate = sf.read(clip, dtype="float32")
    for ms in MIXED_MILLISECONDS:
        sf.write(os.path.join(mixed, f"clip-{ms:04d}ms.wav"), np.resize(y, rate * ms // 1000), rate, subtype="PCM_16")
    long = os.path.join(args.out, "long")
    os.makedirs(long, exist_ok=True)
    sf.write(os.path.join(long, "clip.wav"), np.resize(y, rate * LONG_SECONDS), rate, subtype="PCM_16")
    with open(os.path.join(long, "clip.wav"), "rb") as f:
        long_x = speech_model.features(f.read())
    np.save(os.path.join(long, "mfcc.npy"), long_x)
    print(f"inputs: 1 s clip, {x.shape[0]} frames, mfcc {list(x.shape)}; {len(MIXED_MILLISECONDS)} mixed lengths; "
          f"{LONG_SECONDS} s clip, mfcc {list(long_x.shape)}", file=sys.stderr)


if __name__ == "__main__":
    main()
