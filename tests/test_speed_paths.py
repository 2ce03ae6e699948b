"""Tests of the public API's dispatch: the lean boundary, the methods behind it, non-finite input.

A plain call (two float ndarrays of one ``ndim``) takes a lean boundary
check and leaves finiteness to the method; anything else takes the full
checks. Both end in the one dispatch, so every method is checked here
through the public functions against exact integer sums
(:func:`conftest.integer_reference`), and the package's rule for non-finite
input (refused, naming the argument and the index) at every position.
"""

import numpy as np
import pytest
import scipy.signal
import threadpoolctl
from conftest import (
    DTYPES,
    METHODS,
    MODES,
    integer_reference,
    mode_cases,
    random_array,
    small_ints,
    valid_possible,
)

import convcorr
from convcorr import methods
from convcorr._checks import ONE_THREAD_DOT

TOL = {"float32": 1e-5, "complex64": 1e-5, "float64": 1e-12, "complex128": 1e-12}


@pytest.mark.parametrize("op", ["convolve", "correlate"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_public_api_equals_the_defining_sum_under_every_method(dtype, op, rng):
    # the lean path of plain float calls (same dtype), and the checked one
    # (mixed precision, strided views, lists)
    other = {"float32": "float64", "float64": "float32"}.get(dtype, "complex128")
    for f_shape, g_shape, mode in mode_cases():
        f, g = small_ints(rng, f_shape, dtype), small_ints(rng, g_shape, dtype)
        ref = integer_reference(op, f, g, mode)
        ref = ref.real if np.dtype(dtype).kind == "f" else ref
        variants = {
            "plain": (f, g),
            "mixed": (f.astype(other), g),
            "strided": (np.repeat(f, 2, axis=-1)[..., ::2], np.repeat(g, 2, axis=0)[::2]),
            "lists": (f.tolist(), g),
        }
        for method in METHODS:
            for name, (a, b) in variants.items():
                out = getattr(convcorr, op)(a, b, mode, method=method)
                where = (name, method, f_shape, g_shape, mode)
                assert out.dtype == np.result_type(np.asarray(a), b), where
                assert out.shape == ref.shape, where
                assert np.abs(out - ref).max() <= TOL[dtype] * np.abs(ref).max(), where
                if method == "direct":  # small integers: every partial sum is exact
                    assert np.array_equal(out, ref), where


@pytest.mark.parametrize("op", ["convolve", "correlate"])
@pytest.mark.parametrize("method", METHODS)
def test_public_api_is_exact_on_integers(method, op, rng):
    for f_shape, g_shape, mode in mode_cases():
        f = rng.integers(-50, 51, size=f_shape)
        g = rng.integers(-50, 51, size=g_shape)
        out = getattr(convcorr, op)(f, g, mode, method=method)
        ref = integer_reference(op, f, g, mode).real
        assert out.dtype == np.float64
        assert np.array_equal(out, ref), (f_shape, g_shape, mode)


@pytest.mark.parametrize("dtype", DTYPES)
def test_lean_boundary_refuses_and_accepts_as_the_full_checks(dtype):
    f, g = np.ones(3, dtype), np.ones(5, dtype)
    bad = g.copy()
    bad[2] = np.nan
    with pytest.raises(ValueError, match="g must be finite"):
        convcorr.convolve(f, bad)
    with pytest.raises(ValueError, match="f must be finite"):
        convcorr.correlate(np.array([np.inf, 1], dtype), g)
    with pytest.raises(TypeError, match="mask"):
        convcorr.convolve(np.ma.array(f), g)
    with pytest.raises(ValueError, match="mode"):
        convcorr.convolve(f, g, mode="middle")
    with pytest.raises(ValueError, match="valid"):
        convcorr.convolve(np.ones((2, 3), dtype), np.ones((3, 2), dtype), "valid")
    # finite entries whose squares overflow the screen still pass the full checks
    huge = np.full(4, np.finfo(dtype).max / 8, dtype)
    assert np.isfinite(convcorr.convolve(np.ones(2, dtype), huge, method="direct")).all()


NON_FINITE_SHAPES = [
    ((3,), (7,)),
    ((7,), (3,)),
    ((5,), (3,)),  # 'same' with a kernel less than twice the signal: output screened
    ((6,), (3,)),  # ... exactly twice: the inputs are checked instead
    ((7,), (4,)),
    ((2, 3), (5, 6)),
    ((3, 5), (2, 3)),
    ((6, 6), (5, 6)),
]


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", METHODS)
def test_non_finite_input_is_refused_at_every_index(method, mode, dtype, rng):
    # the direct sum screens only its output where every input sample reaches
    # it: a NaN or infinity anywhere must still be refused, under its name
    # and index, by the lean path (same dtypes) and the checked one (lists)
    values = [np.nan, np.inf, -np.inf] + ([complex(0, np.inf)] if dtype == "complex128" else [])
    for f_shape, g_shape in NON_FINITE_SHAPES:
        if mode == "valid" and not valid_possible(f_shape, g_shape):
            continue
        for name, shape in (("f", f_shape), ("g", g_shape)):
            for index in np.ndindex(*shape):
                for value in values:
                    f = small_ints(rng, f_shape, dtype)
                    g = small_ints(rng, g_shape, dtype)
                    (f if name == "f" else g)[index] = value
                    message = rf"{name} must be finite; received .* at index \({index[0]},"
                    for op in (convcorr.convolve, convcorr.correlate):
                        with pytest.raises(ValueError, match=message):
                            op(f, g, mode, method=method)
                    if len(f_shape) == 1 and value is np.nan:
                        with pytest.raises(ValueError, match=message):
                            convcorr.convolve(f.tolist(), g.tolist(), mode, method=method)


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
@pytest.mark.parametrize("mode", MODES)
def test_no_dot_product_longer_than_blas_does_on_one_thread(mode, dtype, rng, monkeypatch):
    # NumPy's compiled sums take one BLAS dot product per output; beyond
    # ONE_THREAD_DOT samples OpenBLAS threads it, and its threads stall on a
    # busy machine: the direct sum cuts longer operands into chunks
    assert methods._DOT_CHUNK <= ONE_THREAD_DOT
    longest = []
    length = {
        "correlate": lambda a, v: min(np.size(a), np.size(v)),
        "convolve": lambda a, v: min(np.size(a), np.size(v)),
        # the sum runs along the last axis of both (vecdot) or of the first (matmul)
        "vecdot": lambda a, v: np.shape(a)[-1],
        "matmul": lambda a, v: np.shape(a)[-1],
    }
    for name, dot_length in length.items():
        original = getattr(np, name)

        def spy(a, v, *args, original=original, dot_length=dot_length, **kwargs):
            longest.append(dot_length(a, v))
            return original(a, v, *args, **kwargs)

        monkeypatch.setattr(np, name, spy)
    f = random_array(rng, 20_000, dtype)
    for g_len in (19_995, 20_004, 30_000):
        g = random_array(rng, g_len, dtype)
        for op in ("convolve", "correlate"):
            out = getattr(convcorr, op)(f, g, mode, method="direct")
            sp = scipy.signal.convolve if op == "convolve" else scipy.signal.correlate
            ref = sp(g, f, mode, method="fft")
            assert np.abs(out - ref).max() <= 1e-10 * np.abs(ref).max(), (g_len, op)
    assert longest and max(longest) <= ONE_THREAD_DOT


def test_window_products_run_blas_on_one_thread(rng, monkeypatch):
    # a matrix-vector product is memory-bound: a second BLAS thread gains
    # nothing and stalls for milliseconds when another process is busy
    seen = []
    original = np.tensordot

    def spy(*args, **kwargs):
        info = threadpoolctl.threadpool_info()
        seen.append({lib["num_threads"] for lib in info if lib["user_api"] == "blas"})
        return original(*args, **kwargs)

    monkeypatch.setattr(np, "tensordot", spy)
    f, g = small_ints(rng, (30, 30), "complex128"), small_ints(rng, (32, 32), "complex128")
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        out = methods.direct(f, g, np.dtype("complex128"), "valid", True, "windows")
    assert np.array_equal(out, integer_reference("correlate", f, g, "valid"))
    assert seen and all(threads == {1} for threads in seen)


def test_auto_runs_the_algorithm_the_cost_model_chooses(monkeypatch, rng):
    # the dispatch looks the chosen name up in the one registry, on both paths
    calls = []
    for name, run in methods.ALGORITHMS.items():
        monkeypatch.setitem(
            methods.ALGORITHMS, name, lambda *a, n=name, r=run, **k: calls.append(n) or r(*a, **k)
        )
    for f_len, g_len, expected in [(3, 64, "direct"), (4096, 4096, "fft"), (128, 65536, "oa")]:
        f, g = rng.standard_normal(f_len), rng.standard_normal(g_len)
        assert convcorr.costmodel.choose_method(f.shape, g.shape, "float64") == expected
        for a, b in ((f, g), (f.tolist(), g)):
            calls.clear()
            convcorr.convolve(a, b)
            assert calls == [expected], (f_len, g_len)
