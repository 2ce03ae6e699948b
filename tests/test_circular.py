"""Tests of convcorr.circular against the defining sums with indices modulo the period."""

from fractions import Fraction

import numpy as np
import pytest
import scipy.linalg
import sympy
from conftest import METHODS, random_array
from hypothesis import given, settings
from hypothesis import strategies as st

from convcorr.circular import alias, circulant, circular_convolve, circular_correlate

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


def conv_by_definition(f, g):
    """sum_m f[m] g[(n - m) mod N] on every axis, f zero-padded to g's shape (object sums)."""
    out = np.zeros(g.shape, dtype=object)
    for n in np.ndindex(g.shape):
        for m in np.ndindex(f.shape):
            j = tuple((a - b) % p for a, b, p in zip(n, m, g.shape, strict=True))
            out[n] += f[m] * g[j]
    return out


def corr_by_definition(f, g):
    """sum_m conj(f[m]) g[(m + k) mod N] on every axis."""
    out = np.zeros(g.shape, dtype=object)
    for k in np.ndindex(g.shape):
        for m in np.ndindex(f.shape):
            j = tuple((a + b) % p for a, b, p in zip(m, k, g.shape, strict=True))
            out[k] += np.conj(f[m]) * g[j]
    return out


def alias_by_definition(y, shape):
    out = np.zeros(shape, dtype=object)
    for i in np.ndindex(y.shape):
        out[tuple(a % p for a, p in zip(i, shape, strict=True))] += y[i]
    return out


def gaussian_ints(rng, shape):
    return rng.integers(-9, 10, shape) + 1j * rng.integers(-9, 10, shape)


SHAPES = [((1,), (1,)), ((3,), (7,)), ((7,), (7,)), ((2, 3), (4, 5)), ((3, 3), (3, 3))]


@pytest.mark.parametrize(("fs", "gs"), SHAPES)
def test_integers_exact_under_every_method(fs, gs):
    rng = np.random.default_rng(sum(fs) + 10 * sum(gs))
    f, g = rng.integers(-99, 100, fs), rng.integers(-99, 100, gs)
    conv, corr = conv_by_definition(f, g), corr_by_definition(f, g)
    for method in METHODS:  # integer dtypes: exact whichever algorithm runs
        np.testing.assert_array_equal(circular_convolve(f, g, method), conv.astype(float))
        np.testing.assert_array_equal(circular_correlate(f, g, method), corr.astype(float))


@pytest.mark.parametrize(("fs", "gs"), SHAPES)
def test_gaussian_integers_exact_by_direct_sum(fs, gs):
    rng = np.random.default_rng(sum(fs) + 10 * sum(gs))
    f, g = gaussian_ints(rng, fs), gaussian_ints(rng, gs)
    conv, corr = conv_by_definition(f, g), corr_by_definition(f, g)
    np.testing.assert_array_equal(circular_convolve(f, g, "direct"), conv.astype(complex))
    np.testing.assert_array_equal(circular_correlate(f, g, "direct"), corr.astype(complex))


@pytest.mark.parametrize(("fs", "gs"), SHAPES)
def test_complex_floats_against_definition_and_dft(fs, gs, rng):
    f, g = random_array(rng, fs, "complex128"), random_array(rng, gs, "complex128")
    conv, corr = circular_convolve(f, g), circular_correlate(f, g)
    np.testing.assert_allclose(conv, conv_by_definition(f, g).astype(complex), atol=1e-12)
    np.testing.assert_allclose(corr, corr_by_definition(f, g).astype(complex), atol=1e-12)
    # the circular theorems: an independent computation of the same arrays
    F, G = np.fft.fftn(f, gs, axes=range(len(gs))), np.fft.fftn(g)
    np.testing.assert_allclose(np.fft.fftn(conv), F * G, atol=1e-10)
    np.testing.assert_allclose(np.fft.fftn(corr), np.conj(F) * G, atol=1e-10)


def test_conjugate_is_on_the_first_argument():
    f, g = np.array([1j, 2.0]), np.array([1.0, 0.0, 0.0])
    # k = 0: conj(f[0]) g[0] = -1j; the unconjugated sum would give +1j
    assert circular_correlate(f, g)[0] == -1j
    assert circular_correlate(g, f.astype(complex).repeat(2)[:3])[0] == 1j


def test_negative_lags_wrap_to_the_end():
    f, g = np.array([1.0]), np.array([0.0, 0.0, 0.0, 5.0])  # g[m + k] = 5 at k = 3 = -1 mod 4
    np.testing.assert_array_equal(circular_correlate(np.array([0.0, 1.0]), g), [0, 0, 5, 0])
    np.testing.assert_array_equal(circular_correlate(f, g), [0, 0, 0, 5])


def test_exact_objects_stay_exact():
    f = np.array([Fraction(1, 3), Fraction(-2, 7)], dtype=object)
    g = np.array([Fraction(1, 2), 3, Fraction(5, 11)], dtype=object)
    conv = circular_convolve(f, g)
    assert conv.dtype == object and all(isinstance(v, Fraction | int) for v in conv)
    assert list(conv) == list(conv_by_definition(f, g))
    a, b = sympy.symbols("a b")
    s = np.array([a, b], dtype=object)
    corr = circular_correlate(s, np.array([1, 2], dtype=object))
    assert sympy.simplify(corr[0] - (sympy.conjugate(a) + 2 * sympy.conjugate(b))) == 0
    assert sympy.simplify(corr[1] - (2 * sympy.conjugate(a) + sympy.conjugate(b))) == 0


def test_circulant_convention_and_product(rng):
    f, g = random_array(rng, (6,), "complex128"), random_array(rng, (6,), "complex128")
    C = circulant(f)
    np.testing.assert_array_equal(C, scipy.linalg.circulant(f))  # first column f
    np.testing.assert_array_equal(C[:, 0], f)
    np.testing.assert_allclose(C @ g, conv_by_definition(f, g).astype(complex), atol=1e-12)
    assert not np.allclose(C.T @ g, C @ g)  # the row convention is another operation
    np.testing.assert_array_equal(circulant([1, 2, 3]), [[1, 3, 2], [2, 1, 3], [3, 2, 1]])


def test_circulant_is_diagonalised_by_the_dft(rng):
    n = 7
    f = random_array(rng, (n,), "complex128")
    W = np.exp(-2j * np.pi * np.outer(np.arange(n), np.arange(n)) / n)
    F = W @ f
    np.testing.assert_allclose(np.linalg.inv(W) @ np.diag(F) @ W, circulant(f), atol=1e-12)


def test_circulant_dtypes():
    assert circulant(np.array([True, False])).dtype == np.int64
    exact = circulant(np.array([Fraction(1, 2), 3], dtype=object))
    assert exact.dtype == object and exact[0, 1] == 3 and exact[1, 1] == Fraction(1, 2)


def test_alias_against_definition(rng):
    y = rng.integers(-5, 6, (7, 9))
    for shape in ((3, 4), (7, 9), (10, 2), (1, 1)):
        np.testing.assert_array_equal(alias(y, shape), alias_by_definition(y, shape))
    np.testing.assert_array_equal(alias(np.arange(5), 8), [0, 1, 2, 3, 4, 0, 0, 0])
    np.testing.assert_array_equal(alias(np.ones(5, bool), 2), [3, 2])  # counts, not or
    ex = alias(np.array([Fraction(1, 3)] * 5, dtype=object), 3)
    assert list(ex) == [Fraction(2, 3), Fraction(2, 3), Fraction(1, 3)]
    assert all(type(v) is Fraction for v in ex)


@SETTINGS
@given(
    m=st.integers(1, 6),
    extra=st.integers(0, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_property_theorems_hold_on_random_lengths(m, extra, seed):
    rng = np.random.default_rng(seed)
    n = m + extra
    f, g = random_array(rng, (m,), "complex128"), random_array(rng, (n,), "complex128")
    F, G = np.fft.fft(f, n), np.fft.fft(g)
    scale = max(1.0, np.abs(F).max() * np.abs(G).max())
    assert np.abs(np.fft.fft(circular_convolve(f, g)) - F * G).max() < 1e-12 * scale
    assert np.abs(np.fft.fft(circular_correlate(f, g)) - np.conj(F) * G).max() < 1e-12 * scale


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: circular_convolve([1, 2, 3], [1, 2]), ValueError, "no longer than g"),
        (lambda: circular_convolve([[1]], [1, 2]), ValueError, "same number of axes"),
        (lambda: circular_convolve([], [1, 2]), ValueError, "non-empty"),
        (lambda: circular_correlate(["a"], [1]), TypeError, "dtype <U1"),
        (lambda: circular_convolve([1], [1, 2], method="slow"), ValueError, "method"),
        (lambda: circular_convolve([np.nan], [1, 2]), ValueError, "finite"),
        (lambda: circulant([[1, 2]]), ValueError, "1-D"),
        (lambda: circulant(3), ValueError, "non-empty"),
        (lambda: alias([1, 2, 3], 0), ValueError, ">= 1"),
        (lambda: alias([1, 2, 3], (2, 2)), ValueError, "one period per axis"),
        (lambda: alias([1, 2, 3], 2.0), TypeError, "ints"),
        (lambda: alias([1, 2, 3], True), TypeError, "ints"),
        (lambda: alias([1, 2, 3], None), TypeError, "positive int"),
        (lambda: alias(np.ma.array([1, 2]), 2), TypeError, "masked"),
    ],
)
def test_errors_name_the_argument(call, error, words):
    with pytest.raises(error, match=words):
        call()
