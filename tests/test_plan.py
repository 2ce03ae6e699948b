"""Tests of convcorr.plan: the shape arithmetic of the modes and the algorithms.

Each count or length is compared with an independent statement of it: exact
integer convolutions (SciPy's direct sums in int64) of arrays of ones and of
deltas, and brute force over the candidates a docstring promises.
"""

import math

import numpy as np
import pytest
import scipy.fft
import scipy.signal
from conftest import MODES, SHAPES, mode_cases, valid_possible

from convcorr import plan


def int_convolve(f, g, mode):
    """Exact ``f * g`` of integer arrays: SciPy's direct sum in int64 (kernel second)."""
    return scipy.signal.convolve(g, f, mode, method="direct")


def test_kept_slices_cut_the_full_output_as_scipy_does():
    rng = np.random.default_rng(1)
    for f_shape, g_shape, mode in mode_cases():
        f, g = rng.integers(-8, 9, f_shape), rng.integers(-8, 9, g_shape)
        full = int_convolve(f, g, "full")
        assert full.shape == plan.full_shape(f_shape, g_shape)
        kept = full[plan.mode_slices(f_shape, g_shape, mode)]
        assert np.array_equal(kept, int_convolve(f, g, mode)), (f_shape, g_shape, mode)
        assert kept.shape == plan.kept_shape(f_shape, g_shape, mode)


def test_an_impossible_valid_is_refused_and_a_possible_one_is_not():
    assert not plan.mode_possible((2, 5), (5, 2), "valid")
    with pytest.raises(ValueError, match=r"mode='valid' needs one operand"):
        plan.mode_slices((2, 5), (5, 2), "valid")
    assert plan.mode_possible((2, 5), (2, 6), "valid") and plan.mode_possible((7,), (3,), "valid")
    assert plan.mode_possible((2, 5), (5, 2), "same") and plan.mode_possible((2, 5), (5, 2), "full")
    for f_shape, g_shape in SHAPES:
        assert plan.mode_possible(f_shape, g_shape, "valid") == valid_possible(f_shape, g_shape)


def test_kept_products_counts_the_terms_of_the_kept_outputs():
    for f_shape, g_shape, mode in mode_cases():
        ones = int_convolve(np.ones(f_shape, int), np.ones(g_shape, int), mode)
        assert plan.kept_products(f_shape, g_shape, mode) == int(ones.sum())
        assert plan.kept_outputs(f_shape, g_shape, mode) == ones.size


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
            if not int_convolve(*pair, mode).any():
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
            got = plan.kept_outputs_read_every_input(f_shape, g_shape, mode)
            assert got == reaches_every_input(f_shape, g_shape, mode), (f_shape, g_shape, mode)
            answers.add(got)
    assert answers == {True, False}


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
    (got,) = plan.circular_shape((f_len,), (g_len,), mode, real=True)
    assert got == scipy.fft.next_fast_len(clean, real=True)


def block_cost(lb):
    """``Lb (log2 Lb + 2 + 16 (log2 Lb - 12)^+)``, as the docstring of ``block_cost`` states it."""
    return lb * (math.log2(lb) + 2 + 16 * max(0, math.log2(lb) - 12))


def cheapest_block(n, k):
    """The block length the docstring of ``oa_block_length`` promises, by brute force.

    Candidates ``2**p * {1, 3, 5}`` up to ``2**20``, at least ``max(2 (k - 1), 256)``
    and shorter than one whole FFT; the cost ``ceil(n / (Lb - k + 1)) block_cost(Lb)``
    is minimised, the shortest length winning ties; ``None`` when no candidate
    beats the whole FFT's ``block_cost(L)``.
    """
    whole = scipy.fft.next_fast_len(n + k - 1, real=True)
    candidates = [c for c in {2**p * m for p in range(4, 21) for m in (1, 3, 5)} if c <= 2**20]
    costs = [
        (-(-n // (lb - k + 1)) * block_cost(lb), lb)
        for lb in candidates
        if max(2 * (k - 1), 256) <= lb < whole
    ]
    best = min(costs, default=None)
    if best is None or best[0] >= block_cost(whole):
        return None
    return best[1]


def test_oa_block_length_is_the_cheapest_admissible_length():
    # pinned: the first admissible length (256) would be wrong for each, and the
    # former rule, Lb (log2 Lb + 4), chose 12288 for the third
    assert plan.oa_block_length(1_000_000, 100) == 1024
    assert plan.oa_block_length(2**18, 128) == 1280
    assert plan.oa_block_length(100_000, 1000) == 4096
    assert plan.oa_block_length(64, 64) is None
    for n in (300, 1000, 4096, 5000, 65536, 10**6):
        for k in (1, 2, 3, 40, 129, 300, 1000, 4000):
            assert plan.oa_block_length(n, k) == cheapest_block(n, k), (n, k)


def test_oa_plan_blocks_cover_the_signal():
    for large, small in [((3000,), (40,)), ((700, 600), (5, 7)), ((600, 5, 4), (3, 2, 2))]:
        for (lb, step, blocks), n, k in zip(plan.oa_plan(large, small), large, small):
            assert step * blocks >= n and step * (blocks - 1) < n  # no block is wasted
            assert lb >= step + k - 1  # a block's full output fits its FFT
            assert lb == (step + k - 1 if blocks > 1 else scipy.fft.next_fast_len(n + k - 1, True))


def test_direct_plan_picks_each_strategy_where_it_pays():
    assert plan.direct_plan((2, 2), (10, 10), "full", True)[0] == "flat"
    assert plan.direct_plan((3, 3), (256, 256), "same", True)[:2] == ("shift", 9)
    assert plan.direct_plan((60, 60), (64, 64), "valid", True)[:2] == ("windows", 1)
    assert plan.direct_plan((2, 2), (10, 10), "full", True, flat=False)[0] == "shift"


def test_flat_lengths_cover_the_kept_outputs():
    # the flat 'valid' sum yields at least one output per kept output
    for f_shape, g_shape, mode in mode_cases():
        lk, lp = plan.flat_lengths(f_shape, g_shape, mode)
        assert lp - lk + 1 >= plan.kept_outputs(f_shape, g_shape, mode)
        assert lk <= lp


def five_smooth(n):
    for p in (2, 3, 5):
        while n % p == 0:
            n //= p
    return n == 1


def test_fast_length_is_the_cheapest_five_smooth_length_by_its_formula():
    # brute force over [n, 1.2 n] with the cost the docstring states
    c = plan.REAL_FFT_COST

    def cost(length):
        e3 = e5 = 0
        rest = length
        while rest % 3 == 0:
            rest, e3 = rest // 3, e3 + 1
        while rest % 5 == 0:
            rest, e5 = rest // 5, e5 + 1
        log_len = math.log2(length)
        per_sample = c["c0"] + c["c1"] * log_len + c["c3"] * e3 + c["c5"] * e5
        return length * (per_sample + c["cs"] * max(0.0, log_len - 16))

    for n in (4096, 4097, 5000, 34716, 64392, 100_000, 262_241, 1_000_003, 3_240_947):
        candidates = [m for m in range(n, int(1.2 * n) + 1) if five_smooth(m)]
        assert plan.fast_length(n, True) == min(candidates, key=cost), n


def test_fast_length_is_scipys_for_short_and_complex_data():
    for n in (1, 7, 100, 1099, 4095, 4096, 10_000, 262_241):
        assert plan.fast_length(n, False) == scipy.fft.next_fast_len(n, real=False)
        if n < plan.FAST_LENGTH_FROM:
            assert plan.fast_length(n, True) == scipy.fft.next_fast_len(n, real=True)
    # measured faster than SciPy's shortest length (tools of issue 21: rfft + irfft pairs)
    assert scipy.fft.next_fast_len(64392, real=True) == 64800
    assert plan.fast_length(64392, True) == 65536


def test_circular_shape_takes_the_fast_length():
    for f_len, g_len, mode in [
        (5000, 30000, "full"),
        (300, 40000, "same"),
        (40000, 39000, "valid"),
    ]:
        clean = f_len + g_len - 1 - plan.kept_range(f_len, g_len, mode)[0]
        assert plan.circular_shape((f_len,), (g_len,), mode, True) == (
            plan.fast_length(clean, True),
        )
        assert plan.circular_shape((f_len,), (g_len,), mode, False) == (
            scipy.fft.next_fast_len(clean, real=False),
        )
