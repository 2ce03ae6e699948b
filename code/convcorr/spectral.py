"""Cross-spectra of jointly stationary sequences, in the book's conjugate convention.

For jointly wide-sense stationary sequences ``X`` and ``Y`` the book writes, as for ``⋆``,
the conjugate on the first argument::

    R_XY[k] = E[conj(X[n]) Y[n + k]]                    (cross-correlation function)
    S_XY(ν) = Σ_k R_XY[k] exp(−2πiνk),  −1/2 ≤ ν < 1/2  (cross-power spectral density)
    C_XY(ν) = |S_XY(ν)|² / (S_XX(ν) S_YY(ν))            (magnitude-squared coherence)

so that ``Y = h * X + N`` (``N`` independent of ``X``) gives ``S_XY = H · S_XX`` with
``H(ν) = Σ_m h[m] exp(−2πiνm)``, without a conjugate, and ``S_YX = conj(S_XY)``.

* :func:`cross_spectrum`: Welch's estimate of ``S_XY`` (Hann-windowed segments overlapping
  by half, averaged ``conj(X_w) · Y_w``);
* :func:`coherence`: the same estimates combined into ``C_XY``.

The estimates equal ``scipy.signal.csd(x, y, window='hann', nperseg=segment,
noverlap=segment // 2, detrend=False, return_onesided=False)`` (SciPy also conjugates the
FFT of its first argument) after ``numpy.fft.fftshift``. Defined in chapter 3 (The Fourier
side of the continuous identities).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["coherence", "cross_spectrum"]


def _sequence(x: Any, name: str) -> np.ndarray:
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(f"{name} must not be a masked array; received a numpy.ma.MaskedArray")
    arr = np.asarray(x)
    if arr.dtype.kind not in "biufc":
        raise TypeError(
            f"{name} must be a numeric sequence (bool, integer, float or complex); "
            f"received dtype {arr.dtype}"
        )
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; received shape {arr.shape}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise ValueError(f"{name} must be finite; received {arr[bad[0]]!r} at index {int(bad[0])}")
    return arr.astype(np.complex128 if arr.dtype.kind == "c" else np.float64)


def _segments(x: ArrayLike, y: ArrayLike, segment: int) -> tuple[np.ndarray, np.ndarray, int]:
    x = _sequence(x, "x")
    y = _sequence(y, "y")
    if x.size != y.size:
        raise ValueError(
            f"x and y must have the same length; received {x.size} and {y.size} samples"
        )
    if isinstance(segment, bool) or not isinstance(segment, numbers.Integral):
        raise TypeError(f"segment must be an integer; received {segment!r}")
    segment = int(segment)
    if not 2 <= segment <= x.size:
        raise ValueError(
            f"segment must be between 2 and the length of x ({x.size}); received {segment}"
        )
    return x, y, segment


def _windowed_ffts(x: np.ndarray, segment: int) -> tuple[np.ndarray, float]:
    """FFTs of the Hann-windowed segments of ``x`` (hop ``segment // 2``), one per row."""
    n = np.arange(segment)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * n / segment)  # periodic Hann, SciPy's 'hann'
    hop = segment - segment // 2
    starts = np.arange(0, x.size - segment + 1, hop)
    frames = x[starts[:, None] + n[None, :]] * window
    return np.fft.fft(frames, axis=1), np.sum(window**2)


def cross_spectrum(x: ArrayLike, y: ArrayLike, segment: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Welch estimate of the cross-power spectral density ``S_XY(ν)``, conjugate on ``x``.

    Cut ``x`` and ``y`` into segments of ``segment`` samples that overlap by
    ``segment // 2``, multiply each by the periodic Hann window ``w``, and average the
    cross-periodograms::

        S_XY(ν_j) ≈ mean over segments of conj(X_w[j]) · Y_w[j] / Σ_n w[n]²

    where ``X_w[j] = Σ_n w[n] x[s + n] exp(−2πijn / segment)``. Its inverse transform is
    an estimate of ``R_XY[k] = E[conj(X[n]) Y[n + k]]``, the expected value of the book's
    ``(x ⋆ y)[k] / len(x)``; a ``y`` that lags ``x`` by ``D`` samples gives the phase
    ``−2πνD``. No mean is removed.

    Parameters
    ----------
    x, y : array_like, 1-D, same length
        Samples of the two processes (real or complex, finite), at unit sampling rate.
    segment : int, optional
        Samples per segment, ``2 ≤ segment ≤ len(x)``; the frequency resolution is
        about ``2 / segment`` (the Hann main lobe).

    Returns
    -------
    nu : numpy.ndarray of float64, shape (segment,)
        Frequencies in cycles per sample, ascending from ``−1/2`` (``fftshift`` order).
    s_xy : numpy.ndarray of complex128, shape (segment,)
        The estimate at ``nu`` (two-sided, also for real input).

    Raises
    ------
    TypeError
        If ``x`` or ``y`` is not numeric, or ``segment`` is not an integer.
    ValueError
        If ``x`` or ``y`` is not 1-D or not finite, their lengths differ, or ``segment``
        is out of range.

    Notes
    -----
    Defined in chapter 3 (The Fourier side of the continuous identities).
    """
    x, y, segment = _segments(x, y, segment)
    fx, scale = _windowed_ffts(x, segment)
    fy, _ = _windowed_ffts(y, segment)
    s_xy = np.mean(np.conj(fx) * fy, axis=0) / scale
    return np.fft.fftshift(np.fft.fftfreq(segment)), np.fft.fftshift(s_xy)


def coherence(x: ArrayLike, y: ArrayLike, segment: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Welch estimate of the magnitude-squared coherence ``|S_XY|² / (S_XX S_YY)``.

    The three spectra are :func:`cross_spectrum` estimates over the same segments, so
    ``0 ≤ C ≤ 1`` by the Cauchy–Schwarz inequality; ``C = 1`` where ``y`` is a noiseless
    linear filter of ``x``, and ``C = |H|² S_XX / (|H|² S_XX + S_NN)`` for ``Y = h * X + N``.

    Parameters
    ----------
    x, y : array_like, 1-D, same length
        As for :func:`cross_spectrum`.
    segment : int, optional
        As for :func:`cross_spectrum`.

    Returns
    -------
    nu : numpy.ndarray of float64, shape (segment,)
        Frequencies, ascending from ``−1/2``.
    c_xy : numpy.ndarray of float64, shape (segment,)
        The coherence at ``nu``; ``nan`` where ``S_XX`` or ``S_YY`` is zero.

    Raises
    ------
    TypeError, ValueError
        As for :func:`cross_spectrum`.

    Notes
    -----
    Defined in chapter 3 (The Fourier side of the continuous identities).
    """
    nu, s_xy = cross_spectrum(x, y, segment)
    _, s_xx = cross_spectrum(x, x, segment)
    _, s_yy = cross_spectrum(y, y, segment)
    denominator = s_xx.real * s_yy.real
    with np.errstate(divide="ignore", invalid="ignore"):
        c_xy = np.where(denominator > 0, np.abs(s_xy) ** 2 / denominator, np.nan)
    return nu, c_xy
