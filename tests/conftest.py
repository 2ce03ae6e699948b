"""Shared tables and random-array helpers of the test suite.

Test modules import the tables directly (``from conftest import MODES``) to
parametrize with them, and use the fixtures by name.
"""

import numpy as np
import pytest

__all__ = ["DTYPES", "METHODS", "MODES", "random_array", "valid_possible"]

MODES = ("full", "same", "valid")
#: Every value of ``method`` that convolve and correlate accept.
METHODS = ("auto", "direct", "fft", "oa")
#: The floating dtypes every algorithm computes in.
DTYPES = ("float32", "float64", "complex64", "complex128")


def random_array(rng, shape, dtype="float64"):
    """Standard normal samples of ``shape`` in ``dtype`` (complex: both parts random)."""
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def valid_possible(f_shape, g_shape):
    """Whether ``mode='valid'`` accepts these shapes (one covers the other)."""
    pairs = list(zip(f_shape, g_shape, strict=True))
    return all(a >= b for a, b in pairs) or all(b >= a for a, b in pairs)


@pytest.fixture
def rng():
    """A fresh generator with a fixed seed for every test."""
    return np.random.default_rng(20260808)
