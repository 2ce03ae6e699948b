"""Fuzz tests of the public numeric API against exact references (Hypothesis, derandomised).

Every call gets the right answer, checked against exact rational arithmetic
(:mod:`convcorr.exact` on :class:`fractions.Fraction` entries), or a clear
``ValueError``/``TypeError``; inputs are never modified; every method gives
the same answer. Hypothesis draws dtypes (bool, every integer width with its
extremes, float16 to longdouble, complex), shapes (1-D to 3-D, lengths 1 and
primes, impossible 'valid' pairs, empty axes), magnitudes (subnormal to near
overflow), non-finite entries and memory layouts (Fortran order, strided,
big-endian, read-only).
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from conftest import METHODS, MODES
from hypothesis import given, settings
from hypothesis import strategies as st

import convcorr
from convcorr import exact

FUZZ = settings(max_examples=120, deadline=None, derandomize=True)

INT_DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOAT_DTYPES = ["float16", "float32", "float64", "longdouble"]
COMPLEX_DTYPES = ["complex64", "complex128", "clongdouble"]
DTYPES = INT_DTYPES + FLOAT_DTYPES + COMPLEX_DTYPES
LENGTHS = [1, 2, 3, 5, 7, 11, 13]
LAYOUTS = ["C", "F", "strided", "big-endian", "read-only"]


# --- drawing operands -----------------------------------------------------------------


def _result_dtype(a, b):
    """What convolve returns, stated independently of the package."""
    if a.kind in "biu" and b.kind in "biu":
        return np.dtype("float64")
    dt = np.result_type(a, b)
    return np.dtype("float32") if dt == np.float16 else dt


def _real_part(rng, dtype, shape, exponent):
    """Random values of a real dtype; floats scaled by 2**exponent, ints over their range."""
    if dtype.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        if exponent is None:  # extremes: the whole range, ends included
            values = rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)
            values.flat[0] = info.max
            values.flat[-1] = info.min
            return values
        return rng.integers(max(info.min, -3), min(info.max, 3), shape, endpoint=True).astype(dtype)
    x = np.ldexp(rng.standard_normal(shape).astype(np.longdouble), exponent)
    return x.astype(dtype)


def _values(rng, dtype, shape, exponent):
    if dtype.kind == "c":
        part = np.dtype(dtype.char.lower())  # F -> f, D -> d, G -> g
        re, im = (_real_part(rng, part, shape, exponent) for _ in range(2))
        return (re + 1j * im).astype(dtype)
    return _real_part(rng, dtype, shape, exponent)


def _layout(x, layout):
    if layout == "F":
        return np.asfortranarray(x)
    if layout == "strided":
        big = np.zeros((*x.shape[:-1], 2 * x.shape[-1]), x.dtype)
        big[..., ::2] = x
        return big[..., ::2]
    if layout == "big-endian":
        return x.astype(x.dtype.newbyteorder(">"))
    if layout == "read-only":
        x = x.copy()
        x.flags.writeable = False
    return x


def _exponents(draw, dtype_f, dtype_g, size):
    """Binary exponents of the operands: subnormal to near overflow, no product overflowing."""
    info = np.finfo(_result_dtype(dtype_f, dtype_g))
    lo = info.minexp - info.nmant + 8  # subnormal range
    ranges = []
    for dt in (dtype_f, dtype_g):
        own = np.finfo(dt) if dt.kind in "fc" else info
        ranges.append((max(lo, own.minexp - own.nmant + 8), own.maxexp - 8))
    ef = draw(st.integers(*ranges[0]))
    # the other operand keeps every product finite; drawn right at that edge
    # half of the time, where an unscaled FFT's sums of products overflow
    top = min(ranges[1][1], info.maxexp - 4 - ef)
    eg = draw(st.one_of(st.just(top), st.integers(min(ranges[1][0], top), top)))
    return ef, eg


@st.composite
def operand_pairs(draw):
    ndim = draw(st.integers(1, 3))
    top = {1: 7, 2: 4, 3: 3}[ndim]
    f_shape = tuple(draw(st.sampled_from(LENGTHS[:top])) for _ in range(ndim))
    g_shape = tuple(draw(st.sampled_from(LENGTHS[:top])) for _ in range(ndim))
    dtype_f = np.dtype(draw(st.sampled_from(DTYPES)))
    dtype_g = np.dtype(draw(st.sampled_from(DTYPES)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    extremes = draw(st.booleans())
    if dtype_f.kind in "biu" and dtype_g.kind in "biu":
        ef = eg = None if extremes else 0
    else:
        ef, eg = _exponents(draw, dtype_f, dtype_g, math.prod(f_shape) * math.prod(g_shape))
    f = _values(rng, dtype_f, f_shape, ef if dtype_f.kind in "fc" else 0)
    g = _values(rng, dtype_g, g_shape, eg if dtype_g.kind in "fc" else 0)
    f = _layout(f, draw(st.sampled_from(LAYOUTS)))
    g = _layout(g, draw(st.sampled_from(LAYOUTS)))
    return f, g, draw(st.sampled_from(MODES))


# --- exact references ---------------------------------------------------------------------


def _fractions(x):
    """Exact entries: Python ints for integers, Fractions for floats."""
    out = np.empty(x.shape, dtype=object)
    for idx in np.ndindex(x.shape):
        v = x[idx]
        out[idx] = int(v) if x.dtype.kind in "biu" else Fraction(*v.as_integer_ratio())
    return out


def _parts(x):
    if x.dtype.kind == "c":
        return _fractions(x.real), _fractions(x.imag)
    return _fractions(x), None


def _exact(f, g, mode, correlate):
    """Exact (real, imag) object arrays of f * g or f ⋆ g, from real exact sums."""
    op = exact.correlate if correlate else exact.convolve
    (a, b), (c, d) = _parts(f), _parts(g)
    zero = np.zeros(f.shape, dtype=object), np.zeros(g.shape, dtype=object)
    b = zero[0] if b is None else b
    d = zero[1] if d is None else d
    # (a + ib) * (c + id) = (ac - bd) + i(ad + bc); the correlation conjugates a + ib
    sign = -1 if correlate else 1
    real = op(a, c, mode) - sign * op(b, d, mode)
    imag = op(a, d, mode) + sign * op(b, c, mode)
    return real, imag


def _representable(ref, dtype):
    """Whether every exact output (real and imaginary part) fits comfortably in ``dtype``."""
    if dtype.kind in "biu":
        return True
    limit = Fraction(*np.finfo(dtype).max.as_integer_ratio()) / 4
    return all(abs(v) < limit for part in ref for v in part.ravel())


def _as_fraction(v):
    return int(v) if isinstance(v, int) else Fraction(*v.as_integer_ratio())


def _tolerance(f, g, out_dtype):
    """A bound on the rounding error of any method: Percival-type for the FFT, n eps for sums."""
    if out_dtype.kind == "f" and f.dtype.kind in "biu" and g.dtype.kind in "biu":
        return Fraction(0), Fraction(0)
    info = np.finfo(out_dtype)
    n, m = f.size, g.size
    max_f = _max_abs(f)
    max_g = _max_abs(g)
    length = n + m
    factor = 64 * (min(n, m) + math.log2(length) + 2) * math.sqrt(n * m)
    relative = Fraction(factor) * Fraction(*info.eps.as_integer_ratio()) * max_f * max_g
    absolute = Fraction(*info.smallest_subnormal.as_integer_ratio()) * 8 * n * m
    return relative, absolute


def _max_abs(x):
    parts = _parts(x)
    best = Fraction(0)
    for p in parts:
        if p is not None:
            best = max([best] + [abs(Fraction(v)) for v in p.ravel()])
    return best


def _check_close(out, ref, f, g):
    real, imag = ref
    assert out.shape == real.shape
    if out.dtype.kind == "f" and f.dtype.kind in "biu" and g.dtype.kind in "biu":
        # integers: exact, rounded to float64 only beyond 2**53
        expected = np.array([float(v) for v in real.ravel()]).reshape(real.shape)
        assert np.array_equal(out, expected)
        return
    relative, absolute = _tolerance(f, g, out.dtype)
    for idx in np.ndindex(out.shape):
        v = out[idx]
        err = abs(_as_fraction(v.real) - real[idx])
        if out.dtype.kind == "c":
            err += abs(_as_fraction(v.imag) - imag[idx])
        else:
            assert imag[idx] == 0
        assert err <= relative + absolute, (idx, float(err), float(relative))


def _unchanged(before, after):
    return (
        before.dtype == after.dtype
        and before.shape == after.shape
        and np.array_equal(before, after)
    )


# --- convolve and correlate ------------------------------------------------------------


@FUZZ
@given(operand_pairs())
def test_every_method_gives_the_exact_answer(case):
    f, g, mode = case
    pairs = list(zip(f.shape, g.shape))
    covers = all(a >= b for a, b in pairs) or all(b >= a for a, b in pairs)
    f0, g0 = f.copy(), g.copy()
    for correlate, func in ((False, convcorr.convolve), (True, convcorr.correlate)):
        if mode == "valid" and not covers:
            for method in METHODS:
                with pytest.raises(ValueError, match=r"mode='valid' needs one operand"):
                    func(f, g, mode, method)
            continue
        ref = _exact(f, g, mode, correlate)
        if not _representable(ref, _result_dtype(f.dtype, g.dtype)):
            continue  # an exact output beyond the dtype's range has no right answer
        for method in METHODS:
            out = func(f, g, mode, method)
            assert out.dtype == _result_dtype(f.dtype, g.dtype)
            _check_close(out, ref, f, g)
    assert _unchanged(f0, f) and _unchanged(g0, g)


@FUZZ
@given(
    st.sampled_from(FLOAT_DTYPES + COMPLEX_DTYPES),
    st.sampled_from([np.nan, np.inf, -np.inf]),
    st.integers(1, 9),
    st.integers(0, 8),
    st.sampled_from(METHODS),
    st.sampled_from(LAYOUTS),
)
def test_non_finite_input_is_a_clear_error(dtype, bad, n, where, method, layout):
    x = np.arange(1, n + 1).astype(dtype)
    index = where % n
    x[index] = bad
    x = _layout(x, layout)
    before = x.copy()
    for func in (convcorr.convolve, convcorr.correlate):
        with pytest.raises(ValueError, match=rf"g must be finite; .* at index \({index},\)"):
            func([1.0, 2.0], x, method=method)
        with pytest.raises(ValueError, match=r"f must be finite"):
            func(x, [1.0], method=method)
    assert np.array_equal(before, x, equal_nan=True)


@FUZZ
@given(
    st.sampled_from(DTYPES),
    st.lists(st.integers(0, 3), min_size=1, max_size=3),
    st.sampled_from(METHODS),
)
def test_empty_operands_are_a_clear_error(dtype, shape, method):
    if all(shape):
        shape[0] = 0
    empty = np.zeros(shape, dtype)
    for func in (convcorr.convolve, convcorr.correlate):
        with pytest.raises(ValueError, match="f must not be empty"):
            func(empty, np.ones([1] * len(shape)), method=method)
        with pytest.raises(ValueError, match="g must not be empty"):
            func(np.ones([1] * len(shape)), empty, method=method)


# --- results at the overflow edge (issue 22, item 1) -----------------------------------


@st.composite
def overflow_edge_pairs(draw):
    """Operands whose products straddle the top of the range, magnitudes spread per sample.

    The largest exponents of ``f`` and ``g`` add up to the dtype's
    ``maxexp`` plus ``beyond``; each sample's exponent lies up to ``spread``
    below its operand's, so some outputs overflow, some come near the edge
    and others are far below it: the outputs an FFT's rounding noise would
    swamp once it is scaled back.
    """
    dtype = np.dtype(draw(st.sampled_from(["float32", "float64", "complex64", "complex128"])))
    info = np.finfo(dtype)
    ndim = draw(st.integers(1, 2))
    lengths = st.sampled_from([1, 2, 3, 5, 8] if ndim == 2 else [1, 2, 3, 5, 8, 13, 40])
    f_shape = tuple(draw(lengths) for _ in range(ndim))
    g_shape = tuple(draw(lengths) for _ in range(ndim))
    # how far the largest product lies beyond the top: a little; about eps
    # times it, where an FFT's noise reaches the range; anywhere up to squared
    beyond = draw(
        st.one_of(
            st.integers(-8, 8),
            st.integers(info.nmant - 8, info.nmant + 40),
            st.integers(-8, info.maxexp - 6),
        )
    )
    ef = draw(st.integers(max(info.maxexp // 4, beyond // 2), info.maxexp - 3))
    eg = max(info.minexp, min(info.maxexp - 3, info.maxexp + beyond - ef))
    spread = draw(st.sampled_from([0, 3, 30, info.maxexp]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))

    def operand(shape, top):
        exps = top - rng.integers(0, spread + 1, shape)
        x = np.ldexp(rng.standard_normal(shape), np.maximum(exps, info.minexp))
        if dtype.kind == "c":
            x = x + 1j * np.ldexp(rng.standard_normal(shape), np.maximum(exps, info.minexp))
        return x.astype(dtype)

    mode = draw(st.sampled_from(MODES))
    pairs = list(zip(f_shape, g_shape))
    if mode == "valid" and not (all(a >= b for a, b in pairs) or all(a <= b for a, b in pairs)):
        mode = "full"
    return operand(f_shape, ef), operand(g_shape, eg), mode


def _abs_sums(f, g, mode, correlate):
    """Exact sum of ``|re| + |im|`` products per output: a bound on every partial sum."""

    def absolute(x):
        re, im = _parts(x)
        return np.abs(re) + (0 if im is None else np.abs(im))

    op = exact.correlate if correlate else exact.convolve
    return op(absolute(f), absolute(g), mode)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(overflow_edge_pairs())
def test_outputs_at_the_overflow_edge_are_right_or_overflow(case):
    # Per output, against exact rational arithmetic: an exact value beyond
    # twice the largest float must come back non-finite; an output whose
    # every partial sum stays below a quarter of it must come back finite
    # and right: within the direct sum's error of its own terms, plus the
    # FFT's error relative to the largest operands while that error is
    # itself within the range (it used to be scaled back beyond it).
    f, g, mode = case
    info = np.finfo(f.dtype)
    top = Fraction(*info.max.as_integer_ratio())
    eps = Fraction(*info.eps.as_integer_ratio())
    tiny = Fraction(*info.smallest_subnormal.as_integer_ratio()) * 8 * f.size * g.size
    fft_bound, _ = _tolerance(f, g, f.dtype)
    if eps * _max_abs(f) * _max_abs(g) >= top:
        fft_bound = Fraction(0)  # no FFT can vouch for any output: per-output sums only
    for correlate, func in ((False, convcorr.convolve), (True, convcorr.correlate)):
        real, imag = _exact(f, g, mode, correlate)
        sums = _abs_sums(f, g, mode, correlate)
        gamma = 4 * (min(f.size, g.size) + 2) * eps
        for method in METHODS:
            with np.errstate(over="ignore", invalid="ignore"):  # N-D direct sums warn
                out = func(f, g, mode, method)
            parts = [(out.real, real)] + ([(out.imag, imag)] if out.dtype.kind == "c" else [])
            for got, want in parts:
                for idx in np.ndindex(got.shape):
                    v, s = want[idx], sums[idx]
                    if abs(v) > 2 * top:
                        assert not np.isfinite(got[idx]), (method, correlate, idx)
                    elif s < top / 4:
                        assert np.isfinite(got[idx]), (method, correlate, idx)
                        err = abs(_as_fraction(got[idx]) - v)
                        assert err <= gamma * s + fft_bound + tiny, (
                            method,
                            correlate,
                            idx,
                            float(err),
                            float(gamma * s),
                        )


# --- correlation_lags -------------------------------------------------------------------


@st.composite
def lag_cases(draw):
    """Small lengths in every mode; huge ones where the mode keeps few lags."""
    mode = draw(st.sampled_from(MODES))
    small = st.integers(1, 70)
    if mode == "full" or draw(st.booleans()):
        return draw(small), draw(small), mode
    huge = draw(st.integers(10**6, 10**15))
    if mode == "same":  # keeps g_len lags
        return huge, draw(small), mode
    return huge, huge + draw(st.integers(-50, 50)), mode  # keeps |g - f| + 1


@FUZZ
@given(lag_cases())
def test_correlation_lags_label_every_kept_output(case):
    f_len, g_len, mode = case
    lags = convcorr.correlation_lags(f_len, g_len, mode)
    # independent statement of the three modes: first lag and count
    first, count = {
        "full": (-(f_len - 1), f_len + g_len - 1),
        "same": (-(f_len - 1) + (f_len - 1) // 2, g_len),
        "valid": (min(f_len, g_len) - f_len, abs(g_len - f_len) + 1),
    }[mode]
    assert lags.dtype.kind == "i"
    assert lags.shape == (count,) and lags[0] == first and lags[-1] == first + count - 1
    if f_len <= 70 and g_len <= 70:
        assert np.array_equal(np.diff(lags), np.ones(count - 1, dtype=lags.dtype))
        # a delta template at 0 and a delta signal at j correlate to 1 at lag j
        j = g_len - 1
        out = convcorr.correlate(np.eye(f_len)[0], np.eye(g_len)[j], mode)
        assert (lags[out == 1] == j).all() and out.sum() == (j in lags)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.one_of(st.floats(), st.booleans(), st.text(max_size=2), st.integers(-5, 0), st.none()))
def test_correlation_lags_refuse_bad_lengths(bad):
    error = ValueError if isinstance(bad, int) and not isinstance(bad, bool) else TypeError
    with pytest.raises(error, match="f_len must be a positive integer"):
        convcorr.correlation_lags(bad, 3)
    with pytest.raises(error, match="g_len must be a positive integer"):
        convcorr.correlation_lags(3, bad)


# --- exact ----------------------------------------------------------------------------------


def _poly(f, g):
    """1-D convolution as polynomial multiplication with Python numbers."""
    out = [0] * (len(f) + len(g) - 1)
    for i, a in enumerate(f):
        for j, b in enumerate(g):
            out[i + j] += a * b
    return out


@FUZZ
@given(
    st.lists(st.one_of(st.integers(-(2**70), 2**70), st.fractions()), min_size=1, max_size=8),
    st.lists(st.one_of(st.integers(-(2**70), 2**70), st.fractions()), min_size=1, max_size=8),
)
def test_exact_is_polynomial_multiplication(f, g):
    full = _poly(f, g)
    assert exact.equal(exact.convolve(f, g), np.array(full, dtype=object))
    # correlation: f ⋆ g [k] = sum_m f[m] g[m + k] (real entries), k from -(len f - 1)
    corr = exact.correlate(f, g)
    assert list(corr) == _poly(f[::-1], g)


@FUZZ
@given(
    st.one_of(
        st.just(None),
        st.floats(allow_nan=False),
        st.lists(st.floats(allow_nan=False), min_size=1, max_size=3),
        st.just("ab"),
    ),
    st.sampled_from([exact.convolve, exact.correlate]),
)
def test_exact_refuses_inexact_entries(bad, func):
    with pytest.raises(TypeError, match="f entries must be exact"):
        func(bad, [1, 2])


# --- gradients at random scales ----------------------------------------------------------


def _signed_magnitudes(draw, size, exponent):
    """``size`` values ``± u 2**exponent`` with ``u`` in [1/2, 2): one scale, no near-zeros."""
    u = draw(st.lists(st.floats(0.5, 2.0), min_size=size, max_size=size))
    signs = draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=size, max_size=size))
    return np.ldexp(np.array(u) * np.array(signs), exponent)


@st.composite
def gradient_points(draw, exponents):
    size = draw(st.integers(1, 4))
    exponent = draw(exponents)
    x = _signed_magnitudes(draw, size, exponent)
    c = _signed_magnitudes(draw, size, 0)
    if draw(st.booleans()):  # complex: both parts at the scale, both coefficients
        x = x + 1j * _signed_magnitudes(draw, size, exponent)
        c = c + 1j * _signed_magnitudes(draw, size, 0)
    return x, c


@FUZZ
@given(gradient_points(st.integers(-1000, 1000)))
def test_numerical_gradient_of_a_linear_function_at_any_scale(case):
    # f(z) = Σ Re(conj(c) z) has the gradient c (∂/∂Re + i ∂/∂Im) at every z, so
    # any error is the difference quotient's; the sum is correctly rounded (fsum).
    # The old code, dividing by 2 eps, gave 0 or noise from |x| ≈ 1e10 on.
    x, c = case

    def f(z):
        return math.fsum(np.concatenate([(c.real * z.real).ravel(), (c.imag * z.imag).ravel()]))

    g = convcorr.nn.numerical_gradient(f, x.copy())
    assert convcorr.nn.relative_error(g, c) < 1e-6


@FUZZ
@given(gradient_points(st.integers(-30, 500)))
def test_numerical_gradient_of_a_quadratic_at_any_scale(case):
    # f(z) = Σ w |z|^2 has the gradient 2 w z; a centered difference of a quadratic
    # is exact up to rounding, over the steps x really held
    x, c = case
    w = np.abs(c)

    def f(z):
        return math.fsum((w * (z.real**2 + z.imag**2)).ravel())

    g = convcorr.nn.numerical_gradient(f, x.copy())
    assert convcorr.nn.relative_error(g, 2 * w * x) < 1e-6


# --- ties in random plateaus ----------------------------------------------------------------


@st.composite
def delay_plateaus(draw):
    """A reference and a received signal whose correlation has a plateau of tied maxima.

    Either ``k`` copies of the reference, each ``±``, separated by random gaps (the
    scores at the copies' lags all equal ``||r||^2``, every other lag's is smaller),
    or constant signals (``c1 ones(m) ⋆ c2 ones(n)`` is ``min(m, n) c1 c2`` at the
    ``|n - m| + 1`` lags from ``min(0, n - m)``). Returns the signals and the first
    tied lag.
    """
    integer = draw(st.booleans())
    if integer:
        scale, dtype = 1, np.int64
    else:
        scale, dtype = 2.0 ** draw(st.integers(-500, 500)), np.float64
    lead = draw(st.integers(0, 40))
    if draw(st.booleans()):
        m, n = draw(st.integers(1, 300)), draw(st.integers(1, 300))
        c1, c2 = draw(st.sampled_from([1, -2, 3])), draw(st.sampled_from([1, 5, -7]))
        r = np.full(m, c1 * scale, dtype)
        x = np.r_[np.zeros(lead, dtype), np.full(n, c2 * scale, dtype), np.zeros(3, dtype)]
        return r, x, lead + min(0, n - m)
    m = draw(st.integers(1, 200))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if integer:
        r = rng.integers(1, 10, m) * rng.choice([-1, 1], m)
    else:
        r = scale * rng.standard_normal(m)
    parts = [np.zeros(lead, dtype)]
    for _ in range(draw(st.integers(2, 3))):
        parts += [draw(st.sampled_from([1, -1])) * r, np.zeros(draw(st.integers(0, 9)), dtype)]
    return r, np.concatenate(parts), lead


@settings(max_examples=60, deadline=None, derandomize=True)
@given(delay_plateaus(), st.sampled_from(METHODS))
def test_delay_on_a_random_plateau_is_its_first_lag(case, method):
    # the old code let the FFT's rounding pick among the tied lags
    r, x, first = case
    assert convcorr.similarity.estimate_delay(r, x, method=method) == first


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    st.integers(1, 300),
    st.integers(0, 40),
    st.integers(0, 60),
    st.integers(-500, 500),
    st.integers(0, 2**32 - 1),
)
def test_phat_delay_of_two_equal_copies_is_the_first(m, lead, gap, exponent, seed):
    # PHAT of two equal copies is symmetric about their midpoint: their lags tie
    r = np.ldexp(np.random.default_rng(seed).standard_normal(m), exponent)
    x = np.r_[np.zeros(lead), r, np.zeros(gap), r]
    assert convcorr.similarity.estimate_delay(r, x, "phat") == lead
