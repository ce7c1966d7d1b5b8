#!/usr/bin/env python3
"""Writes the .npy fixtures that NumpyArrayTests reads, using NumPy itself as the reference writer.

Run from anywhere: python3 Tests/MaaSClientTests/Fixtures/make_numpy_fixtures.py
Values are small and deterministic so the Swift tests can recompute them (see NumpyArrayTests.swift).
"""
import io
import os

import numpy as np
from numpy.lib import format as npformat

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy")


def save(name, array, version=None):
    """np.save for version None, write_array for an explicit format version."""
    buffer = io.BytesIO()
    if version is None:
        np.save(buffer, array, allow_pickle=False)
    else:
        npformat.write_array(buffer, array, version=version, allow_pickle=False)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(buffer.getvalue())


def main():
    os.makedirs(OUT, exist_ok=True)
    # value(i) = i * 0.5 - 1 for float fixtures; i * 3 - 7 for integer ones.
    f2x3 = (np.arange(6, dtype=np.float64) * 0.5 - 1).astype("<f4").reshape(2, 3)
    save("f4_2x3.npy", f2x3)
    save("f4_2x3_v2.npy", f2x3, version=(2, 0))
    save("f4_2x3_v3.npy", f2x3, version=(3, 0))
    save("f4_scalar.npy", np.array(3.25, dtype="<f4"))
    save("f4_1x3x2.npy", (np.arange(6, dtype=np.float64) * 0.5 - 1).astype("<f4").reshape(1, 3, 2))
    save("f4_0x3.npy", np.zeros((0, 3), dtype="<f4"))
    save("i8_5.npy", (np.arange(5, dtype=np.int64) * 3 - 7).astype("<i8"))
    save("i8_extremes.npy", np.array([np.iinfo(np.int64).min, -1, 0, np.iinfo(np.int64).max], dtype="<i8"))
    save("f8_2x2.npy", np.array([[0.1, -2.5], [1e40, 7.0]], dtype="<f8"))
    save("i4_3.npy", np.array([-2147483648, -1, 2147483647], dtype="<i4"))
    # Refused: each should produce an error naming what to convert to.
    save("f4_fortran.npy", np.asfortranarray(f2x3))
    save("f4_bigendian.npy", f2x3.astype(">f4"))
    save("u1_3.npy", np.array([1, 2, 3], dtype="|u1"))
    save("structured.npy", np.zeros((2,), dtype=[("a", "<f4"), ("b", "<i8")]))


if __name__ == "__main__":
    main()
