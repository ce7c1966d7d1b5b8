#!/usr/bin/env python3
"""Makes the benchmark clips and times librosa 0.11 on them (the other half of Benchmarks/audio/bench.sh).

  librosa_side.py --out DIR [--budget SECONDS]

Clips: espeak-ng speech with a little seeded noise, looped to 1, 10 and 60 s, written as 16-bit WAV at
22050 Hz and 16000 Hz (the two profiles' rates) and 44100 Hz (the "pipeline" rows, which resample).
Stages timed, per profile and clip length:
  features: librosa.util.normalize + librosa.feature.mfcc on the already decoded float32 clip at the profile rate
  pipeline: librosa.load(BytesIO(44.1 kHz WAV bytes), sr=profile rate) + normalize + mfcc
Writes DIR/librosa.json: [{profile, seconds, stage, median, best}] in seconds.
"""
import argparse
import io
import json
import os
import subprocess
import tempfile
import time

import librosa
import numpy as np
import soundfile as sf
import soxr

PROFILES = {
    "librosaDefault": dict(sr=22050, kwargs={}),
    "speech16k": dict(sr=16000, kwargs=dict(n_fft=512, hop_length=160, n_mels=40, n_mfcc=13)),
}
TEXT = ("A model as a service decodes the audio it is sent, computes the features its model was trained on, "
        "and answers with what was said. Fidelity to the training library matters more than anything else.")


def make_clips(out):
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "speech.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "170", "-w", raw, TEXT], check=True)
        speech, rate = sf.read(raw, dtype="float32")
    assert rate == 22050
    rng = np.random.default_rng(1)
    for seconds in (1, 10, 60):
        n = seconds * 22050
        y = np.resize(speech, n) + rng.normal(0, 1e-3, n).astype(np.float32)
        for target in (22050, 16000, 44100):
            z = y if target == 22050 else soxr.resample(y, 22050, target, quality="VHQ")
            sf.write(os.path.join(out, f"clip_{target}_{seconds}s.wav"), np.clip(z, -1, 1), target, subtype="PCM_16")


def measure(budget, body):
    for _ in range(2):
        body()
    samples = []
    start = time.perf_counter()
    while len(samples) < 5 or (time.perf_counter() - start < budget and len(samples) < 1000):
        t0 = time.perf_counter()
        body()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return samples[len(samples) // 2], samples[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--budget", type=float, default=1.0)
    args = parser.parse_args()
    make_clips(args.out)
    results = []
    for name, spec in PROFILES.items():
        sr, kwargs = spec["sr"], spec["kwargs"]
        for seconds in (1, 10, 60):
            y, _ = sf.read(os.path.join(args.out, f"clip_{sr}_{seconds}s.wav"), dtype="float32")
            median, best = measure(args.budget, lambda: librosa.feature.mfcc(y=librosa.util.normalize(y), sr=sr, **kwargs))
            results.append(dict(profile=name, seconds=seconds, stage="features", median=median, best=best))
            data = open(os.path.join(args.out, f"clip_44100_{seconds}s.wav"), "rb").read()

            def pipeline():
                z, _ = librosa.load(io.BytesIO(data), sr=sr)
                librosa.feature.mfcc(y=librosa.util.normalize(z), sr=sr, **kwargs)

            median, best = measure(args.budget, pipeline)
            results.append(dict(profile=name, seconds=seconds, stage="pipeline", median=median, best=best))
    with open(os.path.join(args.out, "librosa.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
