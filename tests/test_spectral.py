"""convcorr.spectral: Welch cross-spectra with the conjugate on the first argument."""

import numpy as np
import pytest
from scipy import signal

from convcorr import spectral


def _scipy_csd(x, y, segment):
    # SciPy conjugates the FFT of its FIRST argument too ("Pxy is computed with the conjugate
    # FFT of X multiplied by the FFT of Y"), so csd(x, y) is the book's S_XY.
    nu, s = signal.csd(
        x,
        y,
        window="hann",
        nperseg=segment,
        noverlap=segment // 2,
        detrend=False,
        return_onesided=False,
        scaling="density",
    )
    return np.fft.fftshift(nu), np.fft.fftshift(s)


@pytest.mark.parametrize("segment", [2, 7, 64, 255])
@pytest.mark.parametrize("kind", ["real", "complex"])
def test_cross_spectrum_is_scipy_csd_with_x_first(segment, kind):
    rng = np.random.default_rng(segment)
    n = 1000
    x = rng.standard_normal(n)
    y = rng.standard_normal(n)
    if kind == "complex":
        x = x + 1j * rng.standard_normal(n)
        y = y + 1j * rng.standard_normal(n)
    nu, s = spectral.cross_spectrum(x, y, segment)
    nu_ref, s_ref = _scipy_csd(x, y, segment)
    np.testing.assert_allclose(nu, nu_ref, rtol=0, atol=1e-15)
    np.testing.assert_allclose(s, s_ref, rtol=1e-10, atol=1e-12 * np.abs(s_ref).max())
    # the swapped call is the conjugate, and differs (complex data or not)
    _, s_swapped = spectral.cross_spectrum(y, x, segment)
    np.testing.assert_allclose(s_swapped, np.conj(s), rtol=1e-12, atol=1e-14)
    assert np.all(np.diff(nu) > 0) and -0.5 <= nu[0] < -0.5 + 1 / segment


def test_cross_spectrum_is_the_average_cross_periodogram():
    # written out: two segments of 4 with hop 2 over 6 samples, Hann weights [0, .5, 1, .5]
    x = np.array([1.0, -2.0, 0.5, 3.0, -1.0, 2.0])
    y = np.array([0.0, 1.0, 4.0, -1.0, 2.0, 1.0])
    w = np.array([0.0, 0.5, 1.0, 0.5])
    expected = np.zeros(4, complex)
    for start in (0, 2):
        fx = np.array(
            [
                np.sum(w * x[start : start + 4] * np.exp(-2j * np.pi * j * np.arange(4) / 4))
                for j in range(4)
            ]
        )
        fy = np.array(
            [
                np.sum(w * y[start : start + 4] * np.exp(-2j * np.pi * j * np.arange(4) / 4))
                for j in range(4)
            ]
        )
        expected += np.conj(fx) * fy / np.sum(w**2) / 2
    nu, s = spectral.cross_spectrum(x, y, 4)
    np.testing.assert_allclose(nu, [-0.5, -0.25, 0.0, 0.25])
    np.testing.assert_allclose(s, np.fft.fftshift(expected), rtol=1e-13, atol=1e-13)


def test_filtered_process_has_h_times_s_x_without_conjugate():
    # Y = h * X + N with X white of unit variance: S_XY = H, S_YX = conj(H)
    rng = np.random.default_rng(5)
    n = 2**16
    x = rng.standard_normal(n)
    h = np.array([0.0, 0.0, 1.0, 0.5])  # a delay of 2 and a smoothing tap: H is complex
    y = np.convolve(h, x)[:n] + 0.5 * rng.standard_normal(n)
    nu, s_xy = spectral.cross_spectrum(x, y, 64)
    big_h = np.exp(-2j * np.pi * np.outer(nu, np.arange(h.size))) @ h
    assert np.mean(np.abs(s_xy - big_h)) < 0.05
    assert np.mean(np.abs(s_xy - np.conj(big_h))) > 0.5
    _, c = spectral.coherence(x, y, 64)
    expected = np.abs(big_h) ** 2 / (np.abs(big_h) ** 2 + 0.25)
    assert np.max(np.abs(c - expected)) < 0.05


def test_coherence_matches_scipy_and_is_bounded():
    rng = np.random.default_rng(9)
    x = rng.standard_normal(4000) + 1j * rng.standard_normal(4000)
    y = np.convolve([1.0, -0.5j], x)[:4000] + rng.standard_normal(4000)
    _, c = spectral.coherence(x, y, 128)
    # scipy.signal.coherence has no two-sided switch: its definition from three csd calls
    _, s_xy = _scipy_csd(x, y, 128)
    _, s_xx = _scipy_csd(x, x, 128)
    _, s_yy = _scipy_csd(y, y, 128)
    c_ref = np.abs(s_xy) ** 2 / (s_xx.real * s_yy.real)
    np.testing.assert_allclose(c, c_ref, rtol=1e-10, atol=1e-12)
    assert np.all((c >= 0) & (c <= 1 + 1e-12))
    # a noiseless gain is fully coherent (a filter with memory is, up to segment edges)
    _, one = spectral.coherence(x, (2.0 - 1.0j) * x, 128)
    np.testing.assert_allclose(one, 1.0, rtol=0, atol=1e-9)


def test_coherence_is_nan_where_a_spectrum_vanishes():
    x = np.zeros(64)
    _, c = spectral.coherence(x, np.ones(64), 16)
    assert np.all(np.isnan(c))


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        ((np.ones(8), np.ones(9), 4), ValueError, "same length; received 8 and 9"),
        ((np.ones((2, 4)), np.ones((2, 4)), 2), ValueError, "x must be one-dimensional"),
        ((np.ones(8), np.array(["a"] * 8), 4), TypeError, "y must be a numeric"),
        ((np.ones(8), np.ones(8), 9), ValueError, "between 2 and the length of x (8)"),
        ((np.ones(8), np.ones(8), 1), ValueError, "received 1"),
        ((np.ones(8), np.ones(8), 4.0), TypeError, "segment must be an integer"),
        ((np.ones(8), np.ones(8), True), TypeError, "segment must be an integer"),
        ((np.r_[1.0, np.nan, 1, 1], np.ones(4), 2), ValueError, "x must be finite"),
        ((np.ma.masked_array(np.ones(4)), np.ones(4), 2), TypeError, "masked"),
    ],
)
def test_invalid_input_is_refused_with_the_argument_named(args, error, words):
    for fn in (spectral.cross_spectrum, spectral.coherence):
        with pytest.raises(error, match=None) as info:
            fn(*args)
        assert words in str(info.value)
