#!/usr/bin/env python3
"""Writes the .npy files the C tests read, with NumPy itself, into the directory given.

Run by run_tests.sh at test time (into clients/c/build/tests/fixtures), so no binary fixture is
committed. The hostile files are written by test_npy.c, byte by byte.
"""
import sys

import numpy as np

out = sys.argv[1]
np.save(f"{out}/f32_2x3.npy", (np.arange(6, dtype=np.float32) * 0.5 - 1).reshape(2, 3))
with open(f"{out}/f32_v2.npy", "wb") as f:
    np.lib.format.write_array(f, np.arange(4, dtype=np.float32), version=(2, 0))
np.save(f"{out}/f32_scalar.npy", np.array(2.5, dtype=np.float32))
np.save(f"{out}/i64_4.npy", np.array([0, 1, -1, -3000000000], dtype=np.int64))
np.save(f"{out}/f32_0x3.npy", np.zeros((0, 3), dtype=np.float32))
np.save(f"{out}/f64_2.npy", np.zeros(2, dtype=np.float64))
np.save(f"{out}/f32_fortran.npy", np.asfortranarray(np.ones((2, 3), dtype=np.float32)))

# The CLI tests: the request the C library test also sends, a 3-D array, and values that exercise every
# branch of the shared float format (shortest round trip, positional vs exponent, signs, non-finite).
np.save(f"{out}/iris_x.npy", np.array([[1.5, -2, 0.25], [7, 0, -0.125]], dtype=np.float32))
np.save(f"{out}/f32_2x2x3.npy", (np.arange(12, dtype=np.float32) / 8 - 0.75).reshape(2, 2, 3))
specials = [0.1, 1, 100, 1e-5, 0.0001, 0.00015, 16777216, 1e15, 1e16, 3.4028235e38, 1e-45, 1.17549435e-38,
            -0.0, 0.0, float("nan"), float("inf"), float("-inf"), 1 / 3, 2 / 3, 123456, 1234567, -2.5e-7, 65504,
            0.3, 299792458, 6.02214076e23]
rng = np.random.default_rng(20250601)
bits = rng.integers(0, 2**32, size=400, dtype=np.uint64).astype(np.uint32)
randoms = bits.view(np.float32)
randoms = randoms[np.isfinite(randoms)]
normals = rng.standard_normal(200).astype(np.float32) * np.float32(10) ** rng.integers(-6, 8, size=200).astype(np.float32)
np.save(f"{out}/f32_specials.npy", np.concatenate([np.array(specials, dtype=np.float32), randoms, normals]))
