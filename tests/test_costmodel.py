"""Tests of convcorr.costmodel: features, prediction, choice, and replacing the constants."""

import json
import math

import numpy as np
import pytest
import scipy.fft
from conftest import DTYPES, MODES

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


def _direct_always():
    # a model in which the direct sum is free and the FFTs cost a second
    table = {
        "direct_1d": (0, 0, 0, 0),
        "direct_nd": (0, 0, 0),
        "fft": (1, 0, 0, 0),
        "oa": (1, 0, 0),
    }
    return {"float64": table}


def test_constants_cover_every_float_dtype():
    assert set(costmodel.COST_CONSTANTS) == set(DTYPES)
    for table in costmodel.COST_CONSTANTS.values():
        assert {t: len(c) for t, c in table.items()} == costmodel.TERMS
    assert costmodel.check_constants(costmodel.COST_CONSTANTS) == costmodel.COST_CONSTANTS


def test_use_constants_changes_auto_and_restores_it():
    shapes = ((8192,), (8192,))
    assert costmodel.choose_method(*shapes, "float64") == "fft"  # fills the cache
    with costmodel.use_constants(_direct_always()) as active:
        assert active == _direct_always()
        assert costmodel.current_constants() == _direct_always()
        assert costmodel.choose_method(*shapes, "float64") == "direct"
        assert costmodel.choose_method(*shapes, "complex128") == "direct"  # priced as float64
    assert costmodel.current_constants() == costmodel.COST_CONSTANTS
    assert costmodel.choose_method(*shapes, "float64") == "fft"


def test_install_constants_holds_until_replaced():
    shapes = ((8192,), (8192,))
    previous = costmodel.install_constants(_direct_always())
    try:
        assert previous == costmodel.COST_CONSTANTS
        assert costmodel.choose_method(*shapes, "float64") == "direct"
    finally:
        costmodel.install_constants(previous)
    assert costmodel.choose_method(*shapes, "float64") == "fft"


def test_constants_argument_does_not_install():
    kwargs = {"constants": _direct_always()}
    assert costmodel.choose_method((8192,), (8192,), "float64", **kwargs) == "direct"
    assert costmodel.choose_method((8192,), (8192,), "float64") == "fft"


def test_convolve_auto_follows_installed_constants(monkeypatch):
    calls = []
    real = methods.ALGORITHMS["direct"]
    monkeypatch.setitem(methods.ALGORITHMS, "direct", lambda *a: calls.append(1) or real(*a))
    f = np.ones((300, 300))
    with costmodel.use_constants(_direct_always()):
        convcorr.convolve(f[:40, :40], f)
    assert calls


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ({}, "non-empty dict"),
        ({"int64": {}}, "constants dtype"),
        ({"float64": {"fft": (1, 0, 0, 0)}}, "must have the terms"),
        ({"float64": {**_direct_always()["float64"], "fft": (1, 0)}}, r"\['fft'\] must be 4"),
        ({"float64": {**_direct_always()["float64"], "oa": (-1, 0, 0)}}, "non-negative"),
    ],
)
def test_malformed_constants_are_refused(bad, words):
    with pytest.raises(ValueError, match=words):
        costmodel.install_constants(bad)
    assert costmodel.current_constants() == costmodel.COST_CONSTANTS


def test_calibrate_fits_cases_in_every_mode_into_installable_constants():
    cases = {
        "direct_1d": [(3, 64), (16, 256, "same"), (60, 64, "valid")],
        "direct_nd": [((2, 2), (8, 8)), ((3, 3), (16, 16), "same"), ((7, 7), (8, 8), "valid")],
        "fft": [(16, 16), (64, 64, "same"), (256, 256, "valid")],
        "oa": [(16, 2048), (8, 1024, "same"), (32, 4096, "valid")],
    }
    fit = costmodel.calibrate(("float64",), repeats=1, cases=cases)
    constants, measured = fit  # a named tuple, so it also unpacks
    assert constants is fit.constants
    assert set(constants) == {"float64"}
    assert costmodel.check_constants(constants) == constants
    assert len(measured) == 12
    assert {m[4] for m in measured} == set(MODES)
    assert all(t > 0 for *_, t in measured)
    shapes = ((3,), (64,), "float64")
    assert {"direct", "fft"} <= set(costmodel.predict_times(*shapes, constants=constants))


def test_save_and_load_record_the_machine(tmp_path):
    path = tmp_path / "constants.json"
    costmodel.save_constants(_direct_always(), path)
    record = json.loads(path.read_text())
    assert record["machine"]["numpy"] == np.__version__
    assert {"cpu", "cores", "platform", "measured"} <= set(record["machine"])
    loaded, machine = costmodel.load_constants(path, with_machine=True)
    assert loaded == _direct_always()
    assert machine == record["machine"]
    with costmodel.use_constants(path):
        assert costmodel.choose_method((8192,), (8192,), "float64") == "direct"
    assert costmodel.choose_method((8192,), (8192,), "float64") == "fft"


def test_load_refuses_other_json(tmp_path):
    path = tmp_path / "other.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a constants file"):
        costmodel.load_constants(path)
