"""Tests of convcorr.costmodel: prediction, choice, calibration, replacement."""

import json

import numpy as np
import pytest
from conftest import DTYPES

import convcorr
from convcorr import costmodel


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


def test_predict_times_lists_methods_and_is_positive():
    times = costmodel.predict_times((128,), (262144,), "complex128")
    assert set(times) == {"direct", "fft", "oa"}
    assert all(t > 0 for t in times.values())
    assert "oa" not in costmodel.predict_times((64,), (64,), "float64")


def test_prediction_is_the_dot_product_of_features_and_constants():
    c = costmodel.COST_CONSTANTS["float64"]
    times = costmodel.predict_times((100,), (5000,), "float64")
    for method, term in (("direct", "direct_1d"), ("fft", "fft")):
        x = costmodel.features(term, (100,), (5000,), True)
        assert times[method] == pytest.approx(sum(a * b for a, b in zip(c[term], x)))


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


CASES = {
    "direct_1d": [(3, 64), (16, 256), (64, 512)],
    "direct_nd": [((2, 2), (8, 8)), ((3, 3), (16, 16)), ((4, 4), (8, 8))],
    "fft": [(16, 16), (64, 64), (256, 256)],
    "oa": [(16, 2048), (8, 1024), (32, 4096)],
}


def test_calibrate_returns_installable_constants():
    fit = costmodel.calibrate(("float64",), repeats=1, cases=CASES)
    constants, measured = fit  # a named tuple, so it also unpacks
    assert constants is fit.constants
    assert set(constants) == {"float64"}
    assert costmodel.check_constants(constants) == constants
    for term, coef in constants["float64"].items():
        assert len(coef) == costmodel.TERMS[term]
    assert len(measured) == 12
    assert all(t > 0 for *_, t in measured)
    assert {"direct", "fft"} <= set(costmodel.predict_times((3,), (64,), "float64", constants))


def test_constants_cover_every_float_dtype():
    assert set(costmodel.COST_CONSTANTS) == set(DTYPES)
    for table in costmodel.COST_CONSTANTS.values():
        assert {t: len(c) for t, c in table.items()} == costmodel.TERMS


def _direct_always():
    # a model in which the direct sum is free and the FFTs cost a second
    table = {
        "direct_1d": (0, 0, 0, 0),
        "direct_nd": (0, 0, 0),
        "fft": (1, 0, 0, 0),
        "oa": (1, 0, 0),
    }
    return {"float64": table}


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


def test_constants_argument_does_not_install():
    assert costmodel.choose_method((8192,), (8192,), "float64", _direct_always()) == "direct"
    assert costmodel.choose_method((8192,), (8192,), "float64") == "fft"


def test_convolve_auto_follows_installed_constants(monkeypatch):
    calls = []
    real = convcorr.methods.direct
    monkeypatch.setattr(convcorr.methods, "direct", lambda *a: calls.append(1) or real(*a))
    f = np.ones((300, 300))
    with costmodel.use_constants(_direct_always()):
        convcorr.convolve(f[:40, :40], f)
    assert calls


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


def test_load_refuses_other_json(tmp_path):
    path = tmp_path / "other.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a constants file"):
        costmodel.load_constants(path)
