"""Tests of convcorr.calibration: fitting the cost model, and constants kept in files."""

import json

import numpy as np
import pytest
from conftest import MODES, direct_always

import convcorr
from convcorr import calibration, costmodel


def test_calibrate_fits_cases_in_every_mode_into_installable_constants():
    cases = {
        "direct_1d": [(3, 64), (16, 256, "same"), (60, 64, "valid")],
        "direct_nd": [((2, 2), (8, 8)), ((3, 3), (16, 16), "same"), ((7, 7), (8, 8), "valid")],
        "fft": [(16, 16), (64, 64, "same"), (256, 256, "valid")],
        "oa": [(16, 2048), (8, 1024, "same"), (32, 4096, "valid")],
    }
    fit = calibration.calibrate(("float64",), repeats=1, cases=cases)
    constants, measured = fit  # a named tuple, so it also unpacks
    assert constants is fit.constants
    assert set(constants) == {"float64"}
    assert costmodel.check_constants(constants) == constants
    assert len(measured) == 12
    assert {m[4] for m in measured} == set(MODES)
    assert all(t > 0 for *_, t in measured)
    shapes = ((3,), (64,), "float64")
    assert {"direct", "fft"} <= set(costmodel.predict_times(*shapes, constants=constants))


def test_calibrate_through_a_call_times_the_call():
    # the committed constants price a whole public call: calibrate times the
    # function it is given, except where the call would run another N-D
    # strategy than direct_nd prices (the 'flat' one)
    cases = {
        "direct_1d": [(3, 64), (16, 256, "same")],
        "direct_nd": [((2, 2), (3, 3)), ((3, 3), (256, 256))],
        "fft": [(16, 16), ((3, 3), (16, 16), "valid")],
        "oa": [(16, 2048), (8, 1024, "same")],
    }
    seen = []

    def call(f, g, mode, method):
        seen.append((f.shape, g.shape, mode, method))
        return convcorr.convolve(f, g, mode, method)

    fit = calibration.calibrate(("float64",), repeats=1, cases=cases, call=call)
    assert costmodel.check_constants(fit.constants) == fit.constants
    called = set(seen)
    assert ((3,), (64,), "full", "direct") in called
    assert ((3, 3), (256, 256), "full", "direct") in called  # shift-and-add, as priced
    assert ((2, 2), (3, 3), "full", "direct") not in called  # 'flat': the algorithm
    assert ((3, 3), (16, 16), "valid", "fft") in called
    assert ((8,), (1024,), "same", "oa") in called


def test_best_time_returns_one_time_per_function():
    calls = []
    times = calibration.best_time([lambda: calls.append("a"), lambda: calls.append("b")], 3)
    assert len(times) == 2 and all(t > 0 for t in times)
    assert calls.count("a") >= 5 and calls.count("b") >= 5  # 2 probes, 3 batches


def test_save_and_load_record_the_machine(tmp_path):
    path = tmp_path / "constants.json"
    calibration.save_constants(direct_always(), path)
    record = json.loads(path.read_text())
    assert record["machine"]["numpy"] == np.__version__
    assert {"cpu", "cores", "platform", "measured"} <= set(record["machine"])
    loaded, machine = calibration.load_constants(path, with_machine=True)
    assert loaded == direct_always()
    assert machine == record["machine"]
    with costmodel.use_constants(calibration.load_constants(path)):
        assert costmodel.choose_method((8192,), (8192,), "float64") == "direct"
    assert costmodel.choose_method((8192,), (8192,), "float64") == "fft"


def test_load_refuses_other_json(tmp_path):
    path = tmp_path / "other.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a constants file"):
        calibration.load_constants(path)


def test_save_refuses_malformed_constants(tmp_path):
    with pytest.raises(TypeError, match=r"\['fft'\] must be a tuple"):
        calibration.save_constants(
            {"float64": {**direct_always()["float64"], "fft": "1234"}}, tmp_path / "x"
        )
    assert not (tmp_path / "x").exists()
