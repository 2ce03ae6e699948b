"""Tests of the FFT and overlap-add paths and of the ``'auto'`` cost model."""

import numpy as np
import pytest
import scipy.signal

import convcorr
from convcorr import fast
from convcorr.discrete import _direct_full

DTYPES = ("float32", "float64", "complex64", "complex128")
MODES = ("full", "same", "valid")
RTOL = {"float32": 2e-5, "complex64": 2e-5, "float64": 1e-12, "complex128": 1e-12}


def random(shape, dtype, rng):
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def exact(f, g):
    """Reference in complex128 by the direct sum."""
    c = np.dtype("complex128")
    return _direct_full(f.astype(c), g.astype(c), c)


def close(out, ref, dtype):
    scale = max(np.abs(ref).max(), 1.0)
    return np.abs(out - ref).max() <= RTOL[dtype] * scale * 10


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


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("f_shape", "g_shape"), SHAPES)
@pytest.mark.parametrize("path", [fast.fft_convolve_full, fast.oa_convolve_full])
def test_fast_paths_equal_direct(path, f_shape, g_shape, dtype):
    rng = np.random.default_rng(1)
    f, g = random(f_shape, dtype, rng), random(g_shape, dtype, rng)
    out = path(f, g, np.dtype(dtype))
    ref = exact(f, g)
    assert out.dtype == np.dtype(dtype)
    assert out.shape == ref.shape
    assert out.flags.c_contiguous
    assert close(out, ref, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", ["fft", "auto"])
@pytest.mark.parametrize(("f_shape", "g_shape"), [((5,), (40,)), ((3, 5), (8, 9))])
def test_convolve_and_correlate_methods_agree(f_shape, g_shape, method, mode, dtype):
    rng = np.random.default_rng(2)
    f, g = random(f_shape, dtype, rng), random(g_shape, dtype, rng)
    for op in (convcorr.convolve, convcorr.correlate):
        out = op(f, g, mode, method=method)
        ref = op(f.astype("complex128"), g.astype("complex128"), mode, "direct")
        assert out.dtype == np.dtype(dtype)
        assert out.shape == ref.shape
        assert close(out, ref, dtype)


@pytest.mark.parametrize("mode", MODES)
def test_direct_1d_shortcut_matches_scipy(mode):
    # the 1-D direct path hands 'same' to numpy.convolve only when g is longer
    rng = np.random.default_rng(3)
    for k, n in [(3, 10), (10, 3), (4, 4), (5, 8)]:
        f, g = rng.standard_normal(k), rng.standard_normal(n)
        if mode == "valid" and k > n:
            ref = scipy.signal.convolve(f, g, mode)
        else:
            ref = scipy.signal.convolve(g, f, mode)
        out = convcorr.convolve(f, g, mode, method="direct")
        assert out.shape == ref.shape
        assert np.allclose(out, ref, rtol=1e-12, atol=1e-12)


def test_oa_is_used_and_exact_for_long_signal_short_kernel():
    rng = np.random.default_rng(4)
    f, g = rng.standard_normal(200), rng.standard_normal(400_000)
    assert fast.choose_method(f.shape, g.shape, "float64") == "oa"
    out = convcorr.convolve(f, g)
    assert np.allclose(out, scipy.signal.fftconvolve(g, f), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("path", [fast.fft_convolve_full, fast.oa_convolve_full])
def test_mixed_precision_is_computed_in_the_result_dtype(path):
    rng = np.random.default_rng(6)
    f = rng.standard_normal(40).astype(np.float32)
    g = rng.standard_normal(20000)
    out = path(f, g, np.dtype("float64"))
    ref = np.convolve(f.astype(np.float64), g)
    assert out.dtype == np.float64
    assert np.max(np.abs(out - ref)) < 1e-12 * np.max(np.abs(ref))


def test_integer_input_gives_float64_and_exact_values():
    f = np.array([1, 2, 3])
    g = np.arange(1000)
    out = convcorr.convolve(f, g, method="fft")
    assert out.dtype == np.float64
    assert np.array_equal(np.rint(out).astype(np.int64), np.convolve(f, g))


@pytest.mark.parametrize("dtype", DTYPES)
def test_choose_method_clear_cases(dtype):
    assert fast.choose_method((3,), (64,), dtype) == "direct"
    assert fast.choose_method((2, 2), (8, 8), dtype) == "direct"
    assert fast.choose_method((8192,), (8192,), dtype) == "fft"
    assert fast.choose_method((200, 200), (200, 200), dtype) == "fft"
    assert fast.choose_method((500,), (2_000_000,), dtype) == "oa"


def test_choose_method_is_symmetric_in_the_operands():
    for a, b in [((3,), (1000,)), ((128,), (65536,)), ((4096,), (100,))]:
        assert fast.choose_method(a, b, "float64") == fast.choose_method(b, a, "float64")


def test_predict_times_lists_methods_and_is_positive():
    times = fast.predict_times((128,), (262144,), "complex128")
    assert set(times) == {"direct", "fft", "oa"}
    assert all(t > 0 for t in times.values())
    assert "oa" not in fast.predict_times((64,), (64,), "float64")


def test_oa_block_length():
    assert fast.oa_block_length(64, 64) is None
    lb = fast.oa_block_length(1_000_000, 100)
    assert lb is not None
    assert 2 * (100 - 1) <= lb < 1_000_000


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        (((3,), (4, 5), "float64"), ValueError, "same length"),
        (((0,), (4,), "float64"), ValueError, "f_shape"),
        ((3, (4,), "float64"), TypeError, "f_shape"),
        (((), (4,), "float64"), ValueError, "f_shape"),
        (((3,), (4.5,), "float64"), TypeError, "g_shape"),
        (((3,), (4,), "int64"), ValueError, "dtype"),
        (((3,), (4,), "not a dtype"), TypeError, "dtype"),
    ],
)
def test_choose_method_rejects_bad_input(args, error, words):
    with pytest.raises(error, match=words):
        fast.choose_method(*args)


def test_calibrate_returns_the_constants_layout():
    cases = {
        "direct1": [(3, 64), (16, 256), (64, 512)],
        "directn": [((2, 2), (8, 8)), ((3, 3), (16, 16)), ((4, 4), (8, 8))],
        "fft": [(16, 16), (64, 64), (256, 256)],
        "oa": [(16, 2048), (8, 1024), (32, 4096)],
    }
    constants, measured = fast.calibrate(("float64",), repeats=1, cases=cases)
    assert set(constants) == {"float64"}
    for method, coef in constants["float64"].items():
        assert len(coef) == len(fast.COST_CONSTANTS["float64"][method])
        assert all(c >= 0 for c in coef)
    assert len(measured) == 12
    assert all(t > 0 for *_, t in measured)
    times = fast.predict_times((3,), (64,), "float64", constants)
    assert {"direct", "fft"} <= set(times)


def test_constants_cover_every_float_dtype():
    assert set(fast.COST_CONSTANTS) == set(DTYPES)
    for table in fast.COST_CONSTANTS.values():
        assert set(table) == {"direct1", "directn", "fft", "oa"}
