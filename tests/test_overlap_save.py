"""Overlap-save (``method='os'``): its plan, and its results against SciPy and exact sums.

The references are independent of the package: SciPy's direct sums, called with the
signal first as SciPy wants it (``scipy.signal.convolve(g, f, mode)`` is the book's
``f * g``, ``scipy.signal.correlate(g, f, mode)`` its ``f ⋆ g``), and int64 sums of
small integers (exact). The shapes below make overlap-save cut the signal into several
blocks along one, two or three axes, alone or beside axes of one block.
"""

import math

import numpy as np
import pytest
import scipy.fft
import scipy.signal
from conftest import DTYPES, MODES, integer_reference, small_ints, valid_possible

import convcorr
from convcorr import costmodel, methods, plan

#: (f shape, g shape): several blocks on some axis for some mode.
BLOCKED = [
    ((16,), (2000,)),
    ((40,), (3000,)),
    ((3000,), (40,)),  # the kernel argument is the longer: it is cut into blocks
    ((129,), (5000,)),
    ((1,), (700,)),
    ((5, 7), (600, 500)),
    ((3, 40), (600, 8)),  # the smaller operand is the longer on one axis
    ((2, 3, 2), (700, 2, 3)),
]
TOL = {"float32": 2e-5, "complex64": 2e-5, "float64": 1e-12, "complex128": 1e-12}


def cases(shapes=BLOCKED):
    for f_shape, g_shape in shapes:
        for mode in MODES:
            if mode != "valid" or valid_possible(f_shape, g_shape):
                yield f_shape, g_shape, mode


def test_the_blocked_cases_do_cut_into_blocks():
    blocks = {
        (f, g, mode): [b for _, _, b, _, _ in plan.os_plan(f, g, mode)] for f, g, mode in cases()
    }
    assert blocks[(16,), (2000,), "full"] == [9]  # 9 blocks of 256: 23,040 < 7 of 320: 23,117
    assert blocks[(5, 7), (600, 500), "valid"] == [2, 2]
    assert any(max(b) > 1 and min(b) == 1 for b in blocks.values())  # mixed axes
    assert sum(max(b) > 1 for b in blocks.values()) >= 12


@pytest.mark.parametrize(("f_shape", "g_shape", "mode"), list(cases()))
def test_the_plan_tiles_exactly_the_kept_outputs(f_shape, g_shape, mode):
    _, small = plan.large_small(f_shape, g_shape)
    for axis, (lb, step, blocks, first, discard) in enumerate(plan.os_plan(f_shape, g_shape, mode)):
        m, n, k = f_shape[axis], g_shape[axis], small[axis]
        s, length = plan.kept_range(m, n, mode)
        # the blocks' clean samples cover the kept outputs, the last block only partly
        assert (blocks - 1) * step < length <= blocks * step
        assert discard + step <= lb
        # circular output j of a block is full output first + j: the first kept is s
        assert first + discard == s
        whole = plan.circular_shape((m,), (n,), mode, True)[0]
        if lb == whole:  # one block: the circular length of the plain FFT
            assert (blocks, first, discard, step) == (1, 0, s, length)
        else:  # blocks discard exactly the K - 1 wrapped samples
            assert discard == k - 1 and step == lb - k + 1 and k <= lb < whole
        # no transform is longer than the one the integer guard's bound assumes
        assert lb <= scipy.fft.next_fast_len(m + n - 1, real=True)


@pytest.mark.parametrize("op", ["convolve", "correlate"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_overlap_save_equals_scipys_direct_sum(dtype, op, rng):
    sums = scipy.signal.correlate if op == "correlate" else scipy.signal.convolve
    for f_shape, g_shape, mode in cases():
        f = rng.standard_normal(f_shape) + 1j * rng.standard_normal(f_shape)
        g = rng.standard_normal(g_shape) + 1j * rng.standard_normal(g_shape)
        if np.dtype(dtype).kind == "f":
            f, g = f.real, g.real
        f, g = f.astype(dtype), g.astype(dtype)
        # SciPy's order: the signal first (its correlate conjugates the second argument)
        ref = sums(g.astype(complex), f.astype(complex), mode, method="direct")
        out = methods.overlap_save(f, g, np.dtype(dtype), mode, op == "correlate")
        where = (f_shape, g_shape, mode)
        assert out.shape == ref.shape and out.dtype == np.dtype(dtype), where
        scale = np.linalg.norm(f) * np.linalg.norm(g)  # the FFT's error scale
        assert np.abs(out - ref).max() <= TOL[dtype] * scale, where


@pytest.mark.parametrize("op", ["convolve", "correlate"])
def test_overlap_save_rounds_to_the_exact_integer_sums(op, rng):
    for f_shape, g_shape, mode in cases():
        f, g = small_ints(rng, f_shape, "complex128"), small_ints(rng, g_shape, "complex128")
        out = methods.overlap_save(f, g, np.dtype("complex128"), mode, op == "correlate")
        ref = integer_reference(op, f, g, mode)
        assert np.abs(out - ref).max() < 1e-6, (f_shape, g_shape, mode)
        assert np.array_equal(np.round(out), ref), (f_shape, g_shape, mode)


def test_method_os_is_exact_for_integers_through_the_public_functions(rng):
    # 24-bit operands: the plain FFT no longer rounds to the exact sums, so the
    # guard computes overlap-save on narrow limbs and adds them in int64
    a = rng.integers(-(2**23), 2**23, 2**12)
    b = rng.integers(-(2**23), 2**23, 2**12)
    plain = methods.overlap_save(a, b, np.dtype("float64"))
    assert not np.array_equal(np.rint(plain), np.convolve(a, b))
    for mode in MODES:
        conv = scipy.signal.convolve(b, a, mode, method="direct")  # int64, exact
        corr = scipy.signal.correlate(b, a, mode, method="direct")
        assert np.array_equal(convcorr.convolve(a, b, mode, "os"), conv.astype(float))
        assert np.array_equal(convcorr.correlate(a, b, mode, "os"), corr.astype(float))
    image = rng.integers(-9, 10, (300, 280))
    kernel = rng.integers(-9, 10, (5, 3))
    assert np.array_equal(
        convcorr.convolve(kernel, image, "same", method="os"),
        scipy.signal.convolve(image, kernel, "same", method="direct").astype(float),
    )


def test_overlap_save_refuses_what_every_method_refuses():
    with pytest.raises(ValueError, match=r"g must be finite; received nan at index \(3,\)"):
        convcorr.convolve([1.0, 2.0], [0.0, 1.0, 2.0, np.nan], method="os")
    with pytest.raises(ValueError, match=r"mode='valid' needs one operand"):
        convcorr.correlate(np.ones((5, 2)), np.ones((2, 6)), "valid", method="os")
    with pytest.raises(ValueError, match=r"method must be one of .*'os'; received 'save'"):
        convcorr.convolve([1.0], [1.0], method="save")


def test_auto_never_chooses_overlap_save():
    for k in (1, 8, 64, 512):
        for n in (100, 10_000, 1_000_000):
            for mode in MODES:
                assert costmodel.choose_method((k,), (n,), "float64", mode=mode) != "os"


def test_overlap_save_reads_each_signal_sample_into_at_most_two_blocks_per_axis():
    # consecutive blocks overlap by K - 1 samples, fewer than a step when Lb >= 2 (K - 1)
    for f_shape, g_shape, mode in cases():
        _, small = plan.large_small(f_shape, g_shape)
        for (lb, step, blocks, _, _), k in zip(plan.os_plan(f_shape, g_shape, mode), small):
            if blocks > 1:
                assert lb - step == k - 1 <= step
                assert math.ceil(lb / step) <= 2
