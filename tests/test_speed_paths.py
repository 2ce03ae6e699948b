"""Tests of the mode-aware paths of convcorr.methods and the mode-aware cost model.

The paths compute only the outputs a mode keeps (the direct sum over kept
outputs, an FFT just long enough for them, correlation with the reversal and
conjugate folded in), so each is checked against the defining sums of
``convcorr.exact`` in every floating dtype, mode and operation, on shapes that
reach every branch. The operands hold small integers, so the direct sum must
match exactly and the FFT paths to rounding.
"""

import math

import numpy as np
import pytest
import scipy.fft
from conftest import DTYPES, MODES, random_array, valid_possible

import convcorr
from convcorr import costmodel, discrete, exact, methods

PATHS = {"direct": methods.direct, "fft": methods.fft, "oa": methods.oa}
TOL = {"float32": 1e-5, "complex64": 1e-5, "float64": 1e-12, "complex128": 1e-12}

SHAPES = [
    ((3,), (11,)),
    ((11,), (3,)),  # kernel longer than signal: 'same' sums a window of f
    ((7,), (2,)),  # 'same' whose circular length is shorter than the kernel
    ((1,), (5,)),
    ((6,), (6,)),
    ((9,), (12,)),
    ((2, 3), (5, 4)),
    ((5, 4), (2, 3)),  # N-D template larger than the signal: its own flat layout
    ((4, 4), (5, 5)),  # 'valid': fewer outputs than kernel samples (windows product)
    ((5, 2), (2, 6)),  # no 'valid'
    ((2, 2, 2), (3, 4, 3)),
    ((3, 3, 2), (3, 3, 3)),
]


def small_ints(rng, shape, dtype):
    x = rng.integers(-8, 9, size=shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.integers(-8, 9, size=shape)
    return x.astype(dtype)


def defining_sum(op, f, g, mode):
    """``f * g`` or ``f ⋆ g`` by ``convcorr.exact`` on the real and imaginary parts."""
    fr, fi = (np.real(f).astype(int), np.imag(f).astype(int))
    gr, gi = (np.real(g).astype(int), np.imag(g).astype(int))

    def part(a, b):
        return getattr(exact, op)(a, b, mode).astype(float)

    # conj(f) = fr - i fi in a correlation, f = fr + i fi in a convolution
    s = -1 if op == "correlate" else 1
    real = part(fr, gr) - s * part(fi, gi)
    imag = part(fr, gi) + s * part(fi, gr)
    return real + 1j * imag


def cases():
    for f_shape, g_shape in SHAPES:
        for mode in MODES:
            if mode != "valid" or valid_possible(f_shape, g_shape):
                yield f_shape, g_shape, mode


@pytest.mark.parametrize("op", ["convolve", "correlate"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("path", sorted(PATHS))
def test_mode_aware_paths_equal_the_defining_sum(path, dtype, op, rng):
    for f_shape, g_shape, mode in cases():
        f, g = small_ints(rng, f_shape, dtype), small_ints(rng, g_shape, dtype)
        out = PATHS[path](f, g, np.dtype(dtype), mode, op == "correlate")
        ref = defining_sum(op, f, g, mode)
        if np.dtype(dtype).kind == "f":
            ref = ref.real
        where = (path, f_shape, g_shape, mode)
        assert out.shape == ref.shape, where
        assert out.dtype == np.dtype(dtype), where
        assert out.flags.c_contiguous, where
        if path == "direct":  # small integers: every partial sum is exact
            assert np.array_equal(out, ref), where
        else:
            assert np.abs(out - ref).max() <= TOL[dtype] * max(1.0, np.abs(ref).max()), where


@pytest.mark.parametrize("op", ["convolve", "correlate"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_public_api_direct_sum_of_floats_equals_the_defining_sum(dtype, op, rng):
    # the lean path of plain float calls (same dtype: NumPy's sums called
    # directly), and the converting one (mixed precision, strided views)
    other = {"float32": "float64", "float64": "float32"}.get(dtype, "complex128")
    for f_shape, g_shape, mode in cases():
        f, g = small_ints(rng, f_shape, dtype), small_ints(rng, g_shape, dtype)
        ref = defining_sum(op, f, g, mode)
        ref = ref.real if np.dtype(dtype).kind == "f" else ref
        variants = {
            "plain": (f, g),
            "mixed": (f.astype(other), g),
            "strided": (np.repeat(f, 2, axis=-1)[..., ::2], np.repeat(g, 2, axis=0)[::2]),
        }
        for method in ("direct", "auto"):
            for name, (a, b) in variants.items():
                out = getattr(convcorr, op)(a, b, mode, method=method)
                where = (name, method, f_shape, g_shape, mode)
                assert out.dtype == np.result_type(a, b), where
                assert np.abs(out - ref).max() <= TOL[dtype] * np.abs(ref).max(), where
                if method == "direct":  # small integers: every partial sum is exact
                    assert np.array_equal(out, ref), where


@pytest.mark.parametrize("op", ["convolve", "correlate"])
@pytest.mark.parametrize("method", ["direct", "fft", "oa", "auto"])
def test_public_api_runs_the_mode_aware_paths_on_integers(method, op, rng):
    for f_shape, g_shape, mode in cases():
        f = rng.integers(-50, 51, size=f_shape)
        g = rng.integers(-50, 51, size=g_shape)
        out = getattr(convcorr, op)(f, g, mode, method=method)
        ref = getattr(exact, op)(f, g, mode).astype(float)
        assert out.shape == ref.shape
        assert np.array_equal(np.round(out), ref), (f_shape, g_shape, mode)


def test_correlate_leaves_its_inputs_alone(rng):
    f = small_ints(rng, (5, 3), "complex128")
    g = small_ints(rng, (9, 8), "complex128")
    f0, g0 = f.copy(), g.copy()
    for path in PATHS.values():
        for mode in MODES:
            path(f, g, np.dtype("complex128"), mode, True)
    assert np.array_equal(f, f0) and np.array_equal(g, g0)


@pytest.mark.parametrize("strategy", ["flat", "shift", "windows"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_every_nd_direct_strategy_equals_the_defining_sum(strategy, dtype, rng):
    for f_shape, g_shape, mode in cases():
        if len(f_shape) == 1:
            continue
        f, g = small_ints(rng, f_shape, dtype), small_ints(rng, g_shape, dtype)
        for op in ("convolve", "correlate"):
            out = methods.direct(f, g, np.dtype(dtype), mode, op == "correlate", strategy)
            ref = defining_sum(op, f, g, mode)
            ref = ref.real if np.dtype(dtype).kind == "f" else ref
            assert out.dtype == np.dtype(dtype)
            assert np.array_equal(out, ref), (strategy, f_shape, g_shape, mode, op)


def test_windows_product_in_chunks(rng, monkeypatch):
    # a tiny chunk forces the window product to run a few output rows at a time
    monkeypatch.setattr(methods, "_WINDOW_CHUNK", 16)
    f, g = small_ints(rng, (4, 4), "float64"), small_ints(rng, (6, 6), "float64")
    for op in ("convolve", "correlate"):
        out = methods.direct(f, g, np.dtype("float64"), "valid", op == "correlate", "windows")
        assert np.array_equal(out, defining_sum(op, f, g, "valid").real)


def test_direct_plan_picks_each_strategy_where_it_pays():
    assert methods.direct_plan((2, 2), (10, 10), "full", True)[0] == "flat"
    assert methods.direct_plan((3, 3), (256, 256), "same", True)[:2] == ("shift", 9)
    assert methods.direct_plan((60, 60), (64, 64), "valid", True)[:2] == ("windows", 1)
    assert methods.direct_plan((2, 2), (10, 10), "full", True, flat=False)[0] == "shift"


def test_flat_lengths_cover_the_kept_outputs():
    # the flat 'valid' sum yields at least one output per kept output
    for f_shape, g_shape, mode in cases():
        lk, lp = methods.flat_lengths(f_shape, g_shape, mode)
        assert lp - lk + 1 >= methods.kept_outputs(f_shape, g_shape, mode)
        assert lk <= lp


def test_kept_products_counts_the_terms_of_the_kept_outputs(rng):
    for f_shape, g_shape, mode in cases():
        ones = exact.convolve(np.ones(f_shape, int), np.ones(g_shape, int), mode)
        assert methods.kept_products(f_shape, g_shape, mode) == int(ones.sum())
        assert methods.kept_outputs(f_shape, g_shape, mode) == ones.size


@pytest.mark.parametrize(
    ("f_len", "g_len", "mode", "clean"),
    [
        (100, 1000, "full", 1099),  # every one of the 1099 full outputs is kept
        (100, 1000, "same", 1050),  # kept from index 49: 1099 - 49 samples suffice
        (100, 1000, "valid", 1000),  # kept from index 99
        (1000, 100, "valid", 1000),
        (7, 2, "same", 5),  # kept from index 3 of 8
    ],
)
def test_circular_shape_follows_the_mode(f_len, g_len, mode, clean):
    # the shortest wrap-free length, rounded up to SciPy's next fast length
    (got,) = methods.circular_shape((f_len,), (g_len,), mode, real=True)
    assert got == scipy.fft.next_fast_len(clean, real=True)


def test_cost_model_prices_only_the_kept_outputs():
    n = 2_000_000
    full = costmodel.predict_times((n - 5,), (n,), "float64")
    valid = costmodel.predict_times((n - 5,), (n,), "float64", mode="valid")
    assert valid["direct"] < full["direct"] / 1000
    assert valid["fft"] < full["fft"]
    # the case of issue 14: 'valid' of two long signals is six outputs
    assert costmodel.choose_method((n - 5,), (n,), "float64", mode="valid") == "direct"
    assert costmodel.choose_method((n - 5,), (n,), "float64") == "fft"


@pytest.mark.parametrize("mode", MODES)
def test_features_follow_the_mode(mode):
    x = costmodel.features("direct_1d", (100,), (5000,), True, mode)
    assert x[3] == methods.kept_products((100,), (5000,), mode)
    x = costmodel.features("fft", (100,), (5000,), True, mode)
    size = math.prod(methods.circular_shape((100,), (5000,), mode, True))
    assert x[1] == pytest.approx(size * math.log2(size))


def test_choose_method_rejects_an_impossible_valid():
    with pytest.raises(ValueError, match="valid"):
        costmodel.choose_method((3, 5), (5, 3), "float64", mode="valid")
    with pytest.raises(ValueError, match="mode"):
        costmodel.predict_times((3,), (5,), "float64", mode="middle")


def test_calibrate_fits_cases_in_every_mode():
    cases = {
        "direct_1d": [(3, 64), (16, 256, "same"), (60, 64, "valid")],
        "direct_nd": [((2, 2), (8, 8)), ((3, 3), (16, 16), "same"), ((7, 7), (8, 8), "valid")],
        "fft": [(16, 16), (64, 64, "same"), (256, 256, "valid")],
        "oa": [(16, 2048), (8, 1024, "same"), (32, 4096, "valid")],
    }
    fit = costmodel.calibrate(("float64",), repeats=1, cases=cases)
    assert {m[4] for m in fit.measurements} == set(MODES)
    assert costmodel.check_constants(fit.constants) == fit.constants


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


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", ["direct", "fft", "oa", "auto"])
def test_non_finite_input_is_refused_wherever_it_sits(method, mode, rng):
    # the direct sum screens its output in 'full' and 'valid': every input
    # sample, first and last included, must still be caught
    for shape_f, shape_g in [((3,), (40,)), ((40,), (3,)), ((2, 3), (5, 6)), ((6, 6), (5, 6))]:
        if mode == "valid" and not valid_possible(shape_f, shape_g):
            continue
        for name in ("f", "g"):
            for corner in (0, -1):
                for value in (np.nan, np.inf, -np.inf):
                    f, g = rng.standard_normal(shape_f), rng.standard_normal(shape_g)
                    x = f if name == "f" else g
                    x.reshape(-1)[corner] = value
                    for op in (convcorr.convolve, convcorr.correlate):
                        with pytest.raises(ValueError, match=f"{name} must be finite"):
                            op(f, g, mode, method=method)


def reaches_every_input(f_shape, g_shape, mode):
    """Brute force: is every sample of f and of g a term of some kept output?

    The kept outputs of ``ones * e_i`` (``e_i`` one at index ``i``) hold
    the number of terms in which ``f[i]`` appears, in exact integers.
    """
    for shape, other in ((f_shape, g_shape), (g_shape, f_shape)):
        for i in np.ndindex(*shape):
            e = np.zeros(shape, int)
            e[i] = 1
            pair = (e, np.ones(other, int)) if shape is f_shape else (np.ones(other, int), e)
            if not exact.convolve(*pair, mode).any():
                return False
    return True


def test_kept_outputs_read_every_input_agrees_with_brute_force():
    shapes = [((m,), (n,)) for m in range(1, 9) for n in range(1, 9)]
    shapes += [((3, 5), (2, 4)), ((5, 2), (2, 2)), ((4, 6), (3, 2)), ((2, 2, 5), (3, 3, 2))]
    answers = set()
    for f_shape, g_shape in shapes:
        for mode in MODES:
            if mode == "valid" and not valid_possible(f_shape, g_shape):
                continue
            got = discrete._kept_outputs_read_every_input(f_shape, g_shape, mode)
            assert got == reaches_every_input(f_shape, g_shape, mode), (f_shape, g_shape, mode)
            answers.add(got)
    assert answers == {True, False}


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
@pytest.mark.parametrize("method", ["direct", "auto"])
def test_non_finite_input_is_refused_at_every_index_in_same_mode(method, dtype, rng):
    # 'same' screens only the output when every input sample reaches it: a
    # NaN or infinity anywhere, in kernels shorter and longer than the signal
    # (up to more than twice, where the inputs are checked instead), is refused
    pairs = [((3,), (7,)), ((5,), (3,)), ((6,), (3,)), ((7,), (4,)), ((3, 5), (2, 3))]
    for f_shape, g_shape in pairs:
        for name, shape in (("f", f_shape), ("g", g_shape)):
            for index in np.ndindex(*shape):
                for value in (np.nan, np.inf, complex(0, np.inf)):
                    if np.dtype(dtype).kind == "f" and isinstance(value, complex):
                        continue
                    f = random_array(rng, f_shape, dtype)
                    g = random_array(rng, g_shape, dtype)
                    (f if name == "f" else g)[index] = value
                    for op in (convcorr.convolve, convcorr.correlate):
                        with pytest.raises(ValueError, match=f"{name} must be finite"):
                            op(f, g, "same", method=method)


@pytest.mark.parametrize("dtype", DTYPES)
def test_valid_by_chunks_equals_the_defining_sum(dtype, rng, monkeypatch):
    # tiny thresholds send short operands through the chunked 'valid' sum;
    # chunks of 3 samples leave a partial last chunk for most lengths
    monkeypatch.setattr(methods, "_LONG_BYTES", 0)
    monkeypatch.setattr(methods, "_VALID_CHUNK", 3)
    calls = []
    original = methods._sliding_dots
    monkeypatch.setattr(
        methods, "_sliding_dots", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    for m, n in [(7, 11), (11, 7), (9, 9), (1, 4), (4, 1), (10, 12)]:
        f, g = small_ints(rng, (m,), dtype), small_ints(rng, (n,), dtype)
        for op in ("convolve", "correlate"):
            ref = defining_sum(op, f, g, "valid")
            ref = ref.real if np.dtype(dtype).kind == "f" else ref
            for out in (
                methods.direct(f, g, np.dtype(dtype), "valid", op == "correlate"),
                getattr(convcorr, op)(f, g, "valid", method="direct"),
            ):
                assert out.dtype == np.dtype(dtype) and out.flags.c_contiguous
                assert np.array_equal(out, ref), (m, n, op)
    assert len(calls) == 6 * 2 * 2


def test_valid_by_chunks_takes_long_operands_with_few_outputs(rng, monkeypatch):
    # the real thresholds: 70000 float64 samples (547 KiB) with 6 outputs
    calls = []
    original = methods._sliding_dots
    monkeypatch.setattr(
        methods, "_sliding_dots", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    f, g = rng.standard_normal(70000), rng.standard_normal(70005)
    ref = np.array([np.dot(f, g[k : k + 70000]) for k in range(6)])
    assert np.allclose(convcorr.correlate(f, g, "valid"), ref, rtol=1e-12, atol=0)
    assert np.allclose(convcorr.convolve(f[::-1].copy(), g, "valid"), ref, rtol=1e-12, atol=0)
    assert len(calls) == 2
    convcorr.correlate(f, g[:-100], "valid")  # 101 outputs: NumPy's sum
    assert len(calls) == 2
    g[70004] = np.nan
    with pytest.raises(ValueError, match="g must be finite"):
        convcorr.correlate(f, g, "valid")
