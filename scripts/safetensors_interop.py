"""Checks safetensors interoperability with Python's `safetensors` package.

The reference state is small and known: every value below is also written out
in Tests/NNTests/SafeTensorsInteropTests.swift.

    python3 -m venv .venv && .venv/bin/pip install safetensors numpy
    # 1. Python writes a file that the Swift reader must decode (committed fixture):
    .venv/bin/python scripts/safetensors_interop.py write Tests/NNTests/Fixtures/python_written.safetensors
    # 2. Swift writes its file (the test also compares it byte for byte with the committed copy):
    YT8M_SAFETENSORS_OUT=/tmp/swift_written.safetensors swift test --filter SafeTensorsInteropTests
    # 3. Python loads what Swift wrote and checks names, dtypes, shapes, values and metadata:
    .venv/bin/python scripts/safetensors_interop.py verify /tmp/swift_written.safetensors
"""
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file


def reference():
    return {
        "blocks.0.fc.weight": np.arange(6, dtype=np.float32).reshape(2, 3) / 4 - 0.5,
        "blocks.0.fc.bias": np.array([1e-8, -3.5], dtype=np.float32),
        "ema.scale": np.array([[0.1, -2.25]], dtype=np.float64),
        "labels": np.array([3861, 0, 7], dtype=np.int32),
        "codes": np.array([0, 128, 255], dtype=np.uint8),
    }


def main():
    command, path = sys.argv[1], sys.argv[2]
    if command == "write":
        save_file(reference(), path, metadata={"step": "42"})
        print("wrote", path)
    elif command == "verify":
        loaded = load_file(path)
        expected = reference()
        assert sorted(loaded) == sorted(expected), (sorted(loaded), sorted(expected))
        for name, value in expected.items():
            got = loaded[name]
            assert got.dtype == value.dtype and got.shape == value.shape, (name, got.dtype, got.shape)
            assert np.array_equal(got, value), (name, got, value)
        with safe_open(path, "np") as f:
            assert f.metadata() == {"step": "42"}, f.metadata()
        print("OK: Python's safetensors read", path, "with the same names, dtypes, shapes, values and metadata")
    else:
        raise SystemExit(f"unknown command {command}; use write or verify")


if __name__ == "__main__":
    main()
