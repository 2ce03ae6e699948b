"""Tests of convcorr.atlas: the atlas rows, their checks and the defining sums they rest on."""

import functools

import numpy as np
import pytest
import scipy.signal
import sympy

import convcorr
from convcorr import atlas, exact

MODES = ("full", "same", "valid")


@pytest.mark.parametrize("row", atlas.ROWS, ids=lambda r: r.call)
def test_every_row_check_passes(row):
    row.check(np.random.default_rng(7))


@pytest.mark.parametrize(
    ("fs", "gs"), [((3,), (7,)), ((6,), (4,)), ((2, 3), (4, 4)), ((2, 2, 2), (3, 2, 3))]
)
@pytest.mark.parametrize("mode", MODES)
def test_defining_sums_are_the_exact_sums(fs, gs, mode):
    rng = np.random.default_rng(8)
    f = rng.integers(-9, 10, fs) + 1j * rng.integers(-9, 10, fs)
    g = rng.integers(-9, 10, gs) + 1j * rng.integers(-9, 10, gs)
    # the same Gaussian integers as exact SymPy numbers
    sym = np.vectorize(lambda z: int(z.real) + sympy.I * int(z.imag), otypes=[object])
    as_complex = np.vectorize(lambda e: complex(sympy.expand(e)), otypes=[complex])
    want_conv = as_complex(exact.convolve(sym(f), sym(g), mode))
    want_corr = as_complex(exact.correlate(sym(f), sym(g), mode))
    assert np.array_equal(atlas.defining_convolve(f, g, mode), want_conv)
    assert np.array_equal(atlas.defining_correlate(f, g, mode), want_corr)


def test_defining_correlate_conjugates_the_first_argument():
    out = atlas.defining_correlate([1j], [1.0, 2.0, 3.0])
    assert np.array_equal(out, [-1j, -2j, -3j])
    assert np.array_equal(atlas.defining_convolve([1j], [1.0, 2.0]), [1j, 2j])


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        (([1.0], [[1.0]]), ValueError, "same ndim"),
        (([], [1.0]), ValueError, "f must be non-empty"),
        ((["a"], [1.0]), TypeError, "f must have a numeric dtype"),
        (([1.0], [1.0], "middle"), ValueError, "mode must be one of"),
        ((np.ones((1, 3)), np.ones((2, 2)), "valid"), ValueError, "mode 'valid' needs"),
    ],
)
@pytest.mark.parametrize("fn", [atlas.defining_convolve, atlas.defining_correlate])
def test_defining_sums_refuse_bad_input(fn, args, error, words):
    with pytest.raises(error, match=words):
        fn(*args)


def test_ndimage_extension_matches_np_pad_and_refuses_bad_input():
    x = np.arange(1.0, 6.0)
    for nd_mode, pad_mode in atlas.NDIMAGE_TO_NP_PAD.items():
        assert np.array_equal(atlas.ndimage_extension(x, 2, nd_mode), np.pad(x, 2, pad_mode))
    with pytest.raises(ValueError, match="pad must be an int"):
        atlas.ndimage_extension(x, 6, "wrap")
    with pytest.raises(ValueError, match="x must be a 1-D real signal"):
        atlas.ndimage_extension(np.ones((2, 2)), 1, "wrap")


def test_rows_table_and_verify(capsys):
    executed, cited = atlas.rows(status="executed"), atlas.rows(status="cited")
    assert len(executed) + len(cited) == len(atlas.ROWS)
    header, cells = atlas.table("executed")
    assert header == atlas.HEADER and len(cells) == len(executed)
    assert all(len(c) == len(header) for c in cells)
    assert all(r.section in atlas.SECTIONS for r in atlas.ROWS)
    assert atlas.verify("numpy", np.random.default_rng(0)) is None
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(line.startswith("✓ ") for line in lines)
    with pytest.raises(ValueError, match="section must be one of"):
        atlas.rows("octave")
    with pytest.raises(ValueError, match="status must be"):
        atlas.rows(status="maybe")
    with pytest.raises(TypeError, match="rng must be"):
        atlas.verify("numpy", 0)


def test_printed_lines_fit_80_columns():
    for r in atlas.ROWS:
        assert len(f"✓ {r.claim} — against {r.against}") < 80, r.claim


# --- the checks can fail: a wrong library or a wrong convcorr makes them raise ------------


def _row(call_start):
    return next(r for r in atlas.ROWS if r.call.startswith(call_start))


def test_numpy_row_catches_a_numpy_correlate_that_conjugates_both(monkeypatch):
    right = np.correlate

    def wrong(a, v, mode="valid"):
        return right(np.conj(a), v, mode)

    monkeypatch.setattr(np, "correlate", wrong)
    with pytest.raises(AssertionError):
        _row("`numpy.correlate").check(np.random.default_rng(0))


def test_numpy_row_catches_a_doubling_numpy_convolve(monkeypatch):
    right = np.convolve
    monkeypatch.setattr(np, "convolve", lambda a, v, mode="full": 2 * right(a, v, mode))
    with pytest.raises(AssertionError):
        _row("`numpy.convolve").check(np.random.default_rng(0))


def test_scipy_row_catches_convcorr_without_conjugate(monkeypatch):
    right = convcorr.correlate

    @functools.wraps(right)
    def wrong(f, g, mode="full", method="auto"):
        return right(np.conj(f), g, mode, method)

    monkeypatch.setattr(convcorr, "correlate", wrong)
    with pytest.raises(AssertionError):
        _row("`scipy.signal.correlate(").check(np.random.default_rng(0))


def test_lags_row_catches_shifted_convcorr_lags(monkeypatch):
    right = convcorr.correlation_lags
    monkeypatch.setattr(
        convcorr, "correlation_lags", lambda a, b, mode="full": right(a, b, mode) + 1
    )
    with pytest.raises(AssertionError):
        _row("`scipy.signal.correlation_lags").check(np.random.default_rng(0))


def test_padding_row_catches_the_reflect_trap(monkeypatch):
    monkeypatch.setitem(atlas.TORCH_TO_NP_PAD, "reflect", "symmetric")  # ndimage's 'reflect'
    with pytest.raises(AssertionError):
        _row("`torch.nn.Conv2d(padding_mode").check(np.random.default_rng(0))


def test_documented_layer_and_xcorr_validate():
    with pytest.raises(ValueError, match="w no larger than x"):
        atlas.documented_layer(np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="scaleopt must be one of"):
        atlas.matlab_xcorr([1.0, 2.0], [1.0, 2.0], "coeff")
    with pytest.raises(ValueError, match="1-D of one length"):
        atlas.matlab_xcorr([1.0, 2.0], [1.0])
    # the documented layer is SciPy's correlate2d (real data, 'valid'), in SciPy's order
    rng = np.random.default_rng(9)
    x, w = rng.standard_normal((5, 6)), rng.standard_normal((2, 3))
    np.testing.assert_allclose(
        atlas.documented_layer(x, w), scipy.signal.correlate2d(x, w, "valid")
    )
