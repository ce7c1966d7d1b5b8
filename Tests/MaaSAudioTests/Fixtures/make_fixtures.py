#!/usr/bin/env python3
"""Makes the MaaSAudio test fixtures: short synthetic speech clips in many formats, what librosa 0.11
computes from them, and broken files.

Needs: apt-get install -y espeak-ng sox; pip install librosa soundfile numpy.
Run from anywhere: python3 Tests/MaaSAudioTests/Fixtures/make_fixtures.py

Every expected array is raw little-endian float32, row-major, described in manifest.json. The pipeline is
the one maas reproduces: librosa.load(path, sr=profile rate) -> librosa.util.normalize -> librosa.feature.mfcc.
"""
import json
import os
import subprocess
import tempfile

import librosa
import numpy as np
import soundfile as sf

HERE = os.path.dirname(os.path.abspath(__file__))
PROFILES = {
    "librosaDefault": dict(sr=22050, kwargs={}),
    "speech16k": dict(sr=16000, kwargs=dict(n_fft=512, hop_length=160, n_mels=40, n_mfcc=13)),
}


def speech(text, rate, pitch=50, seconds=None):
    """espeak-ng at its native 22050 Hz, leading silence trimmed, resampled by sox (not by librosa)."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.wav")
        out = os.path.join(tmp, "out.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "170", "-p", str(pitch), "-w", raw, text], check=True)
        cmd = ["sox", raw, "-b", "32", "-e", "floating-point", out, "silence", "1", "0.01", "0.5%"]
        if rate != 22050:
            cmd += ["rate", "-v", str(rate)]
        subprocess.run(cmd, check=True)
        y, _ = sf.read(out, dtype="float32")
    if seconds is not None:
        y = y[: int(seconds * rate)]
    return y


def write_f32(name, array):
    np.ascontiguousarray(array, dtype="<f4").tofile(os.path.join(HERE, name))


def main():
    clips = []

    def add(name, y, rate, subtype, fmt=None):
        sf.write(os.path.join(HERE, name), y, rate, subtype=subtype, format=fmt)
        clips.append(name)

    phrase = "maas decodes audio"
    add("speech_22050_s16.wav", speech(phrase, 22050, seconds=1.2), 22050, "PCM_16")
    add("speech_16000_s16.flac", speech(phrase, 16000, seconds=1.2), 16000, "PCM_16")
    add("speech_16000_s24.wav", speech("twenty four bits", 16000, seconds=0.5), 16000, "PCM_24")
    add("speech_16000_s32.wav", speech("thirty two bits", 16000, seconds=0.25), 16000, "PCM_32")
    add("speech_22050_float.wav", speech("floating point", 22050, seconds=0.4), 22050, "FLOAT")
    add("speech_16000_double.wav", speech("double precision", 16000, seconds=0.25), 16000, "DOUBLE")
    add("speech_8000_ulaw.wav", speech("mu law telephone", 8000, seconds=1.0), 8000, "ULAW")
    add("speech_8000_alaw.wav", speech("a law", 8000, seconds=0.5), 8000, "ALAW")
    add("speech_11025_u8.wav", speech("eight bits", 11025, seconds=0.5), 11025, "PCM_U8")
    add("speech_22050.ogg", speech(phrase, 22050, seconds=1.2), 22050, "VORBIS", "OGG")
    left = speech("stereo", 44100, pitch=30, seconds=0.3)
    right = speech("stereo", 44100, pitch=80, seconds=0.3)
    n = min(len(left), len(right))
    add("speech_44100_stereo.aiff", np.stack([left[:n], 0.5 * right[:n]], axis=1), 44100, "PCM_16", "AIFF")
    t = np.arange(220) / 22050
    add("tone_10ms_22050.wav", (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 22050, "PCM_16")

    manifest = {"librosa": librosa.__version__, "clips": [], "melSpectrogram": None, "prepared": None,
                "custom": None}
    for name in clips:
        info = sf.info(os.path.join(HERE, name))
        native, _ = librosa.load(os.path.join(HERE, name), sr=None)
        entry = {
            "file": name,
            "sampleRate": info.samplerate,
            "channels": info.channels,
            "frames": info.frames,
            # What the decoder must return (mono, native rate): checked by statistics, not stored whole.
            "sum": float(np.sum(native, dtype=np.float64)),
            "sumOfSquares": float(np.sum(native.astype(np.float64) ** 2)),
            "head": [float(v) for v in native[:8]],
            "mfcc": [],
        }
        for profile, spec in PROFILES.items():
            y, sr = librosa.load(os.path.join(HERE, name), sr=spec["sr"])
            y = librosa.util.normalize(y)
            m = librosa.feature.mfcc(y=y, sr=sr, **spec["kwargs"])  # [n_mfcc, T]
            out = f"{os.path.splitext(name)[0]}.{profile}.mfcc.f32"
            write_f32(out, m.T)
            entry["mfcc"].append({"profile": profile, "file": out, "frames": m.shape[1],
                                  "coefficients": m.shape[0], "resampled": info.samplerate != sr})
        manifest["clips"].append(entry)

    # The mel spectrogram (power, before dB) of one clip at librosa's defaults.
    y, sr = librosa.load(os.path.join(HERE, "speech_22050_s16.wav"), sr=22050)
    mel = librosa.feature.melspectrogram(y=librosa.util.normalize(y), sr=sr)
    write_f32("speech_22050_s16.librosaDefault.mel.f32", mel.T)
    manifest["melSpectrogram"] = {"clip": "speech_22050_s16.wav", "profile": "librosaDefault",
                                  "file": "speech_22050_s16.librosaDefault.mel.f32",
                                  "frames": mel.shape[1], "bands": mel.shape[0]}

    # The resampled, peak-normalised signal librosa computes from a clip (8 kHz -> 16 kHz).
    y, sr = librosa.load(os.path.join(HERE, "speech_8000_alaw.wav"), sr=16000)
    y = librosa.util.normalize(y)
    write_f32("speech_8000_alaw.speech16k.prepared.f32", y)
    manifest["prepared"] = {"clip": "speech_8000_alaw.wav", "profile": "speech16k",
                            "file": "speech_8000_alaw.speech16k.prepared.f32", "samples": len(y)}

    # Every non-default knob at once, on one clip: mixed-radix FFT (400 = 2^4 · 5^2), a shorter window,
    # no centring, HTK mel without area normalisation, magnitude instead of power, no top_db floor,
    # another amin and ref, liftering, and a resampled input (22050 -> 16000).
    custom = dict(sr=16000, n_fft=400, hop_length=160, win_length=320, center=False, power=1.0, n_mels=64,
                  fmin=20.0, fmax=7600.0, htk=True, norm=None)
    y, sr = librosa.load(os.path.join(HERE, "speech_22050_s16.wav"), sr=16000)
    mel = librosa.feature.melspectrogram(y=librosa.util.normalize(y), **custom)
    db = librosa.power_to_db(mel, ref=0.5, amin=1e-6, top_db=None)
    m = librosa.feature.mfcc(S=db, n_mfcc=30, lifter=22)
    write_f32("speech_22050_s16.custom.mfcc.f32", m.T)
    manifest["custom"] = {"clip": "speech_22050_s16.wav", "file": "speech_22050_s16.custom.mfcc.f32",
                          "frames": m.shape[1], "coefficients": m.shape[0],
                          "configuration": {"sampleRate": 16000, "nFFT": 400, "hopLength": 160, "winLength": 320,
                                            "center": False, "power": 1.0, "nMels": 64, "fMin": 20.0,
                                            "fMax": 7600.0, "melScale": "htk", "melNormalization": "none",
                                            "ref": 0.5, "amin": 1e-6, "topDB": None, "nMFCC": 30,
                                            "lifter": 22.0}}

    make_broken()
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


def make_broken():
    good = open(os.path.join(HERE, "speech_22050_s16.wav"), "rb").read()
    open(os.path.join(HERE, "broken_empty.wav"), "wb").close()
    with open(os.path.join(HERE, "broken_truncated_header.wav"), "wb") as f:
        f.write(good[:20])
    rng = np.random.default_rng(4)
    with open(os.path.join(HERE, "broken_garbage.bin"), "wb") as f:
        f.write(rng.integers(0, 256, 1000, dtype=np.uint8).tobytes())
    y = np.linspace(-0.5, 0.5, 400, dtype=np.float32)
    y[123] = np.nan
    sf.write(os.path.join(HERE, "broken_nan.wav"), y, 16000, subtype="FLOAT")
    y[123] = 0
    y[300] = np.inf
    sf.write(os.path.join(HERE, "broken_inf.wav"), y, 16000, subtype="FLOAT")
    # A FLAC cut in the middle of its audio frames: the header promises more than the stream holds.
    flac = open(os.path.join(HERE, "speech_16000_s16.flac"), "rb").read()
    with open(os.path.join(HERE, "broken_truncated.flac"), "wb") as f:
        f.write(flac[: len(flac) // 2])
    # 61 s of silence (a few KB as FLAC): over the server's default 60 s limit, known from the header.
    sf.write(os.path.join(HERE, "long_silence_61s.flac"), np.zeros(61 * 8000, dtype=np.float32), 8000,
             subtype="PCM_16")
    # Valid WAV headers declaring geometry beyond the decoder's limits.
    header = bytearray(good)
    header[24:28] = (1_000_000).to_bytes(4, "little")  # sample rate
    with open(os.path.join(HERE, "broken_huge_rate.wav"), "wb") as f:
        f.write(header[:4000])
    sf.write(os.path.join(HERE, "broken_100_channels.wav"), np.zeros((10, 100), dtype=np.float32), 8000,
             subtype="PCM_16")


if __name__ == "__main__":
    main()
