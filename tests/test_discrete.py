"""Unit tests of convcorr.convolve / correlate / correlation_lags.

Hand-computed small cases first, then SciPy as the reference for every mode
and method, then every bad input of the fixed API.
"""

from pathlib import Path

import numpy as np
import pytest
import scipy.signal
from conftest import DTYPES, METHODS, MODES

import convcorr
from convcorr._checks import ONE_THREAD_DOT
from convcorr.plan import mode_slices

# --- hand-computed cases -------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_convolve_by_hand(method):
    # (f * g)[n] = sum_m f[m] g[n - m] with f = [1, 2], g = [1, 0, -1]:
    # n=0: 1*1; n=1: 1*0 + 2*1; n=2: 1*(-1) + 2*0; n=3: 2*(-1)
    out = convcorr.convolve([1, 2], [1, 0, -1], method=method)
    np.testing.assert_allclose(out, [1, 2, -1, -2], atol=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_correlate_by_hand_complex(method):
    # (f ⋆ g)[k] = sum_m conj(f[m]) g[m + k], lags -1, 0, 1, 2
    f = np.array([1j, 2])
    g = np.array([1, 1j, 3])
    expected = [
        2 * 1,  # k=-1: conj(f[1]) g[0]
        -1j * 1 + 2 * 1j,  # k=0: conj(f[0]) g[0] + conj(f[1]) g[1]
        -1j * 1j + 2 * 3,  # k=1
        -1j * 3,  # k=2: conj(f[0]) g[2]
    ]
    out = convcorr.correlate(f, g, method=method)
    np.testing.assert_allclose(out, expected, atol=1e-12)
    np.testing.assert_array_equal(convcorr.correlation_lags(2, 3), [-1, 0, 1, 2])


def test_correlate_conjugates_first_argument_only():
    f = np.array([1j])
    g = np.array([1j])
    # With one operand equal to 1, the result shows which operand is conjugated.
    assert convcorr.correlate(f, g)[0] == pytest.approx(1)
    assert convcorr.correlate([1.0], g)[0] == pytest.approx(1j)
    assert convcorr.correlate(f, [1.0])[0] == pytest.approx(-1j)


def test_delta_is_identity_and_shift():
    g = np.arange(1.0, 6.0)
    np.testing.assert_allclose(convcorr.convolve([1.0], g), g)
    shifted = convcorr.convolve([0.0, 0.0, 1.0], g)
    np.testing.assert_allclose(shifted, np.r_[0.0, 0.0, g])


def test_2d_by_hand():
    f = np.array([[1, 2], [3, 4]])
    g = np.array([[1, 0], [0, 0]])
    np.testing.assert_allclose(convcorr.convolve(f, g), [[1, 2, 0], [3, 4, 0], [0, 0, 0]])
    # correlating with a delta returns the template reversed (lags are negative)
    np.testing.assert_allclose(convcorr.correlate(f, g), [[4, 3, 0], [2, 1, 0], [0, 0, 0]])


# --- shapes, dtypes and lags ----------------------------------------------------------
# (every method against exact sums: test_speed_paths.py; against SciPy on drawn
# shapes: test_properties.py)


@pytest.mark.parametrize("mode", MODES)
def test_same_mode_returns_signal_shape(mode):
    f, g = np.ones((3, 2)), np.ones((6, 5))
    out = convcorr.convolve(f, g, mode)
    expected = {"full": (8, 6), "same": (6, 5), "valid": (4, 4)}[mode]
    assert out.shape == expected


@pytest.mark.parametrize(
    "f_dtype,g_dtype,out_dtype",
    [
        (np.float32, np.float32, np.float32),
        (np.float64, np.float32, np.float64),
        (np.complex64, np.float32, np.complex64),
        (np.int64, np.int8, np.float64),
        (np.bool_, np.float64, np.float64),
        (np.float16, np.float16, np.float32),
        (np.complex128, np.int32, np.complex128),
    ],
)
@pytest.mark.parametrize("method", METHODS)
def test_output_dtype(f_dtype, g_dtype, out_dtype, method):
    f = np.ones(3, dtype=f_dtype)
    g = np.ones(5, dtype=g_dtype)
    assert convcorr.convolve(f, g, method=method).dtype == out_dtype
    assert convcorr.correlate(f, g, method=method).dtype == out_dtype


@pytest.mark.parametrize("f_len,g_len", [(5, 4), (4, 5), (3, 7), (7, 3), (2, 2), (1, 6)])
@pytest.mark.parametrize("mode", MODES)
def test_lags_label_the_returned_samples(f_len, g_len, mode):
    # A delta template at index 0 correlated with a delta signal at index j
    # peaks at lag j: the lag axis must put the peak there in every mode.
    for j in range(g_len):
        f = np.zeros(f_len)
        f[0] = 1
        g = np.zeros(g_len)
        g[j] = 1
        try:
            out = convcorr.correlate(f, g, mode)
        except ValueError:
            assert mode == "valid"
            return
        lags = convcorr.correlation_lags(f_len, g_len, mode)
        assert lags.shape == out.shape
        if j in lags:
            assert lags[np.argmax(out)] == j
        else:
            assert np.all(out == 0)


def test_lags_full_range():
    np.testing.assert_array_equal(convcorr.correlation_lags(3, 4), np.arange(-2, 4))


def test_lags_differ_from_scipy_only_where_scipy_is_off():
    # SciPy's 'same' lags disagree with its own correlate 'same' output for an
    # odd signal and an even template; convcorr labels its output correctly.
    ours = convcorr.correlation_lags(4, 5, "same")
    scipys = scipy.signal.correlation_lags(5, 4, "same")
    full = np.arange(-3, 5)
    out = scipy.signal.correlate(np.eye(5)[2], np.eye(4)[0], "same")
    full_out = scipy.signal.correlate(np.eye(5)[2], np.eye(4)[0], "full")
    assert ours[np.argmax(out)] == full[np.argmax(full_out)] == 2
    assert scipys[np.argmax(out)] != 2


def test_inputs_are_not_modified():
    f = np.array([1.0, 2.0, 3.0])
    g = np.array([1j, 2.0, 0.5])
    f0, g0 = f.copy(), g.copy()
    for method in METHODS:
        convcorr.correlate(f, g, method=method)
        convcorr.convolve(f, g, method=method)
    np.testing.assert_array_equal(f, f0)
    np.testing.assert_array_equal(g, g0)


# --- bad input --------------------------------------------------------------------


@pytest.mark.parametrize("func", [convcorr.convolve, convcorr.correlate])
def test_unknown_mode_lists_accepted_values(func):
    expected = r"mode must be one of 'full', 'same', 'valid'; received 'circular'"
    with pytest.raises(ValueError, match=expected):
        func([1, 2], [1, 2], mode="circular")


@pytest.mark.parametrize("func", [convcorr.convolve, convcorr.correlate])
def test_unknown_method_lists_accepted_values(func):
    expected = r"method must be one of 'auto', 'direct', 'fft', 'oa', 'os'; received 'FFT'"
    with pytest.raises(ValueError, match=expected):
        func([1, 2], [1, 2], method="FFT")


@pytest.mark.parametrize("bad", ["ful", "FULL", "", " same", None, 3, "Valid"])
@pytest.mark.parametrize("func", [convcorr.convolve, convcorr.correlate])
def test_near_miss_mode_and_method_are_refused(func, bad):
    with pytest.raises(ValueError, match=rf"mode must be one of .*; received {bad!r}"):
        func([1.0, 2.0], [1.0], mode=bad)
    with pytest.raises(ValueError, match=rf"method must be one of .*; received {bad!r}"):
        func([1.0, 2.0], [1.0], method=bad)
    with pytest.raises(ValueError, match="mode"):
        convcorr.correlation_lags(2, 3, bad)


@pytest.mark.parametrize("func", [convcorr.convolve, convcorr.correlate])
def test_masked_arrays_are_refused(func):
    masked = np.ma.array([1.0, 2.0, 3.0], mask=[0, 1, 0])
    with pytest.raises(TypeError, match="f must not be a masked array"):
        func(masked, [1.0])
    with pytest.raises(TypeError, match="g must not be a masked array"):
        func([1.0], masked)


@pytest.mark.parametrize("func", [convcorr.convolve, convcorr.correlate])
def test_empty_and_0d_rejected(func):
    with pytest.raises(ValueError, match=r"f must not be empty; received an array of shape \(0,\)"):
        func([], [1.0])
    with pytest.raises(ValueError, match=r"g must have at least one dimension"):
        func([1.0], 3.0)
    with pytest.raises(ValueError, match=r"g must not be empty"):
        func(np.ones((2, 2)), np.ones((2, 0)))


@pytest.mark.parametrize("func", [convcorr.convolve, convcorr.correlate])
def test_mismatched_ndim_rejected(func):
    with pytest.raises(ValueError, match=r"f.ndim=1 and g.ndim=2"):
        func([1.0, 2.0], np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"f.ndim=3 and g.ndim=2"):
        func(np.ones((1, 1, 1)), np.ones((1, 1)))


@pytest.mark.parametrize("func", [convcorr.convolve, convcorr.correlate])
@pytest.mark.parametrize(
    "bad",
    [
        np.array(["a", "b"]),
        np.array([None, 1.0], dtype=object),
        np.array(["2020-01-01"], dtype="datetime64[D]"),
        np.array([1], dtype="timedelta64[s]"),
        [b"x"],
    ],
)
def test_non_numeric_dtype_rejected(func, bad):
    with pytest.raises(TypeError, match=r"numeric dtype"):
        func(bad, [1.0, 2.0])
    with pytest.raises(TypeError, match=r"g must have a numeric dtype"):
        func([1.0, 2.0], bad)


def test_ragged_input_is_a_type_error():
    with pytest.raises(TypeError, match=r"f must be array-like"):
        convcorr.convolve([[1.0], [1.0, 2.0]], [[1.0]])


def test_valid_needs_one_operand_to_cover_the_other():
    with pytest.raises(ValueError, match=r"mode='valid' needs one operand"):
        convcorr.convolve(np.ones((2, 5)), np.ones((5, 2)), mode="valid")
    with pytest.raises(ValueError, match=r"mode='valid'"):
        mode_slices((2, 5), (5, 2), "valid")


@pytest.mark.parametrize(
    "args,exc,msg",
    [
        ((0, 3), ValueError, r"f_len must be a positive integer; received 0"),
        ((3, -1), ValueError, r"g_len must be a positive integer; received -1"),
        ((2.5, 3), TypeError, r"f_len must be a positive integer; received float"),
        ((True, 3), TypeError, r"f_len must be a positive integer; received bool"),
    ],
)
def test_correlation_lags_bad_lengths(args, exc, msg):
    with pytest.raises(exc, match=msg):
        convcorr.correlation_lags(*args)


def test_correlation_lags_of_huge_lengths_are_cheap():
    # only the returned lags are built: no 15 GiB range for one 'valid' lag
    assert convcorr.correlation_lags(10**9, 10**9, "valid").tolist() == [0]
    for f_len, g_len in ((10**6, 3), (3, 10**6), (10**6 - 1, 10**6)):
        full = np.arange(-(f_len - 1), g_len)
        for mode in ("same", "valid"):
            lags = convcorr.correlation_lags(f_len, g_len, mode)
            assert np.array_equal(lags, full[mode_slices((f_len,), (g_len,), mode)[0]])


def test_correlation_lags_bad_mode():
    with pytest.raises(ValueError, match=r"received 'middle'"):
        convcorr.correlation_lags(3, 3, "middle")


def test_lazy_submodules_are_listed_and_unknown_attributes_refused():
    assert convcorr.discrete.convolve is convcorr.convolve
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = convcorr.nope
    submodules = {p.stem for p in Path(convcorr.__file__).parent.iterdir() if p.stem[0] != "_"}
    assert submodules <= set(dir(convcorr))
    assert {"convolve", "correlate", "__version__"} <= set(dir(convcorr))
    for name in submodules:
        assert getattr(convcorr, name).__name__ == f"convcorr.{name}"


@pytest.mark.parametrize("method", METHODS)
def test_byte_order_of_the_result_is_native(method):
    a = np.array([1.0, 2.0, 3.0], dtype=">f8")
    out = convcorr.convolve(a, a, method=method)
    assert out.dtype == np.float64 and out.dtype.isnative
    np.testing.assert_allclose(out, [1, 4, 10, 12, 9])


# --- no silent wrong answer: integers, extreme magnitudes, non-finite input --------


@pytest.mark.parametrize("bits", [21, 24, 40])
@pytest.mark.parametrize("mode", MODES)
def test_integers_are_exact_where_a_plain_fft_is_not(bits, mode, rng):
    # 4096 samples below 2**20 already defeat rounding a float64 FFT (next test)
    n = 4096 if bits < 40 else 100
    a = rng.integers(0 if bits == 21 else -(2 ** (bits - 1)), 2 ** (bits - 1), n)
    b = rng.integers(-(2 ** (bits - 1)), 2 ** (bits - 1), n - 7)
    if bits < 40:  # int64 holds every sum: SciPy's direct sum is exact
        conv = scipy.signal.convolve(b, a, mode, method="direct").astype(float)
        corr = scipy.signal.correlate(b, a, mode, method="direct").astype(float)
    else:  # 2**78 per product: Python integers by the definition
        conv = convcorr.exact.convolve(a.tolist(), b.tolist(), mode).astype(float)
        corr = convcorr.exact.correlate(a.tolist(), b.tolist(), mode).astype(float)
    for method in METHODS:
        assert np.array_equal(convcorr.convolve(a, b, mode, method), conv)
        assert np.array_equal(convcorr.correlate(a, b, mode, method), corr)


def test_a_plain_fft_does_lose_those_integers(rng):
    a = rng.integers(0, 2**20, 4096)
    b = rng.integers(0, 2**20, 4089)
    plain = np.rint(convcorr.methods.fft(a, b, np.dtype("float64")))
    assert not np.array_equal(plain, np.convolve(a, b))


def test_integers_beyond_int64_are_rounded_from_the_exact_sum():
    a = np.array([2**63 - 1, -(2**63), 5])
    b = np.array([2**64 - 1, 3], dtype=np.uint64)
    exact = [int(x) for x in a]
    ref = np.array(
        [float(sum(exact[m] * int(b[n - m]) for m in range(3) if 0 <= n - m < 2)) for n in range(4)]
    )
    for method in METHODS:
        assert np.array_equal(convcorr.convolve(a, b, method=method), ref)


@pytest.mark.parametrize("mode", MODES)
def test_nd_integers_are_exact(mode, rng):
    # 2**48 per product, 600 products per output: int64 holds the reference
    a = rng.integers(-(2**24), 2**24, (3, 40, 5))
    b = rng.integers(-(2**24), 2**24, (6, 50, 5))
    ref = scipy.signal.convolve(b, a, mode, method="direct")
    for method in METHODS:
        assert np.array_equal(convcorr.convolve(a, b, mode, method), ref.astype(float))


def extreme_operands(size, dtype, rng):
    """A kernel and a signal whose direct sum is finite and accurate, but not a plain FFT's.

    ``'near overflow'``: a difference kernel over a signal near the largest
    float, where the FFT's sums of products overflow. ``'subnormal kernel'``:
    small integers times a subnormal power of two (exact), over a signal near
    the top of the range: the products are ordinary numbers, but the FFT's
    twiddle products of the kernel round to the subnormal grid (a few bits).
    """
    info = np.finfo(dtype)
    if size == "near overflow":
        f = np.array([1.0, -1.0])
        g = rng.standard_normal(5000) * (info.max / 64)
    else:
        f = np.array([3.0, -1.0, 2.0, 5.0, -7.0]) * (info.smallest_subnormal * 16)
        g = rng.standard_normal(5000) * 2.0 ** (info.maxexp - 8)
    if np.dtype(dtype).kind == "c":
        f, g = f + 1j * f[::-1], g + 1j * g[::-1]
    return f.astype(dtype), g.astype(dtype)


@pytest.mark.parametrize("size", ["near overflow", "subnormal kernel"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_extreme_magnitudes_stay_finite_under_every_method(size, dtype, rng):
    f, g = extreme_operands(size, dtype, rng)
    ref = convcorr.convolve(f, g, method="direct")
    assert np.isfinite(ref).all()
    tol = 1e-12 if np.finfo(dtype).eps < 1e-10 else 1e-5
    for method in METHODS:
        out = convcorr.convolve(f, g, method=method)
        assert np.isfinite(out).all(), method
        assert np.abs(out - ref).max() <= tol * np.abs(ref).max(), method


def test_finite_but_huge_input_is_accepted():
    # sum |x|^2 overflows here: the exact check must not mistake it for infinity
    x = np.array([1e200, -1e200, 3.0])
    out = convcorr.convolve([1.0], x, method="direct")
    assert np.array_equal(out, x)


# --- a result that overflows: the other outputs stay right (issue 22, item 1) ----------


def _edge_exponent(dtype):
    """An exponent whose square overflows ``dtype`` by far, while the value itself is ordinary."""
    return np.finfo(dtype).maxexp - 24


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", METHODS)
def test_finite_outputs_are_right_when_another_output_overflows(method, dtype):
    # f = [2**e, 1]: f * f is exactly [2**2e, 2**(e+1), 1] and f ⋆ f is
    # [2**e, 2**2e + 1, 2**e]; 2**2e overflows, every other output is exact in
    # any float. The FFT used to return [inf, 1.07e301, -1.07e301] (float64).
    e = _edge_exponent(dtype)
    f = np.array([2.0**e, 1.0]).astype(dtype)
    conv = convcorr.convolve(f, f, "full", method)
    corr = convcorr.correlate(f, f, "full", method)
    assert np.isinf(conv[0]) and np.isinf(corr[1]), (conv, corr)
    assert conv[1] == 2.0 ** (e + 1) and conv[2] == 1, conv
    assert corr[0] == 2.0**e and corr[2] == 2.0**e, corr
    # SciPy's direct sum (arguments swapped) agrees on every finite output
    ref = scipy.signal.convolve(f, f, "full", method="direct")
    assert np.array_equal(conv[1:], ref[1:])


@pytest.mark.parametrize("shape", [(2000,), (40, 50)])
@pytest.mark.parametrize("method", METHODS)
def test_an_fft_overflows_only_where_the_direct_sum_does(method, shape):
    # f = [2**600, 1] over g = [2**600, 1, 1, ...]: only output 0 (2**1200)
    # overflows; the FFT used to make 10 more outputs non-finite (2-D: 99).
    f = np.zeros((2,) + (1,) * (len(shape) - 1))
    f.flat[:2] = [2.0**600, 1.0]
    g = np.ones(shape)
    g.flat[0] = 2.0**600
    # the N-D direct sum multiplies with NumPy, which warns of the overflow
    with np.errstate(over="ignore"):
        out = convcorr.convolve(f, g, "full", method)
        ref = scipy.signal.convolve(g, f, "full", method="direct")
    assert np.array_equal(np.isfinite(out), np.isfinite(ref))
    assert (~np.isfinite(out)).sum() == 1
    finite = np.isfinite(ref)
    assert np.array_equal(out[finite], ref[finite])


def test_an_overflowing_result_too_long_for_the_direct_sum_is_refused(monkeypatch):
    # beyond the limit the FFT paths refuse rather than answer wrongly
    monkeypatch.setattr(convcorr.guards, "OVERFLOW_DIRECT_LIMIT", 3)
    f = np.array([2.0**1000, 1.0])
    for method in ("fft", "oa"):
        message = r"beyond float64's range: with max \|f\| = .* max \|g\| = .*method='direct'"
        with pytest.raises(ValueError, match=message):
            convcorr.convolve(f, f, "full", method)
    # a result that does not overflow is computed as before
    small = np.array([2.0**500, 1.0])
    assert np.isfinite(convcorr.convolve(small, small, "full", "fft")).all()


NUMPY_BLAS = ("dot", "vdot", "inner", "matmul", "tensordot")


@pytest.fixture
def no_threaded_blas(monkeypatch):
    """NumPy's BLAS entry points made to raise on anything OpenBLAS might thread.

    A dot product of at most ``ONE_THREAD_DOT`` samples runs on the calling
    thread and passes; any other call through these functions fails the test.
    """

    def guarded(name, original):
        def call(*args, **kwargs):
            short = all(np.size(a) <= ONE_THREAD_DOT for a in args)
            if name in ("dot", "vdot") and short:
                return original(*args, **kwargs)
            raise AssertionError(f"numpy.{name} on {[np.shape(a) for a in args]} in the guard")

        return call

    for name in NUMPY_BLAS:
        monkeypatch.setattr(np, name, guarded(name, getattr(np, name)))
    monkeypatch.setattr(np.linalg, "norm", guarded("norm", np.linalg.norm))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size", ["plain", "near overflow", "subnormal kernel", "overflowing"])
def test_the_fft_guard_calls_no_threaded_blas(size, dtype, no_threaded_blas, rng):
    # the guard's magnitude bound and finiteness screen are NumPy's own
    # single-threaded passes: a BLAS reduction waits for its threads when
    # another process keeps a core busy (issue 21)
    if size in ("near overflow", "subnormal kernel"):
        f, g = extreme_operands(size, dtype, rng)
    elif size == "plain":
        f = rng.standard_normal(9).astype(dtype)
        g = rng.standard_normal(40_000).astype(dtype)
    else:
        f = np.array([2.0 ** _edge_exponent(dtype), 1.0]).astype(dtype)
        g = f
    for method in ("fft", "oa"):
        out = convcorr.convolve(f, g, "full", method)
        assert out.shape == (f.size + g.size - 1,)
    bad = g.copy()
    bad[-1] = np.nan
    with pytest.raises(ValueError, match=r"g must be finite; received \(?nan"):
        convcorr.convolve(f, bad, "full", "fft")


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_guard_scales_at_the_edges_of_its_window(dtype, rng):
    # operands whose largest magnitude sits just inside and just outside the
    # unscaled window 2**(+-maxexp/4), at the top of the range and in the
    # subnormals: the FFT paths equal the direct sum (integers times 2**e: exact)
    info = np.finfo(dtype)
    window = info.maxexp // 4
    f = rng.integers(-8, 9, 7).astype(dtype)
    f[0] = 8
    g = rng.integers(-8, 9, 300).astype(dtype)
    g[0] = 8
    tol = 1e-12 if info.eps < 1e-10 else 1e-5
    for ef, eg in [
        (window - 4, 0),
        (window - 3, 0),
        (-window - 4, 0),
        (-window - 5, 0),
        (info.maxexp - 12, -8),
        (info.maxexp - 12, info.minexp // 2),
        (info.minexp - 4, info.maxexp - 20),
    ]:
        a, b = f * 2.0**ef, g * 2.0**eg  # exact: small integers times powers of two
        ref = convcorr.convolve(a, b, "full", "direct")
        assert np.isfinite(ref).all(), (ef, eg)
        for method in ("fft", "oa"):
            out = convcorr.convolve(a, b, "full", method)
            err = np.abs(out - ref).max()
            assert err <= tol * np.abs(ref).max(), (ef, eg, method, err)


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
@pytest.mark.parametrize("part", ["real", "imag"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_the_finiteness_screen_sees_either_part_of_a_long_complex_array(bad, part, layout, rng):
    # past ONE_THREAD_DOT samples a complex array is screened as its real view: a NaN or an
    # infinity in one part alone, anywhere and in any memory layout, must still be seen
    from convcorr._checks import screen_finite

    x = (rng.standard_normal((130, 130)) + 1j * rng.standard_normal((130, 130))).astype("complex64")
    if layout == "F":
        x = np.asfortranarray(x)
    elif layout == "strided":
        x = np.concatenate([x, x], axis=1)[:, ::2]
    assert x.size > ONE_THREAD_DOT and screen_finite(x)
    for index in [(0, 0), (129, 129), (64, 3)]:
        y = x.copy(order="K") if layout != "strided" else x.copy()
        if layout == "strided":
            y = np.concatenate([y, y], axis=1)[:, ::2]
        getattr(y, part)[index] = bad
        assert not screen_finite(y), (index, part, layout)
