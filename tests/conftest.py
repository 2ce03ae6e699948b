"""Shared tables and random-array helpers of the test suite.

Test modules import the tables directly (``from conftest import MODES``) to
parametrize with them, and use the fixtures by name.
"""

import os

import numpy as np
import pytest
import scipy.signal

from convcorr.methods import METHODS
from convcorr.plan import MODES

__all__ = [
    "DTYPES",
    "METHODS",
    "MODES",
    "SHAPES",
    "direct_always",
    "import_torch",
    "integer_reference",
    "mode_cases",
    "random_array",
    "small_ints",
    "valid_possible",
]

#: The floating dtypes every algorithm computes in.
DTYPES = ("float32", "float64", "complex64", "complex128")

#: Operand shapes that reach every branch of the algorithms and their plans.
SHAPES = [
    ((3,), (11,)),
    ((11,), (3,)),  # kernel longer than signal: 'same' sums a window of f
    ((7,), (2,)),  # 'same' whose circular length is shorter than the kernel
    ((1,), (5,)),
    ((6,), (6,)),
    ((9,), (12,)),
    ((129,), (5000,)),  # overlap-add in several blocks
    ((2, 3), (5, 4)),
    ((5, 4), (2, 3)),  # N-D template larger than the signal: its own flat layout
    ((4, 4), (5, 5)),  # 'valid': fewer outputs than kernel samples (windows product)
    ((5, 2), (2, 6)),  # no 'valid'
    ((9, 2), (4, 33)),
    ((2, 2, 2), (3, 4, 3)),
    ((3, 3, 2), (3, 3, 3)),
]


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


def mode_cases(shapes=SHAPES):
    """``(f_shape, g_shape, mode)`` for every pair of ``shapes`` and every mode it allows."""
    for f_shape, g_shape in shapes:
        for mode in MODES:
            if mode != "valid" or valid_possible(f_shape, g_shape):
                yield f_shape, g_shape, mode


def direct_always():
    """Cost-model constants (float64 only) in which the direct sum is free and FFTs cost 1 s."""
    table = {"direct_1d": (0,) * 4, "direct_nd": (0,) * 3, "fft": (1, 0, 0, 0), "oa": (1, 0, 0)}
    return {"float64": table}


def valid_possible(f_shape, g_shape):
    """Whether ``mode='valid'`` accepts these shapes (one covers the other)."""
    pairs = list(zip(f_shape, g_shape, strict=True))
    return all(a >= b for a, b in pairs) or all(b >= a for a, b in pairs)


@pytest.fixture
def rng():
    """A fresh generator with a fixed seed for every test."""
    return np.random.default_rng(20260808)


#: How many tests compare with PyTorch (tests/test_nn.py, tests/test_nn_arithmetic.py).
TORCH_CROSS_CHECKS = 19


def import_torch():
    """``torch``, or skip the calling test with how to install it (fail it under ``CI=true``)."""
    try:
        import torch
    except ImportError:
        hint = (
            f"PyTorch CPU is the reference of {TORCH_CROSS_CHECKS} conv2d cross-checks: "
            "`.venv/bin/pip install -r benchmarks/requirements.txt` installs torch 2.13.0; "
            "on Linux PyPI's wheel is the CUDA build (gigabytes), so set "
            "PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu first for the CPU one"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"PyTorch is missing on CI. {hint}")
        pytest.skip(hint)
    return torch
