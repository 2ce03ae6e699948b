"""Property tests of the fixed convcorr API over shapes, dtypes, modes and methods.

Values come from a NumPy generator seeded by Hypothesis, so every failure is
reproducible; Hypothesis explores the shapes (1-D to 3-D), dtypes, modes and
methods. Tolerances scale with ``sum|f| * max|g|``, a bound on every output
sample's sum of absolute terms, times a multiple of the dtype's epsilon.
"""

import numpy as np
import pytest
import scipy.signal
from conftest import DTYPES, METHODS, MODES, random_array, valid_possible
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import convcorr
from convcorr import convolve, correlate, correlation_lags, reverse_conj

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)


@st.composite
def shapes(draw, n_operands=2, max_len=6):
    ndim = draw(st.integers(1, 3))
    top = {1: max_len, 2: 5, 3: 3}[ndim]
    axis = st.integers(1, top)
    return [tuple(draw(axis) for _ in range(ndim)) for _ in range(n_operands)]


def _tol(f, g, dtype, factor=64):
    scale = np.abs(f).sum() * np.abs(g).max()
    return factor * np.finfo(dtype).eps * max(scale, 1.0)


def _close(a, b, tol):
    assert a.shape == b.shape
    assert np.max(np.abs(a - b)) <= tol


@SETTINGS
@given(
    shapes(),
    st.sampled_from(DTYPES),
    st.sampled_from(MODES),
    st.sampled_from(METHODS),
    st.integers(0, 2**32 - 1),
)
def test_direct_fft_auto_equal_scipy(sh, dtype, mode, method, seed):
    fs, gs = sh
    assume(mode != "valid" or valid_possible(fs, gs))
    rng = np.random.default_rng(seed)
    f, g = random_array(rng, fs, dtype), random_array(rng, gs, dtype)
    # Reference in double precision from the single-precision inputs.
    f64 = f.astype(np.complex128 if f.dtype.kind == "c" else np.float64)
    g64 = g.astype(f64.dtype)
    tol = _tol(f, g, dtype)
    for ours, theirs in (
        (convolve(f, g, mode, method), scipy.signal.convolve(g64, f64, mode)),
        (correlate(f, g, mode, method), scipy.signal.correlate(g64, f64, mode)),
    ):
        assert ours.dtype == dtype
        _close(ours, theirs, tol)


@SETTINGS
@given(shapes(), st.sampled_from(DTYPES), st.sampled_from(MODES), st.integers(0, 999))
def test_direct_equals_fft(sh, dtype, mode, seed):
    fs, gs = sh
    assume(mode != "valid" or valid_possible(fs, gs))
    rng = np.random.default_rng(seed)
    f, g = random_array(rng, fs, dtype), random_array(rng, gs, dtype)
    tol = _tol(f, g, dtype)
    _close(convolve(f, g, mode, "direct"), convolve(f, g, mode, "fft"), tol)
    _close(correlate(f, g, mode, "direct"), correlate(f, g, mode, "fft"), tol)


def _mixed_strategy():
    return st.tuples(
        shapes(), st.sampled_from(MODES), st.sampled_from(METHODS), st.integers(0, 999)
    )


@SETTINGS
@given(_mixed_strategy())
def test_conversion_identities(args):
    (fs, gs), mode, method, seed = args
    assume(mode != "valid" or valid_possible(fs, gs))
    rng = np.random.default_rng(seed)
    f, g = random_array(rng, fs, np.complex128), random_array(rng, gs, np.complex128)
    tol = _tol(f, g, np.complex128)
    # f ⋆ g = conj(f(-·)) * g   and   f * g = conj(f(-·)) ⋆ g
    r = reverse_conj(f)
    _close(correlate(f, g, mode, method), convolve(r, g, mode, method), tol)
    _close(convolve(f, g, mode, method), correlate(r, g, mode, method), tol)


@SETTINGS
@given(_mixed_strategy())
def test_convolution_commutes(args):
    (fs, gs), mode, method, seed = args
    # 'same' keeps the second operand's shape: commutes only for equal shapes.
    assume(mode != "same" or fs == gs)
    assume(mode != "valid" or valid_possible(fs, gs))
    rng = np.random.default_rng(seed)
    f, g = random_array(rng, fs, np.complex128), random_array(rng, gs, np.complex128)
    _close(convolve(f, g, mode, method), convolve(g, f, mode, method), _tol(f, g, 1.0))


@SETTINGS
@given(_mixed_strategy())
def test_correlation_conjugate_symmetry(args):
    # (f ⋆ g)[k] = conj((g ⋆ f)[-k]); in 'full' and 'valid' the lag sets match.
    (fs, gs), mode, method, seed = args
    assume(mode != "same")
    assume(mode != "valid" or valid_possible(fs, gs))
    rng = np.random.default_rng(seed)
    f, g = random_array(rng, fs, np.complex128), random_array(rng, gs, np.complex128)
    lhs = correlate(f, g, mode, method)
    rhs = reverse_conj(correlate(g, f, mode, method))
    _close(lhs, rhs, _tol(f, g, 1.0))
    if f.ndim == 1:
        lags_fg = correlation_lags(len(f), len(g), mode)
        lags_gf = correlation_lags(len(g), len(f), mode)
        np.testing.assert_array_equal(lags_fg, -lags_gf[::-1])


@SETTINGS
@given(shapes(n_operands=3, max_len=5), st.sampled_from(METHODS), st.integers(0, 999))
def test_associativity_and_mixed_laws(sh, method, seed):
    fs, gs, hs = sh
    rng = np.random.default_rng(seed)
    f, g, h = (random_array(rng, s, np.complex128) for s in (fs, gs, hs))
    tol = 64 * np.finfo(float).eps * max(np.abs(f).sum() * np.abs(g).sum() * np.abs(h).max(), 1.0)

    def conv(a, b):
        return convolve(a, b, "full", method)

    def corr(a, b):
        return correlate(a, b, "full", method)

    _close(conv(conv(f, g), h), conv(f, conv(g, h)), tol)  # (f*g)*h = f*(g*h)
    _close(conv(corr(f, g), h), corr(f, conv(g, h)), tol)  # (f⋆g)*h = f⋆(g*h)
    _close(corr(conv(f, g), h), corr(f, corr(g, h)), tol)  # (f*g)⋆h = f⋆(g⋆h)


@SETTINGS
@given(
    st.integers(1, 8),
    st.integers(0, 8),
    st.integers(0, 8),
    st.sampled_from(MODES),
    st.sampled_from(METHODS),
    st.integers(0, 999),
)
def test_correlation_lags_locate_an_embedded_template(n_f, before, after, mode, method, seed):
    rng = np.random.default_rng(seed)
    f = random_array(rng, n_f, np.complex128)
    g = np.concatenate([np.zeros(before), f, np.zeros(after)])
    lags = correlation_lags(n_f, len(g), mode)
    out = correlate(f, g, mode, method)
    assert lags.shape == out.shape
    assume(before in lags)
    # Cauchy-Schwarz: the zero-padded template matches itself best at its offset.
    assert lags[np.argmax(np.abs(out))] == before
    assert np.isclose(out[lags == before][0], np.vdot(f, f))


@pytest.mark.parametrize("mode", MODES)
def test_correlation_lags_of_deltas(mode):
    for n_f in range(1, 7):
        for n_g in range(1, 7):
            lags = correlation_lags(n_f, n_g, mode)
            for q in range(n_f):
                for p in range(n_g):
                    f, g = np.eye(n_f)[q], np.eye(n_g)[p]
                    out = correlate(f, g, mode)
                    hit = lags == p - q
                    assert out[hit].tolist() == ([1.0] if hit.any() else [])
                    assert not out[~hit].any()


def _as(reference, dtype):
    # the references are computed in complex128; real inputs give a real result
    return (reference if np.dtype(dtype).kind == "c" else reference.real).astype(dtype)


# --- overlap-add: several blocks only for long signals with short kernels ----------------------


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    st.integers(1, 3),
    st.sampled_from(DTYPES),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_overlap_add_equals_direct(ndim, dtype, kernel_first, seed):
    rng = np.random.default_rng(seed)
    signal_len = {1: int(rng.integers(300, 5000)), 2: int(rng.integers(40, 120)), 3: 24}[ndim]
    kernel_len = int(rng.integers(1, {1: 64, 2: 9, 3: 4}[ndim] + 1))
    kernel = random_array(rng, (kernel_len,) * ndim, dtype)
    signal = random_array(rng, (signal_len,) * ndim, dtype)
    f, g = (kernel, signal) if kernel_first else (signal, kernel)
    out = convolve(f, g, method="oa")
    reference = scipy.signal.convolve(
        g.astype(np.complex128), f.astype(np.complex128), method="direct"
    )
    assert out.dtype == dtype
    _close(out, _as(reference, dtype), _tol(f, g, dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", MODES)
def test_auto_picks_overlap_add_for_long_signals_and_stays_accurate(dtype, mode):
    rng = np.random.default_rng(7)
    f, g = random_array(rng, (128,), dtype), random_array(rng, (65536,), dtype)
    assert convcorr.costmodel.choose_method(f.shape, g.shape, np.dtype(dtype)) == "oa"
    for func, ref in ((convolve, scipy.signal.convolve), (correlate, scipy.signal.correlate)):
        out = func(f, g, mode, "auto")
        expected = ref(g.astype(np.complex128), f.astype(np.complex128), mode, method="fft")
        _close(out, _as(expected, dtype), _tol(f, g, dtype, factor=256))
