"""Separable and low-rank kernels (convcorr.separable), against independent references.

References: SciPy's direct N-D sum of the outer-product kernel (signal first, in int64
for integers, so exact), term counts made by convolving arrays of ones (each output of
``ones * ones`` is the number of terms of that output's sum), and the Eckart–Young
errors written with norms NumPy computes without the SVD (Frobenius: a sum of squares).
"""

import functools

import numpy as np
import pytest
import scipy.signal
from conftest import METHODS, MODES

import convcorr
from convcorr.separable import low_rank_factors, separable_convolve, separable_multiply_adds


def outer(factors):
    return functools.reduce(np.multiply.outer, factors)


CASES = [
    [(3,), (20,)],
    [(3, 5), (12, 17)],
    [(1, 4), (6, 9)],
    [(4, 2, 3), (7, 6, 8)],
    [(5, 5), (5, 5)],
]


@pytest.mark.parametrize(("kernel_shape", "x_shape"), CASES)
@pytest.mark.parametrize("mode", MODES)
def test_separable_convolve_is_the_nd_sum_of_the_outer_product_exactly(
    kernel_shape, x_shape, mode, rng
):
    factors = [rng.integers(-9, 10, k) for k in kernel_shape]
    x = rng.integers(-99, 100, x_shape)
    # SciPy's order: the signal first; int64 sums, exact
    ref = scipy.signal.convolve(x, outer(factors), mode, method="direct")
    for method in METHODS:
        out = separable_convolve(factors, x, mode, method)
        assert np.array_equal(out, ref.astype(float)), method


@pytest.mark.parametrize("mode", MODES)
def test_separable_convolve_of_complex_floats(mode, rng):
    factors = [rng.standard_normal(k) + 1j * rng.standard_normal(k) for k in (4, 7)]
    x = rng.standard_normal((30, 41)) + 1j * rng.standard_normal((30, 41))
    ref = scipy.signal.convolve(x, outer(factors), mode, method="direct")
    out = separable_convolve(factors, x, mode, "direct")
    assert np.abs(out - ref).max() < 1e-12 * np.abs(ref).max()
    assert out.shape == convcorr.convolve(outer(factors), x, mode).shape


def test_the_factors_act_on_their_own_axes(rng):
    a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, -1.0])
    x = rng.standard_normal((9, 8))
    swapped = scipy.signal.convolve(x, np.outer(b, a))  # a wrong pairing of axes
    right = separable_convolve([a, b], x)
    assert right.shape == (11, 9) and swapped.shape == (10, 10)


def count_terms(kernel_shape, x_shape, mode):
    """Terms of every kept output's sum, by convolving arrays of ones (exact, int64)."""
    ones = scipy.signal.convolve(
        np.ones(x_shape, np.int64), np.ones(kernel_shape, np.int64), mode, method="direct"
    )
    return int(ones.sum()), ones.shape


@pytest.mark.parametrize(("kernel_shape", "x_shape"), CASES)
@pytest.mark.parametrize("mode", MODES)
def test_multiply_adds_are_the_terms_of_the_sums(kernel_shape, x_shape, mode):
    full, passes = separable_multiply_adds(kernel_shape, x_shape, mode)
    assert full == count_terms(kernel_shape, x_shape, mode)[0]
    expected, shape = 0, x_shape
    for axis in reversed(range(len(x_shape))):
        step = tuple(k if d == axis else 1 for d, k in enumerate(kernel_shape))
        terms, shape = count_terms(step, shape, mode)
        expected += terms
    assert passes == expected


def test_per_output_cost_away_from_the_edges():
    # 'valid' keeps only interior outputs: m n against m + n per output, exactly for
    # the N-D sum, a little more for the passes (the row pass also makes rows the
    # column pass then consumes)
    m, n, big = 5, 7, 200
    full, passes = separable_multiply_adds((m, n), (big, big), "valid")
    outputs = (big - m + 1) * (big - n + 1)
    assert full == outputs * m * n
    assert passes == big * (big - n + 1) * n + outputs * m
    assert outputs * (m + n) < passes < outputs * (m + n) * 1.03


def test_low_rank_factors_meet_eckart_young(rng):
    kernel = rng.standard_normal((9, 7))
    s = np.linalg.svd(kernel, compute_uv=False)
    for r in range(1, 8):
        approx = sum(np.outer(c, w) for c, w in low_rank_factors(kernel, r))
        assert np.linalg.matrix_rank(approx) == r
        frob = np.sqrt(np.sum((kernel - approx) ** 2))  # no SVD in this norm
        assert abs(frob - np.sqrt(np.sum(s[r:] ** 2))) < 1e-12
        if r < 7:  # the spectral norm of the error is the first dropped value
            assert abs(np.linalg.norm(kernel - approx, 2) - s[r]) < 1e-12
        for _ in range(20):  # no other rank-r kernel does better in Frobenius norm
            other = rng.standard_normal((9, r)) @ rng.standard_normal((r, 7))
            best = other * np.sum(other * kernel) / np.sum(other * other)
            assert np.sqrt(np.sum((kernel - best) ** 2)) >= frob - 1e-12
    assert np.allclose(sum(np.outer(c, w) for c, w in low_rank_factors(kernel, 7)), kernel)


def test_low_rank_factors_of_a_complex_and_a_rank_one_kernel(rng):
    kernel = rng.standard_normal((4, 6)) + 1j * rng.standard_normal((4, 6))
    terms = low_rank_factors(kernel, 4)
    assert np.abs(sum(np.outer(c, w) for c, w in terms) - kernel).max() < 1e-12
    sobel = np.outer([1, 2, 1], [1, 0, -1])
    [(column, row)] = low_rank_factors(sobel, 1)
    assert np.abs(np.outer(column, row) - sobel).max() < 1e-12
    x = rng.standard_normal((20, 30))
    assert np.allclose(separable_convolve([column, row], x), convcorr.convolve(sobel, x))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: separable_convolve(np.ones((2, 3)), np.ones((4, 4))), TypeError, "list or tuple"),
        (lambda: separable_convolve([[1, 2]], np.ones((4, 4))), ValueError, r"one 1-D array per"),
        (lambda: separable_convolve([[1], [[1]]], np.ones((4, 4))), ValueError, r"factors\[1\]"),
        (lambda: separable_convolve([[1], []], np.ones((4, 4))), ValueError, "must not be empty"),
        (lambda: separable_convolve([["a"]], [1.0]), TypeError, r"factors\[0\] must have"),
        (
            lambda: separable_convolve([[1, 2, 3], [1]], np.ones((2, 5)), "valid"),
            ValueError,
            r"kernel no larger than x.*\(3, 1\).*\(2, 5\)",
        ),
        (lambda: separable_convolve([[1]], [1.0], "middle"), ValueError, "mode must be one of"),
        (lambda: separable_multiply_adds((3,), (0,)), ValueError, "positive ints"),
        (lambda: separable_multiply_adds((3, 1), (4,)), ValueError, "same length"),
        (lambda: separable_multiply_adds(3, (4,)), TypeError, "tuple of ints"),
        (lambda: low_rank_factors(np.ones(4), 1), ValueError, "must be 2-D"),
        (lambda: low_rank_factors(np.ones((3, 4)), 4), ValueError, r"between 1 and .* 3"),
        (lambda: low_rank_factors(np.ones((3, 4)), 1.0), TypeError, "rank must be an int"),
        (lambda: low_rank_factors([[1, np.nan]], 1), ValueError, "finite"),
    ],
)
def test_errors_name_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
