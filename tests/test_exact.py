"""Tests of convcorr.exact: exact sums by the definition, same modes as convcorr."""

from fractions import Fraction
from itertools import product

import numpy as np
import pytest
import sympy

import convcorr
from convcorr import exact

MODES = ("full", "same", "valid")


def _gaussian_ints(rng, shape):
    """Random Gaussian integers as a complex array and as a SymPy object array."""
    z = rng.integers(-4, 5, shape) + 1j * rng.integers(-4, 5, shape)
    to_sympy = np.vectorize(
        lambda c: sympy.Integer(int(c.real)) + sympy.I * int(c.imag), otypes=[object]
    )
    return z, to_sympy(z)


def _to_complex(arr):
    return np.vectorize(lambda e: complex(sympy.expand(e)), otypes=[complex])(arr)


def _valid_possible(fs, gs):
    pairs = list(zip(fs, gs, strict=True))
    return all(a >= b for a, b in pairs) or all(b >= a for a, b in pairs)


SHAPES = [
    ((3,), (5,)),
    ((4,), (2,)),
    ((2,), (2,)),
    ((2, 3), (3, 4)),
    ((3, 2), (2, 2)),
    ((1, 2), (3, 1)),
    ((2, 1, 2), (2, 3, 3)),
]


@pytest.mark.parametrize(("fs", "gs"), SHAPES)
def test_matches_floating_point_api_on_gaussian_integers(fs, gs):
    rng = np.random.default_rng(sum(fs) * 10 + sum(gs))
    f, f_exact = _gaussian_ints(rng, fs)
    g, g_exact = _gaussian_ints(rng, gs)
    for mode in MODES:
        if mode == "valid" and not _valid_possible(fs, gs):
            continue
        conv = _to_complex(exact.convolve(f_exact, g_exact, mode))
        corr = _to_complex(exact.correlate(f_exact, g_exact, mode))
        # Small Gaussian integers: the floating-point sums are exact too.
        np.testing.assert_array_equal(conv, convcorr.convolve(f, g, mode, "direct"))
        np.testing.assert_array_equal(corr, convcorr.correlate(f, g, mode, "direct"))


def test_symbolic_convolution_by_hand():
    a0, a1, b0, b1, b2 = sympy.symbols("a0 a1 b0 b1 b2")
    out = exact.convolve([a0, a1], [b0, b1, b2])
    expected = [a0 * b0, a0 * b1 + a1 * b0, a1 * b1 + a0 * b2, a1 * b2]
    assert exact.equal(out, expected)
    assert exact.equal(exact.convolve([a0, a1], [b0, b1, b2], "same"), expected[:3])
    assert exact.equal(exact.convolve([a0, a1], [b0, b1, b2], "valid"), expected[1:3])


def test_correlation_conjugates_the_first_argument_only():
    a, b = sympy.symbols("a b")  # complex symbols
    out = exact.correlate([a], [b])
    assert out[0] == sympy.conjugate(a) * b
    ar, br = sympy.symbols("a b", real=True)
    assert exact.correlate([ar], [br])[0] == ar * br


def test_correlation_lags_by_the_definition():
    # (f ⋆ g)[k] = sum_m conj(f[m]) g[m + k] with f = [x, y], g = [u, v, w]
    x, y, u, v, w = sympy.symbols("x y u v w", real=True)
    out = exact.correlate([x, y], [u, v, w])
    lags = convcorr.correlation_lags(2, 3)
    expected = {-1: y * u, 0: x * u + y * v, 1: x * v + y * w, 2: x * w}
    assert exact.equal(out, [expected[int(k)] for k in lags])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("fs", "gs"), [((2,), (3,)), ((2, 2), (2, 3))])
def test_symbolic_conversion_identities(fs, gs, mode):
    f = exact.symbols("f", fs)
    g = exact.symbols("g", gs)
    assert exact.equal(exact.correlate(f, g, mode), exact.convolve(exact.reverse_conj(f), g, mode))
    assert exact.equal(exact.convolve(f, g, mode), exact.correlate(exact.reverse_conj(f), g, mode))


def test_fractions_stay_fractions():
    out = exact.convolve([Fraction(1, 3), Fraction(1, 2)], [Fraction(3, 1), 6])
    assert list(out) == [Fraction(1), Fraction(7, 2), Fraction(3)]
    assert all(isinstance(x, Fraction) for x in out)


def test_numpy_integers_do_not_overflow():
    out = exact.convolve(np.array([2**62], dtype=np.int64), np.array([4, 4]))
    assert list(out) == [2**64, 2**64]
    assert all(type(x) is int for x in out)


def test_every_output_index_in_3d_matches_the_api():
    rng = np.random.default_rng(7)
    f = rng.integers(-3, 4, (2, 2, 2))
    g = rng.integers(-3, 4, (3, 2, 3))
    out = exact.convolve(f.astype(object), g.astype(object))
    ref = convcorr.convolve(f, g, method="direct")  # 'auto' may pick the FFT: not exact
    for idx in product(*map(range, out.shape)):
        assert out[idx] == ref[idx]


def test_symbols_helper():
    s = exact.symbols("k", (2, 3), real=True)
    assert s.shape == (2, 3)
    assert str(s[1, 2]) == "k_1_2"
    assert s[0, 0].is_real
    assert len(set(s.ravel())) == 6
    assert exact.symbols("x", 4).shape == (4,)


def test_equal_compares_shapes_and_expanded_entries():
    a, b, c = sympy.symbols("a b c")
    assert exact.equal([a * (b + c)], [a * b + a * c])
    assert not exact.equal([a], [a, a])
    assert not exact.equal([a * b], [a * c])


@pytest.mark.parametrize("func", [exact.convolve, exact.correlate])
def test_bad_inputs(func):
    with pytest.raises(TypeError, match=r"f entries must be exact.*float"):
        func([0.5, 1], [1, 2])
    with pytest.raises(TypeError, match=r"g entries must be exact.*float"):
        func([1, 2], np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match=r"complex"):
        func([1j], [1])
    with pytest.raises(TypeError, match=r"str"):
        func(["a"], [1])
    with pytest.raises(TypeError, match=r"list"):
        func([[1, 2], [3]], [1, 2])
    with pytest.raises(ValueError, match=r"f must not be empty"):
        func([], [1])
    with pytest.raises(ValueError, match=r"g must have at least one dimension"):
        func([1], 3)
    with pytest.raises(ValueError, match=r"same number of dimensions"):
        func([[1]], [1])
    with pytest.raises(ValueError, match=r"'full', 'same', 'valid'; received 'ful'"):
        func([1], [1], "ful")
    with pytest.raises(ValueError, match=r"mode='valid'"):
        func([[1, 2]], [[1], [2]], "valid")


def test_bad_symbols_shape():
    with pytest.raises(ValueError, match=r"received \(2, 0\)"):
        exact.symbols("x", (2, 0))
    with pytest.raises(ValueError, match=r"received \(\)"):
        exact.symbols("x", ())


def test_non_array_input_is_a_type_error():
    # as in convcorr.convolve: None is not a signal, whatever the mode
    with pytest.raises(TypeError, match="f entries must be exact"):
        exact.convolve(None, [1])
    with pytest.raises(TypeError, match="g entries must be exact"):
        exact.correlate([1], None)
    with pytest.raises(ValueError, match="f must have at least one dimension"):
        exact.convolve(3, [1])
    with pytest.raises(TypeError, match="f must not be a masked array"):
        exact.convolve(np.ma.array([1, 2], mask=[0, 1]), [1])


@pytest.mark.parametrize(
    ("shape", "error"),
    [
        (2.0, TypeError),
        ("3", TypeError),
        (None, TypeError),
        ((2, 0), ValueError),
        ((2.0,), ValueError),
        ((True,), ValueError),
        ((), ValueError),
    ],
)
def test_symbols_refuses_bad_shapes(shape, error):
    with pytest.raises(error, match="shape must be a positive int"):
        exact.symbols("x", shape)


def test_equal_takes_a_float_for_the_binary_fraction_it_stores():
    # the old code expanded 0.5 - 0.5 to sympy.Float(0.0), which is not == 0
    assert exact.equal([0.5], [0.5])
    assert exact.equal([1.0], [1])
    assert exact.equal(np.array([0.5], np.float32), [Fraction(1, 2)])
    assert exact.equal([np.longdouble(3) / 4], [Fraction(3, 4)])
    assert exact.equal([0.25 - 2.0j], [Fraction(1, 4) - 2 * sympy.I])
    # 0.1 is 3602879701896397 / 2**55, not 1/10; an ulp apart is unequal
    assert exact.equal([0.1], [Fraction(3602879701896397, 2**55)])
    assert not exact.equal([0.1], [Fraction(1, 10)])
    assert not exact.equal([1.0], [np.nextafter(1.0, 2.0)])


def test_equal_compares_a_numeric_result_with_the_exact_one():
    f, g = [1, 2], [1, 0, -1]
    assert exact.equal(convcorr.convolve(f, g), exact.convolve(f, g))
    assert exact.equal(convcorr.correlate(f, g, "same"), exact.correlate(f, g, "same"))
    off = convcorr.convolve(f, g)
    off[1] = np.nextafter(off[1], 10.0)
    assert not exact.equal(off, exact.convolve(f, g))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, complex(1, np.nan)])
def test_equal_refuses_values_with_no_exact_value(bad):
    with pytest.raises(ValueError, match=r"b entries must be finite.*index \(1,\)"):
        exact.equal([1.0, 2.0], [1.0, bad])


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("a", r"a entries must be floats or exact.*type str at index \(0,\)"),
        (None, r"a entries must be floats or exact.*NoneType"),
        (sympy.Float(0.5), r"a entries must be.*received 0\.5\d*, which holds a SymPy Float"),
        (sympy.Symbol("x") * sympy.Float(0.5), r"received 0\.5\d*\*x, which holds a SymPy Float"),
    ],
)
def test_equal_refuses_entries_neither_exact_nor_float(bad, words):
    with pytest.raises(TypeError, match=words):
        exact.equal([bad], [1])


@pytest.mark.parametrize("func", [exact.convolve, exact.correlate])
@pytest.mark.parametrize(
    "bad", [sympy.Float(0.1), sympy.Float(3), 2 * sympy.Symbol("t") + sympy.Float(0.5)]
)
def test_sympy_floats_are_refused_as_floats_are(func, bad):
    # the old code returned 0.300000000000000 for convolve([Float(0.1)], [3])
    with pytest.raises(TypeError, match=r"f entries must be exact.*SymPy Float"):
        func([bad], [3])
    with pytest.raises(TypeError, match=r"g entries must be exact.*SymPy Float"):
        func([3], [1, bad])
