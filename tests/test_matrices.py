"""Tests of convcorr.matrices: convolution and correlation as (block) Toeplitz matrices.

References: the exact defining sums of convcorr.exact, a sum written out here, SciPy's
scipy.linalg.toeplitz and scipy.linalg.convolution_matrix with their argument conventions.
"""

from fractions import Fraction

import numpy as np
import pytest
import scipy.linalg
import sympy

import convcorr
from convcorr import exact
from convcorr.matrices import convolution_matrix, correlation_matrix

MODES = ("full", "same", "valid")
SHAPES = [
    ((3,), (5,)),
    ((4,), (6,)),
    ((5,), (3,)),
    ((4,), (4,)),
    ((1,), (3,)),
    ((2, 3), (4, 5)),
    ((3, 2), (2, 2)),
    ((2, 2, 3), (3, 2, 4)),
]


def _valid_possible(fs, gs):
    pairs = list(zip(fs, gs, strict=True))
    return all(a >= b for a, b in pairs) or all(b >= a for a, b in pairs)


def _cases():
    for fs, gs in SHAPES:
        for mode in MODES:
            if mode != "valid" or _valid_possible(fs, gs):
                yield fs, gs, mode


def _matvec(A, g):
    """A @ g.ravel() for object matrices too (exact sums, no floats)."""
    g = np.asarray(g, dtype=object).ravel()
    return np.array([sum((a * b for a, b in zip(row, g, strict=True)), start=0) for row in A])


@pytest.mark.parametrize(("fs", "gs", "mode"), list(_cases()))
def test_matrices_are_the_exact_defining_sums(fs, gs, mode):
    rng = np.random.default_rng(1)
    f = rng.integers(-5, 6, fs).astype(object)
    f.flat[0] = Fraction(1, 3)  # exact rationals survive
    g = rng.integers(-5, 6, gs).astype(object)
    T = convolution_matrix(f, gs, mode)
    C = correlation_matrix(f, gs, mode)
    assert T.dtype == object and C.dtype == object
    assert list(_matvec(T, g)) == list(exact.convolve(f, g, mode).ravel())
    assert list(_matvec(C, g)) == list(exact.correlate(f, g, mode).ravel())


@pytest.mark.parametrize(("fs", "gs", "mode"), list(_cases()))
def test_complex_matrices_match_convcorr(fs, gs, mode):
    rng = np.random.default_rng(2)
    f = rng.standard_normal(fs) + 1j * rng.standard_normal(fs)
    g = rng.standard_normal(gs) + 1j * rng.standard_normal(gs)
    np.testing.assert_allclose(
        convolution_matrix(f, gs, mode) @ g.ravel(), convcorr.convolve(f, g, mode).ravel()
    )
    np.testing.assert_allclose(
        correlation_matrix(f, gs, mode) @ g.ravel(), convcorr.correlate(f, g, mode).ravel()
    )


def test_symbolic_correlation_conjugates_the_template():
    f, g = exact.symbols("f", 2), exact.symbols("g", 3)
    C = correlation_matrix(f, 3)
    assert exact.equal(_matvec(C, g), exact.correlate(f, g))
    assert C[0, 0] == sympy.conjugate(f[1])  # lag -1: conj(f[1]) g[0]


def test_one_dimensional_matrix_is_scipy_toeplitz():
    f = np.array([2.0, -1.0, 3.0])
    n = 5
    # scipy.linalg.toeplitz(c, r): first column c, first row r (r[0] is ignored)
    c = np.concatenate([f, np.zeros(n - 1)])
    r = np.concatenate([f[:1], np.zeros(n - 1)])
    np.testing.assert_array_equal(convolution_matrix(f, n), scipy.linalg.toeplitz(c, r))
    # entry formula T[i, j] = f[i - j] written out
    T = convolution_matrix(f, n)
    for i, j in np.ndindex(T.shape):
        assert T[i, j] == (f[i - j] if 0 <= i - j < len(f) else 0)


@pytest.mark.parametrize(("m", "n"), [(3, 5), (4, 6), (4, 4), (5, 3), (6, 4), (1, 4)])
@pytest.mark.parametrize("mode", MODES)
def test_scipy_convolution_matrix_conventions(m, n, mode):
    # scipy.linalg.convolution_matrix(a, n, mode) @ v == numpy.convolve(a, v, mode):
    # the same matrix for 'full' and 'valid'; its 'same' keeps max(m, n) rows (NumPy's
    # 'same'), the book's keeps n (the signal's length): equal exactly when n >= m.
    a = np.arange(1.0, m + 1) * (-1) ** np.arange(m)
    ours = convolution_matrix(a, n, mode)
    theirs = scipy.linalg.convolution_matrix(a, n, mode)
    if mode != "same" or n >= m:
        np.testing.assert_array_equal(ours, theirs)
    else:
        assert theirs.shape == (m, n) and ours.shape == (n, n)


def test_conjugate_transpose_of_full_convolution_is_valid_correlation():
    rng = np.random.default_rng(3)
    for m, n in [(3, 5), (5, 2), (1, 4)]:
        f = rng.standard_normal(m) + 1j * rng.standard_normal(m)
        T = convolution_matrix(f, n)
        np.testing.assert_array_equal(T.conj().T, correlation_matrix(f, m + n - 1, "valid"))
        C = correlation_matrix(f, n)
        np.testing.assert_array_equal(C.conj().T, convolution_matrix(f, m + n - 1, "valid"))
    # exactly, on symbols
    f = exact.symbols("f", 3)
    T = convolution_matrix(f, 2)
    adjoint = np.vectorize(sympy.conjugate, otypes=[object])(T).T
    assert exact.equal(adjoint, correlation_matrix(f, 4, "valid"))


def test_two_dimensional_matrix_is_doubly_block_toeplitz():
    rng = np.random.default_rng(4)
    K = rng.integers(1, 9, (2, 3))
    H, W = 3, 4
    T = convolution_matrix(K, (H, W))
    rows_per_block, cols_per_block = W + 3 - 1, W
    for bi in range(H + 2 - 1):
        for bj in range(H):
            block = T[
                bi * rows_per_block : (bi + 1) * rows_per_block,
                bj * cols_per_block : (bj + 1) * cols_per_block,
            ]
            if 0 <= bi - bj < K.shape[0]:
                np.testing.assert_array_equal(block, convolution_matrix(K[bi - bj], W))
            else:
                assert not block.any()


def test_dtypes_are_kept():
    assert convolution_matrix([1, 2], 3).dtype == np.int64
    assert convolution_matrix(np.array([True, False]), 2).dtype == np.int64
    assert convolution_matrix(np.float32([1.0]), 2).dtype == np.float32
    assert correlation_matrix([1j, 2], 2).dtype == complex


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        (([], 3), ValueError, "f must be a non-empty"),
        ((5.0, 3), ValueError, "f must be a non-empty"),
        ((["a"], 3), TypeError, "f must have a numeric dtype"),
        (([1.0, np.nan], 3), ValueError, "f must be finite"),
        ((np.ma.masked_array([1.0]), 2), TypeError, "f must not be a masked array"),
        (([[1, 2], [3]], 2), TypeError, "f must be array-like"),
        (([1.0], 0), ValueError, "shape must hold positive lengths"),
        (([1.0], 2.0), TypeError, "shape must be an int"),
        (([1.0], (True,)), TypeError, "shape must hold ints"),
        (([1.0], (2, 2)), ValueError, "one length per axis of f"),
        (([1.0], 2, "middle"), ValueError, "mode must be one of"),
        ((np.ones((2, 1)), (1, 2), "valid"), ValueError, "mode 'valid' needs"),
        ((np.array([object()], dtype=object), 2), TypeError, "f entries must be numbers"),
    ],
)
@pytest.mark.parametrize("build", [convolution_matrix, correlation_matrix])
def test_bad_input_names_the_argument(build, args, error, words):
    with pytest.raises(error, match=words):
        build(*args)
