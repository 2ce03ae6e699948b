"""Tests of the three algorithms of convcorr.methods on validated arrays.

Each algorithm computes only the outputs a mode keeps (the direct sum over
kept outputs, an FFT just long enough for them, correlation with the reversal
and conjugate folded in), so each is checked against exact integer sums
(SciPy's direct sums in int64, :func:`conftest.integer_reference`) in every
floating dtype, mode and operation, on shapes that reach every branch. The
operands hold small integers, so the direct sum must match exactly and the
FFT paths to rounding.
"""

import numpy as np
import pytest
import scipy.signal
from conftest import DTYPES, MODES, integer_reference, mode_cases, small_ints

import convcorr
from convcorr import costmodel, methods, plan

TOL = {"float32": 1e-5, "complex64": 1e-5, "float64": 1e-12, "complex128": 1e-12}


def test_the_registry_names_every_algorithm_once():
    assert methods.ALGORITHMS == {
        "direct": methods.direct,
        "fft": methods.fft,
        "oa": methods.oa,
        "os": methods.overlap_save,
    }
    assert methods.METHODS == ("auto", "direct", "fft", "oa", "os")


@pytest.mark.parametrize("op", ["convolve", "correlate"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(methods.ALGORITHMS))
def test_every_algorithm_equals_the_defining_sum_in_every_mode(name, dtype, op, rng):
    run = methods.ALGORITHMS[name]
    for f_shape, g_shape, mode in mode_cases():
        f, g = small_ints(rng, f_shape, dtype), small_ints(rng, g_shape, dtype)
        out = run(f, g, np.dtype(dtype), mode, op == "correlate")
        ref = integer_reference(op, f, g, mode)
        if np.dtype(dtype).kind == "f":
            ref = ref.real
        where = (name, f_shape, g_shape, mode)
        assert out.shape == ref.shape, where
        assert out.dtype == np.dtype(dtype), where
        assert out.flags.c_contiguous, where
        if name == "direct":  # small integers: every partial sum is exact
            assert np.array_equal(out, ref), where
        else:
            assert np.abs(out - ref).max() <= TOL[dtype] * max(1.0, np.abs(ref).max()), where


#: Shapes with axes where one operand has a single sample.
SINGLE_SAMPLE_AXES = [
    ((1,), (40,)),
    ((40,), (1,)),
    ((1,), (1,)),
    ((13, 1), (28, 8)),
    ((1, 5), (7, 1)),
    ((3, 1, 4), (1, 6, 5)),
    ((1, 1), (4, 4)),
    ((4, 4), (1, 1)),
]


@pytest.mark.parametrize("op", ["convolve", "correlate"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_fft_transforms_no_axis_where_an_operand_has_one_sample(dtype, op, rng, monkeypatch):
    # along such an axis the convolution scales the other operand: the
    # spectra broadcast there (a 1-sample kernel over 1.77e6 samples took
    # 75 ms through a transform, SciPy's fftconvolve 3.6 ms without)
    transformed = []
    for name in ("rfft", "fft", "rfftn", "fftn"):
        original = getattr(methods.sfft, name)

        def spy(x, *args, original=original, **kwargs):
            axes = kwargs.get("axes", (-1,))
            transformed.append([x.shape[a] for a in axes])
            return original(x, *args, **kwargs)

        monkeypatch.setattr(methods.sfft, name, spy)
    for f_shape, g_shape, mode in mode_cases(SINGLE_SAMPLE_AXES):
        f, g = small_ints(rng, f_shape, dtype), small_ints(rng, g_shape, dtype)
        ref = integer_reference(op, f, g, mode)
        ref = ref.real if np.dtype(dtype).kind == "f" else ref
        transformed.clear()
        out = methods.fft(f, g, np.dtype(dtype), mode, op == "correlate")
        assert out.dtype == np.dtype(dtype) and out.shape == ref.shape
        assert np.abs(out - ref).max() <= TOL[dtype] * max(1, np.abs(ref).max())
        assert all(n > 1 for lengths in transformed for n in lengths), (f_shape, g_shape)


#: N-D shapes for the FFT by axis: cut operands ('valid' with the kernel the
#: larger), broadcast axes both ways, three axes.
BY_AXIS_SHAPES = [
    ((3, 4), (9, 13)),
    ((9, 13), (3, 4)),
    ((6, 2, 5), (7, 9, 4)),
    ((13, 1), (28, 8)),
    ((1, 5), (7, 1)),
    ((3, 1, 4), (1, 6, 5)),
    ((2, 3, 1), (5, 4, 6)),
]


@pytest.fixture
def fft_by_axis(monkeypatch):
    """Every N-D FFT convolution transforms one axis at a time."""
    monkeypatch.setattr(plan, "FFT_BY_AXIS_FROM", 0)
    plan.fft_plan.cache_clear()
    yield
    plan.fft_plan.cache_clear()


@pytest.mark.parametrize("op", ["convolve", "correlate"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_fft_by_axis_equals_the_defining_sum(dtype, op, rng, monkeypatch, fft_by_axis):
    # spy on the transforms: the first reads only the operand's own lines, the
    # last (the real one for real dtypes) only the lines of kept outputs
    first, last = [], []
    forward, inverse = ("rfft", "irfft") if np.dtype(dtype).kind == "f" else ("fft", "ifft")
    for name, seen in ((forward, first), (inverse, last)):
        original = getattr(methods.sfft, name)

        def spy(x, *args, original=original, seen=seen, **kwargs):
            seen.append((kwargs.get("axis", -1) % x.ndim, x.shape))
            return original(x, *args, **kwargs)

        monkeypatch.setattr(methods.sfft, name, spy)
    for f_shape, g_shape, mode in mode_cases(BY_AXIS_SHAPES):
        p = plan.fft_plan(f_shape, g_shape, mode, np.dtype(dtype).kind == "f")
        assert p.by_axis == (len(p.axes) > 1), (f_shape, g_shape)
        f, g = small_ints(rng, f_shape, dtype), small_ints(rng, g_shape, dtype)
        ref = integer_reference(op, f, g, mode)
        ref = ref.real if np.dtype(dtype).kind == "f" else ref
        first.clear(), last.clear()
        out = methods.fft(f, g, np.dtype(dtype), mode, op == "correlate")
        where = (f_shape, g_shape, mode)
        assert out.dtype == np.dtype(dtype) and out.shape == ref.shape, where
        assert out.flags.c_contiguous, where
        assert np.abs(out - ref).max() <= TOL[dtype] * max(1, np.abs(ref).max()), where
        if p.by_axis:
            first_axis = [shape for axis, shape in first if axis == p.axes[-1]]
            assert first_axis == [f_shape, g_shape], where
            (shape,) = [shape for axis, shape in last if axis == p.axes[-1]]
            assert [shape[a] for a in p.axes[:-1]] == [ref.shape[a] for a in p.axes[:-1]], where


@pytest.mark.parametrize("run", methods.ALGORITHMS.values())
def test_mixed_precision_is_computed_in_the_result_dtype(run, rng):
    f = rng.standard_normal(40).astype(np.float32)
    g = rng.standard_normal(20000)
    out = run(f, g, np.dtype("float64"))
    ref = np.convolve(f.astype(np.float64), g)
    assert out.dtype == np.float64
    assert np.max(np.abs(out - ref)) < 1e-12 * np.max(np.abs(ref))


def test_correlate_leaves_its_inputs_alone(rng):
    f = small_ints(rng, (5, 3), "complex128")
    g = small_ints(rng, (9, 8), "complex128")
    f0, g0 = f.copy(), g.copy()
    for run in methods.ALGORITHMS.values():
        for mode in MODES:
            run(f, g, np.dtype("complex128"), mode, True)
    assert np.array_equal(f, f0) and np.array_equal(g, g0)


@pytest.mark.parametrize("strategy", ["flat", "shift", "windows"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_every_nd_direct_strategy_equals_the_defining_sum(strategy, dtype, rng):
    for f_shape, g_shape, mode in mode_cases():
        if len(f_shape) == 1:
            continue
        f, g = small_ints(rng, f_shape, dtype), small_ints(rng, g_shape, dtype)
        for op in ("convolve", "correlate"):
            out = methods.direct(f, g, np.dtype(dtype), mode, op == "correlate", strategy)
            ref = integer_reference(op, f, g, mode)
            ref = ref.real if np.dtype(dtype).kind == "f" else ref
            assert out.dtype == np.dtype(dtype)
            assert np.array_equal(out, ref), (strategy, f_shape, g_shape, mode, op)


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_flat_sum_without_the_gather(dtype, rng, monkeypatch):
    # beyond plan._GATHER_OUTPUTS kept outputs the flat sum is cut by rows, not
    # gathered by index: with a limit of 0 every case takes that way
    monkeypatch.setattr(plan, "_GATHER_OUTPUTS", 0)
    plan.flat_plan.cache_clear()
    try:
        for f_shape, g_shape, mode in mode_cases():
            if len(f_shape) == 1:
                continue
            f, g = small_ints(rng, f_shape, dtype), small_ints(rng, g_shape, dtype)
            for op in ("convolve", "correlate"):
                out = methods.direct(f, g, np.dtype(dtype), mode, op == "correlate", "flat")
                ref = integer_reference(op, f, g, mode)
                ref = ref.real if np.dtype(dtype).kind == "f" else ref
                assert np.array_equal(out, ref), (f_shape, g_shape, mode, op)
    finally:
        plan.flat_plan.cache_clear()


def test_windows_product_in_chunks(rng, monkeypatch):
    # a tiny chunk forces the window product to run a few output rows at a time
    monkeypatch.setattr(methods, "_WINDOW_CHUNK", 16)
    f, g = small_ints(rng, (4, 4), "float64"), small_ints(rng, (6, 6), "float64")
    for op in ("convolve", "correlate"):
        out = methods.direct(f, g, np.dtype("float64"), "valid", op == "correlate", "windows")
        assert np.array_equal(out, integer_reference(op, f, g, "valid").real)


@pytest.mark.parametrize("dtype", DTYPES)
def test_chunked_dots_equal_the_defining_sum(dtype, rng, monkeypatch):
    # a chunk of 3 samples sends short operands through the chunked sum and
    # leaves a partial last chunk for most lengths, in every mode
    monkeypatch.setattr(methods, "_DOT_CHUNK", 3)
    calls = []
    original = methods._chunked_dots
    monkeypatch.setattr(
        methods, "_chunked_dots", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    pairs = [(7, 11), (11, 7), (9, 9), (4, 5), (5, 4), (10, 12), (13, 4)]
    for m, n in pairs:
        f, g = small_ints(rng, (m,), dtype), small_ints(rng, (n,), dtype)
        for op in ("convolve", "correlate"):
            for mode in MODES:
                ref = integer_reference(op, f, g, mode)
                ref = ref.real if np.dtype(dtype).kind == "f" else ref
                out = methods.direct(f, g, np.dtype(dtype), mode, op == "correlate")
                assert out.dtype == np.dtype(dtype) and out.flags.c_contiguous
                assert np.array_equal(out, ref), (m, n, op, mode)
    assert len(calls) == len(pairs) * 2 * len(MODES)


@pytest.mark.parametrize(
    ("kernel", "signal", "tiled"),
    [
        ((40,), (3000,), (True,)),
        ((5, 7), (700, 600), (True, True)),
        ((3, 2, 2), (600, 5, 4), (True, False, False)),
        ((2, 3, 1), (4, 700, 3), (False, True, False)),
    ],
)
def test_overlap_add_tiles_the_long_axes(kernel, signal, tiled, rng):
    # blocks are at least 256 samples long: only long axes are cut into several
    blocking = plan.oa_plan(signal, kernel)
    assert tuple(blocks > 1 for _, _, blocks in blocking) == tiled
    f, g = rng.standard_normal(kernel), rng.standard_normal(signal)
    for ff, gg in ((f, g), (g, f)):
        out = methods.oa_convolve_full(ff, gg, np.dtype("float64"))
        ref = scipy.signal.fftconvolve(gg, ff)
        assert np.abs(out - ref).max() < 1e-10 * np.abs(ref).max()


@pytest.mark.parametrize("dtype", DTYPES)
def test_overlap_add_in_several_chunks_equals_the_defining_sum(dtype, rng, monkeypatch):
    # a tiny chunk cuts the 1-D blocks into several chunks, the last one
    # zero-padded, and the tails spill across chunk boundaries
    monkeypatch.setattr(methods, "_OA_CHUNK", 600)
    for k, n in [(40, 3000), (129, 5000), (3, 2999)]:
        f, g = small_ints(rng, (k,), dtype), small_ints(rng, (n,), dtype)
        assert plan.oa_block_length(n, k) is not None
        for op in ("convolve", "correlate"):
            out = methods.oa(f, g, np.dtype(dtype), "full", op == "correlate")
            ref = integer_reference(op, f, g, "full")
            ref = ref.real if np.dtype(dtype).kind == "f" else ref
            assert np.abs(out - ref).max() <= TOL[dtype] * np.abs(ref).max(), (k, n, op)


@pytest.mark.parametrize("dtype", [*DTYPES, "int64", "bool"])
@pytest.mark.parametrize("g_shape", [(7,), (3, 5), (2, 3, 4)])
def test_a_one_sample_kernel_scales_the_signal_in_every_mode(g_shape, dtype, rng):
    # one product per output, no dot-product call per output: f[0] g, conj(f[0]) g for ⋆,
    # in every mode and under every method, equal to the exact defining sums
    f_shape = (1,) * len(g_shape)
    g = small_ints(rng, g_shape, dtype)
    for f in (small_ints(rng, f_shape, dtype), np.ones(f_shape, dtype)):
        for mode in MODES:
            for op in ("convolve", "correlate"):
                ref = integer_reference(op, f, g, mode)
                for method in ("auto", "direct", "fft"):
                    out = getattr(convcorr, op)(f, g, mode, method)
                    assert out.shape == g.shape, (mode, op, method)
                    assert np.allclose(out, ref, rtol=0, atol=1e-3), (mode, op, method)


def test_auto_scales_by_a_one_sample_kernel():
    # the direct sum of a one-sample kernel is one pass over the signal: nothing is cheaper
    for g_shape in [(30_021,), (21, 31), (40, 40, 40), (2_000_000,)]:
        f_shape = (1,) * len(g_shape)
        for dtype in DTYPES:
            for mode in MODES:
                picked = costmodel.choose_method(f_shape, g_shape, dtype, mode=mode)
                assert picked == "direct", (g_shape, dtype, mode)


PARTS_SHAPES = [((1,), (1000,)), ((3,), (1500,)), ((8,), (1001,)), ((1200,), (5,))]
PARTS_SHAPES += [((1, 2), (1, 1500)), ((2, 3), (2, 700))]  # N-D: flat, and shift-and-add


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_short_complex_kernels_summed_by_parts_are_exact(dtype, monkeypatch):
    # four real sums (plan.sum_by_parts) instead of one complex one: each output
    # has the same products, so on small integers it is exact, signs and all
    reached = set()
    by_parts = methods._complex_by_parts
    rng = np.random.default_rng(7)
    for f_shape, g_shape in PARTS_SHAPES:
        monkeypatch.setattr(
            methods, "_complex_by_parts", lambda *a, s=f_shape: reached.add(s) or by_parts(*a)
        )
        f, g = small_ints(rng, f_shape, dtype), small_ints(rng, g_shape, dtype)
        for mode in MODES:
            for op in ("convolve", "correlate"):
                out = methods.direct(f, g, np.dtype(dtype), mode, op == "correlate")
                ref = integer_reference(op, f, g, mode)
                assert out.dtype == dtype and out.shape == ref.shape, (f_shape, mode, op)
                assert np.array_equal(out, ref), (f_shape, g_shape, mode, op)
    # the 1-D sums and the N-D flat one take the path; a one-sample kernel
    # (methods._one_tap) and shift-and-add do not
    assert reached == {shape for shape, _ in PARTS_SHAPES[1:5]}
