"""Tests of the three algorithms of convcorr.methods on validated arrays."""

import math

import numpy as np
import pytest
import scipy.fft
import scipy.signal
from conftest import DTYPES, random_array

from convcorr import methods

RTOL = {"float32": 2e-5, "complex64": 2e-5, "float64": 1e-12, "complex128": 1e-12}
PATHS = [methods.direct, methods.fft, methods.oa]

SHAPES = [
    ((3,), (50,)),
    ((50,), (3,)),
    ((1,), (7,)),
    ((17,), (17,)),
    ((129,), (5000,)),
    ((3, 4), (20, 30)),
    ((9, 2), (4, 33)),
    ((2, 3, 4), (5, 6, 7)),
]


def reference(f, g):
    """SciPy's direct sum in complex128 (argument order swapped: kernel second)."""
    c = np.complex128
    return scipy.signal.convolve(g.astype(c), f.astype(c), method="direct")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("f_shape", "g_shape"), SHAPES)
@pytest.mark.parametrize("path", PATHS)
def test_every_path_equals_the_direct_sum(path, f_shape, g_shape, dtype, rng):
    f, g = random_array(rng, f_shape, dtype), random_array(rng, g_shape, dtype)
    out = path(f, g, np.dtype(dtype))
    ref = reference(f, g)
    assert out.dtype == np.dtype(dtype)
    assert out.shape == ref.shape
    assert out.flags.c_contiguous
    scale = max(np.abs(ref).max(), 1.0)
    assert np.abs(out - ref).max() <= 10 * RTOL[dtype] * scale


@pytest.mark.parametrize("path", PATHS)
def test_mixed_precision_is_computed_in_the_result_dtype(path, rng):
    f = rng.standard_normal(40).astype(np.float32)
    g = rng.standard_normal(20000)
    out = path(f, g, np.dtype("float64"))
    ref = np.convolve(f.astype(np.float64), g)
    assert out.dtype == np.float64
    assert np.max(np.abs(out - ref)) < 1e-12 * np.max(np.abs(ref))


@pytest.mark.parametrize(
    ("kernel", "signal", "tiled"),
    [
        ((40,), (3000,), (True,)),
        ((5, 7), (700, 600), (True, True)),
        ((3, 2, 2), (600, 5, 4), (True, False, False)),
        ((2, 3, 1), (4, 700, 3), (False, True, False)),
    ],
)
def test_overlap_add_tiles_the_long_axes(kernel, signal, tiled, rng):
    # blocks are at least 256 samples long: only long axes are cut into several
    plan = methods.oa_plan(signal, kernel)
    assert tuple(blocks > 1 for _, _, blocks in plan) == tiled
    f, g = rng.standard_normal(kernel), rng.standard_normal(signal)
    for ff, gg in ((f, g), (g, f)):
        out = methods.oa_convolve_full(ff, gg, np.dtype("float64"))
        ref = scipy.signal.fftconvolve(gg, ff)
        assert np.abs(out - ref).max() < 1e-10 * np.abs(ref).max()


def cheapest_block(n, k):
    """The block length the docstring of ``oa_block_length`` promises, by brute force.

    Candidates ``2**p * {1, 3, 5}`` up to ``2**20``, at least ``max(2 (k - 1), 256)``
    and shorter than one whole FFT; the cost ``ceil(n / (Lb - k + 1)) Lb (log2 Lb + 4)``
    is minimised, the shortest length winning ties; ``None`` when no candidate
    beats the whole FFT's ``L (log2 L + 4)``.
    """
    whole = scipy.fft.next_fast_len(n + k - 1, real=True)
    candidates = [c for c in {2**p * m for p in range(4, 21) for m in (1, 3, 5)} if c <= 2**20]
    costs = [
        (-(-n // (lb - k + 1)) * lb * (math.log2(lb) + 4), lb)
        for lb in candidates
        if max(2 * (k - 1), 256) <= lb < whole
    ]
    best = min(costs, default=None)
    if best is None or best[0] >= whole * (math.log2(whole) + 4):
        return None
    return best[1]


def test_oa_block_length_is_the_cheapest_admissible_length():
    # pinned: the first admissible length (256) would be wrong for each
    assert methods.oa_block_length(1_000_000, 100) == 1024
    assert methods.oa_block_length(2**18, 128) == 1280
    assert methods.oa_block_length(100_000, 1000) == 12288
    assert methods.oa_block_length(64, 64) is None
    for n in (300, 1000, 4096, 5000, 65536, 10**6):
        for k in (1, 2, 3, 40, 129, 300, 1000, 4000):
            assert methods.oa_block_length(n, k) == cheapest_block(n, k), (n, k)
