"""Shared tables and random-array helpers of the test suite.

Test modules import the tables directly (``from conftest import MODES``) to
parametrize with them, and use the fixtures by name.
"""

import numpy as np
import pytest
import scipy.signal

from convcorr.methods import METHODS
from convcorr.plan import MODES

__all__ = [
    "DTYPES",
    "METHODS",
    "MODES",
    "integer_reference",
    "random_array",
    "small_ints",
    "valid_possible",
]

#: The floating dtypes every algorithm computes in.
DTYPES = ("float32", "float64", "complex64", "complex128")


def random_array(rng, shape, dtype="float64"):
    """Standard normal samples of ``shape`` in ``dtype`` (complex: both parts random)."""
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def small_ints(rng, shape, dtype):
    """Integers in ``[-8, 8]`` (both parts if complex) held in ``dtype``: sums stay exact."""
    x = rng.integers(-8, 9, size=shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.integers(-8, 9, size=shape)
    return x.astype(dtype)


def integer_reference(op, f, g, mode):
    """Exact ``f * g`` (``op='convolve'``) or ``f ⋆ g`` of integer-valued operands.

    SciPy's direct sums in int64 (no rounding for small integers), on the real
    and imaginary parts, with the kernel second as SciPy wants it; complex128.
    """
    fr, fi = np.real(f).astype(np.int64), np.imag(f).astype(np.int64)
    gr, gi = np.real(g).astype(np.int64), np.imag(g).astype(np.int64)
    sums = scipy.signal.correlate if op == "correlate" else scipy.signal.convolve

    def part(a, b):
        return sums(b, a, mode, method="direct").astype(float)

    # conj(f) = fr - i fi in a correlation, f = fr + i fi in a convolution
    s = -1 if op == "correlate" else 1
    return (part(fr, gr) - s * part(fi, gi)) + 1j * (part(fr, gi) + s * part(fi, gr))


def valid_possible(f_shape, g_shape):
    """Whether ``mode='valid'`` accepts these shapes (one covers the other)."""
    pairs = list(zip(f_shape, g_shape, strict=True))
    return all(a >= b for a, b in pairs) or all(b >= a for a, b in pairs)


@pytest.fixture
def rng():
    """A fresh generator with a fixed seed for every test."""
    return np.random.default_rng(20260808)
