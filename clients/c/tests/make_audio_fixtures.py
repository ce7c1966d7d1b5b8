#!/usr/bin/env python3
"""Writes tests/fixtures/clip.wav (0.25 s of a 440 Hz sine, 16-bit mono at 22050 Hz, 11 KB) and clip.f32.

The fake server decodes no audio: it derives its scores and features from the bytes, so the CLI cases
(cli_cases.txt) only need a fixed file both CLIs send. Python's standard library only; run by hand.
"""
import math
import os
import struct
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
RATE = 22050
samples = [round(12000 * math.sin(2 * math.pi * 440 * i / RATE)) for i in range(RATE // 4)]
with wave.open(os.path.join(HERE, "fixtures", "clip.wav"), "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(RATE)
    w.writeframes(struct.pack("<%dh" % len(samples), *samples))
print("wrote fixtures/clip.wav")

# fixtures/clip.f32: raw little-endian float32 samples (--pcm-rate), 2204 of them (whole stereo frames too).
with open(os.path.join(HERE, "fixtures", "clip.f32"), "wb") as f:
    f.write(struct.pack("<2204f", *[0.5 * math.sin(2 * math.pi * 220 * i / RATE) for i in range(2204)]))
print("wrote fixtures/clip.f32")
