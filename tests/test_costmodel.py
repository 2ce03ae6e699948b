"""Tests of convcorr.costmodel: features, prediction, choice, and replacing the constants."""

import math
import threading

import numpy as np
import pytest
import scipy.fft
from conftest import DTYPES, MODES, direct_always

import convcorr
from convcorr import costmodel, methods, plan


@pytest.mark.parametrize("dtype", DTYPES)
def test_choose_method_clear_cases(dtype):
    assert costmodel.choose_method((3,), (64,), dtype) == "direct"
    assert costmodel.choose_method((2, 2), (8, 8), dtype) == "direct"
    assert costmodel.choose_method((8192,), (8192,), dtype) == "fft"
    assert costmodel.choose_method((200, 200), (200, 200), dtype) == "fft"
    assert costmodel.choose_method((500,), (2_000_000,), dtype) == "oa"


def test_choose_method_is_symmetric_in_the_operands():
    for a, b in [((3,), (1000,)), ((128,), (65536,)), ((4096,), (100,))]:
        assert costmodel.choose_method(a, b, "float64") == costmodel.choose_method(b, a, "float64")


def test_prediction_is_the_table_formula_for_every_method():
    # the formulas of COST_CONSTANTS' documentation, written out for 1-D 'full'
    c = costmodel.COST_CONSTANTS["complex128"]
    k, n = 128, 262144
    times = costmodel.predict_times((k,), (n,), "complex128")
    assert set(times) <= set(methods.ALGORITHMS)
    d = c["direct_1d"]  # complex: no unrolled loop; n + k - 1 outputs, n k products
    assert times["direct"] == pytest.approx(d[0] + d[2] * (n + k - 1) + d[3] * n * k)
    size = scipy.fft.next_fast_len(n + k - 1, real=False)
    e = c["fft"]
    fft = e[0] + e[1] * size * math.log2(size) + e[2] * size
    assert times["fft"] == pytest.approx(fft + e[3] * size * (math.log2(size) - 16))
    lb = plan.oa_block_length(n, k)
    blocks = -(-n // (lb - k + 1))
    o = c["oa"]
    oa = o[0] + o[1] * blocks * lb * math.log2(lb) + o[2] * (blocks * lb + n + k - 1)
    assert times["oa"] == pytest.approx(oa)
    assert "oa" not in costmodel.predict_times((64,), (64,), "float64")  # one block


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
    assert x[3] == plan.kept_products((100,), (5000,), mode)
    x = costmodel.features("fft", (100,), (5000,), True, mode)
    size = math.prod(plan.circular_shape((100,), (5000,), mode, True))
    assert x[1] == pytest.approx(size * math.log2(size))


def test_nd_fft_features_count_only_the_transformed_axes():
    # methods.fft transforms the axes where both operands have more than one
    # sample; along the others the spectra broadcast (written out here)
    f_shape, g_shape = (13, 1, 5), (285, 84, 1)
    circular = plan.circular_shape(f_shape, g_shape, "same", True)
    size = circular[0] * 84 * 5  # 84 and 5: the broadcast axes keep their length
    x = costmodel.features("fft", f_shape, g_shape, True, "same")
    assert x == pytest.approx((1, size * math.log2(circular[0]), size, 0))
    # no axis transformed: the fixed cost once, and a product per sample
    assert costmodel.features("fft", (1, 1), (40, 30), True) == (1, 0, 1200, 0)
    # spilling out of the cache follows the longest transform, not the array
    x = costmodel.features("fft", (7, 7), (512, 512), True, "same")
    assert x[3] == 0 and x[2] > 2**18
    n = 2**20
    assert costmodel.features("fft", (n,), (n,), True)[3] > 0


def test_nd_overlap_add_adds_its_blocks_back_one_axis_at_a_time():
    f_shape, g_shape = (15, 15), (1024, 1024)
    blocking = plan.oa_plan(g_shape, f_shape)
    blocks = math.prod(b for _, _, b in blocking)
    lb = math.prod(length for length, _, _ in blocking)
    x = costmodel.features("oa", f_shape, g_shape, True)
    assert x == pytest.approx((2, blocks * lb * math.log2(lb), 2 * blocks * lb + 1038**2))


def test_a_flat_nd_direct_sum_is_its_1d_sum_plus_the_nd_fixed_cost():
    f_shape, g_shape = (2, 3), (5, 4)
    assert plan.direct_plan(f_shape, g_shape, "full", True)[0] == "flat"
    c = costmodel.COST_CONSTANTS["float64"]
    lk, lp = plan.flat_lengths(f_shape, g_shape, "full")
    x = costmodel.features("direct_1d", (lk,), (lp,), True, "valid")
    expected = sum(a * b for a, b in zip(c["direct_1d"], x)) + c["direct_nd"][0]
    got = costmodel.predict_times(f_shape, g_shape, "float64")["direct"]
    assert got == pytest.approx(expected)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_auto_takes_the_fft_for_a_7x7_filter_on_a_512x512_image(dtype):
    # issue 21: the direct sum took 19.0 ms (float64) and 8.2 ms (float32)
    # where the FFT path took 7.4 and 2.5 ms; the model priced the 2-D FFT as
    # if its 268,324 samples were one transform spilling out of the cache
    assert costmodel.choose_method((7, 7), (512, 512), dtype, mode="same") == "fft"


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
        costmodel.choose_method(*args)


def test_choose_method_rejects_an_impossible_valid_and_an_unknown_mode():
    with pytest.raises(ValueError, match="valid"):
        costmodel.choose_method((3, 5), (5, 3), "float64", mode="valid")
    with pytest.raises(ValueError, match="mode"):
        costmodel.predict_times((3,), (5,), "float64", mode="middle")


@pytest.mark.parametrize("func", [costmodel.predict_times, costmodel.choose_method])
def test_a_mode_in_the_dtype_place_is_named(func):
    # the first call people try: the mode third, where dtype goes
    expected = r"dtype must be one of .*; received 'full' \(mode is keyword-only: mode='full'\)"
    with pytest.raises(TypeError, match=expected):
        func((64,), (100000,), "full")
    with pytest.raises(TypeError, match="positional"):
        func((64,), (100000,), "float64", None, "same")
    assert func((64,), (100000,), "float64", mode="same")


def test_constants_cover_every_float_dtype():
    assert set(costmodel.COST_CONSTANTS) == set(DTYPES)
    for table in costmodel.COST_CONSTANTS.values():
        assert {t: len(c) for t, c in table.items()} == costmodel.TERMS
    assert costmodel.check_constants(costmodel.COST_CONSTANTS) == costmodel.COST_CONSTANTS


def test_use_constants_changes_auto_and_restores_it():
    shapes = ((8192,), (8192,))
    assert costmodel.choose_method(*shapes, "float64") == "fft"  # fills the cache
    with costmodel.use_constants(direct_always()) as active:
        assert active == direct_always()
        assert costmodel.current_constants() == direct_always()
        assert costmodel.choose_method(*shapes, "float64") == "direct"
        assert costmodel.choose_method(*shapes, "complex128") == "direct"  # priced as float64
    assert costmodel.current_constants() == costmodel.COST_CONSTANTS
    assert costmodel.choose_method(*shapes, "float64") == "fft"


def test_install_constants_holds_until_replaced():
    shapes = ((8192,), (8192,))
    previous = costmodel.install_constants(direct_always())
    try:
        assert previous == costmodel.COST_CONSTANTS
        assert costmodel.choose_method(*shapes, "float64") == "direct"
    finally:
        costmodel.install_constants(previous)
    assert costmodel.choose_method(*shapes, "float64") == "fft"


def test_constants_argument_does_not_install():
    kwargs = {"constants": direct_always()}
    assert costmodel.choose_method((8192,), (8192,), "float64", **kwargs) == "direct"
    assert costmodel.choose_method((8192,), (8192,), "float64") == "fft"


def test_convolve_auto_follows_installed_constants(monkeypatch):
    calls = []
    real = methods.ALGORITHMS["direct"]
    monkeypatch.setitem(methods.ALGORITHMS, "direct", lambda *a: calls.append(1) or real(*a))
    f = np.ones((300, 300))
    with costmodel.use_constants(direct_always()):
        convcorr.convolve(f[:40, :40], f)
    assert calls


def test_use_constants_blocks_interleaved_across_threads_restore_each_their_own():
    # A enters, B enters, A leaves, B leaves: with one process-wide slot B would
    # restore A's constants for good, and A would price with B's in between
    a_entered, b_entered, a_left = threading.Event(), threading.Event(), threading.Event()
    seen = {}
    b_table = {"complex128": direct_always()["float64"]}

    def thread_a():
        with costmodel.use_constants(direct_always()):
            a_entered.set()
            b_entered.wait(5)
            seen["a inside"] = costmodel.current_constants()
        a_left.set()

    def thread_b():
        a_entered.wait(5)
        with costmodel.use_constants(b_table):
            b_entered.set()
            a_left.wait(5)
            seen["b inside"] = costmodel.current_constants()
        seen["b after"] = costmodel.current_constants()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen["a inside"] == direct_always()
    assert seen["b inside"] == b_table
    assert seen["b after"] == costmodel.COST_CONSTANTS
    assert costmodel.current_constants() == costmodel.COST_CONSTANTS
    assert costmodel.choose_method((8192,), (8192,), "float64") == "fft"


def _with(term, coef):
    return {"float64": {**direct_always()["float64"], term: coef}}


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        ({}, ValueError, "non-empty dict"),
        ([1, 2], TypeError, "constants must be a dict"),
        ("mine.json", TypeError, "calibration.load_constants"),
        ({"int64": {}}, ValueError, "constants dtype"),
        ({"float64": {"fft": (1, 0, 0, 0)}}, ValueError, "must have the terms"),
        (_with("fft", (1, 0)), ValueError, r"\['fft'\] must be 4"),
        (_with("oa", (-1, 0, 0)), ValueError, "non-negative"),
        (_with("fft", "1234"), TypeError, r"constants\['float64'\]\['fft'\] must be a tuple"),
        (_with("fft", {1: 0, 2: 0, 3: 0, 4: 0}), TypeError, r"\['fft'\] must be a tuple"),
        (_with("oa", (True, 0, 0)), TypeError, r"\['oa'\] must hold real numbers.*bool"),
        (_with("oa", (None, 0, 0)), TypeError, r"\['oa'\] must hold real numbers.*None"),
        (_with("oa", ("1", 0, 0)), TypeError, r"\['oa'\] must hold real numbers.*str"),
    ],
)
def test_malformed_constants_are_refused(bad, error, words):
    with pytest.raises(error, match=words):
        costmodel.install_constants(bad)
    with pytest.raises(error, match=words):
        costmodel.check_constants(bad)
    assert costmodel.current_constants() == costmodel.COST_CONSTANTS


def test_coefficients_may_be_lists_and_numpy_numbers():
    table = {t: list(c) for t, c in direct_always()["float64"].items()}
    table["fft"] = np.array([1.0, 0, 0, 0])
    table["oa"] = (np.float32(1), np.int64(0), 0)
    assert costmodel.check_constants({"float64": table}) == direct_always()
