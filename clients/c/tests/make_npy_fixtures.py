#!/usr/bin/env python3
"""Writes the .npy files the C tests read, with NumPy itself, into tests/fixtures/ (or the directory given).

Run by hand when a fixture is added; its output is committed, so the tests themselves need no Python.
The values come from formulas and a fixed integer hash, not from NumPy's random generators (whose streams
may change between NumPy versions), because the expected CLI outputs in expected/ were made from these
exact values. The hostile files are written by test_npy.c, byte by byte; the 1 MiB array of float32 bit
patterns compared with the Swift CLI is written at test time by npy_tool.c.
"""
import os
import sys

import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
os.makedirs(out, exist_ok=True)


def hashed_bits(count, seed):
    """count pseudo-random uint32 values from a fixed LCG (Knuth's MMIX constants)."""
    values = np.empty(count, dtype=np.uint32)
    state = seed
    for i in range(count):
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        values[i] = state >> 32
    return values


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


# The .npy reader's own tests.
np.save(f"{out}/f32_2x3.npy", (np.arange(6, dtype=np.float32) * 0.5 - 1).reshape(2, 3))
with open(f"{out}/f32_v2.npy", "wb") as f:
    np.lib.format.write_array(f, np.arange(4, dtype=np.float32), version=(2, 0))
with open(f"{out}/f32_v3.npy", "wb") as f:
    np.lib.format.write_array(f, np.arange(3, dtype=np.float32), version=(3, 0))
np.save(f"{out}/f32_scalar.npy", np.array(2.5, dtype=np.float32))
np.save(f"{out}/i64_4.npy", np.array([0, 1, -1, -3000000000], dtype=np.int64))
np.save(f"{out}/f32_0x3.npy", np.zeros((0, 3), dtype=np.float32))
np.save(f"{out}/f64_3.npy", np.array([0.1, -2.5, 1e300], dtype=np.float64))
np.save(f"{out}/i32_3.npy", np.array([7, -8, 2147483647], dtype=np.int32))
np.save(f"{out}/f32_fortran.npy", np.asfortranarray(np.ones((2, 3), dtype=np.float32)))
np.save(f"{out}/f16_2.npy", np.zeros(2, dtype=np.float16))

# The CLI: the request the C library test also sends, a 3-D array, int64 values.
np.save(f"{out}/iris_x.npy", np.array([[1.5, -2, 0.25], [7, 0, -0.125]], dtype=np.float32))
np.save(f"{out}/f32_2x2x3.npy", (np.arange(12, dtype=np.float32) / 8 - 0.75).reshape(2, 2, 3))
np.save(f"{out}/i64_40.npy", np.arange(-20, 20, dtype=np.int64) * 1000000007)

# Values that exercise every branch of the float formats: shortest round trip, positional vs exponent,
# signs, non-finite, then 600 arbitrary bit patterns (every magnitude, NaN payloads).
specials = [0.1, 1, 100, 1e-5, 0.0001, 0.00015, 9.9e-5, 16777215, 16777216, 16777218, 1e15, 1e16, 3.4028235e38,
            1e-45, 1.17549435e-38, -0.0, 0.0, float("nan"), float("inf"), float("-inf"), 1 / 3, 2 / 3, 123456,
            1234567, -2.5e-7, 65504, 0.3, 299792458, 6.02214076e23]
np.save(f"{out}/f32_specials.npy",
        np.concatenate([np.array(specials, dtype=np.float32), hashed_bits(600, 20250601).view(np.float32)]))

# Next to powers of two the interval of decimals that read back is lopsided: the shortest-digit search
# must look past the correctly rounded candidate there (Swift's Float.description does).
edges = [(e << 23) + d for e in range(1, 255) for d in (-1, 0, 1)] + [1, 2, 0x7F7FFFFF]
np.save(f"{out}/f32_powers_of_two.npy", np.array(edges, dtype=np.uint32).view(np.float32))

# Non-finite values for people: a negative NaN (printf writes "-nan"), and statistics over finite values.
nonfinite = np.array([np.nan, np.inf, -np.inf, 1, -0.0, 0.5], dtype=np.float32)
nonfinite.view(np.uint32)[0] |= np.uint32(0x80000000)
np.save(f"{out}/f32_nonfinite.npy", nonfinite)
np.save(f"{out}/f32_many_nonfinite.npy", np.array([np.nan] * 20 + [1.5, -2.5], dtype=np.float32))
np.save(f"{out}/f32_ramp_40.npy", (np.arange(40, dtype=np.float32) - 12.5) / 3)

# Probability rows (softmax-like) for the top-classes view: one row, several, more than eight, a 3-D
# [T, B, C] layout, ties (the lower class first), and rows that miss by more than the tolerance.
np.save(f"{out}/probs_1x6.npy", softmax(np.sin(np.arange(6.0)) * 2))
np.save(f"{out}/probs_3x4.npy", softmax(np.cos(np.arange(12.0) * 1.7).reshape(3, 4) * 3))
np.save(f"{out}/probs_20x3.npy", softmax(np.sin(np.arange(60.0) * 0.37).reshape(20, 3) * 4))
np.save(f"{out}/probs_2x2x3.npy", softmax(np.cos(np.arange(12.0) * 2.3).reshape(2, 2, 3) * 2))
np.save(f"{out}/probs_ties.npy", np.array([[0.25, 0.25, 0.25, 0.25]], dtype=np.float32))
np.save(f"{out}/probs_almost.npy", np.array([[0.25, 0.25, 0.25, 0.252]], dtype=np.float32))
