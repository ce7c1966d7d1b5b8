#!/usr/bin/env python3
"""What `maas-c predict identity --tensor FILE.npy` must print, computed from the .npy by a second,
independent implementation of the shared output format (/work/notes/cli-output-format.md).

Usage: format_expected.py FILE.npy human|json  (the fake server's "identity" model answers version 2
with one output "y" equal to the input)
"""
import ctypes
import json
import sys

import numpy as np

libc = ctypes.CDLL(None)
libc.strtof.restype = ctypes.c_float
libc.strtof.argtypes = [ctypes.c_char_p, ctypes.c_void_p]


def shortest(x):
    """The shortest %.{p-1}e (p = 1..9) that strtof reads back as the same float32 bits."""
    for p in range(1, 10):
        text = "%.*e" % (p - 1, float(x))
        if np.float32(libc.strtof(text.encode(), None)).tobytes() == x.tobytes():
            return text
    return text


def format_float(x):
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "-inf" if x < 0 else "inf"
    mantissa, exponent = shortest(x).split("e")
    sign = "-" if mantissa.startswith("-") else ""
    digits = mantissa.lstrip("-").replace(".", "")
    e = int(exponent)
    if -4 <= e < 16:
        if e >= 0:
            whole = digits[: e + 1].ljust(e + 1, "0")
            fraction = digits[e + 1:]
            body = whole + ("." + fraction if fraction else "")
        else:
            body = "0." + "0" * (-e - 1) + digits
    else:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "") + "e" + ("-" if e < 0 else "+") + "%02d" % abs(e)
    return sign + body


def main():
    values = np.load(sys.argv[1])
    shape = list(values.shape)
    flat = values.reshape(-1)
    if sys.argv[2] == "json":
        data = ",".join("null" if not np.isfinite(v) else format_float(v) for v in flat)
        head = json.dumps({"name": "identity", "version": 2}, separators=(",", ":"))[:-1]
        print(head + ',"outputs":[{"name":"y","dtype":"float32","shape":' + json.dumps(shape, separators=(",", ":"))
              + ',"data":[' + data + "]}]}")
        return
    print("model identity version 2")
    print("y float32 [" + ", ".join(str(d) for d in shape) + "]")
    if flat.size == 0:
        print("  (empty)")
    elif values.ndim == 0:
        print("  " + format_float(flat[0]))
    else:
        for row in flat.reshape(-1, shape[-1]):
            print("  [" + ", ".join(format_float(v) for v in row) + "]")


if __name__ == "__main__":
    main()
